"""CreatOK end to end against the simulator: results, uploads, recovery, failures, faults."""

import json

import pytest
import requests

from conftest import TEST_KEY
from creatok_helpers import generation_posts, image, video  # noqa: F401
from test_image_e2e import png_bytes


def test_image_run_returns_urls_verbatim_and_files(image, sim):
    res = image("run", "--yes", "--prompt", "a koi pond", "--generate-count", "2", "--aspect-ratio", "16:9")
    assert res.code == 0, res
    doc = res.json
    assert doc["status"] == "succeeded" and doc["provider_status"] == "succeeded" and doc["task_id"].startswith("img_task_")
    assert len(doc["outputs"]) == 2 and all("Signature=" in o["url"] for o in doc["outputs"])
    for out in doc["outputs"]:
        assert open(out["path"], "rb").read().startswith(b"\x89PNG")
    body = [r.body for r in sim.requests if r.route == "creatok.image-generation"]
    assert body == [{"prompt": "a koi pond", "model": "nano-banana-2", "resolution": "2K", "n": 2, "aspect_ratio": "16:9"}]
    posts = [r for r in sim.requests if r.method == "POST"]
    assert all(r.headers["authorization"] == "Bearer " + TEST_KEY for r in posts)
    assert json.load(open(doc["artifacts"]["json"]))["status"] == "succeeded"


def test_video_run_with_every_option(video, sim):
    res = video("run", "--yes", "--prompt", "waves", "--model", "doubao-seedance-2-fast", "--orientation", "16:9",
                "--duration", "4", "--definition", "720p")
    assert res.code == 0, res
    assert res.json["outputs"][0]["kind"] == "video" and open(res.json["outputs"][0]["path"], "rb").read(12)[4:8] == b"ftyp"
    assert [r.body for r in sim.requests if r.route == "creatok.tasks"] == [
        {"prompt": "waves", "orientation": "16:9", "seconds": 4, "definition": "720p", "model": "doubao-seedance-2-fast"}]


def test_local_reference_is_presigned_put_registered_and_only_the_asset_key_is_sent(image, sim, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    res = image("run", "--yes", "--prompt", "restyle it", "--reference-images", photo, "--reference-images", photo)
    assert res.code == 0, res
    presigns = [r for r in sim.requests if r.route == "creatok.presign"]
    puts = [r for r in sim.requests if r.route == "creatok.storage"]
    registrations = [r for r in sim.requests if r.route == "creatok.assets"]
    assert len(presigns) == len(puts) == len(registrations) == 1   # the same file twice: one asset
    # as CreatOK's own CLI presigns: no `prefix`
    assert presigns[0].body == {"fileName": "photo.png", "fileType": "image/png", "fileSize": len(png_bytes())}
    assert presigns[0].headers["authorization"] == "Bearer " + TEST_KEY
    assert presigns[0].headers["x-creatok-client"] == "genmedia-skills"
    assert presigns[0].headers["x-creatok-client-version"]
    assert all("authorization" not in p.headers and p.headers["content-type"] == "image/png" for p in puts)
    temporary = puts[0].path[len("/sim-storage/"):]
    assert registrations[0].body == {"object_key": temporary, "type": "image"}
    order = [r.route for r in sim.requests if r.route.startswith("creatok.") and r.route != "creatok.capabilities"]
    assert order[:4] == ["creatok.presign", "creatok.storage", "creatok.assets", "creatok.estimate"]
    sent = [r.body for r in sim.requests if r.route == "creatok.image-generation"][0]
    asset_key = sent["imageObjectKeys"][0]
    assert sent["imageObjectKeys"] == [asset_key, asset_key] and asset_key != temporary
    assert asset_key.startswith("assets/images/")   # the ASSET's key, never the temporary upload's
    refs = res.json["request"]["references"]
    assert [r["object_key"] for r in refs] == [asset_key] * 2 and refs[0]["type"] == "file" and len(refs[0]["sha256"]) == 64
    assert res.json["request"]["body"]["imageObjectKeys"] == [asset_key] * 2
    md = open(res.json["artifacts"]["md"]).read()
    assert "uploaded as %s" % asset_key in md and "estimated cost | 1 credits (server estimate), confirmed by --yes" in md
    # a re-run with the same file reuses the asset (remembered per file digest): no second upload
    again = image("run", "--yes", "--prompt", "again", "--reference-images", photo)
    assert again.code == 0, again
    assert sim.count("creatok.storage") == 1 and sim.count("creatok.assets") == 1
    assert again.json["request"]["references"][0]["reused_upload"] is True
    # and an asset can be named by its key
    by_key = image("run", "--yes", "--prompt", "again", "--reference-images", "key:" + asset_key)
    assert by_key.code == 0 and sim.count("creatok.storage") == 1
    assert [r.body for r in sim.requests if r.route == "creatok.image-generation"][2]["imageObjectKeys"] == [asset_key]


def test_recovery_by_task_id_alone(video, sim):
    sim.outcomes.add("succeed", duration=250)   # 2.5 s: still running when `status` asks
    sub = video("submit", "--yes", "--prompt", "a slow pan over hills", "--model", "sora-2")
    assert sub.code == 0 and sub.json["status"] == "queued", sub
    task_id = sub.json["task_id"]
    assert "wait --task-id %s" % task_id in sub.json["next"]
    st = video("status", "--task-id", task_id)
    assert st.code == 0 and st.json["run_id"] == sub.json["run_id"] and st.json["status"] in ("queued", "running")
    queries = [r.query for r in sim.requests if r.route == "creatok.status"]
    assert queries == [{"task_id": task_id, "task_type": "video_generation"}]
    done = video("wait", "--task-id", task_id, "--timeout", "60")
    assert done.code == 0 and done.json["status"] == "succeeded" and done.json["run_id"] == sub.json["run_id"], done
    assert done.json["request"]["body"]["prompt"] == "a slow pan over hills"
    assert generation_posts(sim) == 1


def test_a_task_submitted_elsewhere_is_followed_with_its_task_type(image, sim):
    resp = requests.post(sim.base_url + "/api/open/skills/image-generation", headers={"Authorization": "Bearer " + TEST_KEY},
                         json={"prompt": "x", "model": "nano-banana-2", "resolution": "2K", "n": 1})
    task_id = resp.json()["data"]["task_id"]
    res = image("wait", "--task-id", task_id)
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert {r.query["task_type"] for r in sim.requests if r.route == "creatok.status"} == {"image_generation"}


def test_unknown_task_is_exit_4_and_leaves_no_run(image, artifacts):
    res = image("status", "--task-id", "img_task_doesnotexist")
    assert res.code == 4 and res.json["error"]["kind"] == "unknown_task" and "404" in res.json["error"]["message"]
    assert not list((artifacts / "creatok-generate-image").glob("*/result.json"))


@pytest.mark.parametrize("outcome,status,text", [
    ("fail", "failed", "upstream model error"),
    ("error", "failed", "upstream service unavailable"),      # a string error
    ("moderation", "failed", "safety review"),
    ("canceled", "failed", "cancelled"),      # a cancel ends as `failed`: the only words that end polling
])
def test_failed_and_cancelled_tasks_exit_1_with_the_reason(image, sim, outcome, status, text):
    sim.outcomes.add(outcome)
    res = image("run", "--yes", "--prompt", "a cat")
    assert res.code == 1, res
    assert res.json["status"] == status and text in res.json["error"]["message"]
    if outcome == "moderation":
        assert res.json["error"]["kind"] == "moderation"


def test_a_rejected_key_is_exit_3_with_where_to_get_one(image, sim):
    res = image("run", "--yes", "--prompt", "a cat", env={"CREATOK_API_KEY": "ok_wrong"})
    assert res.code == 3 and "creatok.ai/app/workspace/api-keys" in res.json["error"]["message"]
    assert generation_posts(sim) == 0


def test_html_502_on_the_generation_post_is_reported_with_its_status(image, sim):
    sim.faults.add("creatok.image-generation", "html_502")
    res = image("run", "--yes", "--prompt", "a cat")
    assert res.code == 4, res
    assert res.json["error"]["http_status"] == 502 and "502" in res.json["error"]["message"]
    assert "invalid response" not in res.json["error"]["message"].lower()
    assert res.json["status"] == "unknown" and generation_posts(sim) == 1   # never resent blindly


def test_html_502_on_capabilities_sends_nothing_and_guesses_no_limits(image, sim):
    sim.faults.add("creatok.capabilities", "html_502", times=10)
    res = image("run", "--yes", "--prompt", "a cat")
    assert res.code == 4, res
    message = res.json["error"]["message"]
    assert "capabilities" in message and "HTTP 502" in message and "nothing was sent" in message
    assert res.json["error"]["http_status"] == 502
    assert {r.route for r in sim.requests} == {"creatok.capabilities"}


def test_html_502_while_polling_is_retried(image, sim):
    sim.faults.add("creatok.status", "html_502")
    res = image("run", "--yes", "--prompt", "a cat")
    assert res.code == 0 and res.json["status"] == "succeeded", res


def test_invalid_capabilities_are_refused(image, sim):
    caps = dict(sim.creatok.capabilities)
    caps["image"] = dict(caps["image"], default_model="not-listed")
    sim.creatok.set_capabilities(caps)
    res = image("run", "--yes", "--prompt", "a cat")
    assert res.code == 4 and "default_model" in res.json["error"]["message"], res
    caps["image"] = {"default_model": "x", "models": [{"id": "x", "label": "X", "defaults": {"resolution": "1K"},
                                                          "limits": {}}]}
    sim.creatok.set_capabilities(caps)
    res = image("run", "--yes", "--prompt", "a cat", env={"GENMEDIA_CAPABILITIES_TTL": "0"})
    assert res.code == 4 and "capabilities" in res.json["error"]["message"], res
    assert generation_posts(sim) == 0


def test_models_prints_models_limits_and_prices(video, sim):
    res = video("models")
    assert res.code == 0, res
    assert res.json["default_model"] == "veo-3.1-fast-exp"
    assert res.json["models"] == sim.creatok.capabilities["video"]["models"]


def test_a_failed_upload_requests_no_generation(image, sim, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    sim.faults.add("creatok.storage", "http_500", times=10)
    res = image("run", "--yes", "--prompt", "restyle it", "--reference-images", photo)
    assert res.code == 4, res
    assert res.json["error"]["kind"] == "upload_failed" and "HTTP 500" in res.json["error"]["message"]
    assert "\n" not in res.json["error"]["message"] and generation_posts(sim) == 0
