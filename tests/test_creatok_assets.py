"""CreatOK's registered-asset flow and business codes, in the simulator and through the skills:
presign without prefix, PUT, POST /assets, and only the asset's key is accepted (41003 for a
temporary upload key); 40101/41001/41002 mapped to our exit codes."""

import requests

from conftest import TEST_KEY
from creatok_helpers import generation_posts, image, video  # noqa: F401 (fixtures)
from test_image_e2e import png_bytes

AUTH = {"Authorization": "Bearer " + TEST_KEY}


def api(sim, path):
    return sim.base_url + "/api/open/skills" + path


def upload(sim, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 8, body_extra=None, kind="image", ctype="image/png"):
    body = dict({"fileName": "a.png", "fileType": ctype, "fileSize": len(data)}, **(body_extra or {}))
    presigned = requests.post(api(sim, "/upload/%s/presigned" % kind), headers=AUTH, json=body).json()["data"]
    assert requests.put(presigned["presignedUploadUrl"], data=data, headers={"Content-Type": ctype}).status_code == 200
    return presigned["objectKey"]


def test_a_temporary_key_is_refused_with_41003_at_estimate_and_submit_and_the_asset_key_accepted(sim):
    temporary = upload(sim)
    body = {"prompt": "x", "model": "nano-banana-2", "resolution": "2K", "n": 1, "imageObjectKeys": [temporary]}
    for path, payload in (("/credits-estimate", {"service": "image_generation", "params": body}),
                          ("/image-generation", body)):
        refused = requests.post(api(sim, path), headers=AUTH, json=payload)
        assert refused.status_code == 400 and refused.json()["code"] == 41003, refused.text
        assert "asset_required" in refused.json()["msg"]
    asset = requests.post(api(sim, "/assets"), headers=AUTH, json={"object_key": temporary, "type": "image"}).json()
    assert asset["code"] == 0 and set(asset["data"]["asset"]) == {"uid", "type", "object_key", "object_size",
                                                                  "created_at"}
    again = requests.post(api(sim, "/assets"), headers=AUTH, json={"object_key": temporary, "type": "image"}).json()
    assert again["data"]["asset"] == asset["data"]["asset"]   # a retried registration creates nothing new
    body["imageObjectKeys"] = [asset["data"]["asset"]["object_key"]]
    assert requests.post(api(sim, "/image-generation"), headers=AUTH, json=body).json()["code"] == 0


def test_the_old_clients_prefix_is_still_accepted_and_registration_checks_the_upload(sim):
    old = upload(sim, body_extra={"prefix": "open-skills/reference-images"})
    assert old.startswith("open-skills/reference-images/")
    wrong_type = requests.post(api(sim, "/assets"), headers=AUTH, json={"object_key": old, "type": "video"})
    assert wrong_type.status_code == 400 and "type" in wrong_type.json()["msg"]
    never_put = requests.post(api(sim, "/upload/image/presigned"), headers=AUTH,
                              json={"fileName": "b.png", "fileType": "image/png", "fileSize": 3}).json()["data"]
    expired = requests.post(api(sim, "/assets"), headers=AUTH, json={"object_key": never_put["objectKey"],
                                                                     "type": "image"})
    assert expired.status_code == 400 and expired.json()["code"] == 41001
    video_key = upload(sim, data=b"\0\0\0\x10ftypisom" + b"\0" * 8, kind="video", ctype="video/mp4")
    asset = requests.post(api(sim, "/assets"), headers=AUTH, json={"object_key": video_key, "type": "video"}).json()
    assert asset["data"]["asset"]["type"] == "video"
    image_field = requests.post(api(sim, "/image-generation"), headers=AUTH, json={
        "prompt": "x", "model": "nano-banana-2", "resolution": "2K", "n": 1,
        "imageObjectKeys": [asset["data"]["asset"]["object_key"]]})
    assert image_field.json()["code"] == 41002   # a video asset where an image is wanted


def test_the_estimate_prices_as_the_capabilities_list_and_beyond(sim):
    def credits(service, params):
        answer = requests.post(api(sim, "/credits-estimate"), headers=AUTH, json={"service": service, "params": params})
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]["credits"]

    for entry in sim.creatok.capabilities["video"]["models"]:
        for row in entry["pricing"]["estimates"]:
            params = {"model": entry["id"], "orientation": row["orientation"], "seconds": row["seconds"],
                      "definition": row["definition"]}
            assert credits("video_generation", params) == row["credits"], (entry["id"], row)
    for entry in sim.creatok.capabilities["image"]["models"]:
        for resolution, price in ((entry["pricing"] or {}).get("by_resolution") or {}).items():
            assert credits("image_generation", {"model": entry["id"], "resolution": resolution, "n": 3}) == price * 3
    assert credits("image_generation", {"model": "gpt-image-2", "resolution": "1K", "n": 1, "quality": "low"}) == 1
    assert credits("image_upscale", {"count": 2}) == 4
    bad = requests.post(api(sim, "/credits-estimate"), headers=AUTH, json={"service": "nope", "params": {}})
    assert bad.status_code == 400 and "service" in bad.json()["msg"]


def test_a_temporary_key_given_to_the_skill_is_reported_as_the_asset_flow_with_exit_4(image, sim):
    temporary = upload(sim)
    res = image("run", "--yes", "--prompt", "a cat", "--reference-images", "key:" + temporary)
    assert res.code == 4, res
    error = res.json["error"]
    assert error["kind"] == "asset_required" and "41003" in error["message"]
    assert "asset flow (presign, PUT, POST /assets)" in error["message"]
    assert generation_posts(sim) == 0


def test_an_unknown_asset_key_is_exit_2_naming_it(image, sim):
    res = image("run", "--yes", "--prompt", "a cat", "--reference-images", "key:assets/images/gone.png")
    assert res.code == 2, res
    assert res.json["error"]["kind"] == "media_input_unavailable" and "assets/images/gone.png" in res.json["error"]["message"]
    assert generation_posts(sim) == 0


def test_input_rejected_at_submit_is_exit_2_and_the_run_says_rejected(video, sim, tmp_path):
    sim.faults.add("creatok.tasks", "code", code=40101, message="input_rejected: real_person")
    res = video("run", "--yes", "--prompt", "a face")
    assert res.code == 2, res
    assert res.json["status"] == "rejected" and res.json["error"]["kind"] == "input_rejected"
    assert "CreatOK refused the input (40101" in res.json["error"]["message"]
    assert "real_person" in res.json["error"]["message"]


def test_an_asset_the_server_lost_is_forgotten_so_the_next_run_uploads_it_again(image, sim, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    assert image("run", "--yes", "--prompt", "one", "--reference-images", photo).code == 0
    sim.faults.add("creatok.image-generation", "code", code=41002, message="media_input_unavailable: deleted")
    lost = image("run", "--yes", "--prompt", "two", "--reference-images", photo)
    assert lost.code == 2 and lost.json["error"]["kind"] == "media_input_unavailable", lost
    assert sim.count("creatok.assets") == 1
    again = image("run", "--yes", "--prompt", "three", "--reference-images", photo)
    assert again.code == 0, again
    assert sim.count("creatok.assets") == 2 and sim.count("creatok.storage") == 2


def test_status_is_asked_with_its_task_type_and_our_client_headers(video, sim):
    res = video("run", "--yes", "--prompt", "waves")
    assert res.code == 0, res
    polls = [r for r in sim.requests if r.route == "creatok.status"]
    assert polls and all(r.query["task_type"] == "video_generation" for r in polls)
    assert all(r.headers["x-creatok-client"] == "genmedia-skills" for r in polls)
