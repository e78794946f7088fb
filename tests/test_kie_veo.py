"""Veo 3.1 through kie-generation-video against the simulator: generate, extend, the 1080p
follow-up (not ready for a while) and 4K, resumed by task id at Veo's own endpoints."""

import pytest

from conftest import sim_cli
from kie_helpers import QUERY, VIDEO, at

RECORD = "/api/v1/veo/record-info"
HD = "/api/v1/veo/get-1080p-video"


@pytest.fixture
def video_cli(sim, artifacts, tmp_path):
    return sim_cli(VIDEO, sim, artifacts, tmp_path)


def _mp4(out):
    with open(out["path"], "rb") as handle:
        return handle.read(12)[4:8] == b"ftyp"


def test_veo_generate_sends_the_documented_body_and_polls_veo_record_info(video_cli, sim):
    res = video_cli("run", "--model", "veo3_fast", "--prompt", "a dog in a park", "--aspect-ratio", "9:16",
                    "--duration", "6", "--resolution", "1080p")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/veo/generate")
    assert post.body == {"prompt": "a dog in a park", "model": "veo3_fast", "aspect_ratio": "9:16",
                         "resolution": "1080p", "duration": 6}   # no callBackUrl: Veo does not require one
    doc = res.json
    assert doc["task_id"].startswith("veo_task_") and doc["request"]["endpoint"] == "POST /api/v1/veo/generate"
    assert doc["status"] == "succeeded" and doc["provider_status"].startswith("SUCCESS")
    assert at(sim, RECORD) and not at(sim, QUERY)   # never the Market's recordInfo
    assert all(q.query == {"taskId": doc["task_id"]} for q in at(sim, RECORD))
    (out,) = doc["outputs"]
    assert out["kind"] == "video" and _mp4(out) and out["expires_at"]


def test_veo_inputs_are_checked_before_anything_is_sent(video_cli, sim):
    bad = [(["--model", "veo3", "--duration", "5"], "--duration"),
           (["--model", "veo3_lite", "--resolution", "2k"], "--resolution"),
           (["--model", "veo3", "--generation-type", "REFERENCE_2_VIDEO", "--image", "https://a.example/1.png"],
            "REFERENCE_2_VIDEO"),
           (["--model", "veo3_fast", "--generation-type", "REFERENCE_2_VIDEO", "--duration", "6",
             "--image", "https://a.example/1.png"], "8-second"),
           (["--model", "veo3_fast"] + ["--image", "https://a.example/x.png"] * 3, "REFERENCE_2_VIDEO"),
           (["--model", "veo3_fast", "--camera-fixed"], "--camera-fixed")]
    for args, named in bad:
        res = video_cli("run", "--prompt", "p", *args)
        assert res.code == 2 and named in res.json["error"]["message"], (args, res)
    assert sim.requests == []


def test_veo_extend_and_the_1080p_follow_up_resume_like_any_task(video_cli, sim):
    first = video_cli("run", "--model", "veo3_fast", "--prompt", "a kite over the dunes")
    assert first.code == 0, first
    parent = first.json["task_id"]

    ext = video_cli("extend", "--task-id", parent, "--prompt", "the kite climbs into the clouds", "--seed", "12345")
    assert ext.code == 0, ext
    (post,) = at(sim, "/api/v1/veo/extend")
    assert post.body == {"taskId": parent, "prompt": "the kite climbs into the clouds", "seeds": 12345}
    assert ext.json["task_id"] != parent and ext.json["request"]["endpoint"] == "POST /api/v1/veo/extend"
    assert {q.query["taskId"] for q in at(sim, RECORD)} == {parent, ext.json["task_id"]}
    assert _mp4(ext.json["outputs"][0])

    sim.kie_apis["veo"].hd_ready = 10 ** 6   # not ready before --timeout
    sub = video_cli("upgrade", "--task-id", parent, "--resolution", "1080p", "--timeout", "1")
    assert sub.code == 5, sub   # KIE says "1080P is processing" for a while: still running, resumable
    hd_id = parent + ":1080p"
    assert sub.json["task_id"] == hd_id and sub.json["status"] == "running" and sub.json["outputs"] == []
    assert "1080P is processing" in " ".join(sub.json["notes"]) and hd_id in sub.json["next"]
    sim.kie_apis["veo"].hd_ready = 0
    done = video_cli("wait", "--task-id", hd_id)
    assert done.code == 0 and done.json["run_id"] == sub.json["run_id"], done
    asks = at(sim, HD)
    assert all(a.query == {"taskId": parent} for a in asks) and len(asks) >= 2
    (out,) = done.json["outputs"]
    assert out["url"].split("?")[0].endswith("video-1080p.mp4") and _mp4(out)

    again = video_cli("extend", "--task-id", parent, "--prompt", "once more")
    assert again.code == 4 and again.json["status"] == "rejected", again   # KIE: an upgraded video cannot be extended
    assert "1080P" in again.json["error"]["message"]


def test_veo_4k_is_a_new_task_polled_at_record_info(video_cli, sim):
    first = video_cli("run", "--model", "veo3_lite", "--prompt", "rain on a tin roof")
    assert first.code == 0, first
    res = video_cli("upgrade", "--task-id", first.json["task_id"], "--resolution", "4k")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/veo/get-4k-video")
    assert post.body == {"taskId": first.json["task_id"]}
    assert res.json["task_id"] not in (first.json["task_id"], None)
    assert at(sim, RECORD)[-1].query == {"taskId": res.json["task_id"]} and _mp4(res.json["outputs"][0])


def test_a_failed_veo_task_reports_kie_s_code_and_message(video_cli, sim):
    sim.outcomes.add("moderation", message="Your prompt was flagged by Website as violating content policies")
    res = video_cli("run", "--model", "veo3", "--prompt", "something flagged")
    assert res.code == 1 and res.json["status"] == "failed", res
    err = res.json["error"]
    assert err["kind"] == "moderation" and "code 400" in err["message"] and "content policies" in err["message"]


def test_submit_then_wait_by_task_id_polls_the_family_the_run_recorded(video_cli, sim):
    sub = video_cli("submit", "--model", "veo3_fast", "--prompt", "waves")
    assert sub.code == 0 and sub.json["status"] == "queued", sub
    res = video_cli("wait", "--task-id", sub.json["task_id"])
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert not at(sim, QUERY) and at(sim, RECORD)
    listed = video_cli("list")
    assert listed.json[0]["task_id"] == sub.json["task_id"] and listed.json[0]["prompt"] == "waves"


def test_a_create_refused_as_rate_limited_is_sent_again_once(video_cli, sim):
    sim.faults.add("kie.veo-generate", "http_429", retry_after=0.2)   # KIE: 429, nothing created
    res = video_cli("run", "--model", "veo3_lite", "--prompt", "a lighthouse")
    assert res.code == 0, res
    assert len(at(sim, "/api/v1/veo/generate")) == 2 and len(sim.tasks("kie")) == 1


def test_dry_runs_of_follow_ups_show_the_request_and_send_nothing(video_cli, sim):
    hd = video_cli("upgrade", "--task-id", "veo_task_x", "--resolution", "1080p", "--index", "1", "--dry-run")
    assert hd.code == 0 and hd.json["request"] == {"method": "GET", "path": HD,
                                                   "body": {"taskId": "veo_task_x", "index": 1}}, hd
    ext = video_cli("extend", "--task-id", "veo_task_x", "--api", "veo", "--prompt", "on", "--model", "quality",
                    "--dry-run")
    assert ext.code == 0 and ext.json["request"]["body"] == {"taskId": "veo_task_x", "prompt": "on",
                                                             "model": "quality"}, ext
    nope = video_cli("extend", "--task-id", "veo_task_x", "--prompt", "on", "--dry-run")
    assert nope.code == 2 and "--api" in nope.json["error"]["message"], nope
    assert sim.requests == []
