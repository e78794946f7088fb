"""kie-generation-image/-video end to end: entry scripts as subprocesses against the simulator."""

import hashlib
import json
import time
from pathlib import Path

import pytest

from conftest import SIM_TIME_SCALE, TEST_KEY, sim_cli
from kie_helpers import IMAGE, VIDEO, creates, queries, uploads
from test_image_e2e import png_bytes


@pytest.fixture
def image_cli(sim, artifacts, tmp_path):
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


@pytest.fixture
def video_cli(sim, artifacts, tmp_path):
    return sim_cli(VIDEO, sim, artifacts, tmp_path)


def test_image_run_sends_the_documented_request_and_saves_the_result(image_cli, sim):
    res = image_cli("run", "--prompt", "a fox, #FF5500 fur, no text", "--aspect-ratio", "16:9",
                    "--resolution", "2k")
    assert res.code == 0, res
    doc = res.json
    assert doc["status"] == "succeeded" and doc["provider_status"] == "success" and doc["provider"] == "kie"
    (post,) = creates(sim)
    assert post.headers["authorization"] == "Bearer " + TEST_KEY
    assert post.headers["user-agent"].startswith("genmedia-skills/")
    assert post.body == {"model": "nano-banana-pro", "input": {
        "prompt": "a fox, #FF5500 fur, no text", "aspect_ratio": "16:9", "resolution": "2K", "output_format": "png"}}
    assert all(q.query["taskId"] == doc["task_id"] for q in queries(sim))
    (out,) = doc["outputs"]
    data = Path(out["path"]).read_bytes()
    assert data.startswith(b"\x89PNG") and hashlib.sha256(data).hexdigest() == out["sha256"]
    assert out["expires_at"] and doc["credits"] == {"consumed": 18, "remaining": 10000 - 18}   # the account paid for it
    md = Path(doc["artifacts"]["md"]).read_text()
    assert "deletes these links at %s" % out["expires_at"] in md


def test_every_result_url_is_an_output(image_cli, sim):
    sim.outcomes.add("succeed", count=3)
    res = image_cli("run", "--prompt", "three takes")
    assert res.code == 0, res
    outs = res.json["outputs"]
    assert len(outs) == 3 and len({o["url"] for o in outs}) == 3
    assert [Path(o["path"]).name for o in outs] == ["image-1.png", "image-2.png", "image-3.png"]


def test_success_without_a_result_url_is_a_failure(image_cli, sim):
    sim.outcomes.add("empty")
    res = image_cli("run", "--prompt", "nothing comes back")
    assert res.code == 1, res
    assert res.json["status"] == "failed" and res.json["error"]["kind"] == "empty_result"
    assert res.json["outputs"] == []


def test_local_file_image_to_video_uploads_first_to_the_upload_host_and_reuses_it(video_cli, sim, tmp_path):
    from genmedia_skills.simulator import Simulator

    photo = tmp_path / "frame.png"
    photo.write_bytes(png_bytes(6, 4))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    with Simulator(state_dir=sim.state_dir, time_scale=SIM_TIME_SCALE, accept_keys={"kie": [TEST_KEY]},
                   faults="") as upload_host:
        env = {"KIE_UPLOAD_BASE_URL": upload_host.base_url}
        first = video_cli("run", "--prompt", "the camera pushes in", "--image", str(photo), env=env)
        second = video_cli("run", "--prompt", "again", "--image", "frame.png", "--duration", "10", env=env)
        assert first.code == 0 and second.code == 0, (first, second)
        (up,) = uploads(upload_host)   # once: the second run reused it
        assert up.path == "/api/file-stream-upload" and up.headers["authorization"] == "Bearer " + TEST_KEY
    assert uploads(sim) == []          # never sent to the API host
    bodies = [p.body for p in creates(sim)]
    assert [b["model"] for b in bodies] == ["bytedance/v1-pro-image-to-video"] * 2
    url = bodies[0]["input"]["image_url"]
    assert url.startswith(upload_host.base_url + "/kie-files/genmedia-skills/" + digest[:32])
    assert bodies[1]["input"] == {"prompt": "again", "image_url": url, "resolution": "720p", "duration": "10"}
    refs = [r.json["request"]["references"][0] for r in (first, second)]
    assert [r["reused_upload"] for r in refs] == [False, True]
    assert all(r["sha256"] == digest and r["uploaded_url"] == url and r["type"] == "file" for r in refs)
    assert Path(first.json["outputs"][0]["path"]).read_bytes()[4:8] == b"ftyp"


def test_dry_run_with_a_local_file_sends_nothing(video_cli, sim, tmp_path):
    (tmp_path / "f.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 64)
    res = video_cli("run", "--prompt", "p", "--image", "f.jpg", "--dry-run")
    assert res.code == 0, res
    assert "uploaded before the create" in res.json["request"]["body"]["input"]["image_url"]
    assert sim.requests == []


def test_submit_then_wait_status_and_list_recover_by_task_id(video_cli, sim):
    sub = video_cli("submit", "--prompt", "waves", "--model", "bytedance/seedance-2-mini", "--duration", "6")
    assert sub.code == 0 and sub.json["status"] == "queued", sub
    assert creates(sim)[0].body["input"]["duration"] == 6       # an integer for seedance-2
    task_id = sub.json["task_id"]
    assert ("wait --task-id %s " % task_id) in sub.json["next"]
    done = video_cli("wait", "--task-id", task_id)
    assert done.code == 0 and done.json["run_id"] == sub.json["run_id"], done
    again = video_cli("status", "--task-id", task_id)
    assert again.code == 0 and again.json["status"] == "succeeded"
    listed = video_cli("list")
    assert [row["task_id"] for row in listed.json] == [task_id]


def test_sora_progress_is_kept(video_cli, sim):
    sim.outcomes.add("never")
    res = video_cli("run", "--prompt", "a paper boat", "--model", "sora-2-text-to-video", "--timeout", "1.5")
    assert res.code == 5, res
    assert creates(sim)[0].body["input"] == {"prompt": "a paper boat", "aspect_ratio": "landscape",
                                            "n_frames": "10", "remove_watermark": True}
    assert 0 <= res.json["progress"]["percent"] <= 99 and res.json["next"]


def test_null_record_right_after_create_is_waited_out(image_cli, sim):
    sim.faults.add("kie.query", "not_found", times=2)   # at ~3 s and ~16 s after the create
    res = image_cli("run", "--prompt", "patience", env={"GENMEDIA_POLL_SCALE": "0.1"})   # grace = 2.5 s
    assert res.code == 0, res
    assert len(queries(sim)) >= 3


def test_wait_on_a_task_that_never_appears_ends_in_4_within_the_grace(image_cli, sim):
    sim.faults.add("kie.query", "not_found", times=10000)
    started = time.monotonic()
    res = image_cli("run", "--prompt", "lost", env={"GENMEDIA_POLL_SCALE": "0.04"})
    assert res.code == 4 and res.json["error"]["kind"] == "unknown_task", res
    assert "recordInfo is null" in res.json["error"]["provider_message"]
    assert time.monotonic() - started < 30      # grace 25 provider s x 0.04
    foreign = image_cli("wait", "--task-id", "task_nano-banana-pro_1", env={"GENMEDIA_POLL_SCALE": "1"})
    assert foreign.code == 4 and time.monotonic() - started < 60, foreign


def test_expired_result_url_is_reported_as_expired_with_the_local_file(artifacts, tmp_path):
    from genmedia_skills.simulator import Simulator

    scale = 0.00005   # KIE's 24 h of link life = 4.3 s, on both sides
    with Simulator(state_dir=tmp_path / "fast", time_scale=scale, accept_keys={"kie": [TEST_KEY]}, faults="") as sim:
        image_cli = sim_cli(IMAGE, sim, artifacts, tmp_path, GENMEDIA_POLL_SCALE=str(scale))
        kept = image_cli("run", "--prompt", "kept")
        bare = image_cli("run", "--prompt", "not kept", "--no-download")
        assert kept.code == 0 and bare.code == 0 and "path" not in bare.json["outputs"][0], (kept, bare)
        ends = max(_epoch(r.json["outputs"][0]["expires_at"]) for r in (kept, bare))
        time.sleep(max(0.0, ends - time.time()) + 0.3)
        late = image_cli("status", "--task-id", bare.json["task_id"])
        again = image_cli("status", "--task-id", kept.json["task_id"])
    assert late.code == 0 and late.json["status"] == "succeeded", late
    (out,) = late.json["outputs"]
    assert out["expired"] is True and "expired at %s" % out["expires_at"] in out["download_error"]
    assert "403" not in out["download_error"]
    (out,) = again.json["outputs"]
    assert out["expired"] is True and Path(out["path"]).is_file()
    assert any("expired" in n and out["path"] in n for n in again.json["notes"])
    assert "expired at" in Path(again.json["artifacts"]["md"]).read_text()


def _epoch(iso):
    import calendar

    return calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")) + float(iso[19:-1] or 0)


def test_models_command_and_help_list_the_models(image_cli, video_cli):
    res = video_cli("models")
    assert res.code == 0, res
    by_name = {m["model"]: m for m in res.json}
    assert by_name["bytedance/v1-pro-image-to-video"]["fields"]["duration"]["enum"] == ["5", "10"]
    assert by_name["bytedance/seedance-2"]["fields"]["duration"]["type"] == "integer"
    assert by_name["kling-2.6/image-to-video"]["fields"]["image_urls"]["maxItems"] == 1
    images = json.loads(image_cli("models").stdout)
    assert [m["model"] for m in images if m["default"]] == ["nano-banana-pro"]
    help_text = image_cli("run", "--help").stdout
    for model in ("nano-banana-pro", "seedream/4.5-edit", "google/nano-banana-edit"):
        assert model in help_text
