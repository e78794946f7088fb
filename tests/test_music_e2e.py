"""giggle-generation-music end to end: the three modes, several songs per task, failures, faults."""

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT, TEST_KEY, sim_cli

MUSIC_SCRIPT = ROOT / "skills" / "giggle-generation-music" / "scripts" / "generate_music.py"
MUSIC_PATH = "/api/v1/generation/generate-music"


@pytest.fixture
def music_cli(sim, artifacts, tmp_path):
    return sim_cli(MUSIC_SCRIPT, sim, artifacts, tmp_path)


def submits(sim):
    return [r for r in sim.requests if r.method == "POST"]


def is_mp3(data):
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def assert_two_songs(doc):
    assert doc["status"] == "succeeded" and doc["error"] is None and doc["next"] is None
    assert len(doc["outputs"]) == 2
    paths = [Path(out["path"]) for out in doc["outputs"]]
    assert len(set(paths)) == 2 and len({out["url"] for out in doc["outputs"]}) == 2
    for out, path in zip(doc["outputs"], paths):
        assert out["kind"] == "audio" and out["content_type"] == "audio/mpeg"
        assert path.suffix == ".mp3" and path.parent == Path(doc["artifacts"]["dir"]) / "outputs"
        data = path.read_bytes()
        assert is_mp3(data) and hashlib.sha256(data).hexdigest() == out["sha256"]
        assert "Signature=" in out["url"]


PROMPT = 'Upbeat summer pop, "road trips" & friends!\nBridge: slow down... then 120 BPM; key of A-minor?'


def test_simplified_mode_sends_the_prompt_verbatim_and_saves_two_songs(music_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    res = music_cli("run", "--prompt", PROMPT)
    assert res.code == 0, res
    assert_two_songs(res.json)
    (post,) = submits(sim)
    assert post.path == MUSIC_PATH and post.headers.get("x-auth") == TEST_KEY
    assert post.body == {"prompt": PROMPT, "instrumental": False}
    assert "mode: simplified" in res.json["notes"]
    stored = json.loads(Path(res.json["artifacts"]["json"]).read_text())
    assert stored == res.json
    # Both songs are announced to a person reading the run.
    md = Path(res.json["artifacts"]["md"]).read_text()
    assert all(out["url"] in md for out in res.json["outputs"])


def test_custom_mode_sends_lyrics_style_title_and_vocal_gender(music_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    lyrics = "Verse 1: city lights are calling me home\nChorus: oh, oh, home!"
    res = music_cli("run", "--lyrics", lyrics, "--style", "indie folk, acoustic guitar",
                    "--title", "City Lights", "--vocal-gender", "female")
    assert res.code == 0, res
    assert_two_songs(res.json)
    (post,) = submits(sim)
    assert post.body == {"style": "indie folk, acoustic guitar", "title": "City Lights",
                         "instrumental": False, "lyrics": lyrics, "vocal_gender": "female"}
    assert "prompt" not in post.body and "mode: custom" in res.json["notes"]


def test_instrumental_mode_from_a_description(music_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    res = music_cli("run", "--prompt", "calm lo-fi beats for studying", "--instrumental")
    assert res.code == 0, res
    assert_two_songs(res.json)
    (post,) = submits(sim)
    assert post.body == {"prompt": "calm lo-fi beats for studying", "instrumental": True}
    assert "mode: instrumental" in res.json["notes"]


def test_custom_instrumental_has_no_lyrics(music_cli, sim):
    res = music_cli("run", "--dry-run", "--style", "synthwave", "--title", "Night Drive", "--instrumental")
    assert res.code == 0, res
    assert res.json["request"]["path"] == MUSIC_PATH
    assert res.json["request"]["body"] == {"style": "synthwave", "title": "Night Drive", "instrumental": True}
    assert sim.requests == []


def test_custom_without_vocal_gender_omits_it(music_cli, sim):
    res = music_cli("submit", "--dry-run", "--lyrics", "la la la", "--style", "pop", "--title", "La",
                    "--vocal-gender", "MALE")
    assert res.code == 0, res
    assert res.json["request"]["body"]["vocal_gender"] == "male"
    res = music_cli("submit", "--dry-run", "--lyrics", "la la la", "--style", "pop", "--title", "La")
    assert res.code == 0 and "vocal_gender" not in res.json["request"]["body"], res


BAD = [
    (["--prompt", "a love song", "--lyrics", "I love you"], "--prompt", "--lyrics"),
    (["--prompt", "a love song", "--style", "pop", "--title", "Love"], "--prompt", "--style"),
    (["--lyrics", "la la", "--style", "pop", "--title", "La", "--instrumental"], "--lyrics", "--instrumental"),
    (["--prompt", "a love song", "--vocal-gender", "female"], "--vocal-gender", "custom"),
    (["--style", "pop", "--title", "La", "--instrumental", "--vocal-gender", "male"], "--vocal-gender",
     "--instrumental"),
    (["--lyrics", "la la", "--style", "pop"], "--title", "missing"),
    (["--lyrics", "la la", "--title", "La"], "--style", "missing"),
    (["--style", "pop", "--title", "La"], "--lyrics", "--instrumental"),
    (["--lyrics", "la la", "--style", "pop", "--title", "La", "--vocal-gender", "robot"], "--vocal-gender",
     "robot"),
    ([], "--prompt", "missing"),
    (["--prompt", "   "], "--prompt", "missing"),
    (["--instrumental"], "--prompt", "missing"),
]


@pytest.mark.parametrize("args,option,word", BAD, ids=[" ".join(b[0])[:40] or "nothing" for b in BAD])
def test_confusing_combinations_exit_2_and_nothing_is_sent(music_cli, sim, artifacts, args, option, word):
    res = music_cli("run", *args)
    assert res.code == 2, res
    line = res.stderr.strip()
    assert "\n" not in line and option in line and word in line, line
    assert res.json["error"]["kind"] == "usage" and res.json["exit_code"] == 2
    assert sim.requests == [] and list(artifacts.iterdir()) == []


@pytest.mark.parametrize("outcome,message", [("error", "music engine overloaded"),
                                             ("fail", "lyrics could not be aligned")])
def test_failed_task_exits_1_with_the_provider_message(music_cli, sim, outcome, message):
    sim.outcomes.add(outcome, message=message, duration=10)
    res = music_cli("run", "--prompt", "x", "--timeout", "30", timeout=40)
    assert res.code == 1, res
    doc = res.json
    assert doc["status"] == "failed" and doc["provider_status"] == outcome.replace("fail", "failed")
    assert doc["error"]["kind"] == "task_failed" and message in doc["error"]["message"]
    assert doc["outputs"] == [] and doc["next"] is None and len(submits(sim)) == 1


def test_error_status_is_terminal_not_polled_forever(music_cli, sim):
    sim.outcomes.add("error", duration=5)
    res = music_cli("run", "--prompt", "x", "--timeout", "30", timeout=40)
    assert res.code == 1 and res.json["provider_status"] == "error", res
    queries = [r for r in sim.requests if r.route == "giggle.query"]
    # It stops at the first answer that says "error".
    assert len(queries) <= res.json["polls"] + 1 and queries
    st = music_cli("status", "--task-id", res.json["task_id"])
    assert st.code == 1 and st.json["status"] == "failed", st


def test_transient_faults_are_survived_with_one_submit(music_cli, sim):
    sim.outcomes.add("succeed", duration=40)
    sim.faults.add("giggle.query", "http_500")
    sim.faults.add("giggle.query", "html_502")
    sim.faults.add("giggle.query", "http_429", retry_after=0.2)
    sim.faults.add("giggle.query", "drop")
    sim.faults.add("media", "http_500")
    res = music_cli("run", "--prompt", "x")
    assert res.code == 0, res
    assert_two_songs(res.json)
    assert len(submits(sim)) == 1
    faults = sorted(r.fault for r in sim.requests if r.fault)
    assert faults == sorted(["http_500", "html_502", "http_429", "drop", "http_500"])


@pytest.mark.parametrize("fault", ["drop", "malformed_json"])
def test_lost_submit_answer_is_unknown_and_never_resent(music_cli, sim, fault):
    sim.faults.add("giggle.generate-music", fault)
    res = music_cli("run", "--lyrics", "la", "--style", "pop", "--title", "La")
    assert res.code == 4 and res.json["status"] == "unknown", res
    assert res.json["error"]["kind"] == "submit_outcome_unknown"
    assert len(submits(sim)) == 1 and not [r for r in sim.requests if r.route == "giggle.query"]


def test_no_download_reports_both_urls(music_cli, sim):
    sim.outcomes.add("succeed", duration=10)
    res = music_cli("run", "--prompt", "x", "--no-download")
    assert res.code == 0, res
    assert len(res.json["outputs"]) == 2 and all("path" not in o for o in res.json["outputs"])
    assert not [r for r in sim.requests if r.route == "media"]


def test_submit_then_wait_and_status_keep_exactly_two_songs(music_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    sub = music_cli("submit", "--prompt", "epic orchestral trailer music", "--instrumental")
    assert sub.code == 0 and sub.json["status"] == "queued", sub
    done = music_cli("wait", "--task-id", sub.json["task_id"])
    assert done.code == 0 and done.json["run_id"] == sub.json["run_id"], done
    assert_two_songs(done.json)
    again = music_cli("status", "--task-id", sub.json["task_id"])
    assert again.code == 0 and len(again.json["outputs"]) == 2, again
    assert len(submits(sim)) == 1
