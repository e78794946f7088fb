"""4o Image and Flux Kontext through kie-generation-image against the simulator: their own
endpoints and result shapes, a Flux edit of a local image uploaded first, and a dead
result link refreshed through download-url."""

import hashlib
import time

import pytest

from conftest import sim_cli
from kie_helpers import CREATE, IMAGE, at, uploads
from test_image_e2e import png_bytes


@pytest.fixture
def image_cli(sim, artifacts, tmp_path):
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


def _png(out):
    with open(out["path"], "rb") as handle:
        return handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_flux_edit_of_a_local_image_uploads_it_first(image_cli, sim, tmp_path):
    photo = tmp_path / "room.png"
    photo.write_bytes(png_bytes(8, 6))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    res = image_cli("run", "--model", "flux-kontext-max", "--prompt", "paint the walls #2563EB", "--image", str(photo),
                    "--output-format", "png")
    assert res.code == 0, res
    (up,) = uploads(sim)
    (post,) = at(sim, "/api/v1/flux/kontext/generate")
    assert up.time < post.time
    url = post.body["inputImage"]
    assert url.startswith(sim.base_url + "/kie-files/genmedia-skills/" + digest[:32])
    assert post.body == {"prompt": "paint the walls #2563EB", "inputImage": url, "outputFormat": "png",
                         "model": "flux-kontext-max", "safetyTolerance": 2}
    (out,) = res.json["outputs"]
    assert _png(out) and at(sim, "/api/v1/flux/kontext/record-info")
    assert res.json["request"]["references"][0]["uploaded_url"] == url


def test_flux_safety_range_is_narrower_for_edits(image_cli, sim):
    edit = image_cli("run", "--model", "flux-kontext-pro", "--prompt", "p", "--image", "https://a.example/x.png",
                     "--input", "safetyTolerance=4")
    assert edit.code == 2 and "0 to 2" in edit.json["error"]["message"], edit
    wild = image_cli("run", "--model", "flux-kontext-pro", "--prompt", "p", "--input", "safetyTolerance=7")
    assert wild.code == 2 and "safetyTolerance" in wild.json["error"]["message"], wild
    assert sim.requests == []
    ok = image_cli("run", "--dry-run", "--model", "flux-kontext-pro", "--prompt", "p", "--input", "safetyTolerance=6")
    assert ok.code == 0 and ok.json["request"]["body"]["safetyTolerance"] == 6, ok


def test_gpt4o_image_sizes_files_and_progress(image_cli, sim):
    many = ["--image", "https://a.example/x.png"] * 6
    res = image_cli("run", "--model", "gpt4o-image", "--prompt", "p", *many)
    assert res.code == 2 and "at most 5" in res.json["error"]["message"], res
    res = image_cli("run", "--model", "gpt4o-image", "--prompt", "p", "--aspect-ratio", "16:9")
    assert res.code == 2 and "1:1, 3:2, 2:3" in res.json["error"]["message"], res
    assert sim.requests == []
    res = image_cli("run", "--model", "gpt4o-image", "--prompt", "a lighthouse", "--aspect-ratio", "3:2",
                    "--image", "https://a.example/ref.png")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/gpt4o-image/generate")
    assert post.body == {"prompt": "a lighthouse", "filesUrl": ["https://a.example/ref.png"], "size": "3:2"}
    assert res.json["progress"]["percent"] == 100.0 and _png(res.json["outputs"][0])
    assert not at(sim, CREATE)


def test_an_expired_link_is_refreshed_through_download_url(image_cli, sim):
    sim.kie.url_ttl = 1.0   # links die a second after the task ends; KIE keeps the files 14 days
    res = image_cli("run", "--model", "gpt4o-image", "--prompt", "keep me", "--no-download")
    assert res.code == 0 and "path" not in res.json["outputs"][0], res
    time.sleep(1.5)
    late = image_cli("status", "--task-id", res.json["task_id"])
    assert late.code == 0, late
    (out,) = late.json["outputs"]
    assert out["refreshed"] is True and _png(out) and "download_error" not in out
    (ask,) = at(sim, "/api/v1/gpt4o-image/download-url")
    assert ask.body == {"taskId": res.json["task_id"], "url": out["url"]}
    assert "fresh link" in late.stderr

    flux = image_cli("run", "--model", "flux-kontext-pro", "--prompt", "also me", "--no-download")
    time.sleep(1.5)
    late = image_cli("status", "--task-id", flux.json["task_id"])
    assert late.json["outputs"][0]["refreshed"] is True, late
    assert at(sim, "/api/v1/common/download-url")[0].body == {"url": flux.json["outputs"][0]["url"]}
