"""genmedia_skills.validation.schema_registry: every schema well-formed, ids, caching, error paths, $refs."""

import json

import pytest
from jsonschema.validators import validator_for

from genmedia_skills.validation import schema_registry
from genmedia_skills.core.config import SCHEMAS_DIR
from genmedia_skills.validation.schema_registry import (
    SCHEMA_BASE,
    errors,
    load_schema,
    schema_files,
    validator,
)

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
NAMES = [p.relative_to(SCHEMAS_DIR).as_posix() for p in schema_files()]
REQUEST_SCHEMAS = [n for n in NAMES if n.endswith(".request.json")]
RESPONSE_SCHEMAS = [n for n in NAMES if n.endswith(".response.json")]

T2I_OK = {"prompt": "a fox", "generate_count": 1, "model": "seedream45", "aspect_ratio": "16:9",
          "resolution": "2K"}
I2I_OK = {"prompt": "a fox", "generate_count": 2, "model": "midjourney", "aspect_ratio": "1:1",
          "watermark": False, "reference_images": [{"url": "https://example.com/a.png"}]}
# one valid body per request schema (every request schema must have one here)
KIE_URL = "https://a.example/x.png"
KIE_INPUTS = {   # the smallest valid input of each KIE model
    "nano-banana-pro": {"prompt": "p"}, "nano-banana-2": {"prompt": "p"},
    "seedream-4.5-text-to-image": {"prompt": "p", "aspect_ratio": "1:1", "quality": "basic"},
    "seedream-4.5-edit": {"prompt": "p", "image_urls": [KIE_URL], "aspect_ratio": "1:1", "quality": "high"},
    "google-nano-banana": {"prompt": "p"}, "google-nano-banana-edit": {"prompt": "p", "image_urls": [KIE_URL]},
    "bytedance-v1-pro-image-to-video": {"prompt": "p", "image_url": KIE_URL},
    "bytedance-v1-pro-text-to-video": {"prompt": "p"},
    "bytedance-v1-lite-image-to-video": {"prompt": "p", "image_url": KIE_URL, "end_image_url": KIE_URL},
    "bytedance-v1-lite-text-to-video": {"prompt": "p", "aspect_ratio": "9:21"},
    "bytedance-seedance-2": {"prompt": "p", "duration": 4}, "bytedance-seedance-2-fast": {"prompt": "p"},
    "bytedance-seedance-2-mini": {"prompt": "p"},
    "kling-2.6-text-to-video": {"prompt": "p", "sound": True, "aspect_ratio": "1:1", "duration": "10"},
    "kling-2.6-image-to-video": {"prompt": "p", "image_urls": [KIE_URL], "sound": False, "duration": "5"},
    "sora-2-text-to-video": {"prompt": "p"}, "sora-2-image-to-video": {"prompt": "p", "image_urls": [KIE_URL]},
    "recraft-remove-background": {"image": KIE_URL},
}


def _kie_request(stem):
    from genmedia_skills.validation.schema_registry import load_schema

    return {"model": load_schema("kie/%s.request.json" % stem)["properties"]["model"]["const"],
            "input": KIE_INPUTS[stem]}


REQUEST_OK = {
    "creatok/image-generation.request.json": {"prompt": "p", "model": "nano-banana-2", "resolution": "2K", "n": 1,
                                              "aspect_ratio": "1:1", "imageObjectKeys": ["open-skills/a.png"]},
    "creatok/video-task.request.json": {"prompt": "p", "orientation": "9:16", "seconds": 8, "definition": "720p",
                                        "model": "veo-3.1-fast-exp", "referenceImageKeys": ["open-skills/a.png"]},
    "giggle/text-to-image.request.json": T2I_OK,
    "giggle/image-to-image.request.json": I2I_OK,
    "giggle/text-to-video.request.json": {"prompt": "p", "model": "grok", "duration": 6,
                                          "aspect_ratio": "16:9", "resolution": "720p"},
    "giggle/image-to-video.request.json": {"prompt": "p", "model": "kling25", "duration": 5,
                                           "aspect_ratio": "9:16", "resolution": "1080p",
                                           "start_frame": {"asset_id": "a1"}},
    "giggle/generate-music.request.json": {"style": "pop", "title": "t", "instrumental": False,
                                           "lyrics": "la la", "vocal_gender": "female"},
    "giggle/text-to-audio.request.json": {"text": "hello", "voice_id": "Calm_Woman", "speed": 1.0},
    "giggle/project-create.request.json": {"name": "mv", "type": "mv", "aspect": "16:9", "mode": "trustee"},
    "giggle/mv-submit.request.json": {"project_id": "p", "aspect": "9:16", "music_generate_type": "prompt",
                                      "scene_description": "", "subtitle_enabled": False, "prompt": "a song"},
    "giggle/mv-retry.request.json": {"project_id": "p", "current_step": "shot"},
    "giggle/asset-presign.request.json": {"file_name": "a.png", "content_type": "image/png", "is_public": False},
    "giggle/asset-register.request.json": {"object_key": "uploads/k/a.png", "name": "a.png"},
    "giggle/voice-clone.request.json": {"text": "hi", "voice_id": "v1", "need_noise_reduction": False,
                                        "need_volumn_normalization": True, "file": {"url": "https://a.example/v.mp3"}},
    "giggle/tv-avatar-video.request.json": {"image": {"url": "https://a.example/f.jpg"}, "drive_mode": 1,
                                            "tts_script": "hi", "voice_over_id": "zeeTdrCqbhpVKOucLtOKdhytM7rbJx5t"},
    "giggle/drama-submit.request.json": {"project_id": "p", "diy_story": "s", "aspect": "16:9", "video_duration": "60",
                                         "language": "en", "style_id": 142,
                                         "character_info": [{"name": "A", "url": "https://a.example/a.jpg"}]},
    "giggle/omni-video.request.json": {"prompt": "p", "model": "seedance-2.0-pro", "duration": 5, "aspect_ratio": "16:9",
                                       "resolution": "720p", "generating_count": 1,
                                       "images": [{"url": "https://e.com/a.png"}], "audios": [{"url": "https://e.com/a.mp3"}]},
    "kie/market-unlisted.request.json": {"model": "acme/new-model", "input": {"prompt": "p", "steps": 30}},
}
REQUEST_OK.update({"kie/%s.request.json" % stem: _kie_request(stem) for stem in KIE_INPUTS})
CB = "https://callback.invalid/x"
KIE_DEDICATED = {   # the smallest valid body of each dedicated KIE API (kie-more.md)
    "veo-generate": {"prompt": "p", "model": "veo3_fast"}, "veo-extend": {"taskId": "t", "prompt": "p"},
    "veo-1080p": {"taskId": "t"}, "veo-4k": {"taskId": "t", "index": 0},
    "gpt4o-image-generate": {"size": "1:1", "prompt": "p"},
    "flux-kontext-generate": {"prompt": "p", "model": "flux-kontext-pro"},
    "runway-generate": {"prompt": "p", "duration": 5, "quality": "720p", "callBackUrl": CB},
    "runway-extend": {"taskId": "t", "prompt": "p", "quality": "720p", "callBackUrl": CB},
    "aleph-generate": {"prompt": "p", "videoUrl": KIE_URL},
    "suno-generate": {"customMode": False, "instrumental": False, "model": "V5", "prompt": "p", "callBackUrl": CB},
    "suno-extend": {"defaultParamFlag": False, "audioId": "a", "model": "V5", "callBackUrl": CB},
    "suno-lyrics": {"prompt": "p", "callBackUrl": CB},
    "suno-wav": {"taskId": "t", "audioId": "a", "callBackUrl": CB},
    "suno-vocal-removal": {"taskId": "t", "audioId": "a", "callBackUrl": CB},
}
REQUEST_OK.update({"kie/%s.request.json" % stem: body for stem, body in KIE_DEDICATED.items()})


def test_schemas_are_found():
    assert "result.schema.json" in NAMES
    assert "giggle/text-to-image.request.json" in NAMES
    assert "giggle/image-catalog.json" in NAMES
    assert REQUEST_SCHEMAS and RESPONSE_SCHEMAS
    assert all(p.is_file() and p.suffix == ".json" for p in schema_files())
    assert schema_files() == sorted(schema_files())


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_valid_draft_2020_12_with_its_id(name):
    doc = json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))
    assert doc["$schema"] == DRAFT_2020_12
    assert doc["$id"] == SCHEMA_BASE + name
    cls = validator_for(doc)
    assert cls.META_SCHEMA["$id"].rstrip("#") == DRAFT_2020_12
    cls.check_schema(doc)   # raises SchemaError if malformed
    assert load_schema(name) == doc


@pytest.mark.parametrize("name", NAMES)
def test_validator_is_cached(name):
    first = validator(name)
    assert validator(name) is first
    assert first.schema["$id"] == SCHEMA_BASE + name


def test_unknown_schema_name_raises():
    with pytest.raises(Exception):
        validator("giggle/no-such-schema.json")


def test_valid_instances_have_no_errors():
    assert errors("giggle/text-to-image.request.json", T2I_OK) == []
    assert errors("giggle/image-to-image.request.json", I2I_OK) == []
    assert errors("giggle/submit.response.json",
                  {"code": 200, "msg": "success", "uuid": "u", "data": {"task_id": "abc"}}) == []


def test_error_strings_are_json_paths_with_messages():
    found = errors("giggle/text-to-image.request.json", dict(T2I_OK, generate_count=9))
    assert len(found) == 1
    assert found[0].startswith("$.generate_count: ")
    assert "9" in found[0]


def test_nested_error_paths():
    bad = dict(I2I_OK, reference_images=[{"url": "https://x/a.png"}, {"url": "ftp://nope"}])
    found = errors("giggle/image-to-image.request.json", bad)
    assert any(e.startswith("$.reference_images[1].url: ") for e in found), found

    found = errors("giggle/task-query.response.json",
                   {"code": 200, "data": {"status": "completed", "urls": ["https://ok", 7]}})
    assert any(e.startswith("$.data.urls[1]: ") for e in found), found


def test_missing_required_is_reported_at_the_parent_path():
    found = errors("giggle/submit.response.json", {"code": 200, "data": {}})
    assert found == ["$.data: 'task_id' is a required property"]


def test_errors_are_limited_and_sorted():
    bad = {"prompt": 5, "generate_count": "x", "model": 1, "aspect_ratio": 2, "resolution": 3, "extra": 1}
    found = errors("giggle/text-to-image.request.json", bad, limit=3)
    assert len(found) == 3
    everything = errors("giggle/text-to-image.request.json", bad, limit=100)
    assert len(everything) >= 6
    assert all(e.startswith("$") and ": " in e for e in everything)


def test_long_messages_are_shortened():
    huge = "x" * 5000
    found = errors("giggle/text-to-image.request.json", dict(T2I_OK, model=huge))
    assert found
    assert all(len(e) < 400 for e in found)
    assert found[0].endswith("...")


def test_cross_file_ref_to_the_catalog():
    # model, aspect_ratio, resolution and generate_count all live in image-catalog.json
    assert errors("giggle/text-to-image.request.json", dict(T2I_OK, model="dall-e")) != []
    assert errors("giggle/text-to-image.request.json", dict(T2I_OK, aspect_ratio="5:4"))[0].startswith(
        "$.aspect_ratio: ")
    assert errors("giggle/text-to-image.request.json", dict(T2I_OK, resolution="8K"))[0].startswith(
        "$.resolution: ")
    catalog = load_schema("giggle/image-catalog.json")
    for entry in catalog["$defs"]["model"]["oneOf"]:
        assert errors("giggle/text-to-image.request.json", dict(T2I_OK, model=entry["const"])) == []
    for ratio in catalog["$defs"]["aspect_ratio"]["enum"]:
        assert errors("giggle/text-to-image.request.json", dict(T2I_OK, aspect_ratio=ratio)) == []
    # a reference with two sources violates the catalog's maxProperties
    two = dict(I2I_OK, reference_images=[{"url": "https://x/a.png", "asset_id": "abc"}])
    assert any(e.startswith("$.reference_images[0]") for e in
               errors("giggle/image-to-image.request.json", two))


def test_result_schema_is_closed():
    schema = load_schema("result.schema.json")
    assert schema["additionalProperties"] is False
    assert schema["properties"]["request"]["additionalProperties"] is False
    assert schema["properties"]["outputs"]["items"]["additionalProperties"] is False


@pytest.mark.parametrize("name", REQUEST_SCHEMAS)
def test_request_schemas_are_closed(name):
    schema = load_schema(name)
    branches = schema.get("oneOf") if "additionalProperties" not in schema else [schema]
    assert all(branch["additionalProperties"] is False for branch in branches)
    ok = REQUEST_OK[name]
    assert errors(name, ok) == []
    found = errors(name, dict(ok, surprise=True))
    assert found and any("surprise" in f for f in found)


def test_text_to_image_rejects_image_to_image_only_fields():
    assert errors("giggle/text-to-image.request.json", dict(T2I_OK, watermark=True))
    assert errors("giggle/image-to-image.request.json", dict(I2I_OK, resolution="2K"))


@pytest.mark.parametrize("name,instance", [
    ("giggle/submit.response.json",
     {"code": 200, "msg": "success", "uuid": "u", "data": {"task_id": "abc", "cost": 3}, "trace": "t"}),
    ("giggle/task-query.response.json",
     {"code": 200, "msg": "ok", "data": {"task_id": "abc", "status": "processing", "urls": [], "err_msg": "",
                                          "progress": 40, "new_field": {"nested": True}}, "extra": [1]}),
    ("giggle/envelope.json", {"code": "200", "msg": None, "whatever": 1}),
])
def test_response_schemas_are_open(name, instance):
    assert errors(name, instance) == []


@pytest.mark.parametrize("name", RESPONSE_SCHEMAS)
def test_response_schemas_still_check_what_they_need(name):
    assert errors(name, {"msg": "no code", "data": {}}) != []


def test_registry_is_loaded_once():
    validator("result.schema.json")
    registry = schema_registry._registry
    load_schema("giggle/envelope.json")
    assert schema_registry._registry is registry
