"""The CreatOK double itself: what it enforces, so the skills' tests mean something."""

import json

import requests

from conftest import TEST_KEY

AUTH = {"Authorization": "Bearer " + TEST_KEY}


def api(sim, path):
    return sim.base_url + "/api/open/skills" + path


def test_auth_envelope_and_validation(sim):
    assert requests.get(api(sim, "/capabilities")).status_code == 401
    ok = requests.get(api(sim, "/capabilities"), headers=AUTH).json()
    assert ok["code"] == 0 and ok["data"]["capabilities"]["image"]["default_model"] == "nano-banana-2"
    bad = requests.post(api(sim, "/image-generation"), headers=AUTH,
                        json={"prompt": "x", "model": "nano-banana-2", "resolution": "2K", "n": 1, "aspect_ratio": "7:3"})
    assert bad.status_code == 400 and bad.json()["code"] == 400 and "aspect_ratio" in bad.json()["msg"]
    missing_key = requests.post(api(sim, "/image-generation"), headers=AUTH,
                                json={"prompt": "x", "model": "nano-banana-2", "resolution": "2K", "n": 1,
                                      "imageObjectKeys": ["open-skills/never-uploaded.png"]})
    assert missing_key.status_code == 400 and missing_key.json()["code"] == 41002


def test_task_type_is_optional_but_must_match_when_given(sim):
    task = requests.post(api(sim, "/tasks"), headers=AUTH, json={"prompt": "x", "model": "sora-2", "orientation": "9:16",
                                                                  "seconds": 12, "definition": "720p"}).json()
    task_id = task["data"]["task_id"]
    bare = requests.get(api(sim, "/tasks/status"), headers=AUTH, params={"task_id": task_id})
    assert bare.status_code == 200 and bare.json()["data"]["task_type"] == "video_generation"
    assert requests.get(api(sim, "/tasks/status"), headers=AUTH,
                        params={"task_id": task_id, "task_type": "video_gen"}).status_code == 400
    wrong = requests.get(api(sim, "/tasks/status"), headers=AUTH, params={"task_id": task_id, "task_type": "image_generation"})
    assert wrong.status_code == 404
    right = requests.get(api(sim, "/tasks/status"), headers=AUTH, params={"task_id": task_id, "task_type": "video_generation"})
    assert right.status_code == 200 and right.json()["data"]["status"] in ("queued", "running")
    assert requests.get(api(sim, "/tasks/status"), headers=AUTH,
                        params={"task_id": "task_nope", "task_type": "video_generation"}).status_code == 404


def test_presigned_put_refuses_a_bearer_header_and_a_different_content_type(sim):
    presigned = requests.post(api(sim, "/upload/image/presigned"), headers=AUTH,
                              json={"fileName": "a.png", "fileType": "image/png", "fileSize": 4}).json()["data"]
    url, key = presigned["presignedUploadUrl"], presigned["objectKey"]
    assert requests.put(url, data=b"abcd", headers=dict(AUTH, **{"Content-Type": "image/png"})).status_code == 400
    assert requests.put(url, data=b"abcd", headers={"Content-Type": "image/jpeg"}).status_code == 403
    assert requests.put(url.replace("Signature=", "Signature=AA"), data=b"abcd", headers={"Content-Type": "image/png"}).status_code == 403
    assert not sim.creatok.storage.uploaded(key)
    assert requests.put(url, data=b"abcd", headers={"Content-Type": "image/png"}).status_code == 200
    assert sim.creatok.storage.uploaded(key)


def test_capabilities_can_be_swapped_from_a_file(tmp_path, monkeypatch):
    from genmedia_skills.simulator import Simulator

    with Simulator(state_dir=tmp_path / "a", accept_keys={"creatok": [TEST_KEY]}, faults="") as sim:
        caps = sim.creatok.capabilities
    caps["video"]["default_model"] = "sora-2"
    path = tmp_path / "caps.json"
    path.write_text(json.dumps(caps))
    monkeypatch.setenv("GENMEDIA_SIM_CREATOK_CAPABILITIES", str(path))
    with Simulator(state_dir=tmp_path / "b", accept_keys={"creatok": [TEST_KEY]}, faults="") as sim:
        served = requests.get(api(sim, "/capabilities"), headers=AUTH).json()["data"]["capabilities"]
    assert served["video"]["default_model"] == "sora-2"
