"""Contract tests for the simulator's newer giggle routes: the asset upload (presign, PUT,
register, the asset's file) and omni-video, plus the per-model tables of gpt-image-2-fast
and Seedance 2.0. Real HTTP on loopback with `requests`, nothing mocked."""

import time

import pytest
import requests

from genmedia_skills.simulator import Simulator, parse_new_models

AUTH = {"x-auth": "k"}
PRESIGN = "/api/v1/asset/get-presigned-url"
REGISTER = "/api/v1/asset/register"
OMNI = "/api/v1/generation/omni-video"
T2I = "/api/v1/generation/text-to-image"
I2I = "/api/v1/generation/image-to-image"
I2V = "/api/v1/generation/image-to-video"
QUERY = "/api/v1/generation/task/query"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SEEDANCE = {"prompt": "x", "model": "seedance-2.0-pro", "duration": 5, "aspect_ratio": "16:9", "resolution": "720p"}


@pytest.fixture
def sim(tmp_path, monkeypatch):
    monkeypatch.delenv("GENMEDIA_SIM_NEW_MODELS", raising=False)
    with Simulator(state_dir=tmp_path, time_scale=0.01, accept_keys={"giggle": ["k"]}, faults="") as s:
        yield s


def post(sim, path, body, headers=AUTH):
    return requests.post(sim.base_url + path, json=body, headers=headers, timeout=5)


def presigned(sim, **body):
    resp = post(sim, PRESIGN, dict({"file_name": "a.png", "content_type": "image/png", "is_public": False}, **body))
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def test_upload_walks_presign_put_register_and_serves_the_file(sim):
    data = presigned(sim)
    assert set(data) == {"object_key", "signed_url"}
    assert post(sim, REGISTER, {"object_key": data["object_key"], "name": "a.png"}).json()["msg"].startswith(
        "object_key: nothing was uploaded")
    put = requests.put(data["signed_url"], data=b"\x89PNG\r\n\x1a\nrest", headers={"Content-Type": "image/png"},
                       timeout=5)
    assert put.status_code == 200 and put.headers["ETag"]
    asset = post(sim, REGISTER, {"object_key": data["object_key"], "name": "a.png"}).json()["data"]
    assert asset["type"] == "image" and len(asset["asset_id"]) == 10 and asset["name"] == "a.png"
    served = requests.get(asset["file_url"], timeout=5)
    assert served.content == b"\x89PNG\r\n\x1a\nrest" and served.headers["Content-Type"] == "image/png"
    public = presigned(sim, is_public=True, file_name="song.mp3", content_type="audio/mpeg")
    requests.put(public["signed_url"], data=b"ID3data", headers={"Content-Type": "audio/mpeg"}, timeout=5)
    song = post(sim, REGISTER, {"object_key": public["object_key"], "name": "song.mp3"}).json()["data"]
    assert song["type"] == "audio" and "?" not in song["file_url"]
    assert requests.get(song["file_url"], timeout=5).content == b"ID3data"


@pytest.mark.parametrize("headers, status, needle", [
    ({"Content-Type": "image/png", "x-auth": "k"}, 400, "a giggle key was sent to storage"),
    ({"Content-Type": "image/jpeg"}, 403, "SignatureDoesNotMatch"),
])
def test_a_put_is_refused_with_the_key_or_another_content_type(sim, headers, status, needle):
    data = presigned(sim)
    put = requests.put(data["signed_url"], data=b"bytes", headers=headers, timeout=5)
    assert put.status_code == status and needle in put.text
    forged = requests.put(data["signed_url"].replace("Signature=", "Signature=x"), data=b"b",
                          headers={"Content-Type": "image/png"}, timeout=5)
    assert forged.status_code == 403


@pytest.mark.parametrize("body, needle", [
    ({"content_type": "image/png", "is_public": False}, "file_name: is required"),
    ({"file_name": "a", "content_type": "png", "is_public": False}, "content_type: must be a MIME type"),
    ({"file_name": "a", "content_type": "image/png", "is_public": "yes"}, "is_public: must be a boolean"),
    ({"file_name": "a", "content_type": "image/png", "public": True}, "public: unknown field"),
])
def test_presign_checks_its_body(sim, body, needle):
    resp = post(sim, PRESIGN, body)
    assert resp.status_code == 400 and resp.json()["msg"].startswith(needle)
    assert post(sim, PRESIGN, body, headers={}).status_code == 401


def test_omni_video_takes_images_audios_and_videos(sim):
    body = dict(SEEDANCE, generating_count=2, images=[{"url": "https://e.com/a.png"}, {"base64": PNG_B64}],
                audios=[{"url": "https://e.com/a.mp3"}], videos=[{"url": "https://e.com/a.mp4"}])
    resp = post(sim, OMNI, body)
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["data"]["task_id"]
    deadline = time.time() + 20
    while time.time() < deadline:
        data = requests.get(sim.base_url + QUERY, params={"task_id": task_id}, headers=AUTH, timeout=5).json()["data"]
        if data["status"] == "completed":
            break
        time.sleep(0.2)
    assert len(data["urls"]) == 2 and all("video-" in u for u in data["urls"])


@pytest.mark.parametrize("extra, needle", [
    ({}, "images: at least one of images, audios, videos is required"),
    ({"images": [{"url": "https://e.com/%d.png" % i} for i in range(10)]}, "images: at most 9"),
    ({"audios": [{"base64": PNG_B64}]}, "audios[0]: must have exactly one of url"),
    ({"images": [{"asset_id": "abc"}]}, "images[0]: must have exactly one of url, base64"),
    ({"model": "grok", "duration": 6, "images": [{"url": "https://e.com/a.png"}]}, "model: grok does not support omni-video"),
    ({"resolution": "1080p", "images": [{"url": "https://e.com/a.png"}]}, "resolution: must be one of 480p, 720p"),
    ({"duration": 16, "images": [{"url": "https://e.com/a.png"}]}, "duration: 16 is not supported"),
    ({"generating_count": 5, "images": [{"url": "https://e.com/a.png"}]}, "generating_count: must be an integer from 1 to 4"),
])
def test_omni_video_refusals(sim, extra, needle):
    resp = post(sim, OMNI, dict(SEEDANCE, **extra))
    assert resp.status_code == 400 and resp.json()["msg"].startswith(needle), resp.text


def test_per_model_tables_of_the_image_and_video_routes(sim):
    gpt = {"prompt": "x", "generate_count": 1, "model": "gpt-image-2-fast", "aspect_ratio": "auto", "resolution": "2K"}
    assert post(sim, T2I, gpt).status_code == 200
    assert "aspect_ratio: must be one of" in post(sim, T2I, dict(gpt, aspect_ratio="21:9")).json()["msg"]
    assert "aspect_ratio" in post(sim, T2I, dict(gpt, model="seedream45")).json()["msg"]   # no auto there
    two = dict(gpt, reference_images=[{"base64": PNG_B64}] * 2, watermark=False)
    two.pop("resolution")
    assert "takes at most 1" in post(sim, I2I, two).json()["msg"]
    end_only = dict(SEEDANCE, end_frame={"url": "https://e.com/b.png"})
    assert "start_frame: seedance-2.0-pro needs a start_frame" in post(sim, I2V, end_only).json()["msg"]
    grok = {"prompt": "x", "model": "grok", "duration": 6, "aspect_ratio": "16:9", "resolution": "720p"}
    assert "generating_count: not supported by grok" in post(sim, "/api/v1/generation/text-to-video",
                                                             dict(grok, generating_count=2)).json()["msg"]


def test_new_models_are_served_with_their_own_values(sim):
    body = {"prompt": "x", "generate_count": 1, "model": "seedream50", "aspect_ratio": "5:4", "resolution": "8K"}
    assert "model: must be one of" in post(sim, T2I, body).json()["msg"]
    sim.new_models["giggle"] = {"seedream50"}
    assert post(sim, T2I, body).status_code == 200
    assert parse_new_models("giggle:a, kie:b/c,giggle:d") == {"giggle": {"a", "d"}, "kie": {"b/c"}}
    with pytest.raises(ValueError):
        parse_new_models("acme:x")
