"""creatok-generate-video's first/end frames and reference videos: they reach the submit as
asset keys, and every limit of the capabilities (frame_input, reference_image_input,
reference_video_input and their constraints) is enforced before anything is sent."""

import copy

import pytest

from creatok_helpers import generation_posts, model, mp4_bytes, sent_anything_but_capabilities, video  # noqa: F401
from genmedia_skills.simulator.media import png_bytes


@pytest.fixture
def files(tmp_path):
    def make(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)
    return {
        "photo": make("photo.png", png_bytes(720, 1280, "first")),
        "last": make("last.png", png_bytes(720, 1280, "last")),
        "clip": make("clip.mp4", mp4_bytes(5, 1280, 720, 30)),
        "clip2": make("clip2.mp4", mp4_bytes(6, 1280, 720, 30)),
        "small": make("small.png", png_bytes(100, 100, "small")),
        "wide": make("wide.png", png_bytes(1500, 400, "wide")),
        "anim": make("anim.gif", b"GIF89a" + b"\0" * 32),
        "slow": make("slow.mp4", mp4_bytes(5, 1280, 720, 10)),
        "short": make("short.mp4", mp4_bytes(1, 1280, 720, 30)),
    }


def submitted(sim):
    return [r.body for r in sim.requests if r.route == "creatok.tasks"]


def test_first_and_end_frames_reach_the_submit_as_asset_keys(video, sim, files):
    res = video("run", "--yes", "--prompt", "a door opens", "--first-frame", files["photo"], "--end-frame", files["last"])
    assert res.code == 0, res
    [body] = submitted(sim)
    assert body["firstFrameKey"].startswith("assets/images/") and body["endFrameKey"].startswith("assets/images/")
    assert body["firstFrameKey"] != body["endFrameKey"] and "referenceImageKeys" not in body
    assert body["model"] == "veo-3.1-fast-exp" and body["orientation"] == "9:16"
    [asked] = [r.body for r in sim.requests if r.route == "creatok.estimate"]
    assert asked["params"] == {k: v for k, v in body.items() if k != "prompt"}   # exactly what was sent
    assert res.json["confirmation"]["estimate"]["parameters"]["first_frame"] is True


def test_a_reference_video_reaches_the_submit_and_is_priced_by_the_server(video, sim, files):
    res = video("run", "--yes", "--prompt", "dance like this", "--model", "doubao-seedance-2",
                "--reference-video", files["clip"], "--reference-images", files["photo"])
    assert res.code == 0, res
    [body] = submitted(sim)
    assert body["referenceVideoKeys"][0].startswith("assets/videos/")
    assert body["referenceImageKeys"][0].startswith("assets/images/")
    presigns = [r for r in sim.requests if r.route == "creatok.presign-video"]
    assert presigns and presigns[0].body == {"fileName": "clip.mp4", "fileType": "video/mp4",
                                             "fileSize": len(open(files["clip"], "rb").read())}
    # 480p 4 s at 7 credits, plus 1.75 credits/s for the 5 s reference video: 7 + ceil(8.75)
    assert res.json["confirmation"]["estimate"]["credits"] == 16
    assert res.json["confirmation"]["source"] == "server estimate"


def test_frames_on_a_model_without_orientation_in_frame_mode_send_none(video, sim, files):
    res = video("run", "--yes", "--prompt", "x", "--model", "doubao-seedance-2-fast",
                "--first-frame", files["photo"], "--end-frame", files["last"])
    assert res.code == 0, res
    assert "orientation" not in submitted(sim)[0]


def _constraint(sim, model_id, section, **values):
    caps = copy.deepcopy(sim.creatok.capabilities)
    entry = next(m for m in caps["video"]["models"] if m["id"] == model_id)
    entry[section]["constraints"].update(values)
    sim.creatok.set_capabilities(caps)


CASES = [  # (args, capabilities change, words the one error line must carry)
    (["--first-frame", "{anim}"], None, ["--first-frame", "anim.gif", "image/gif", "image/jpeg"]),
    (["--first-frame", "{small}"], None, ["--first-frame", "small.png", "short side 100", "at least 300",
                                          "min_dimension"]),
    (["--first-frame", "{wide}"], None, ["aspect ratio", "3.75", "at most 2.5", "max_aspect_ratio"]),
    (["--first-frame", "{photo}"], ("veo-3.1-fast-exp", "frame_input", {"max_file_size_bytes": 100}),
     ["photo.png", "at most 100 bytes", "max_file_size_bytes"]),
    (["--first-frame", "{photo}"], ("veo-3.1-fast-exp", "frame_input", {"max_dimension": 1000}),
     ["long side 1280", "at most 1000", "max_dimension"]),
    (["--first-frame", "{photo}"], ("veo-3.1-fast-exp", "frame_input", {"min_aspect_ratio": 0.9}),
     ["aspect ratio", "0.5625", "min_aspect_ratio"]),
    (["--first-frame", "{photo}"], ("veo-3.1-fast-exp", "frame_input", {"max_pixels": 500000}),
     ["pixels 921600", "max_pixels"]),
    (["--first-frame", "{small}"], ("veo-3.1-fast-exp", "frame_input", {"min_dimension": None, "min_pixels": 20000}),
     ["pixels 10000", "min_pixels"]),
    (["--model", "sora-2", "--first-frame", "{photo}", "--end-frame", "{last}"], None,
     ["--end-frame", "sora-2", "first frame only"]),
    (["--end-frame", "{last}"], None, ["--end-frame", "needs --first-frame"]),
    (["--model", "doubao-seedance-2-fast", "--first-frame", "{photo}"], None,
     ["--end-frame", "requires_both_frames"]),
    (["--first-frame", "{photo}", "--reference-images", "{last}"], None, ["cannot be combined"]),
    (["--model", "doubao-seedance-2-fast", "--first-frame", "{photo}", "--end-frame", "{last}", "--orientation",
      "16:9"], None, ["--orientation", "uses_orientation"]),
    (["--reference-video", "{clip}"], None, ["--reference-video", "veo-3.1-fast-exp", "no reference videos"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{slow}"], None,
     ["--reference-video", "slow.mp4", "frame rate 10", "at least 24", "min_fps"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{short}"], None, ["duration 1", "min_duration"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{clip}"],
     ("doubao-seedance-2", "reference_video_input", {"max_duration": 4}), ["duration 5", "max_duration"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{clip}"],
     ("doubao-seedance-2", "reference_video_input", {"max_fps": 25}), ["frame rate 30", "max_fps"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{clip}", "--reference-video", "{clip2}"],
     ("doubao-seedance-2", "reference_video_input", {"max_total_duration": 10}),
     ["11 s of reference video(s)", "max_total_duration"]),
    (["--model", "doubao-seedance-2", "--reference-video", "{clip}"],
     ("doubao-seedance-2", "reference_video_input", {"allowed_types": ["video/quicktime"]}),
     ["clip.mp4 is video/mp4", "video/quicktime"]),
    (["--model", "doubao-seedance-2"] + ["--reference-video", "{clip}"] * 4, None,
     ["--reference-video", "4 given", "at most 3"]),
    (["--model", "sora-2", "--reference-images", "{photo}", "--reference-images", "{last}"], None,
     ["--reference-images", "2 given", "at most 1"]),
    (["--model", "doubao-seedance-2", "--reference-images", "{small}"], None, ["small.png", "min_dimension"]),
    (["--model", "sora-2", "--prompt", "x" * 2001], None, ["--prompt", "2001 characters", "at most 2000"]),
    (["--reference-video", "{photo}"], None, ["--reference-video", "unsupported file type '.png'", ".mov, .mp4"]),
]


@pytest.mark.parametrize("args,change,words", CASES, ids=[" ".join(c[0])[:60] + str(i) for i, c in enumerate(CASES)])
def test_every_capabilities_limit_is_enforced_before_sending(video, sim, files, args, change, words):
    if change:
        _constraint(sim, change[0], change[1], **change[2])
    argv = [a.format(**files) for a in args]
    if "--prompt" not in argv:
        argv += ["--prompt", "a scene"]
    res = video("run", "--yes", *argv)
    assert res.code == 2, res
    message = res.json["error"]["message"]
    assert all(w in message for w in words), message
    assert "\n" not in message.strip()
    assert sent_anything_but_capabilities(sim) == [] and generation_posts(sim) == 0


def test_image_quality_only_where_the_model_offers_it(sim, artifacts, tmp_path):
    from conftest import sim_cli
    from creatok_helpers import IMAGE

    cli = sim_cli(IMAGE, sim, artifacts, tmp_path)
    res = cli("run", "--yes", "--prompt", "a cat", "--model", "gpt-image-2", "--quality", "HIGH")
    assert res.code == 0, res
    assert [r.body["quality"] for r in sim.requests if r.route == "creatok.image-generation"] == ["high"]
    refused = cli("run", "--yes", "--prompt", "a cat", "--quality", "high")
    assert refused.code == 2 and "--quality" in refused.json["error"]["message"]
    assert "nano-banana-2 offers no quality options" in refused.json["error"]["message"]
    wrong = cli("run", "--yes", "--prompt", "a cat", "--model", "gpt-image-2", "--quality", "ultra")
    assert wrong.code == 2 and "low, medium, high" in wrong.json["error"]["message"]
    missing = cli("run", "--yes", "--prompt", "a cat", "--model", "gpt-image-2")   # required, as CreatOK's CLI has it
    assert missing.code == 2 and "--quality: missing; gpt-image-2 needs one of low, medium, high" in missing.stderr
    assert sim.count("creatok.image-generation") == 1


@pytest.mark.parametrize("change,args,words", [
    ({"frame_input": {"first_frame": False, "end_frame": False}}, ["--first-frame", "{photo}"],
     ["--first-frame", "takes no frame inputs"]),
    ({"limits": {"max_reference_media_items": 2}},
     ["--reference-images", "{photo}", "--reference-images", "{last}", "--reference-video", "{clip}"],
     ["3 media in all", "at most 2"]),
], ids=["no-frames", "media-items"])
def test_model_level_input_limits_are_enforced_before_sending(video, sim, files, change, args, words):
    caps = copy.deepcopy(sim.creatok.capabilities)
    entry = next(m for m in caps["video"]["models"] if m["id"] == "doubao-seedance-2")
    for section, values in change.items():
        entry[section].update(values)
    sim.creatok.set_capabilities(caps)
    res = video("run", "--yes", "--prompt", "x", "--model", "doubao-seedance-2", *[a.format(**files) for a in args])
    assert res.code == 2, res
    assert all(w in res.json["error"]["message"] for w in words), res.json["error"]["message"]
    assert sent_anything_but_capabilities(sim) == []
