"""Runway and Runway Aleph through kie-generation-video, and every KIE API family end to end
under --simulate (the built-in simulator, no key)."""

import pytest

from conftest import Cli, base_env, sim_cli
from kie_helpers import IMAGE, MUSIC, NOWHERE, VIDEO, at


@pytest.fixture
def video_cli(sim, artifacts, tmp_path):
    return sim_cli(VIDEO, sim, artifacts, tmp_path)


def test_runway_polls_record_detail_and_delivers_the_video_and_its_cover(video_cli, sim):
    res = video_cli("run", "--model", "runway", "--prompt", "a paper boat on a rainy street", "--duration", "10",
                    "--aspect-ratio", "9:16")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/runway/generate")
    assert post.body == {"prompt": "a paper boat on a rainy street", "duration": 10, "quality": "720p",
                         "aspectRatio": "9:16", "waterMark": "", "callBackUrl": NOWHERE}
    assert at(sim, "/api/v1/runway/record-detail") and not at(sim, "/api/v1/runway/record-info")
    assert res.json["provider_status"] == "success"
    assert [o["kind"] for o in res.json["outputs"]] == ["video", "image"]
    ext = video_cli("extend", "--task-id", res.json["task_id"], "--prompt", "the boat reaches a drain")
    assert ext.code == 0, ext
    assert at(sim, "/api/v1/runway/extend")[0].body == {"taskId": res.json["task_id"], "prompt": "the boat reaches a drain",
                                                        "quality": "720p", "waterMark": "", "callBackUrl": NOWHERE}
    bad = video_cli("run", "--model", "runway", "--prompt", "p", "--duration", "10", "--resolution", "1080p")
    assert bad.code == 2 and "5-second" in bad.json["error"]["message"], bad
    wrong = video_cli("extend", "--task-id", res.json["task_id"], "--prompt", "p", "--seed", "12345")
    assert wrong.code == 2 and "--seed" in wrong.json["error"]["message"], wrong


def test_runway_failure_reads_fail_code_and_message(video_cli, sim):
    sim.outcomes.add("moderation", message="Inappropriate content detected. Please replace the image or video.")
    res = video_cli("run", "--model", "runway", "--prompt", "p")
    assert res.code == 1 and res.json["provider_status"] == "fail", res
    assert res.json["error"]["kind"] == "moderation" and "code 400" in res.json["error"]["message"]


def test_aleph_transforms_a_video(video_cli, sim):
    res = video_cli("run", "--model", "runway-aleph", "--prompt", "make it winter", "--video",
                    "https://a.example/clip.mp4")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/aleph/generate")
    assert post.body == {"prompt": "make it winter", "videoUrl": "https://a.example/clip.mp4"}
    assert at(sim, "/api/v1/aleph/record-info") and [o["kind"] for o in res.json["outputs"]] == ["video", "image"]
    missing = video_cli("run", "--model", "runway-aleph", "--prompt", "p")
    assert missing.code == 2 and "--video" in missing.json["error"]["message"], missing


@pytest.mark.parametrize("script,args", [
    (VIDEO, ["--model", "veo3_lite", "--prompt", "waves"]),
    (VIDEO, ["--model", "runway", "--prompt", "waves"]),
    (VIDEO, ["--model", "runway-aleph", "--prompt", "waves", "--video", "https://a.example/v.mp4"]),
    (IMAGE, ["--model", "gpt4o-image", "--prompt", "a fox"]),
    (IMAGE, ["--model", "flux-kontext-pro", "--prompt", "a fox"]),
    (MUSIC, ["--prompt", "a fox in the snow"]),
], ids=["veo", "runway", "aleph", "gpt4o-image", "flux-kontext", "suno"])
def test_every_family_runs_end_to_end_under_simulate(script, args, artifacts, tmp_path):
    env = base_env(artifacts)
    env["KIE_BASE_URL"] = "http://127.0.0.1:9"   # nothing may go to a configured provider
    res = Cli(script, env, tmp_path)("run", "--simulate", *args)
    assert res.code == 0 and res.json["simulated"] is True, res
    assert res.json["outputs"] and all(o.get("path") for o in res.json["outputs"])
    again = Cli(script, env, tmp_path)("status", "--task-id", res.json["task_id"])
    assert again.code == 0 and again.json["run_id"] == res.json["run_id"], again


def test_a_dedicated_answer_missing_its_status_fails_its_schema_and_is_kept(video_cli, sim):
    sim.faults.add("kie.runway-query", "missing_field", times=10)   # record-detail without `state`
    res = video_cli("run", "--model", "runway", "--prompt", "p")
    assert res.code == 4 and res.json["error"]["kind"] == "bad_response", res
    assert "kie/runway-record-detail.response.json" in res.json["error"]["message"] and "state" in \
        res.json["error"]["message"]
    with open(res.json["error"]["raw_body"]) as handle:
        assert '"videoInfo"' in handle.read()
    assert res.json["task_id"] and res.json["next"]   # the task is not lost: `next` resumes it


def test_the_user_s_callback_goes_to_market_models_too_and_none_by_default(sim, artifacts, tmp_path):
    image_cli = sim_cli(IMAGE, sim, artifacts, tmp_path)
    assert image_cli("run", "--prompt", "a fox", "--callback-url", "https://hooks.example.com/kie").code == 0
    assert image_cli("run", "--prompt", "a fox", "--model", "flux-kontext-pro").code == 0
    market, flux = [r.body for r in sim.requests if r.method == "POST"]
    assert market["callBackUrl"] == "https://hooks.example.com/kie" and "callBackUrl" not in flux
