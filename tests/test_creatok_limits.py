"""CreatOK limits come from the capabilities answer, are checked locally before anything
is sent (exit 2 naming option, value and allowed values), and follow the server when
it changes them."""

import copy

import pytest

from creatok_helpers import generation_posts, image, model, sent_anything_but_capabilities, swapped, video  # noqa: F401
from test_image_e2e import png_bytes

IMAGE_CASES = [
    (["--model", "flux-9"], ["--model", "'flux-9'", "nano-banana-2, nano-banana-pro, seedream-5.0-lite, gpt-image-2"]),
    (["--model", "seedream-5.0-lite", "--resolution", "1K"], ["--resolution", "'1K'", "seedream-5.0-lite", "2K, 4K"]),
    (["--generate-count", "5"], ["--generate-count", "5", "1 to 4"]),
    (["--generate-count", "0"], ["--generate-count", "0", "1 to 4"]),
    (["--aspect-ratio", "7:3"], ["--aspect-ratio", "'7:3'", "nano-banana-2", "16:9"]),
    (["--model", "seedream-5.0-lite", "--aspect-ratio", "4:5"], ["--aspect-ratio", "'4:5'", "1:1, 4:3, 3:4"]),
    (["--model", "gpt-image-2", "--aspect-ratio", "16:9"], ["--aspect-ratio", "'16:9'", "1:1, 3:2, 2:3"]),
    (["REFS6"], ["--reference-images", "6 given", "at most 5"]),
    (["--reference-images", "photo.bmp"], ["--reference-images", "photo.bmp", ".gif, .jpeg, .jpg, .png, .webp"]),
    (["--reference-images", "https://example.com/a.png"], ["--reference-images", "not URLs"]),
    (["--reference-images", "fake.png"], ["--reference-images", "fake.png", "holds no image"]),
]
VIDEO_CASES = [
    (["--model", "sora-2", "--duration", "8"], ["--duration", "8", "sora-2", "12"]),
    (["--duration", "10"], ["--duration", "10", "veo-3.1-fast-exp", "4, 6, 8"]),
    (["--model", "doubao-seedance-2", "--duration", "3"], ["--duration", "3", "4 to 15"]),
    (["--orientation", "1:1"], ["--orientation", "'1:1'", "9:16, 16:9"]),
    (["--definition", "480p"], ["--definition", "'480p'", "720p"]),
    (["--model", "sora-2", "REFS2"], ["--reference-images", "2 given", "at most 1"]),
    (["--model", "veo-9"], ["--model", "'veo-9'", "veo-3.1-fast-exp"]),
]


def _expand(args, tmp_path):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    (tmp_path / "photo.bmp").write_bytes(b"BM" + b"\0" * 60)
    (tmp_path / "fake.png").write_bytes(b"not an image at all")
    out = []
    for arg in args:
        if arg.startswith("REFS"):
            out += ["--reference-images", "photo.png"] * int(arg[4:])
        else:
            out.append(arg)
    return out


@pytest.mark.parametrize("args,words", IMAGE_CASES, ids=[" ".join(c[0]) for c in IMAGE_CASES])
def test_image_limits_are_enforced_locally(image, sim, tmp_path, args, words):
    res = image("run", "--yes", "--prompt", "a cat", *_expand(args, tmp_path))
    assert res.code == 2, res
    for word in words:
        assert word in res.json["error"]["message"], (word, res.json["error"]["message"])
    assert sent_anything_but_capabilities(sim) == []


@pytest.mark.parametrize("args,words", VIDEO_CASES, ids=[" ".join(c[0]) for c in VIDEO_CASES])
def test_video_limits_are_enforced_locally(video, sim, tmp_path, args, words):
    res = video("run", "--yes", "--prompt", "waves", *_expand(args, tmp_path))
    assert res.code == 2, res
    for word in words:
        assert word in res.json["error"]["message"], (word, res.json["error"]["message"])
    assert sent_anything_but_capabilities(sim) == []


def test_missing_prompt_is_refused_before_any_request(image, sim):
    res = image("run", "--yes")
    assert res.code == 2 and "--prompt" in res.json["error"]["message"]
    assert sim.requests == []


def test_swapped_capabilities_change_what_is_accepted_and_what_it_costs(image, sim):
    flux = copy.deepcopy(model(sim, "image", "nano-banana-2"))
    flux.update(id="flux-x", label="Flux X", defaults={"resolution": "8K", "n": 2})
    flux["limits"].update(resolutions=["8K"], aspect_ratios=["5:7"], n={"min": 2, "max": 6})
    flux["pricing"] = {"currency": "credits", "unit": "image", "by_resolution": {"8K": 7}}
    sim.creatok.set_capabilities(swapped(sim, "image", [flux]))
    gone = image("run", "--yes", "--prompt", "a cat", "--model", "nano-banana-2")
    assert gone.code == 2 and "'nano-banana-2'" in gone.json["error"]["message"] and "flux-x" in gone.json["error"]["message"]
    old_ratio = image("run", "--yes", "--prompt", "a cat", "--aspect-ratio", "1:1")
    assert old_ratio.code == 2 and "5:7" in old_ratio.json["error"]["message"]
    assert generation_posts(sim) == 0
    stopped = image("run", "--prompt", "a cat", "--aspect-ratio", "5:7", "--generate-count", "6")
    assert stopped.code == 6 and stopped.json["estimate"]["model"] == "flux-x"
    assert stopped.json["estimate"]["credits"] == 42 and "default" in stopped.json["estimate"]["why_this_model"]
    done = image("run", "--yes", "--prompt", "a cat", "--aspect-ratio", "5:7", "--generate-count", "6")
    assert done.code == 0, done
    assert len(done.json["outputs"]) == 6 and done.json["model"] == "flux-x"


def test_capabilities_are_cached_per_user_for_a_short_while(image, sim):
    first = image("run", "--dry-run", "--prompt", "a cat", "--resolution", "1K")
    assert first.code == 0 and sim.count("creatok.capabilities") == 1
    sim.creatok.set_capabilities(swapped(sim, "image", [model(sim, "image", "seedream-5.0-lite")]))
    cached = image("run", "--dry-run", "--prompt", "a cat", "--resolution", "1K")
    assert cached.code == 0 and sim.count("creatok.capabilities") == 1   # served from the cache
    expired = image("run", "--dry-run", "--prompt", "a cat", "--resolution", "1K",
                    env={"GENMEDIA_CAPABILITIES_TTL": "0"})
    assert expired.code == 2 and "2K, 4K" in expired.json["error"]["message"]
    assert sim.count("creatok.capabilities") == 2
    other_user = image("run", "--dry-run", "--prompt", "a cat", "--resolution", "2K",
                       env={"CREATOK_API_KEY": "ok_other-user-key"})
    assert other_user.code == 3   # another key is never served this user's cache


def test_a_refusal_after_a_limit_change_drops_the_cache(image, sim):
    assert image("run", "--dry-run", "--prompt", "a cat", "--resolution", "1K").code == 0
    sim.creatok.set_capabilities(swapped(sim, "image", [model(sim, "image", "seedream-5.0-lite")]))
    refused = image("run", "--yes", "--prompt", "a cat", "--model", "nano-banana-2", "--resolution", "1K")
    assert refused.code == 4 and refused.json["error"]["http_status"] == 400, refused
    assert "not supported" in refused.json["error"]["message"]
    again = image("run", "--yes", "--prompt", "a cat", "--model", "nano-banana-2")
    assert again.code == 2 and "seedream-5.0-lite" in again.json["error"]["message"]


@pytest.mark.parametrize("kind,args,expected", [
    ("image", ["--model", "nano-banana-2", "--resolution", "4K", "--generate-count", "4"], ("nano-banana-2", "4K", 4)),
    ("image", ["--model", "seedream-5.0-lite"], ("seedream-5.0-lite", "2K", 1)),
    ("video", ["--model", "sora-2", "--orientation", "16:9"], ("sora-2", "720p", 12, "16:9")),
    ("video", [], ("veo-3.1-fast-exp", "720p", 8, "9:16")),
    ("video", ["--model", "doubao-seedance-2", "--duration", "4", "--orientation", "16:9"],
     ("doubao-seedance-2", "480p", 4, "16:9")),
])
def test_the_estimate_matches_pricing(image, video, sim, kind, args, expected):
    cli = image if kind == "image" else video
    res = cli("run", "--prompt", "a cat", *args)
    assert res.code == 6, res
    entry = model(sim, kind, expected[0])
    if kind == "image":
        want = entry["pricing"]["by_resolution"][expected[1]] * expected[2]
    else:
        want = next(e["credits"] for e in entry["pricing"]["estimates"]
                    if (e["definition"], e["seconds"], e["orientation"]) == expected[1:])
    assert res.json["estimate"]["credits"] == want


def test_the_cache_never_holds_the_key(image, sim, artifacts):
    from conftest import TEST_KEY, scan_for_key

    assert image("run", "--dry-run", "--prompt", "a cat").code == 0
    cache = artifacts.parent / "cache" / "creatok"
    assert len(list(cache.glob("capabilities-*.json"))) == 1
    assert scan_for_key(cache) == []


def test_the_capabilities_schema_holds_the_contract(sim):
    from genmedia_skills.providers.creatok import capabilities

    answer = {"code": 0, "msg": "success", "data": {"capabilities": copy.deepcopy(sim.creatok.capabilities)}}
    assert capabilities.validate(answer) == []
    durations = answer["data"]["capabilities"]["video"]["models"][0]["limits"]["durations"]
    durations.update(min=None, max=None, enum=None)   # neither an enum nor a bound
    assert any("durations" in e for e in capabilities.validate(answer))
    answer = {"code": 0, "data": {"capabilities": copy.deepcopy(sim.creatok.capabilities)}}
    del answer["data"]["capabilities"]["image"]["models"][0]["limits"]["max_reference_images"]
    assert any("max_reference_images" in e for e in capabilities.validate(answer))
