"""giggle-generation-speech end to end: voices, run, bad input, provider rejection, timeout and resume."""

import hashlib
import json
from pathlib import Path

import pytest

from conftest import Cli, ROOT, TEST_KEY, base_env, sim_cli
from genmedia_skills.simulator.giggle.voices import VOICES

SPEECH_SCRIPT = ROOT / "skills" / "giggle-generation-speech" / "scripts" / "generate_speech.py"
SPEECH_PATH = "/api/v1/generation/text-to-audio"
VOICE_KEYS = {"voice_id", "name", "style", "gender", "age", "language"}


@pytest.fixture
def speech_cli(sim, artifacts, tmp_path):
    return sim_cli(SPEECH_SCRIPT, sim, artifacts, tmp_path)


@pytest.fixture
def offline_speech_cli(artifacts, tmp_path):
    """No key and no reachable provider: only --simulate (or an input error) can answer."""
    env = base_env(artifacts)
    env["GIGGLE_BASE_URL"] = "http://127.0.0.1:9"
    return Cli(SPEECH_SCRIPT, env, tmp_path)


def submits(sim):
    return [r for r in sim.requests if r.method == "POST"]


def is_mp3(data):
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def ids(voices):
    return [v["voice_id"] for v in voices]


@pytest.mark.parametrize("filters", [[], ["--language", "en"], ["--gender", "female"],
                                     ["--language", "EN", "--gender", "Female"], ["--language", "xx"]])
def test_voices_lists_presets_as_a_json_array(speech_cli, sim, filters):
    res = speech_cli("voices", *filters)
    assert res.code == 0, res
    assert isinstance(json.loads(res.stdout), list)
    language = filters[filters.index("--language") + 1].lower() if "--language" in filters else None
    gender = filters[filters.index("--gender") + 1].lower() if "--gender" in filters else None
    expected = [v for v in VOICES if (not language or v["language"] == language)
                and (not gender or v["gender"] == gender)]
    assert ids(res.json) == ids(expected)
    for voice in res.json:
        assert VOICE_KEYS <= set(voice), voice
    if filters == []:
        assert "Calm_Woman" in ids(res.json) and len(res.json) == len(VOICES)
    gets = [r for r in sim.requests if r.route == "giggle.preset-tones"]
    assert len(gets) == 1 and gets[0].headers.get("x-auth") == TEST_KEY
    assert not submits(sim)


def test_voices_under_simulate_needs_no_key(offline_speech_cli, artifacts):
    res = offline_speech_cli("voices", "--simulate", "--language", "zh", "--gender", "male")
    assert res.code == 0, res
    assert ids(res.json) == ["Mandarin_News_Anchor", "Mandarin_Kind_Grandpa"]
    assert list(artifacts.rglob("result.json")) == []


def test_voices_matching_nothing_say_which_languages_exist(speech_cli, sim):
    res = speech_cli("voices", "--language", "klingon")
    assert res.code == 0 and res.json == [], res
    assert "no preset voice matches; languages: " in res.stderr and "zh" in res.stderr and "genders: " in res.stderr


def test_voices_without_a_key_exits_3_and_sends_nothing(speech_cli, sim):
    res = speech_cli("voices", unset=["GIGGLE_API_KEY"])
    assert res.code == 3 and "GIGGLE_API_KEY" in res.json["error"]["message"], res
    assert sim.requests == []


def test_voices_with_a_rejected_key_exits_3(speech_cli, sim):
    res = speech_cli("voices", env={"GIGGLE_API_KEY": "sk-wrong-key-000"})
    assert res.code == 3 and "sk-wrong-key-000" not in res.stdout + res.stderr, res


def test_voices_survives_transient_faults(speech_cli, sim):
    sim.faults.add("giggle.preset-tones", "http_500")
    sim.faults.add("giggle.preset-tones", "html_502")
    res = speech_cli("voices", "--gender", "male")
    assert res.code == 0 and ids(res.json) == ids(v for v in VOICES if v["gender"] == "male"), res


def test_run_speaks_the_text_into_one_mp3_with_the_exact_body(speech_cli, sim):
    sim.outcomes.add("succeed", duration=5)
    text = "Welcome to the show.\nTonight we travel to the stars!"
    res = speech_cli("run", "--text", text, "--voice-id", "Calm_Woman", "--emotion", "JOY", "--speed", "2")
    assert res.code == 0, res
    doc = res.json
    assert doc["status"] == "succeeded" and doc["error"] is None and doc["next"] is None
    (out,) = doc["outputs"]
    path = Path(out["path"])
    assert out["kind"] == "audio" and path.suffix == ".mp3"
    assert path.parent == Path(doc["artifacts"]["dir"]) / "outputs"
    data = path.read_bytes()
    assert is_mp3(data) and hashlib.sha256(data).hexdigest() == out["sha256"]
    (post,) = submits(sim)
    assert post.path == SPEECH_PATH and post.headers.get("x-auth") == TEST_KEY
    assert post.body == {"text": text, "voice_id": "Calm_Woman", "speed": 2.0, "emotion": "joy"}
    assert isinstance(post.body["speed"], float)


def test_default_speed_and_no_emotion(speech_cli, sim):
    res = speech_cli("run", "--dry-run", "--text", "Hello", "--voice-id", "Wise_Woman")
    assert res.code == 0, res
    body = res.json["request"]["body"]
    assert body == {"text": "Hello", "voice_id": "Wise_Woman", "speed": 1.0}
    assert isinstance(body["speed"], float) and sim.requests == []


def test_edges_of_the_ranges_are_accepted(speech_cli, sim):
    for speed in ("0.5", "2.0"):
        res = speech_cli("submit", "--dry-run", "--text", "x", "--voice-id", "Calm_Woman", "--speed", speed)
        assert res.code == 0 and res.json["request"]["body"]["speed"] == float(speed), res
    res = speech_cli("submit", "--dry-run", "--text", "a" * 10000, "--voice-id", "Calm_Woman")
    assert res.code == 0, res
    assert sim.requests == []


BAD = [
    (["--voice-id", "Calm_Woman"], "--text", "missing"),
    (["--text", "   ", "--voice-id", "Calm_Woman"], "--text", "missing"),
    (["--text", "Hello"], "--voice-id", "missing"),
    (["--text", "Hello", "--voice-id", "  "], "--voice-id", "missing"),
    (["--text", "Hello", "--voice-id", "Calm_Woman", "--speed", "0.1"], "--speed", "0.1"),
    (["--text", "Hello", "--voice-id", "Calm_Woman", "--speed", "3"], "--speed", "3"),
    (["--text", "Hello", "--voice-id", "Calm_Woman", "--speed", "fast"], "--speed", "fast"),
    (["--text", "Hello", "--voice-id", "Calm_Woman", "--emotion", "has space"], "--emotion", "has space"),
    (["--text", "a" * 10001, "--voice-id", "Calm_Woman"], "--text", "10000"),
]


@pytest.mark.parametrize("args,option,word", BAD,
                         ids=[" ".join(a if len(a) < 20 else a[:5] + "..." for a in b[0])[:50] for b in BAD])
def test_bad_input_exits_2_and_nothing_is_sent(speech_cli, sim, artifacts, args, option, word):
    res = speech_cli("run", *args)
    assert res.code == 2, res
    line = res.stderr.strip()
    assert "\n" not in line and option in line and word in line, line
    assert res.json["error"]["kind"] == "usage" and res.json["exit_code"] == 2
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_unknown_voice_is_rejected_by_the_provider_with_exit_4(speech_cli, sim):
    res = speech_cli("run", "--text", "Hello", "--voice-id", "Robot_9000")
    assert res.code == 4, res
    doc = res.json
    assert doc["status"] == "rejected" and doc["task_id"] is None and doc["next"] is None
    assert "voice_id" in doc["error"]["message"] and "Robot_9000" in doc["error"]["message"]
    assert "voice_id" in doc["error"]["provider_message"]
    assert len(submits(sim)) == 1 and submits(sim)[0].status == 400
    assert not [r for r in sim.requests if r.route == "giggle.query"]


def test_timeout_exits_5_still_running_then_next_completes(speech_cli, sim):
    sim.outcomes.add("succeed", duration=150)   # 1.5 s at the test time scale
    res = speech_cli("run", "--text", "Chapter one.", "--voice-id", "Calm_Woman", "--timeout", "0.3")
    assert res.code == 5, res
    doc = res.json
    assert doc["status"] in ("queued", "running") and doc["error"] is None
    assert "fail" not in res.stderr.lower() and "still" in res.stderr
    nxt = doc["next"]
    assert nxt and "wait --task-id " + doc["task_id"] in nxt
    args = nxt.split(" wait ", 1)[1].split()
    done = speech_cli("wait", *args)
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert done.json["run_id"] == doc["run_id"]
    assert is_mp3(Path(done.json["outputs"][0]["path"]).read_bytes())
    assert len(submits(sim)) == 1


@pytest.mark.parametrize("outcome,message", [("error", "tts backend crashed"), ("fail", "voice model failed")])
def test_failed_task_exits_1_with_the_provider_message(speech_cli, sim, outcome, message):
    sim.outcomes.add(outcome, message=message, duration=5)
    res = speech_cli("run", "--text", "Hello", "--voice-id", "Calm_Woman", "--timeout", "30", timeout=40)
    assert res.code == 1, res
    assert res.json["status"] == "failed" and message in res.json["error"]["message"]
    assert res.json["outputs"] == [] and len(submits(sim)) == 1


def test_transient_query_faults_are_survived_with_one_submit(speech_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    sim.faults.add("giggle.query", "http_500")
    sim.faults.add("giggle.query", "http_429", retry_after=0.2)
    sim.faults.add("giggle.query", "drop")
    sim.faults.add("giggle.query", "malformed_json")
    res = speech_cli("run", "--text", "Hello", "--voice-id", "Calm_Woman")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(submits(sim)) == 1


def test_lost_submit_answer_is_unknown_and_never_resent(speech_cli, sim):
    sim.faults.add("giggle.text-to-audio", "drop")
    res = speech_cli("run", "--text", "Hello", "--voice-id", "Calm_Woman")
    assert res.code == 4 and res.json["status"] == "unknown", res
    assert len(submits(sim)) == 1


def test_simulate_run_needs_no_key(offline_speech_cli):
    res = offline_speech_cli("run", "--simulate", "--text", "Hello from the simulator", "--voice-id", "Calm_Woman")
    assert res.code == 0 and res.json["simulated"] is True, res
    assert is_mp3(Path(res.json["outputs"][0]["path"]).read_bytes())


def test_over_long_voice_id_names_the_option(speech_cli, sim):
    res = speech_cli("run", "--text", "hi", "--voice-id", "v" * 129)
    assert res.code == 2 and "--voice-id: 129 characters" in res.stderr, res
    assert sim.requests == []
