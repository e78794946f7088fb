"""gpt-image-2-fast and the Seedance 2.0 video models (text, frames, omni-video references)
end to end: the skills as subprocesses against the simulator, every table from the catalogs."""

import json

import pytest

from conftest import ROOT, sim_cli
from test_image_e2e import png_bytes

IMAGE = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "giggle-generation-video" / "scripts" / "generate_video.py"
MP3 = ROOT / "scripts" / "genmedia_skills" / "simulator" / "assets" / "sample.mp3"
MP4 = ROOT / "scripts" / "genmedia_skills" / "simulator" / "assets" / "sample.mp4"
OMNI = "/api/v1/generation/omni-video"


def posts(sim, path=None):
    return [r for r in sim.requests if r.method == "POST" and (path is None or r.path == path)]


@pytest.fixture
def image(sim, artifacts, tmp_path):
    (tmp_path / "ref.png").write_bytes(png_bytes())
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


@pytest.fixture
def video(sim, artifacts, tmp_path):
    (tmp_path / "first.png").write_bytes(png_bytes())
    return sim_cli(VIDEO, sim, artifacts, tmp_path)


def test_gpt_image_2_fast_text_and_one_reference(image, sim):
    res = image("run", "--prompt", "a poster", "--model", "gpt-image-2-fast", "--aspect-ratio", "auto",
                "--generate-count", "2")
    assert res.code == 0 and len(res.json["outputs"]) == 2, res
    assert posts(sim)[0].body == {"prompt": "a poster", "generate_count": 2, "model": "gpt-image-2-fast",
                                  "aspect_ratio": "auto", "resolution": "2K"}
    edit = image("run", "--prompt", "make it blue", "--model", "gpt-image-2-fast", "--reference-images", "ref.png")
    assert edit.code == 0, edit
    assert list(posts(sim)[1].body["reference_images"][0]) == ["base64"]
    assert "warning" not in edit.stderr.lower()


def test_gpt_image_2_fast_has_its_own_tables(image, sim):
    for args, needle in ((["--aspect-ratio", "21:9"], "'21:9' is not offered by gpt-image-2-fast; allowed: auto, 1:1"),
                         (["--resolution", "4K"], "'4K' is not offered by gpt-image-2-fast; allowed: 1K, 2K"),
                         (["--reference-images", "ref.png", "--reference-images", "https://e.com/b.png"],
                          "2 given; gpt-image-2-fast takes at most 1 reference image"),
                         (["--reference-images", "asset_id:abc123"], "is an asset_id; here it takes a URL or base64")):
        res = image("run", "--prompt", "x", "--model", "gpt-image-2-fast", *args)
        assert res.code == 2 and needle in res.json["error"]["message"], res
    assert sim.requests == []
    other = image("run", "--dry-run", "--prompt", "x", "--model", "seedream45", "--aspect-ratio", "auto")
    assert other.code == 2 and "allowed: 16:9" in other.json["error"]["message"]


def test_seedance_2_text_to_video_with_several_videos(video, sim):
    res = video("run", "--prompt", "a wave", "--model", "seedance-2.0-fast", "--duration", "7",
                "--resolution", "480p", "--generating-count", "2")
    assert res.code == 0 and [o["kind"] for o in res.json["outputs"]] == ["video", "video"], res
    assert posts(sim)[0].body == {"prompt": "a wave", "model": "seedance-2.0-fast", "duration": 7,
                                  "aspect_ratio": "16:9", "resolution": "480p", "generating_count": 2}
    default = video("run", "--dry-run", "--prompt", "x", "--model", "seedance-2.0-pro")
    assert default.json["request"]["body"]["duration"] == 5 and default.json["request"]["body"]["generating_count"] == 1


def test_seedance_2_checks(video, sim):
    for args, needle in ((["--model", "seedance-2.0-pro", "--duration", "16"], "allowed: 4 to 15 (seconds)"),
                         (["--model", "seedance-2.0-pro", "--resolution", "1080p"], "allowed: 480p, 720p"),
                         (["--model", "seedance-2.0-pro", "--generating-count", "5"], "allowed 1 to 4"),
                         (["--model", "grok", "--generating-count", "2"], "grok does not take it"),
                         (["--model", "seedance-2.0-pro", "--end-frame", "first.png"], "needs a --start-frame too"),
                         (["--model", "seedance-2.0-pro", "--start-frame", "asset_id:f1"], "here it takes a URL or base64"),
                         (["--model", "grok", "--reference-image", "first.png"], "grok takes no reference media"),
                         (["--reference-image", "first.png", "--start-frame", "first.png"], "cannot be combined"),
                         (["--reference-image", "https://e.com/a.png", "--prompt", "@图片1 meets @图片2"],
                          "names @图片2 but 1 was given"),
                         (["--reference-audio", "first.png"], "is image/png, not an audio file"),
                         (sum([["--reference-image", "https://e.com/%d.png" % i] for i in range(10)], []),
                          "takes at most 9 images")):
        argv = ["run", "--prompt", "x"] + args if "--prompt" not in args else ["run"] + args
        res = video(*argv)
        assert res.code == 2 and needle in res.json["error"]["message"], (args, res)
    assert sim.requests == []


def test_seedance_2_image_to_video(video, sim):
    res = video("run", "--prompt", "it moves", "--model", "seedance-2.0-pro", "--start-frame", "first.png",
                "--end-frame", "url:https://example.com/last.png", "--duration", "12")
    assert res.code == 0, res
    body = posts(sim)[0].body
    assert posts(sim)[0].path == "/api/v1/generation/image-to-video"
    assert list(body["start_frame"]) == ["base64"] and body["end_frame"] == {"url": "https://example.com/last.png"}


def test_references_choose_omni_video_and_seedance_2_by_themselves(video, sim):
    res = video("run", "--prompt", "@图片1 dances to @音频1, moving like @视频1",
                "--reference-image", "https://example.com/dancer.png", "--reference-image", "first.png",
                "--reference-audio", str(MP3), "--reference-video", str(MP4))
    assert res.code == 0 and res.json["model"] == "seedance-2.0-pro", res
    call = posts(sim, OMNI)[0]
    images, audios, videos = call.body["images"], call.body["audios"], call.body["videos"]
    assert images[0] == {"url": "https://example.com/dancer.png"} and list(images[1]) == ["base64"]
    # local audio and video take URLs only: uploaded (privately) first, sent as the asset's signed URL
    registered = [r.body["name"] for r in posts(sim, "/api/v1/asset/register")]
    assert registered == ["sample.mp3", "sample.mp4"]
    assert "/private/sim/giggle/assets/" in audios[0]["url"] and "Signature=" in videos[0]["url"]
    refs = res.json["request"]["references"]
    assert refs[2]["uploaded_url"] == audios[0]["url"] and refs[2]["asset_id"]
    assert res.json["request"]["body"]["audios"] == audios
    assert len(res.json["outputs"]) == 1


def test_omni_dry_run_shows_placeholders_and_sends_nothing(video, sim):
    res = video("run", "--dry-run", "--prompt", "x", "--model", "seedance-2.0-fast", "--reference-audio", str(MP3))
    assert res.code == 0, res
    assert res.json["request"]["path"] == OMNI
    assert res.json["request"]["body"]["audios"][0]["url"].startswith("<upload of sample.mp3")
    assert sim.requests == []
    assert json.dumps(res.json).count("base64") == 0
