"""giggle-voice-clone end to end against the simulator: clone and speak, options in the body,
a duplicate voice_id reported as such, bad input refused before anything is sent, resume."""

import json
from pathlib import Path

import pytest

from conftest import Cli, ROOT, TEST_KEY, base_env, sim_cli

SCRIPT = ROOT / "skills" / "giggle-voice-clone" / "scripts" / "voice_clone.py"
SAMPLE = "https://cdn.example.com/voices/me.mp3"


@pytest.fixture
def clone(sim, artifacts, tmp_path):
    return sim_cli(SCRIPT, sim, artifacts, tmp_path)


def posts(sim):
    return [r for r in sim.requests if r.method == "POST"]


def is_mp3(data):
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def test_clone_speaks_the_text_and_saves_the_mp3(clone, sim):
    res = clone("run", "--sample", SAMPLE, "--text", "A gentle breeze.", "--voice-id", "my_voice_01",
                "--noise-reduction", "--normalize-volume")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    [sent] = posts(sim)
    assert sent.path == "/api/v1/generation/voice-clone" and sent.headers["x-auth"] == TEST_KEY
    assert sent.body == {"text": "A gentle breeze.", "voice_id": "my_voice_01",
                                     "need_noise_reduction": True, "need_volumn_normalization": True,
                                     "file": {"url": SAMPLE}}
    [out] = res.json["outputs"]
    assert out["kind"] == "audio" and is_mp3(Path(out["path"]).read_bytes())
    assert "response-content-disposition=attachment" in out["url"] and "%7E" not in out["url"]  # as signed


def test_options_default_to_off(clone, sim):
    res = clone("submit", "--sample", SAMPLE, "--text", "Hi", "--voice-id", "v2")
    assert res.code == 0 and res.json["status"] == "queued", res
    body = posts(sim)[0].body
    assert body["need_noise_reduction"] is False and body["need_volumn_normalization"] is False
    done = clone("wait", "--task-id", res.json["task_id"])
    assert done.code == 0 and done.json["run_id"] == res.json["run_id"] and done.json["outputs"], done


def test_a_voice_id_cloned_before_is_reported_as_a_duplicate(clone, sim):
    first = clone("run", "--sample", SAMPLE, "--text", "one", "--voice-id", "taken_voice")
    assert first.code == 0, first
    again = clone("run", "--sample", SAMPLE, "--text", "two", "--voice-id", "taken_voice")
    assert again.code == 1 and again.json["status"] == "failed", again
    assert again.json["error"]["kind"] == "duplicate_voice_id", again
    assert "new --voice-id" in again.json["error"]["message"] and again.json["task_id"]
    assert "already taken" in again.stderr
    other = clone("run", "--sample", SAMPLE, "--text", "three", "--voice-id", "fresh_voice")
    assert other.code == 0, other


def test_a_duplicate_refused_at_submit_is_exit_2_with_no_task(clone, sim):
    sim.faults.add("giggle.voice-clone", "code", code=400, message="voice clone voice id duplicate (2039)")
    res = clone("run", "--sample", SAMPLE, "--text", "hi", "--voice-id", "dup_voice")
    assert res.code == 2 and res.json["status"] == "rejected" and res.json["task_id"] is None, res
    assert res.json["error"]["kind"] == "duplicate_voice_id" and "dup_voice" in res.json["error"]["message"]


@pytest.mark.parametrize("args, field", [
    (["--text", "hi", "--voice-id", "v"], "--sample"),
    (["--sample", "README.md", "--text", "hi", "--voice-id", "v"], "--sample"),   # a file, but not audio
    (["--sample", "ftp://x/y.mp3", "--text", "hi", "--voice-id", "v"], "--sample"),
    (["--sample", SAMPLE, "--voice-id", "v"], "--text"),
    (["--sample", SAMPLE, "--text", "x" * 10001, "--voice-id", "v"], "--text"),
    (["--sample", SAMPLE, "--text", "hi"], "--voice-id"),
    (["--sample", SAMPLE, "--text", "hi", "--voice-id", "my voice"], "--voice-id"),
    (["--sample", SAMPLE, "--text", "hi", "--voice-id", "-leading"], "--voice-id"),
])
def test_bad_input_is_refused_before_anything_is_sent(clone, sim, tmp_path, args, field):
    (tmp_path / "README.md").write_text("not audio")
    res = clone("run", *args)
    assert res.code == 2 and res.json["error"]["message"].startswith(field), res
    assert sim.requests == []


def test_simulate_needs_no_key(artifacts, tmp_path):
    env = base_env(artifacts)
    env["GIGGLE_BASE_URL"] = "http://127.0.0.1:9"
    res = Cli(SCRIPT, env, tmp_path)("run", "--simulate", "--sample", SAMPLE, "--text", "hi",
                                     "--voice-id", "sim_voice_%d" % id(tmp_path))
    assert res.code == 0 and res.json["simulated"] is True and res.json["outputs"][0]["path"], res


def test_dry_run_shows_the_body_and_sends_nothing(clone, sim):
    res = clone("run", "--dry-run", "--sample", SAMPLE, "--text", "hi", "--voice-id", "v1")
    assert res.code == 0 and res.json["request"]["body"]["file"] == {"url": SAMPLE}, res
    assert sim.requests == []


def test_the_simulator_refuses_what_giggle_would(sim):
    import requests

    url = sim.base_url + "/api/v1/generation/voice-clone"
    good = {"text": "hi", "voice_id": "abc", "file": {"url": SAMPLE}}
    for bad, field in ((dict(good, file={"base64": "AAAA"}), "file"), (dict(good, voice_id=""), "voice_id"),
                       (dict(good, need_noise_reduction="yes"), "need_noise_reduction"),
                       ({k: v for k, v in good.items() if k != "text"}, "text")):
        resp = requests.post(url, json=bad, headers={"x-auth": TEST_KEY}, timeout=5)
        assert resp.status_code == 400 and resp.json()["msg"].startswith(field), resp.text
    assert requests.post(url, json=good, timeout=5).status_code == 401
    ok = requests.post(url, json=good, headers={"x-auth": TEST_KEY}, timeout=5).json()
    assert ok["code"] == 200 and ok["data"]["task_id"]


def test_a_local_sample_is_uploaded_privately_and_its_link_sent(clone, sim, tmp_path):
    from test_avatar_e2e import _wav

    _wav(tmp_path / "me.wav", 2)
    res = clone("run", "--sample", "me.wav", "--text", "hi", "--voice-id", "local_voice")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    presign = [r for r in sim.requests if r.route == "giggle.presign"]
    assert len(presign) == 1 and presign[0].body["is_public"] is False
    assert presign[0].body["content_type"].startswith("audio/")
    sent = [r.body for r in sim.requests if r.route == "giggle.voice-clone"][0]
    assert "/assets/" in sent["file"]["url"] and "me.wav" in sent["file"]["url"]
    dry = clone("run", "--dry-run", "--sample", "me.wav", "--text", "hi", "--voice-id", "v9")
    assert dry.code == 0 and dry.json["request"]["body"]["file"]["url"].startswith("<upload of me.wav"), dry
