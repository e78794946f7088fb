"""giggle.pro asset upload (get-presigned-url -> PUT -> register) through the skills, against the
simulator: giggle-files-management, and the reference options of the generation skills that
send a local file as an asset (too large to inline, or a field that takes assets only).
"""

import hashlib
import json
import os

import pytest
import requests

from conftest import ROOT, TEST_KEY, sim_cli
from test_image_e2e import png_bytes

FILES = ROOT / "skills" / "giggle-files-management" / "scripts" / "upload.py"
IMAGE = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "giggle-generation-video" / "scripts" / "generate_video.py"
AIMV = ROOT / "skills" / "giggle-generation-aimv" / "scripts" / "generate_mv.py"
MP3 = ROOT / "scripts" / "genmedia_skills" / "simulator" / "assets" / "sample.mp3"
BIG = 4 * 1024 * 1024 + 4096   # just over the inline (base64) limit


def calls(sim, route):
    return [r for r in sim.requests if r.route == route]


def big_png(path):
    path.write_bytes(png_bytes(8, 8) + os.urandom(BIG))   # a PNG with trailing bytes: still a PNG
    return path


@pytest.fixture
def files(sim, artifacts, tmp_path):
    return sim_cli(FILES, sim, artifacts, tmp_path)


def test_upload_returns_private_assets_and_never_sends_the_key_to_storage(files, sim, tmp_path):
    (tmp_path / "p.png").write_bytes(png_bytes())
    res = files("upload", "p.png", str(MP3))
    assert res.code == 0, res
    assets = res.json["assets"]
    assert [a["type"] for a in assets] == ["image", "audio"]
    assert [a["content_type"] for a in assets] == ["image/png", "audio/mpeg"]
    assert all(a["public"] is False and a["reused"] is False for a in assets)
    presigns = calls(sim, "giggle.presign")
    assert [r.body["is_public"] for r in presigns] == [False, False]
    puts = calls(sim, "giggle.storage")
    assert len(puts) == 2 and all(r.status == 200 for r in puts)
    assert all("x-auth" not in r.headers and TEST_KEY not in json.dumps(r.headers) for r in puts)
    registered = [r.body for r in calls(sim, "giggle.register")]
    assert [r["name"] for r in registered] == ["p.png", "sample.mp3"]
    # the registered asset is what the file holds, served from its (signed, private) URL
    assert "Signature=" in assets[0]["file_url"]
    served = requests.get(assets[1]["file_url"], timeout=5)
    assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == assets[1]["sha256"]
    unsigned = requests.get(assets[1]["file_url"].split("?")[0], timeout=5)
    assert unsigned.status_code == 403


def test_the_same_file_is_never_uploaded_twice(files, sim, tmp_path):
    (tmp_path / "p.png").write_bytes(png_bytes())
    first = files("upload", "p.png")
    second = files("upload", "p.png", "--name", "other-name.png")
    assert first.code == second.code == 0, second
    assert second.json["assets"][0]["reused"] is True
    assert second.json["assets"][0]["asset_id"] == first.json["assets"][0]["asset_id"]
    assert len(calls(sim, "giggle.presign")) == 1 and len(calls(sim, "giggle.storage")) == 1
    public = files("upload", "p.png", "--public")   # another visibility is another asset
    assert public.code == 0 and public.json["assets"][0]["reused"] is False
    assert "Signature=" not in public.json["assets"][0]["file_url"]
    listed = files("list")
    assert listed.code == 0 and len(listed.json) == 2
    assert {e["asset_id"] for e in listed.json} == {first.json["assets"][0]["asset_id"],
                                                   public.json["assets"][0]["asset_id"]}


def test_bad_input_sends_nothing(files, sim, tmp_path):
    (tmp_path / "a.png").write_bytes(png_bytes())
    (tmp_path / "empty.bin").write_bytes(b"")
    for args, needle in ((["upload"], "FILES: missing"),
                         (["upload", "a.png", "nope.png"], "FILES: file not found: nope.png"),
                         (["upload", "empty.bin"], "is empty"),
                         (["upload", "a.png", str(MP3), "--name", "x.png"], "--name: 'x.png' names one file")):
        res = files(*args)
        assert res.code == 2 and needle in res.json["error"]["message"], res
    assert sim.requests == []


def test_dry_run_shows_the_presign_and_sends_nothing(files, sim, tmp_path):
    (tmp_path / "a.png").write_bytes(png_bytes())
    res = files("upload", "a.png", "--dry-run", "--public")
    assert res.code == 0 and res.json["requests"][0]["body"] == {
        "file_name": "a.png", "content_type": "image/png", "is_public": True}
    assert sim.requests == []


def test_lost_presign_and_register_answers_are_asked_again_and_a_refused_put_is_reported(files, sim, tmp_path):
    (tmp_path / "a.png").write_bytes(png_bytes())
    sim.faults.add("giggle.presign", "drop")
    sim.faults.add("giggle.register", "http_500")
    res = files("upload", "a.png")
    assert res.code == 0, res
    assert len(calls(sim, "giggle.presign")) == 2 and len(calls(sim, "giggle.register")) == 2
    (tmp_path / "b.png").write_bytes(png_bytes(5, 5))
    sim.faults.add("giggle.storage", "http_401")
    bad = files("upload", "b.png")
    assert bad.code == 4 and bad.json["error"]["kind"] == "upload_failed", bad
    assert "b.png" in bad.json["error"]["message"] and bad.json["assets"] == []
    assert "giggle-files-management: error:" in bad.stderr


def test_rejected_key_is_exit_3(files, sim, tmp_path):
    (tmp_path / "a.png").write_bytes(png_bytes())
    res = files("upload", "a.png", env={"GIGGLE_API_KEY": "sk-wrong"})
    assert res.code == 3, res


def test_a_large_local_reference_goes_as_an_asset_and_is_uploaded_once(sim, artifacts, tmp_path):
    image = sim_cli(IMAGE, sim, artifacts, tmp_path)
    big = big_png(tmp_path / "big.png")
    dry = image("run", "--dry-run", "--prompt", "x", "--reference-images", str(big))
    assert dry.code == 0 and "<upload of big.png" in dry.json["request"]["body"]["reference_images"][0]["asset_id"]
    assert sim.requests == []
    res = image("run", "--prompt", "x", "--reference-images", str(big))
    assert res.code == 0, res
    asset_id = calls(sim, "giggle.register")[0].body
    sent = calls(sim, "giggle.image-to-image")[0].body
    registered = sim.tasks("giggle")[0]["reference_images"][0]["asset_id"]
    assert sent["reference_images"] == [{"asset_id": registered}] and "base64" not in json.dumps(sent)
    assert asset_id["name"] == "big.png"
    ref = res.json["request"]["references"][0]
    assert ref["asset_id"] == registered and ref["reused_upload"] is False and ref["bytes"] > BIG
    assert res.json["request"]["body"]["reference_images"] == [{"asset_id": registered}]
    video = sim_cli(VIDEO, sim, artifacts, tmp_path)   # another skill, same file: the same asset
    again = video("run", "--prompt", "x", "--start-frame", str(big))
    assert again.code == 0, again
    assert calls(sim, "giggle.image-to-video")[0].body["start_frame"] == {"asset_id": registered}
    assert again.json["request"]["references"][0]["reused_upload"] is True
    assert len(calls(sim, "giggle.presign")) == 1 and len(calls(sim, "giggle.storage")) == 1


def test_a_failed_upload_submits_nothing(sim, artifacts, tmp_path):
    image = sim_cli(IMAGE, sim, artifacts, tmp_path)
    big = big_png(tmp_path / "big.png")
    sim.faults.add("giggle.presign", "http_401")
    res = image("run", "--prompt", "x", "--reference-images", str(big))
    assert res.code == 3 and res.json["status"] == "rejected", res
    sim.faults.add("giggle.register", "code", times=5, code=400, message="object not found")
    res = image("run", "--prompt", "x", "--reference-images", str(big))
    assert res.code == 4 and res.json["error"]["kind"] == "upload_failed", res
    assert "object not found" in res.json["error"]["message"] and res.json["task_id"] is None
    assert calls(sim, "giggle.image-to-image") == []


def test_aimv_music_in_upload_mode_takes_a_local_audio_file(sim, artifacts, tmp_path):
    sim.outcomes.add("succeed", duration=100)
    (tmp_path / "ref.png").write_bytes(png_bytes())
    mv = sim_cli(AIMV, sim, artifacts, tmp_path, GENMEDIA_POLL_SCALE="0.002")
    wrong = mv("run", "--music-asset-id", "ref.png", "--reference-image", "ref.png", "--yes")
    assert wrong.code == 2 and "is image/png, not an audio file" in wrong.json["error"]["message"], wrong
    res = mv("run", "--music-asset-id", str(MP3), "--reference-image", "ref.png", "--yes")
    assert res.code == 0, res
    submit = calls(sim, "giggle.mv-submit")[0].body
    assert submit["music_generate_type"] == "upload"
    assert submit["music_asset_id"] == res.json["request"]["references"][1]["asset_id"]
    # the upload happened before the project was created (a failed upload leaves no project)
    order = [r.route for r in sim.requests if r.route in ("giggle.register", "giggle.project-create")]
    assert order == ["giggle.register", "giggle.project-create"]
