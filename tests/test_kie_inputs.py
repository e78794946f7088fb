"""Per-model field checks: every bad input is exit 2 naming the flag, the value and what is
allowed, and nothing is sent; good inputs are typed by the model's schema."""

import pytest

from conftest import Cli, base_env
from kie_helpers import IMAGE, VIDEO
from test_image_e2e import png_bytes


@pytest.fixture
def offline(artifacts, tmp_path):
    env = base_env(artifacts)
    env.update(KIE_AI_API_KEY="sk-unused", KIE_BASE_URL="http://127.0.0.1:9", KIE_UPLOAD_BASE_URL="http://127.0.0.1:9")
    (tmp_path / "ok.png").write_bytes(png_bytes())
    (tmp_path / "anim.gif").write_bytes(b"GIF89a" + b"\x00" * 32)
    with open(str(tmp_path / "huge.png"), "wb") as handle:   # sparse: 11 MB without writing them
        handle.write(png_bytes())
        handle.truncate(11 * 1024 * 1024)
    return lambda script, *args: Cli(script, env, tmp_path)(*args)


BAD = [
    (IMAGE, ["--model", "seedream/4.5-text-to-image", "--quality", "high", "--aspect-ratio", "4:5"],
     ["--aspect-ratio", "'4:5'", "seedream/4.5-text-to-image", "21:9"]),
    (IMAGE, ["--model", "seedream/4.5-text-to-image", "--aspect-ratio", "1:1"], ["--quality", "required", "basic, high"]),
    (IMAGE, ["--model", "seedream/4.5-edit", "--aspect-ratio", "1:1", "--quality", "basic"], ["--image", "required"]),
    (IMAGE, ["--model", "nano banana", "--prompt", "x"], ["--model", "'nano banana'", "nano-banana-pro"]),
    (IMAGE, ["--model", "google/nano-banana", "--prompt", "x" * 5001], ["--prompt", "5001", "at most 5000"]),
    (IMAGE, ["--resolution", "8K"], ["--resolution", "'8K'", "1K, 2K, 4K"]),
    (IMAGE, ["--output-format", "jpeg"], ["--output-format", "'jpeg'", "png, jpg"]),
    (IMAGE, ["--quality", "high"], ["--quality", "nano-banana-pro does not take it"]),
    (IMAGE, ["--image", "anim.gif"], ["--image", "anim.gif", "JPEG, PNG or WebP"]),
    (IMAGE, ["--image", "nope.png"], ["--image", "nope.png", "neither"]),
    (IMAGE, ["--input", "colour=red"], ["--input", "'colour'", "image_input"]),
    (IMAGE, ["--input", "prompt=twice"], ["--input prompt", "--prompt"]),
    (VIDEO, ["--image", "huge.png"], ["--image", "huge.png", "up to 10 MB"]),
    (VIDEO, ["--image", "ok.png", "--duration", "7"], ["--duration", "'7'", "bytedance/v1-pro-image-to-video", "5, 10"]),
    (VIDEO, ["--model", "bytedance/seedance-2", "--duration", "20"], ["--duration", "20", "4 to 15"]),
    (VIDEO, ["--model", "bytedance/seedance-2", "--duration", "five"], ["--duration", "'five'", "whole number"]),
    (VIDEO, ["--model", "kling-2.6/image-to-video", "--image", "https://a.example/1.png", "--image", "ok.png"],
     ["--image", "2 given", "at most 1"]),
    (VIDEO, ["--model", "kling-2.6/image-to-video"], ["--image", "required by kling-2.6/image-to-video"]),
    (VIDEO, ["--end-image", "ok.png", "--image", "ok.png"], ["--end-image", "bytedance/v1-pro-image-to-video", "does not take"]),
    (VIDEO, ["--model", "bytedance/v1-lite-text-to-video", "--aspect-ratio", "21:9"], ["'21:9'", "9:21"]),
    (VIDEO, ["--seed", "-2"], ["--seed", "-2", "-1 to 2147483647"]),
    (VIDEO, ["--model", "sora-2-text-to-video", "--aspect-ratio", "16:9"], ["'16:9'", "portrait, landscape"]),
    (VIDEO, ["--input", "seed"], ["--input", "'seed'", "KEY=VALUE"]),
]


@pytest.mark.parametrize("script,args,words", BAD, ids=[" ".join(a)[:50] for _, a, _ in BAD])
def test_bad_input_is_exit_2_naming_field_value_and_allowed(offline, script, args, words):
    argv = ["run"] + (["--prompt", "p"] if "--prompt" not in args else []) + args
    res = offline(script, *argv)
    assert res.code == 2, res
    message = res.json["error"]["message"]
    for word in words:
        assert word in message, (word, message)
    assert len(res.stderr.strip().splitlines()) == 1


def test_an_image_outside_the_models_pixel_limits_is_refused_before_the_upload(offline):
    res = offline(IMAGE, "run", "--model", "recraft/remove-background", "--image", "ok.png")
    assert res.code == 2, res
    assert res.json["error"]["message"] == ("--image: ok.png is 4x3 px; recraft/remove-background takes "
                                            "images 256 to 4096 px on each side")


def test_values_are_typed_by_each_models_schema(offline):
    def body(*args):
        res = offline(VIDEO, "run", "--dry-run", "--prompt", "p", *args)
        assert res.code == 0, res
        return res.json["request"]["body"]["input"]

    assert body("--image", "https://a.example/1.png", "--duration", "10", "--camera-fixed", "--seed", "7") == {
        "prompt": "p", "image_url": "https://a.example/1.png", "resolution": "720p", "duration": "10",
        "camera_fixed": True, "seed": 7}
    seedance = body("--model", "bytedance/seedance-2", "--duration", "8", "--no-sound", "--input", "web_search=true",
                    "--input", "reference_image_urls=https://a.example/r.png")
    assert seedance["duration"] == 8 and seedance["generate_audio"] is False and seedance["web_search"] is True
    assert seedance["reference_image_urls"] == ["https://a.example/r.png"]
    assert body("--model", "kling-2.6/text-to-video") == {"prompt": "p", "sound": False, "aspect_ratio": "16:9",
                                                         "duration": "5"}
    assert body("--model", "SORA-2-text-to-video", "--duration", "15")["n_frames"] == "15"
    assert body("--image", "ok.png", "--model", "bytedance/v1-lite-image-to-video", "--end-image", "ok.png")[
        "end_image_url"].startswith("<local file ok.png")
