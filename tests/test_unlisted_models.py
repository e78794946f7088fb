"""A --model no catalog lists yet (giggle's image and video catalogs, KIE's Market catalogs):
sent as given after one warning line (kept in the run's notes), with only the endpoint's
common fields checked here; the provider's refusal is exit 2 with its message. Known models
keep their full local checks. Against the simulator, whose providers can serve models that
no catalog of ours knows (Simulator.new_models, GENMEDIA_SIM_NEW_MODELS).
"""

import pytest

from conftest import ROOT, sim_cli
from kie_helpers import IMAGE as KIE_IMAGE, VIDEO as KIE_VIDEO, creates

IMAGE = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "giggle-generation-video" / "scripts" / "generate_video.py"


def posts(sim):
    return [r for r in sim.requests if r.method == "POST"]


def warning_lines(res, model):
    return [line for line in res.stderr.splitlines() if "%r is not in this skill's catalog" % model in line]


@pytest.fixture
def image(sim, artifacts, tmp_path):
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


def test_unlisted_image_model_is_sent_with_a_warning_and_its_own_values(image, sim):
    sim.new_models["giggle"] = {"seedream50"}
    res = image("run", "--prompt", "a fox", "--model", "seedream50", "--aspect-ratio", "5:4", "--resolution", "8K")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(warning_lines(res, "seedream50")) == 1
    assert any("seedream50" in note and "catalog" in note for note in res.json["notes"])
    sent = posts(sim)[0].body
    assert (sent["model"], sent["aspect_ratio"], sent["resolution"]) == ("seedream50", "5:4", "8K")


def test_the_providers_refusal_of_an_unlisted_model_is_exit_2_with_its_message(image, sim):
    res = image("run", "--prompt", "a fox", "--model", "seedream50")
    assert res.code == 2, res
    assert res.json["status"] == "rejected" and res.json["task_id"] is None
    assert res.json["error"]["kind"] == "model_refused"
    assert "model: must be one of" in res.json["error"]["message"]   # the provider's own words
    assert len(posts(sim)) == 1   # sent once, never resent


def test_a_near_miss_names_the_catalog_model_and_known_models_keep_every_check(image, sim):
    dry = image("run", "--dry-run", "--prompt", "x", "--model", "seedream4.5")
    assert dry.code == 0 and "did you mean seedream45?" in dry.stderr
    assert dry.json["request"]["body"]["model"] == "seedream4.5"
    for args, needle in ((["--model", "midjourney", "--aspect-ratio", "5:4"], "--aspect-ratio: '5:4' is not offered by midjourney"),
                         (["--model", "SEEDREAM45", "--resolution", "8K"], "--resolution: '8K' is not offered by seedream45"),
                         (["--model", "no such model"], "--model: 'no such model' is not a model name"),
                         (["--model", "seedream50", "--generate-count", "9"], "--generate-count: 9 is out of range")):
        res = image("run", "--prompt", "x", *args)
        assert res.code == 2 and needle in res.json["error"]["message"], res
    assert sim.requests == []


def test_unlisted_video_model_goes_to_the_endpoint_its_inputs_choose(sim, artifacts, tmp_path):
    video = sim_cli(VIDEO, sim, artifacts, tmp_path)
    sim.new_models["giggle"] = {"kling30"}
    res = video("run", "--prompt", "a wave", "--model", "kling30", "--duration", "7", "--resolution", "2K",
                "--reference-image", "https://example.com/a.png")
    assert res.code == 0, res
    assert len(warning_lines(res, "kling30")) == 1
    call = posts(sim)[0]
    assert call.path == "/api/v1/generation/omni-video"
    assert (call.body["model"], call.body["duration"], call.body["resolution"]) == ("kling30", 7, "2K")
    assert "generating_count" not in call.body   # sent only when asked for an unlisted model


@pytest.mark.parametrize("script, model", [(KIE_IMAGE, "acme/image-9"), (KIE_VIDEO, "acme/video-9")])
def test_unlisted_kie_market_model(script, model, sim, artifacts, tmp_path):
    cli = sim_cli(script, sim, artifacts, tmp_path)
    refused = cli("run", "--prompt", "a fox", "--model", model, "--input", "steps=30")
    assert refused.code == 2 and refused.json["error"]["kind"] == "model_refused", refused
    assert "is not supported" in refused.json["error"]["message"] and len(warning_lines(refused, model)) == 1
    sim.new_models["kie"] = {model}
    res = cli("run", "--prompt", "a fox", "--model", model, "--aspect-ratio", "7:3", "--input", "steps=30",
              "--input", "style=\"raw\"", "--input", "tags=[\"a\",\"b\"]")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    body = creates(sim)[-1].body
    assert body == {"model": model, "input": {"prompt": "a fox", "aspect_ratio": "7:3", "steps": 30,
                                              "style": "raw", "tags": ["a", "b"]}}
    no_image = cli("run", "--prompt", "x", "--model", model, "--image", "https://example.com/a.png")
    assert no_image.code == 2 and "--input <field>=<URL>" in no_image.json["error"]["message"]
    assert len(creates(sim)) == 2
