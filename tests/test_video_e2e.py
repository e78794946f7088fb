"""giggle-generation-video end to end: the entry script as a subprocess against the simulator."""

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, TEST_KEY, sim_cli
from test_image_e2e import png_bytes

VIDEO_SCRIPT = ROOT / "skills" / "giggle-generation-video" / "scripts" / "generate_video.py"
T2V = "/api/v1/generation/text-to-video"
I2V = "/api/v1/generation/image-to-video"
CATALOG = json.loads((ROOT / "schemas" / "giggle" / "video-catalog.json").read_text())
MODELS = CATALOG["$defs"]["model"]["oneOf"]
ALL_DURATIONS = CATALOG["$defs"]["duration"]["enum"]


@pytest.fixture
def video_cli(sim, artifacts, tmp_path):
    return sim_cli(VIDEO_SCRIPT, sim, artifacts, tmp_path)


def submits(sim):
    return [r for r in sim.requests if r.method == "POST"]


def is_mp4(data):
    return len(data) > 8 and data[4:8] == b"ftyp"


def test_catalog_has_the_fifteen_models_and_wan25_defaults_to_5():
    assert len(MODELS) == 15
    by_name = {m["const"]: m for m in MODELS}
    assert by_name["wan25"]["x-default-duration"] == 5
    for m in MODELS:
        assert m["x-default-duration"] in m["x-durations"], m["const"]
        assert set(m["x-durations"]) <= set(ALL_DURATIONS), m["const"]


def test_run_text_to_video_downloads_an_mp4_and_sends_the_default_body(video_cli, sim):
    sim.outcomes.add("succeed", duration=30)
    res = video_cli("run", "--prompt", "waves crashing on black rocks")
    assert res.code == 0, res
    doc = res.json
    assert doc["status"] == "succeeded" and doc["provider_status"] == "completed"
    assert doc["error"] is None and doc["next"] is None and doc["model"] == "grok"
    (out,) = doc["outputs"]
    assert out["kind"] == "video" and "Signature=" in out["url"] and "Key-Pair-Id=" in out["url"]
    path = Path(out["path"])
    assert path.parent == Path(doc["artifacts"]["dir"]) / "outputs" and path.suffix == ".mp4"
    data = path.read_bytes()
    assert is_mp4(data) and hashlib.sha256(data).hexdigest() == out["sha256"]
    assert json.loads(Path(doc["artifacts"]["json"]).read_text()) == doc
    (post,) = submits(sim)
    assert post.path == T2V and post.headers.get("x-auth") == TEST_KEY
    assert post.body == {"prompt": "waves crashing on black rocks", "model": "grok", "duration": 6,
                         "aspect_ratio": "16:9", "resolution": "720p"}
    assert doc["request"]["body"] == post.body
    assert [r for r in sim.requests if r.route == "media"]


def _disallowed(allowed):
    # A duration some other model takes (the tempting mistake), else one nobody takes.
    return next((d for d in ALL_DURATIONS if d not in allowed), max(ALL_DURATIONS) + 1)


@pytest.mark.parametrize("model", MODELS, ids=[m["const"] for m in MODELS])
def test_each_models_duration_table(video_cli, sim, artifacts, model):
    name, allowed = model["const"], model["x-durations"]
    res = video_cli("run", "--dry-run", "--prompt", "a fox in snow", "--model", name)
    assert res.code == 0, res
    assert res.json["request"]["body"]["duration"] == model["x-default-duration"]
    assert res.json["request"]["body"]["model"] == name
    bad = _disallowed(allowed)
    res = video_cli("run", "--dry-run", "--prompt", "a fox in snow", "--model", name, "--duration", bad)
    assert res.code == 2, res
    line = res.stderr.strip()
    assert "\n" not in line and "--duration" in line and str(bad) in line and name in line, line
    shown = line.split("allowed", 1)[1]
    span = re.search(r"(\d+) to (\d+)", shown)   # a long run is shown as "4 to 15"
    listed = list(range(int(span.group(1)), int(span.group(2)) + 1)) if span else [int(n) for n in re.findall(r"\d+", shown)]
    assert listed == allowed, line
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_wan25_default_duration_is_sent_and_accepted(video_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    res = video_cli("run", "--prompt", "a fox in snow", "--model", "wan25", "--no-download")
    assert res.code == 0, res
    assert submits(sim)[0].body["duration"] == 5


RATIOS = ["16:9", "9:16", "1:1", "3:4", "4:3"]
RESOLUTIONS = ["480p", "720p", "1080p"]


def test_every_aspect_ratio_and_resolution_is_accepted(video_cli, sim):
    for i, ratio in enumerate(RATIOS):
        resolution = RESOLUTIONS[i % len(RESOLUTIONS)]
        res = video_cli("submit", "--dry-run", "--prompt", "x", "--aspect-ratio", ratio, "--resolution", resolution)
        assert res.code == 0, res
        body = res.json["request"]["body"]
        assert body["aspect_ratio"] == ratio and body["resolution"] == resolution
    assert sim.requests == []


def test_image_to_video_with_a_file_start_frame_and_a_url_end_frame(video_cli, sim, tmp_path):
    sim.outcomes.add("succeed", duration=30)
    photo = tmp_path / "first.png"
    photo.write_bytes(png_bytes(6, 4))
    res = video_cli("run", "--prompt", "the flower blooms", "--model", "veo31", "--duration", "8",
                    "--aspect-ratio", "9:16", "--resolution", "1080p",
                    "--start-frame", "first.png", "--end-frame", "url:https://example.com/bloom.jpg")
    assert res.code == 0, res
    (post,) = submits(sim)
    assert post.path == I2V and post.route == "giggle.image-to-video"
    assert post.body == {"prompt": "the flower blooms", "model": "veo31", "duration": 8,
                         "aspect_ratio": "9:16", "resolution": "1080p",
                         "start_frame": {"base64": base64.b64encode(photo.read_bytes()).decode()},
                         "end_frame": {"url": "https://example.com/bloom.jpg"}}
    assert is_mp4(Path(res.json["outputs"][0]["path"]).read_bytes())
    refs = res.json["request"]["references"]
    assert [r["type"] for r in refs] == ["file", "url"]
    assert refs[0]["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()


def test_asset_id_and_base64_frames(video_cli, sim):
    b64 = base64.b64encode(png_bytes(8, 8)).decode()
    res = video_cli("run", "--dry-run", "--prompt", "x", "--start-frame", "asset_id:frame_01",
                    "--end-frame", "base64:" + b64)
    assert res.code == 0, res
    assert res.json["request"]["path"] == I2V
    body = res.json["request"]["body"]
    digest = hashlib.sha256(base64.b64decode(b64)).hexdigest()
    assert body["start_frame"] == {"asset_id": "frame_01"}
    assert body["end_frame"] == {"base64": "<base64: %d bytes, sha256 %s>" % (len(base64.b64decode(b64)), digest)}
    # An end frame alone is image-to-video too.
    sim.outcomes.add("succeed", duration=20)
    res = video_cli("run", "--prompt", "x", "--end-frame", "asset_id:abc123", "--no-download")
    assert res.code == 0, res
    (post,) = submits(sim)
    assert post.path == I2V and post.body["end_frame"] == {"asset_id": "abc123"}
    assert "start_frame" not in post.body


BAD = [
    (["--model", "sora 3"], "--model", "sora 3"),
    (["--aspect-ratio", "21:9"], "--aspect-ratio", "21:9"),
    (["--resolution", "8K"], "--resolution", "8K"),
    (["--duration", "7"], "--duration", "7"),
    (["--duration", "six"], "--duration", "six"),
    (["--model", "wan25", "--duration", "6"], "--duration", "6"),
    (["--start-frame", "data:image/png;base64,iVBORw0KGgo="], "--start-frame", "data:"),
    (["--end-frame", "data:image/png;base64,iVBORw0KGgo="], "--end-frame", "data:"),
    (["--start-frame", "missing/first.png"], "--start-frame", "missing/first.png"),
    (["--end-frame", "url:ftp://x/y.png"], "--end-frame", "ftp://x/y.png"),
    (["--start-frame", "base64:!!!notbase64!!!"], "--start-frame", "base64"),
]


@pytest.mark.parametrize("args,option,value", BAD, ids=[" ".join(b[0])[:40] for b in BAD])
def test_bad_input_exits_2_naming_the_option_and_nothing_is_sent(video_cli, sim, artifacts, args, option,
                                                                  value):
    res = video_cli("run", "--prompt", "a cat", *args)
    assert res.code == 2, res
    line = res.stderr.strip()
    assert "\n" not in line and option in line and value in line, line
    assert res.json["error"]["kind"] == "usage" and res.json["exit_code"] == 2
    assert sim.requests == [] and list(artifacts.iterdir()) == []


@pytest.mark.parametrize("prompt_args", [[], ["--prompt", ""], ["--prompt", "  \n "]])
def test_missing_prompt_exits_2(video_cli, sim, artifacts, prompt_args):
    res = video_cli("run", *prompt_args, "--model", "kling25")
    assert res.code == 2 and "--prompt" in res.stderr and res.stderr.strip().count("\n") == 0, res
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_non_image_frame_file_is_refused(video_cli, sim, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    res = video_cli("run", "--prompt", "x", "--start-frame", str(notes))
    assert res.code == 2 and "--start-frame" in res.stderr and str(notes) in res.stderr, res
    assert sim.requests == []


@pytest.mark.parametrize("outcome,kind,message", [
    ("fail", "task_failed", "video model ran out of frames"),
    ("error", "task_failed", "render farm unavailable"),
    ("moderation", "moderation", None),
])
def test_task_failure_exits_1_with_the_provider_message(video_cli, sim, outcome, kind, message):
    sim.outcomes.add(outcome, message=message, duration=20)
    res = video_cli("run", "--prompt", "x")
    assert res.code == 1, res
    doc = res.json
    assert doc["status"] == "failed" and doc["error"]["kind"] == kind and doc["next"] is None
    if message:
        assert message in doc["error"]["message"]
    else:
        assert "moderation" in doc["error"]["message"] and "sensitive" in doc["error"]["provider_message"]
    assert doc["outputs"] == [] and len(submits(sim)) == 1


def test_transient_query_faults_are_survived_with_one_submit(video_cli, sim):
    sim.outcomes.add("succeed", duration=60)
    sim.faults.add("giggle.query", "http_500")
    sim.faults.add("giggle.query", "html_502")
    sim.faults.add("giggle.query", "http_429", retry_after=0.2)
    sim.faults.add("giggle.query", "drop")
    res = video_cli("run", "--prompt", "x")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert is_mp4(Path(res.json["outputs"][0]["path"]).read_bytes())
    assert len(submits(sim)) == 1
    faults = sorted(r.fault for r in sim.requests if r.route == "giggle.query" and r.fault)
    assert faults == sorted(["http_500", "html_502", "http_429", "drop"])


def test_a_hang_on_submit_is_status_unknown_and_never_resent(video_cli, sim):
    sim.faults.add("giggle.submit", "hang", seconds=3)
    res = video_cli("run", "--prompt", "x", "--model", "sora2")
    assert res.code == 4, res
    assert res.json["status"] == "unknown" and res.json["error"]["kind"] == "submit_outcome_unknown"
    assert len(submits(sim)) == 1 and submits(sim)[0].route == "giggle.text-to-video"
    assert not [r for r in sim.requests if r.route == "giggle.query"]


def test_image_to_video_submit_fault_is_never_resent(video_cli, sim):
    sim.faults.add("giggle.image-to-video", "drop")
    res = video_cli("run", "--prompt", "x", "--start-frame", "asset_id:abc")
    assert res.code == 4 and res.json["status"] == "unknown", res
    assert len(submits(sim)) == 1


def test_no_download_keeps_only_the_url(video_cli, sim):
    sim.outcomes.add("succeed", duration=20)
    res = video_cli("run", "--prompt", "x", "--no-download")
    assert res.code == 0, res
    (out,) = res.json["outputs"]
    assert "path" not in out and out["url"].split("?")[0].endswith(".mp4")
    assert not [r for r in sim.requests if r.route == "media"]
    assert not (Path(res.json["artifacts"]["dir"]) / "outputs").exists() or \
        list((Path(res.json["artifacts"]["dir"]) / "outputs").iterdir()) == []


def test_submit_then_wait_completes(video_cli, sim):
    sim.outcomes.add("succeed", duration=30)
    sub = video_cli("submit", "--prompt", "clouds", "--model", "kling25", "--duration", "10")
    assert sub.code == 0 and sub.json["status"] == "queued", sub
    done = video_cli("wait", "--task-id", sub.json["task_id"])
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert done.json["run_id"] == sub.json["run_id"]
    assert is_mp4(Path(done.json["outputs"][0]["path"]).read_bytes())
    assert len(submits(sim)) == 1 and submits(sim)[0].body["duration"] == 10


@pytest.mark.parametrize("args,needle", [
    (["--start-frame", "asset_id:a", "--start-frame", "asset_id:b"], "--start-frame: given 2 times"),
    (["--end-frame", "url:https://e.com/a b.png"], "cannot contain spaces"),
])
def test_frames_are_never_silently_dropped_or_mangled(video_cli, sim, artifacts, args, needle):
    res = video_cli("run", "--prompt", "x", *args)
    assert res.code == 2 and needle in res.stderr, res
    assert sim.requests == [] and list(artifacts.iterdir()) == []
