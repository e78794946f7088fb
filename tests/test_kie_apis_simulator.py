"""The KIE dedicated-API doubles as a raw client meets them (plain requests on loopback):
both spellings where KIE's pages conflict, required callbacks, each family's own poll path
and refusals, and download-url."""

import time

import pytest
import requests

from conftest import TEST_KEY

AUTH = {"Authorization": "Bearer " + TEST_KEY}
CB = "https://callback.invalid/x"


@pytest.fixture
def kie(sim):
    def call(method, path, **kw):
        return requests.request(method, sim.base_url + path, headers=AUTH, timeout=5, **kw).json()
    return call


def _until(check, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("never happened")


def test_veo_reads_both_aspect_ratio_spellings_and_defaults_the_model(kie, sim):
    for spelling in ("aspect_ratio", "aspectRatio"):
        assert kie("POST", "/api/v1/veo/generate", json={"prompt": "p", spelling: "9:16"})["code"] == 200
        bad = kie("POST", "/api/v1/veo/generate", json={"prompt": "p", spelling: "4:3"})
        assert bad["code"] == 422 and "aspect_ratio" in bad["msg"]
    models = [sim.store.get("kie", t["task_id"])["model"] for t in sim.tasks("kie")]
    assert models == ["veo3_fast", "veo3_fast"]


def test_unknown_tasks_and_unfinished_parents_are_refused_as_kie_does(kie):
    assert kie("GET", "/api/v1/veo/record-info", params={"taskId": "veo_task_nope"}) == \
        {"code": 422, "msg": "record is null", "data": None}
    task = kie("POST", "/api/v1/veo/generate", json={"prompt": "p"})["data"]["taskId"]
    early = kie("GET", "/api/v1/veo/get-1080p-video", params={"taskId": task})
    assert early["code"] == 422 and early["msg"] == "record status is not success"
    assert kie("GET", "/api/v1/runway/record-info", params={"taskId": task})["code"] == 404   # it is record-detail


def test_suno_requires_a_callback_url(kie):
    body = {"customMode": False, "instrumental": False, "model": "V5", "prompt": "p"}
    refused = kie("POST", "/api/v1/generate", json=body)
    assert refused["code"] == 422 and "callBackUrl" in refused["msg"]
    assert kie("POST", "/api/v1/generate", json=dict(body, callBackUrl=CB))["code"] == 200


def test_gpt4o_progress_is_a_string_and_response_is_null_while_it_runs(kie, sim):
    sim.outcomes.add("succeed", duration=100)
    task = kie("POST", "/api/v1/gpt4o-image/generate", json={"size": "1:1", "prompt": "p", "nVariants": 2})
    task_id = task["data"]["taskId"]
    running = kie("GET", "/api/v1/gpt4o-image/record-info", params={"taskId": task_id})["data"]
    assert running["successFlag"] == 0 and running["response"] is None
    assert isinstance(running["progress"], str) and 0.0 <= float(running["progress"]) < 1.0
    done = _until(lambda: (lambda d: d if d["successFlag"] == 1 else None)(
        kie("GET", "/api/v1/gpt4o-image/record-info", params={"taskId": task_id})["data"]))
    urls = done["response"].get("resultUrls") or done["response"].get("result_urls")
    assert done["progress"] == "1.00" and len(urls) == 2 and isinstance(done["completeTime"], int)


def test_download_url_takes_only_kie_results(kie, sim):
    assert kie("POST", "/api/v1/common/download-url", json={"url": "https://example.com/a.png"})["code"] == 422
    task_id = kie("POST", "/api/v1/flux/kontext/generate", json={"prompt": "p"})["data"]["taskId"]
    data = _until(lambda: (lambda d: d if d["successFlag"] == 1 else None)(
        kie("GET", "/api/v1/flux/kontext/record-info", params={"taskId": task_id})["data"]))
    url = data["response"]["resultImageUrl"]
    fresh = kie("POST", "/api/v1/common/download-url", json={"url": url})
    assert fresh["code"] == 200 and fresh["data"] != url
    got = requests.get(fresh["data"], timeout=5)
    assert got.status_code == 200 and got.content.startswith(b"\x89PNG")


def test_a_flux_edit_beyond_its_safety_range_fails_later_with_code_500(kie, sim):
    task_id = kie("POST", "/api/v1/flux/kontext/generate", json={
        "prompt": "p", "inputImage": "https://a.example/x.png", "safetyTolerance": 5})["data"]["taskId"]
    data = _until(lambda: (lambda d: d if d["successFlag"] else None)(
        kie("GET", "/api/v1/flux/kontext/record-info", params={"taskId": task_id})["data"]))
    assert data["successFlag"] == 3 and data["errorCode"] == 500 and "safety tolerance" in data["errorMessage"]


def test_a_task_made_elsewhere_is_found_at_its_api_and_the_run_records_it(kie, sim, artifacts, tmp_path):
    from conftest import sim_cli
    from kie_helpers import MUSIC, VIDEO

    veo = kie("POST", "/api/v1/veo/generate", json={"prompt": "p"})["data"]["taskId"]
    song = kie("POST", "/api/v1/generate", json={"customMode": False, "instrumental": True, "model": "V5",
                                                 "prompt": "p", "callBackUrl": CB})["data"]["taskId"]
    video = sim_cli(VIDEO, sim, artifacts, tmp_path)("wait", "--task-id", veo)
    assert video.code == 0 and video.json["request"]["endpoint"] == "POST /api/v1/veo/generate", video
    assert video.json["outputs"][0]["kind"] == "video"
    music = sim_cli(MUSIC, sim, artifacts, tmp_path)("wait", "--task-id", song)
    assert music.code == 0 and len(music.json["outputs"]) == 2, music
    again = sim_cli(VIDEO, sim, artifacts, tmp_path)("status", "--task-id", veo)
    assert again.code == 0 and again.json["run_id"] == video.json["run_id"]
    asked = [r.path for r in sim.requests if r.query.get("taskId") == veo]
    assert asked[-1] == "/api/v1/veo/record-info" and asked.count("/api/v1/jobs/recordInfo") == 1   # then direct
    nobody = sim_cli(VIDEO, sim, artifacts, tmp_path)("wait", "--task-id", "made-up-id", env={"GENMEDIA_POLL_SCALE": "0.002"})
    assert nobody.code == 4 and nobody.json["error"]["kind"] == "unknown_task", nobody
