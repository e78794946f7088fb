"""The KIE double speaks KIE: paths, envelopes, field names and types (contract B10)."""

import json
import time

import pytest
import requests

from conftest import TEST_KEY
from kie_helpers import CREATE, QUERY
from test_image_e2e import png_bytes

AUTH = {"Authorization": "Bearer " + TEST_KEY}
BODY = {"model": "nano-banana-pro", "input": {"prompt": "x"}}


def create(sim, body=BODY, headers=AUTH):
    return requests.post(sim.base_url + CREATE, json=body, headers=headers, timeout=5)


def record(sim, task_id):
    return requests.get(sim.base_url + QUERY, params={"taskId": task_id}, headers=AUTH, timeout=5)


def wait_for(sim, task_id, states=("success", "fail")):
    for _ in range(600):
        data = record(sim, task_id).json()["data"]
        if data and data["state"] in states:
            return data
        time.sleep(0.01)
    raise AssertionError("task never finished")


def test_create_and_record_info_have_kies_shapes(sim):
    sim.kie.null_window = 50.0   # 0.5 s here: room for a loaded machine to ask in time
    answer = create(sim).json()
    assert answer["code"] == 200 and answer["msg"] == "success" and answer["data"]["taskId"].startswith("task_nano")
    task_id = answer["data"]["taskId"]
    early = record(sim, task_id).json()
    assert early == {"code": 422, "msg": "recordInfo is null", "data": None}   # not visible yet
    data = wait_for(sim, task_id)
    assert data["state"] == "success" and isinstance(data["resultJson"], str)
    assert data["failCode"] in (None, "") and data["failMsg"] in (None, "")
    assert json.loads(data["param"]) == BODY and isinstance(data["completeTime"], int)
    (url,) = json.loads(data["resultJson"])["resultUrls"]
    assert requests.get(url, timeout=5).content.startswith(b"\x89PNG")


def test_failed_task_has_string_fail_code(sim):
    sim.outcomes.add("fail")
    data = wait_for(sim, create(sim).json()["data"]["taskId"])
    assert data["state"] == "fail" and data["failCode"] == "500" and data["failMsg"] == "Internal server error"
    assert data["resultJson"] == ""


@pytest.mark.parametrize("mode,status", [("body", 200), ("http", 401)])
def test_errors_come_as_http_200_with_a_code_or_as_real_statuses(sim, mode, status):
    sim.kie.error_mode = mode
    resp = create(sim, headers={"Authorization": "Bearer sk-other"})
    assert resp.status_code == status and resp.json()["code"] == 401


def test_21st_create_in_10_seconds_is_refused_and_not_created(tmp_path):
    from genmedia_skills.simulator import Simulator

    with Simulator(state_dir=tmp_path / "s", time_scale=1.0, accept_keys={"kie": [TEST_KEY]}, faults="") as sim:
        codes = [create(sim).json()["code"] for _ in range(21)]
        assert codes == [200] * 20 + [429] and len(sim.tasks("kie")) == 20


def test_per_model_validation(sim):
    bad = create(sim, {"model": "bytedance/seedance-2", "input": {"prompt": "x", "duration": "5"}}).json()
    assert bad["code"] == 422 and "duration" in bad["msg"]
    bad = create(sim, {"model": "bytedance/v1-pro-image-to-video", "input": {"prompt": "x"}}).json()
    assert bad == {"code": 422, "msg": "image_url is required", "data": None}


def test_upload_answers_the_openapi_shape_and_requires_upload_path(sim):
    files = {"file": ("a.png", png_bytes(), "image/png")}
    answer = requests.post(sim.base_url + "/api/file-stream-upload", files=files, data={"uploadPath": "t"},
                           headers=AUTH, timeout=5)
    data = answer.json()["data"]
    assert answer.json()["success"] is True and set(data) == {"fileName", "filePath", "downloadUrl", "fileSize",
                                                              "mimeType", "uploadedAt"}
    assert requests.get(data["downloadUrl"], timeout=5).content == png_bytes()
    missing = requests.post(sim.base_url + "/api/file-base64-upload", json={"base64Data": "AAAA"}, headers=AUTH,
                            timeout=5)
    assert missing.status_code == 400 and missing.json() == {"success": False, "code": 400,
                                                             "msg": "uploadPath is required"}


def test_result_links_expire(sim):
    sim.kie.url_ttl = 0.3
    data = wait_for(sim, create(sim).json()["data"]["taskId"])
    url = json.loads(data["resultJson"])["resultUrls"][0]
    time.sleep(0.35)
    assert requests.get(url, timeout=5).status_code == 403
