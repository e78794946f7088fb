"""giggle-generation-avatar end to end against the simulator: the three drives, the bundled voice
catalogue, the script rules checked locally, and the simulator's tv-avatar/tv-voice-clone doubles."""

import time
from pathlib import Path

import pytest
import requests

from conftest import Cli, ROOT, TEST_KEY, base_env, sim_cli

SCRIPT = ROOT / "skills" / "giggle-generation-avatar" / "scripts" / "avatar_video.py"
FACE = "https://cdn.example.com/faces/anna.jpg"
VIOLET = "zeeTdrCqbhpVKOucLtOKdhytM7rbJx5t"


@pytest.fixture
def avatar(sim, artifacts, tmp_path):
    return sim_cli(SCRIPT, sim, artifacts, tmp_path)


def sent_bodies(sim):
    return [r.body for r in sim.requests if r.method == "POST"]


def test_voices_need_no_key_and_filter(artifacts, tmp_path):
    env = base_env(artifacts)
    env["GIGGLE_BASE_URL"] = "http://127.0.0.1:9"
    cli = Cli(SCRIPT, env, tmp_path)
    every = cli("voices")
    assert every.code == 0 and len(every.json) == 88, every
    assert all(len(v["voice_over_id"]) == 32 for v in every.json)
    women = cli("voices", "--country", "us", "--gender", "FEMALE")
    assert women.code == 0 and women.json and all(v["country"] == "US" and v["gender"] == "female"
                                                  for v in women.json)
    assert VIOLET in [v["voice_over_id"] for v in women.json]
    none = cli("voices", "--tag", "opera")
    assert none.code == 0 and none.json == [] and "tags: advertisement, ugc" in none.stderr


def test_a_script_in_a_preset_voice_named_by_name(avatar, sim):
    res = avatar("run", "--image", FACE, "--script", 'Hello! <break time="1.5s"/> Welcome.', "--voice", "violet")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert sent_bodies(sim) == [{"image": {"url": FACE}, "drive_mode": 1, "voice_over_id": VIOLET,
                                 "tts_script": 'Hello! <break time="1.5s"/> Welcome.'}]
    [out] = res.json["outputs"]
    assert out["kind"] == "video" and Path(out["path"]).read_bytes()[4:8] == b"ftyp"


def test_a_script_in_a_cloned_voice_and_an_audio_drive(avatar, sim):
    cloned = avatar("run", "--image", FACE, "--script", "Hi there", "--clone-sample", "https://x.example/me.wav",
                    "--voice-speed", "1.2")
    assert cloned.code == 0, cloned
    driven = avatar("submit", "--image", FACE, "--drive-audio", "`https://x.example/talk.mp3`")
    assert driven.code == 0 and driven.json["status"] == "queued", driven
    assert sent_bodies(sim) == [
        {"image": {"url": FACE}, "drive_mode": 1, "tts_script": "Hi there",
         "clone_audio": {"url": "https://x.example/me.wav"}, "voice_speed": 1.2},
        {"image": {"url": FACE}, "drive_mode": 2, "drive_audio": {"url": "https://x.example/talk.mp3"}}]
    assert any("120 s" in note for note in driven.json["notes"])
    done = avatar("wait", "--task-id", driven.json["task_id"])
    assert done.code == 0 and done.json["run_id"] == driven.json["run_id"] and done.json["outputs"], done


@pytest.mark.parametrize("args, field", [
    (["--script", "x" * 2701, "--voice", "Violet"], "--script"),
    (["--script", 'a <break time="0.05s"/> b', "--voice", "Violet"], "--script"),
    (["--script", 'a <break time="100s"/> b', "--voice", "Violet"], "--script"),
    (["--script", 'a <break time="1.25s"/> b', "--voice", "Violet"], "--script"),
    (["--script", 'a <break time="500ms"/> b', "--voice", "Violet"], "--script"),
    (["--script", "a <break time=1s/> b", "--voice", "Violet"], "--script"),
    (["--script", "   ", "--voice", "Violet"], "--script"),
    (["--voice", "Violet"], "--script"),
    (["--script", "hi"], "--voice"),
    (["--script", "hi", "--voice", "Nobody Here"], "--voice"),
    (["--script", "hi", "--voice", "Violet", "--clone-sample", "https://x/y.mp3"], "--voice/--clone-sample"),
    (["--script", "hi", "--voice", "Violet", "--voice-speed", "1.1"], "--voice-speed"),
    (["--script", "hi", "--clone-sample", "https://x/y.mp3", "--voice-speed", "9"], "--voice-speed"),
    (["--drive-audio", "https://x/y.mp3", "--script", "hi"], "--drive-audio"),
    (["--drive-audio", "no-such-clip.mp3"], "--drive-audio"),
])
def test_bad_input_is_refused_before_anything_is_sent(avatar, sim, tmp_path, args, field):
    (tmp_path / "talk.mp3").write_bytes(b"ID3 not really")
    res = avatar("run", "--image", FACE, *args)
    assert res.code == 2 and res.json["error"]["message"].startswith(field + ":"), res
    assert sim.requests == []


def test_a_portrait_must_be_a_url(avatar, sim):
    res = avatar("run", "--script", "hi", "--voice", "Violet")
    assert res.code == 2 and res.json["error"]["message"].startswith("--image:"), res
    assert sim.requests == []


def test_a_voice_id_outside_the_catalogue_is_sent_with_a_warning(avatar, sim):
    unknown = "Q" * 32
    res = avatar("run", "--image", FACE, "--script", "hi", "--voice", unknown)
    assert res.json["status"] == "rejected" and res.json["task_id"] is None, res
    assert any("not in the bundled catalogue" in n for n in res.json["notes"])
    assert "unknown voice" in res.json["error"]["provider_message"]
    assert sent_bodies(sim)[0]["voice_over_id"] == unknown


def _poll(sim, task_id):
    for _ in range(200):
        data = requests.get(sim.base_url + "/api/v1/generation/task/query", params={"task_id": task_id},
                            headers={"x-auth": TEST_KEY}, timeout=5).json()["data"]
        if data["status"] == "completed":
            return data
        time.sleep(0.02)
    raise AssertionError("never completed")


def test_the_simulator_tv_voice_clone_gives_a_voice_the_avatar_accepts(sim):
    headers = {"x-auth": TEST_KEY}
    avatar_url = sim.base_url + "/api/v1/generation/tv-avatar-video"
    task = requests.post(sim.base_url + "/api/v1/generation/tv-voice-clone", headers=headers, timeout=5,
                         json={"tts_script": "Hello", "clone_audio": {"url": "https://x/y.mp3"}}).json()
    task_id = task["data"]["task_id"]
    first = requests.get(sim.base_url + "/api/v1/generation/task/query", params={"task_id": task_id},
                         headers=headers, timeout=5).json()["data"]
    body = {"image": {"url": FACE}, "drive_mode": 1, "tts_script": "hi"}
    if first["status"] != "completed":
        assert first["voice_id"] == ""
    data = _poll(sim, task_id)
    assert data["voice_id"].startswith("tvc") and data["urls"] == []
    ok = requests.post(avatar_url, headers=headers, timeout=5, json=dict(body, voice_over_id=data["voice_id"]))
    assert ok.json()["code"] == 200, ok.text
    for bad, field in ((dict(body, voice_over_id="tvc" + "0" * 32), "voice_over_id"),
                       (dict(body, voice_over_id=VIOLET, drive_audio={"url": FACE}), "drive_audio"),
                       ({"image": {"url": FACE}, "drive_mode": 2, "drive_audio": {"url": FACE}, "tts_script": "x"},
                        "tts_script"),
                       (dict(body, tts_script='a <break time="0.01s"/>', voice_over_id=VIOLET), "tts_script"),
                       (dict(body, voice_over_id=VIOLET, clone_audio={"url": FACE}), "voice_over_id"),
                       (dict(body, drive_mode=3), "drive_mode"), (dict(body, image="x"), "image")):
        resp = requests.post(avatar_url, headers=headers, json=bad, timeout=5)
        assert resp.status_code == 400 and resp.json()["msg"].startswith(field), (bad, resp.text)
    # the older clients' mode_type is still accepted
    old = requests.post(avatar_url, headers=headers, timeout=5, json=dict(body, voice_over_id=VIOLET, mode_type="1"))
    assert old.json()["code"] == 200, old.text


def _wav(path, seconds, rate=8000):
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(rate * seconds))
    return path


def test_local_portrait_and_clip_are_uploaded_once_and_sent_as_links(avatar, sim, tmp_path):
    from test_image_e2e import png_bytes

    (tmp_path / "face.png").write_bytes(png_bytes())
    _wav(tmp_path / "talk.wav", 3)
    first = avatar("run", "--image", "face.png", "--drive-audio", "talk.wav")
    assert first.code == 0 and first.json["status"] == "succeeded", first
    [sent] = sent_bodies(sim)[-1:]
    assert sent["drive_mode"] == 2 and "/assets/" in sent["image"]["url"] and "/assets/" in sent["drive_audio"]["url"]
    assert [r.route for r in sim.requests if r.route.startswith("giggle.") and r.route != "giggle.query"][:6] == [
        "giggle.presign", "giggle.storage", "giggle.register"] * 2
    assert all("x-auth" not in r.headers for r in sim.requests if r.route == "giggle.storage")
    refs = first.json["request"]["references"]
    assert [r["asset_id"] for r in refs] and all(not r["reused_upload"] for r in refs)
    again = avatar("run", "--image", "face.png", "--script", "hi", "--clone-sample", "talk.wav")
    assert again.code == 0, again
    assert sum(1 for r in sim.requests if r.route == "giggle.storage") == 2   # same bytes: no second upload
    assert all(r["reused_upload"] for r in again.json["request"]["references"])


def test_a_local_clip_over_120_seconds_is_refused_before_any_upload(avatar, sim, tmp_path):
    _wav(tmp_path / "long.wav", 121)
    res = avatar("run", "--image", FACE, "--drive-audio", "long.wav")
    assert res.code == 2 and "121.0 s" in res.json["error"]["message"] and "120 s" in res.json["error"]["message"], res
    assert sim.requests == []
    (tmp_path / "notes.txt").write_text("not audio")
    res = avatar("run", "--image", FACE, "--drive-audio", "notes.txt")
    assert res.code == 2 and res.json["error"]["message"].startswith("--drive-audio:"), res
    assert sim.requests == []
