"""Contract tests for the simulator's giggle video, music and speech routes.

Real HTTP on loopback with `requests`, nothing mocked. Allowed values are read from the
catalogs in schemas/giggle/, the same data the CLI validates against.
"""
import json
import re
import time
from pathlib import Path

import pytest
import requests

from genmedia_skills.simulator import Simulator
from test_simulator import assert_envelope

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "schemas" / "giggle"
ASSETS = ROOT / "scripts" / "genmedia_skills" / "simulator" / "assets"
VIDEO_CAT = json.loads((CATALOGS / "video-catalog.json").read_text())
MUSIC_CAT = json.loads((CATALOGS / "music-catalog.json").read_text())
SPEECH_CAT = json.loads((CATALOGS / "speech-catalog.json").read_text())
VIDEO_MODELS = {m["const"]: m for m in VIDEO_CAT["$defs"]["model"]["oneOf"]}

AUTH = {"x-auth": "k"}
T2V = "/api/v1/generation/text-to-video"
I2V = "/api/v1/generation/image-to-video"
MUSIC = "/api/v1/generation/generate-music"
SPEECH = "/api/v1/generation/text-to-audio"
TONES = "/api/v1/project/preset_tones"
QUERY = "/api/v1/generation/task/query"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
FRAME = {"url": "https://example.com/first.png"}

# One valid body per new submit route, and what its results look like.
VALID = {
    T2V: {"prompt": "a fox", "model": "grok", "duration": 6, "aspect_ratio": "16:9", "resolution": "720p"},
    I2V: {"prompt": "a fox", "model": "kling25", "duration": 5, "aspect_ratio": "9:16",
          "resolution": "1080p", "start_frame": FRAME},
    MUSIC: {"prompt": "upbeat synthwave", "instrumental": False},
    SPEECH: {"text": "Hello there.", "voice_id": "Calm_Woman", "speed": 1.0},
}
ROUTE_NAMES = {T2V: "giggle.text-to-video", I2V: "giggle.image-to-video",
               MUSIC: "giggle.generate-music", SPEECH: "giggle.text-to-audio"}
# path -> (media kind, result file names, Content-Type)
RESULTS = {T2V: ("video", ["video-1.mp4"], "video/mp4"), I2V: ("video", ["video-1.mp4"], "video/mp4"),
           MUSIC: ("music", ["music-1.mp3", "music-2.mp3"], "audio/mpeg"),
           SPEECH: ("speech", ["speech-1.mp3"], "audio/mpeg")}
KIND_PATHS = {"video": T2V, "music": MUSIC, "speech": SPEECH}


@pytest.fixture(autouse=True)
def _no_env_faults(monkeypatch):
    monkeypatch.delenv("GENMEDIA_SIM_FAULTS", raising=False)


@pytest.fixture
def sim(tmp_path):
    with Simulator(state_dir=tmp_path, time_scale=0.01, accept_keys={"giggle": ["k"]}, faults="") as s:
        yield s


def post(sim, path, body, headers=AUTH, **kw):
    kw.setdefault("timeout", 5)
    return requests.post(sim.base_url + path, json=body, headers=headers, **kw)


def query(sim, task_id):
    return requests.get(sim.base_url + QUERY, params={"task_id": task_id}, headers=AUTH, timeout=5)


def new_task(sim, path, body=None):
    r = post(sim, path, VALID[path] if body is None else body)
    assert r.status_code == 200, r.text
    return r.json()["data"]["task_id"]


def record(sim, task_id):
    return [r for r in sim.tasks("giggle") if r["task_id"] == task_id][0]


def is_mp4(data):
    return data[4:8] == b"ftyp"


def is_mp3(data):
    return data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def signed(sim, path, ttl=60):
    return sim.base_url + path + "?" + sim.signer.sign(path, ttl)


# -- auth -------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"x-auth": "wrong"}, {"x-auth": "Bearer k"},
                                     {"Authorization": "Bearer k"}])
@pytest.mark.parametrize("path", [T2V, I2V, MUSIC, SPEECH, TONES])
def test_auth_rejected(sim, path, headers):
    if path == TONES:
        r = requests.get(sim.base_url + path, headers=headers, timeout=5)
    else:
        r = post(sim, path, VALID[path], headers=headers)
    assert assert_envelope(r, 401)["msg"] == "Unauthorized: invalid or missing x-auth"
    assert sim.tasks() == []


# -- validation -------------------------------------------------------------------------

def vid(**changes):
    body = dict(VALID[T2V], **changes)
    return {k: v for k, v in body.items() if v is not None}


def i2v(**changes):
    body = dict(VALID[I2V], **changes)
    return {k: v for k, v in body.items() if v is not None}


CUSTOM = {"style": "jazz", "title": "Blue", "instrumental": False}
BAD_BODIES = [
    (T2V, {}, "prompt"),
    (T2V, vid(prompt=""), "prompt"),
    (T2V, vid(model="veo2"), "model"),
    (T2V, vid(duration="6"), "duration"),
    (T2V, vid(duration=6.0), "duration"),
    (T2V, vid(duration=True), "duration"),
    (T2V, vid(aspect_ratio="21:9"), "aspect_ratio"),
    (T2V, vid(resolution="4K"), "resolution"),
    (I2V, i2v(start_frame=None), "start_frame"),
    (I2V, i2v(start_frame="https://example.com/a.png"), "start_frame"),
    (I2V, i2v(start_frame={}), "start_frame"),
    (I2V, i2v(start_frame={"url": "https://a/b.png", "asset_id": "x"}), "start_frame"),
    (I2V, i2v(start_frame={"asset_id": ""}), "start_frame.asset_id"),
    (I2V, i2v(end_frame={"url": "ftp://a/b.png"}), "end_frame.url"),
    (I2V, i2v(end_frame={"base64": "data:image/png;base64," + PNG_B64}), "end_frame.base64"),
    (I2V, i2v(duration=7), "duration"),
    (MUSIC, {}, "prompt"),
    (MUSIC, {"instrumental": False}, "prompt"),
    (MUSIC, {"prompt": "x"}, "instrumental"),
    (MUSIC, {"prompt": "x", "instrumental": "yes"}, "instrumental"),
    (MUSIC, {"prompt": " ", "instrumental": True}, "prompt"),
    (MUSIC, {"style": "jazz", "instrumental": False}, "title"),
    (MUSIC, {"title": "t", "instrumental": False}, "style"),
    (MUSIC, {"style": "jazz", "title": "t"}, "instrumental"),
    (MUSIC, dict(CUSTOM, instrumental=True, lyrics="la la"), "lyrics"),
    (MUSIC, dict(CUSTOM, lyrics=""), "lyrics"),
    (MUSIC, dict(CUSTOM, vocal_gender="robot"), "vocal_gender"),
    (MUSIC, dict(CUSTOM, prompt="words"), "prompt"),
    (SPEECH, {}, "text"),
    (SPEECH, {"text": "", "voice_id": "Calm_Woman"}, "text"),
    (SPEECH, {"text": "x" * 10001, "voice_id": "Calm_Woman"}, "text"),
    (SPEECH, {"text": "hi"}, "voice_id"),
    (SPEECH, {"text": "hi", "voice_id": 5}, "voice_id"),
    (SPEECH, {"text": "hi", "voice_id": "Calm_Woman", "speed": 0.4}, "speed"),
    (SPEECH, {"text": "hi", "voice_id": "Calm_Woman", "speed": 2.01}, "speed"),
    (SPEECH, {"text": "hi", "voice_id": "Calm_Woman", "speed": "1"}, "speed"),
    (SPEECH, {"text": "hi", "voice_id": "Calm_Woman", "speed": True}, "speed"),
    (SPEECH, {"text": "hi", "voice_id": "Calm_Woman", "emotion": 3}, "emotion"),
]


@pytest.mark.parametrize("path,body,field", BAD_BODIES)
def test_validation_names_the_field(sim, path, body, field):
    assert_envelope(post(sim, path, body), 400, field + ": ")
    assert sim.tasks() == []


def test_exact_messages(sim):
    doc = assert_envelope(post(sim, T2V, vid(duration=7)), 400)
    assert doc["msg"] == "duration: 7 is not supported by grok (allowed: 6, 10)"
    doc = assert_envelope(post(sim, SPEECH, dict(VALID[SPEECH], voice_id="x")), 400)
    assert doc["msg"] == "voice_id: unknown voice 'x'"


@pytest.mark.parametrize("path", [T2V, I2V, MUSIC, SPEECH])
def test_body_must_be_a_json_object(sim, path):
    for data in (b"[1]", b"not json"):
        r = requests.post(sim.base_url + path, data=data, timeout=5,
                          headers=dict(AUTH, **{"Content-Type": "application/json"}))
        assert_envelope(r, 400, "body: ")


def test_every_model_duration_table_from_the_catalog(sim):
    for path, base in ((T2V, VALID[T2V]), (I2V, VALID[I2V])):
        for model, entry in VIDEO_MODELS.items():
            base = dict(base, resolution=entry.get("x-resolutions", [base["resolution"]])[-1])
            for seconds in entry["x-durations"]:
                new_task(sim, path, dict(base, model=model, duration=seconds))
            # a length some other model takes (it passes the generic schema), else one none takes
            bad = next((d for d in VIDEO_CAT["$defs"]["duration"]["enum"] if d not in entry["x-durations"]), 16)
            doc = assert_envelope(post(sim, path, dict(base, model=model, duration=bad)), 400)
            assert doc["msg"] == "duration: %d is not supported by %s (allowed: %s)" % (
                bad, model, ", ".join(str(d) for d in entry["x-durations"]))
    total = 2 * sum(len(m["x-durations"]) for m in VIDEO_MODELS.values())
    assert len(sim.tasks()) == total


def test_valid_bodies_and_what_is_stored(sim):
    # absent optional fields take the catalog defaults; wan25's duration is 5, never 0
    rec = record(sim, new_task(sim, T2V, {"prompt": "defaults only", "model": "wan25"}))
    assert (rec["kind"], rec["result_count"], rec["route"]) == ("video", 1, "giggle.text-to-video")
    assert (rec["model"], rec["video_duration"], rec["aspect_ratio"], rec["resolution"]) == (
        "wan25", 5, "16:9", "720p")
    # the record's own `duration` stays the generation time, not the video length
    assert rec["duration"] == pytest.approx(rec["provider_seconds"] * 0.01)
    assert record(sim, new_task(sim, T2V, {"prompt": "p"}))["model"] == VIDEO_CAT["$defs"]["model"]["default"]
    stored = json.loads((sim.state_dir / "tasks" / "giggle" / (rec["task_id"] + ".json")).read_text())
    assert stored["task_id"] == rec["task_id"] and stored["video_duration"] == 5
    both = new_task(sim, I2V, i2v(start_frame={"base64": PNG_B64}, end_frame={"asset_id": "ast_9"}))
    rec = record(sim, both)
    assert rec["start_frame"]["base64_length"] == len(PNG_B64) and rec["end_frame"] == {"asset_id": "ast_9"}
    assert PNG_B64 not in json.dumps(rec)
    only_end = record(sim, new_task(sim, I2V, i2v(start_frame=None, end_frame=FRAME)))
    assert only_end["end_frame"] == FRAME and "start_frame" not in only_end
    custom = record(sim, new_task(sim, MUSIC, dict(CUSTOM, lyrics="la la", vocal_gender="female")))
    assert (custom["mode"], custom["lyrics"], custom["vocal_gender"]) == ("custom", "la la", "female")
    assert (custom["kind"], custom["result_count"]) == ("music", 2)
    inst = record(sim, new_task(sim, MUSIC, dict(CUSTOM, instrumental=True)))
    assert inst["instrumental"] is True and "lyrics" not in inst
    simple = record(sim, new_task(sim, MUSIC, {"prompt": "calm piano", "instrumental": True}))
    assert (simple["mode"], simple["prompt"]) == ("simplified", "calm piano")
    for speed in (0.5, 2, 1.25):
        rec = record(sim, new_task(sim, SPEECH, dict(VALID[SPEECH], speed=speed, emotion="joy")))
        assert rec["speed"] == speed and rec["emotion"] == "joy" and rec["kind"] == "speech"
    rec = record(sim, new_task(sim, SPEECH, {"text": "y" * 10000, "voice_id": "Calm_Woman"}))
    assert rec["speed"] == 1.0 and "emotion" not in rec


def test_default_durations_follow_the_catalogs(sim):
    for model, entry in VIDEO_MODELS.items():
        lo, hi = entry["x-expected-seconds"]
        rec = record(sim, new_task(sim, T2V, vid(model=model, duration=entry["x-default-duration"])))
        assert lo <= rec["provider_seconds"] <= hi, model
    for path, (lo, hi), cat in ((MUSIC, (30, 120), MUSIC_CAT), (SPEECH, (5, 20), SPEECH_CAT)):
        rec = record(sim, new_task(sim, path))
        assert lo <= rec["provider_seconds"] <= hi
        cat_lo, cat_hi = cat["x-expected-seconds"]
        assert cat_lo <= rec["provider_seconds"] <= cat_hi
        assert rec["duration"] == pytest.approx(rec["provider_seconds"] * 0.01)


# -- preset voices ----------------------------------------------------------------------

def test_preset_tones(sim):
    r = requests.get(sim.base_url + TONES, headers=AUTH, timeout=5)
    voices = assert_envelope(r, 200)["data"]
    assert isinstance(voices, list) and 10 <= len(voices) <= 16
    keys = {"voice_id", "name", "style", "gender", "age", "language"}
    for v in voices:
        assert set(v) == keys and all(isinstance(v[k], str) and v[k] for k in keys)
        assert v["gender"] in ("male", "female")
    ids = [v["voice_id"] for v in voices]
    assert len(set(ids)) == len(ids) and "Calm_Woman" in ids
    assert {v["gender"] for v in voices} == {"male", "female"}
    assert {"en", "zh", "ja"} <= {v["language"] for v in voices}
    assert len({v["age"] for v in voices}) >= 3
    for voice_id in ids:  # text-to-audio accepts exactly the listed voices
        new_task(sim, SPEECH, dict(VALID[SPEECH], voice_id=voice_id))
    assert sim.count("giggle.preset-tones") == 1
    sim.faults.add("giggle.preset-tones", "http_429", retry_after=2)
    r = requests.get(sim.base_url + TONES, headers=AUTH, timeout=5)
    assert_envelope(r, 429) and r.headers["Retry-After"] == "2"


# -- lifecycle, results and downloads ---------------------------------------------------

def test_lifecycle_to_completed_with_the_right_urls(sim):
    sim.outcomes.add("succeed", times=4, duration=40)  # 0.4 s real; pending for 0.06 s
    start = time.time()
    tasks, seen, done = {}, {}, {}
    with requests.Session() as s:
        s.headers.update(AUTH)
        for path in (T2V, I2V, MUSIC, SPEECH):  # query at once so the pending phase is seen
            tasks[path] = new_task(sim, path)
            data = s.get(sim.base_url + QUERY, params={"task_id": tasks[path]}, timeout=5).json()["data"]
            seen[path] = [data["status"]]
        while len(done) < len(tasks) and time.time() - start < 3:
            for path, tid in tasks.items():
                if path in done:
                    continue
                data = assert_envelope(s.get(sim.base_url + QUERY, params={"task_id": tid}, timeout=5), 200)["data"]
                if not seen[path] or seen[path][-1] != data["status"]:
                    seen[path].append(data["status"])
                if data["status"] == "completed":
                    done[path] = data
                else:
                    assert data["urls"] == [] and data["err_msg"] == ""
            time.sleep(0.01)
    for path, tid in tasks.items():
        assert seen[path] == ["pending", "processing", "completed"], path
        data = done[path]
        assert set(data) == {"task_id", "status", "urls", "err_msg"} and data["err_msg"] == ""
        kind, names, _ = RESULTS[path]
        assert len(data["urls"]) == len(names)
        for url, name in zip(data["urls"], names):
            assert url.startswith("%s/private/sim/giggle/%s/%s?Policy=" % (sim.base_url, tid, name))
            assert url.endswith("&Key-Pair-Id=K2SIMULATOR0&response-content-disposition=attachment")
        assert record(sim, tid)["kind"] == kind


@pytest.mark.parametrize("path", [T2V, I2V, MUSIC, SPEECH])
def test_downloads_are_real_files(sim, path):
    sim.outcomes.add("succeed", duration=0)
    tid = new_task(sim, path)
    kind, names, ctype = RESULTS[path]
    fixture = (ASSETS / ("sample.mp4" if kind == "video" else "sample.mp3")).read_bytes()
    urls = query(sim, tid).json()["data"]["urls"]
    for url, name in zip(urls, names):
        for variant in (url, url.replace("~", "%7E")):
            r = requests.get(variant, timeout=5)
            assert r.status_code == 200 and r.headers["Content-Type"] == ctype
            assert r.headers["Content-Disposition"] == 'attachment; filename="%s"' % name
            assert (is_mp4 if kind == "video" else is_mp3)(r.content)
            assert r.content == fixture
        head = requests.head(url, timeout=5)
        assert head.status_code == 200 and head.headers["Content-Length"] == str(len(fixture))


def test_download_signature_and_key_checks(sim):
    sim.outcomes.add("succeed", times=2, duration=0)
    music, video = new_task(sim, MUSIC), new_task(sim, T2V)
    url1, url2 = query(sim, music).json()["data"]["urls"]
    base1, qs1 = url1.split("?")
    sig = re.search(r"Signature=([^&]+)", qs1).group(1)
    for bad in (url1.replace(sig, ("A" if sig[0] != "A" else "B") + sig[1:]),  # forged
                base1,                                                    # unsigned
                url2.split("?")[0] + "?" + qs1,                           # music-1's signature on music-2
                url1.replace("K2SIMULATOR0", "K2OTHER")):
        r = requests.get(bad, timeout=5)
        assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text, bad
    expired = "/private/sim/giggle/%s/music-1.mp3" % music
    r = requests.get(signed(sim, expired, ttl=-5), timeout=5)
    assert r.status_code == 403 and "expired" in r.text
    # validly signed, but no such key: wrong kind, wrong extension, index out of range
    for name in ("video-1.mp4", "music-1.mp4", "music-3.mp3", "speech-1.mp3", "image-1.png"):
        r = requests.get(signed(sim, "/private/sim/giggle/%s/%s" % (music, name)), timeout=5)
        assert r.status_code == 404 and "NoSuchKey" in r.text, name
    for name in ("video-2.mp4", "video-1.mp3", "music-1.mp3"):
        assert requests.get(signed(sim, "/private/sim/giggle/%s/%s" % (video, name)), timeout=5).status_code == 404
    sim.faults.add("media", "http_500")
    assert requests.get(url1, timeout=5).status_code == 500
    assert requests.get(url1, timeout=5).status_code == 200


def test_unfinished_task_has_no_files(sim):
    sim.outcomes.add("never", duration=0)
    tid = new_task(sim, SPEECH)
    assert query(sim, tid).json()["data"]["status"] == "processing"
    assert requests.get(signed(sim, "/private/sim/giggle/%s/speech-1.mp3" % tid), timeout=5).status_code == 404


def test_image_records_written_before_media_kinds_still_serve(sim):
    """A state dir from before tasks carried kind/result_count (image only) still works."""
    tid = "00000000-0000-4000-8000-0000000000aa"
    sim.store.put({"task_id": tid, "provider": "giggle", "route": "giggle.text-to-image",
                   "prompt": "old", "generate_count": 2, "model": "seedream45", "aspect_ratio": "1:1",
                   "created_at": time.time() - 10, "duration": 0, "queued_for": 0,
                   "outcome": "succeed", "message": None})
    urls = query(sim, tid).json()["data"]["urls"]
    assert [u.split("?")[0].rsplit("/", 1)[1] for u in urls] == ["image-1.png", "image-2.png"]
    r = requests.get(urls[1], timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"


# -- outcomes ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["video", "music", "speech"])
@pytest.mark.parametrize("outcome,status,err", [
    ("fail", "failed", "generation failed"),
    ("error", "error", "generation error"),
    ("moderation", "failed", "sensitive"),
    ("canceled", "canceled", "canceled"),
])
def test_terminal_outcomes(sim, kind, outcome, status, err):
    sim.outcomes.add(outcome, duration=0)
    tid = new_task(sim, KIND_PATHS[kind])
    first = assert_envelope(query(sim, tid), 200)["data"]
    assert first["status"] == status and first["urls"] == [] and err in first["err_msg"]
    time.sleep(0.02)
    assert query(sim, tid).json()["data"] == first  # terminal: it never moves on (error too)
    name = RESULTS[KIND_PATHS[kind]][1][0]
    assert requests.get(signed(sim, "/private/sim/giggle/%s/%s" % (tid, name)), timeout=5).status_code == 404


def test_outcome_message_override(sim):
    sim.outcomes.add("fail", message="lyrics rejected", duration=0)
    assert query(sim, new_task(sim, MUSIC)).json()["data"]["err_msg"] == "lyrics rejected"


# -- faults -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [T2V, I2V, MUSIC, SPEECH])
def test_submit_drop_after_create_keeps_exactly_one_task(sim, path):
    sim.faults.add("giggle.submit", "drop")
    with pytest.raises(requests.ConnectionError):
        post(sim, path, VALID[path])
    tasks = sim.tasks()
    assert len(tasks) == 1 and tasks[0]["route"] == ROUTE_NAMES[path]
    assert sim.count("giggle.submit") == 1 and sim.count(ROUTE_NAMES[path]) == 1
    sim.faults.add(ROUTE_NAMES[path], "http_500")  # a pre-fault on the exact route: nothing created
    assert_envelope(post(sim, path, VALID[path]), 500)
    assert len(sim.tasks()) == 1


# -- resumability -----------------------------------------------------------------------

def test_resume_in_a_second_simulator(tmp_path):
    keys = {"giggle": ["k"]}
    with Simulator(state_dir=tmp_path, time_scale=0.01, accept_keys=keys, faults="") as first:
        first.outcomes.add("succeed", times=3, duration=0)
        done = {path: new_task(first, path) for path in (T2V, MUSIC, SPEECH)}
        old = {path: query(first, tid).json()["data"]["urls"] for path, tid in done.items()}
        first.outcomes.add("succeed", duration=10)  # 0.1 s real, fixed at creation
        running = new_task(first, T2V)
        first_url = first.base_url
    with Simulator(state_dir=tmp_path, time_scale=1.0, accept_keys=keys, faults="") as second:
        assert second.base_url != first_url
        for path, tid in done.items():
            data = query(second, tid).json()["data"]
            kind, names, ctype = RESULTS[path]
            assert data["status"] == "completed" and len(data["urls"]) == len(names)
            assert data["urls"][0].startswith(second.base_url + "/private/sim/giggle/%s/%s?" % (tid, names[0]))
            r = requests.get(data["urls"][0], timeout=5)
            assert r.status_code == 200 and r.headers["Content-Type"] == ctype
            # a URL signed by the first process still verifies (same state-dir secret)
            replay = second.base_url + old[path][-1][len(first_url):]
            assert requests.get(replay, timeout=5).status_code == 200
        deadline = time.time() + 2
        while query(second, running).json()["data"]["status"] != "completed":
            assert time.time() < deadline
            time.sleep(0.02)
        assert query(second, running).json()["data"]["urls"][0].split("?")[0].endswith("/video-1.mp4")
