"""giggle video, music and speech requests: catalog tables and body validation.

Same rules as giggle_validate (images): the allowed values come from the catalogs in
schemas/giggle/ that the CLI validates against, and every error names its field first.
Optional parameters the real scripts always send get the catalog default when absent,
like the image routes do; what the contract says the API rejects (a duration the model
does not take, an unknown voice) is rejected.
"""
import functools
import json

from .validate import Invalid, catalog_file, free_text, is_int, model_of, one_of, reference, required_text
from .voices import VOICE_IDS

FRAMES = ("start_frame", "end_frame")
# Fields only the custom music mode takes; any of them selects that mode.
CUSTOM_MUSIC_FIELDS = ("style", "title", "lyrics", "vocal_gender")


@functools.lru_cache(maxsize=None)
def video_catalog():
    defs = catalog_file("video-catalog.json")["$defs"]
    models = defs["model"]["oneOf"]
    return {
        "models": [m["const"] for m in models],
        "model_default": defs["model"].get("default"),
        "durations": {m["const"]: list(m["x-durations"]) for m in models},
        "duration_default": {m["const"]: m.get("x-default-duration", m["x-durations"][0])
                             for m in models},
        "expected": {m["const"]: tuple(m["x-expected-seconds"]) for m in models},
        "aspect_ratios": list(defs["aspect_ratio"]["enum"]),
        "aspect_default": defs["aspect_ratio"].get("default"),
        "resolutions": list(defs["resolution"]["enum"]),
        "resolution_default": defs["resolution"].get("default"),
        "own_resolutions": {m["const"]: m["x-resolutions"] for m in models if "x-resolutions" in m},
        "max_count": {m["const"]: m["x-max-generating-count"] for m in models if "x-max-generating-count" in m},
        "omni": [m["const"] for m in models if m.get("x-omni")],
        "frame_forms": {m["const"]: tuple(m["x-frame-forms"]) for m in models if "x-frame-forms" in m},
        "needs_start": [m["const"] for m in models if m.get("x-needs-start-frame")],
        "max_images": defs["omni"]["x-max-images"],
    }


@functools.lru_cache(maxsize=None)
def music_catalog():
    doc = catalog_file("music-catalog.json")
    return {"vocal_genders": list(doc["$defs"]["vocal_gender"]["enum"]),
            "expected": tuple(doc["x-expected-seconds"])}


@functools.lru_cache(maxsize=None)
def speech_catalog():
    doc = catalog_file("speech-catalog.json")
    defs = doc["$defs"]
    return {"text_min": defs["text"].get("minLength", 1), "text_max": defs["text"]["maxLength"],
            "speed_min": defs["speed"]["minimum"], "speed_max": defs["speed"]["maximum"],
            "speed_default": defs["speed"].get("default", 1.0),
            "expected": tuple(doc["x-expected-seconds"])}


def _boolean(body, field):
    if field not in body:
        raise Invalid("%s: is required" % field)
    if not isinstance(body[field], bool):
        raise Invalid("%s: must be a boolean (got %s)" % (field, json.dumps(body[field])))
    return body[field]


def _common_video(body, new_models):
    """The fields every video endpoint shares, checked against the model's own tables (a
    model newer than the catalog, Simulator.new_models, judges its own values)."""
    cat = video_catalog()
    fields = {"prompt": required_text(body, "prompt"),
              "model": model_of(body, cat["models"], cat["model_default"], new_models)}
    model = fields["model"]
    known = model in cat["durations"]
    duration = body.get("duration", cat["duration_default"].get(model, 5))
    if not is_int(duration):
        raise Invalid("duration: must be an integer number of seconds (got %s)" % json.dumps(duration))
    if known and duration not in cat["durations"][model]:
        # The contract's wording: the API rejects durations the model does not take.
        raise Invalid("duration: %d is not supported by %s (allowed: %s)" % (
            duration, model, ", ".join(str(d) for d in cat["durations"][model])))
    # Not "duration": in a task record that is the generation time task_store.phase reads.
    fields["video_duration"] = duration
    if not known:
        fields["aspect_ratio"] = free_text(body, "aspect_ratio", cat["aspect_default"])
        fields["resolution"] = free_text(body, "resolution", cat["resolution_default"])
    else:
        fields["aspect_ratio"] = one_of(body, "aspect_ratio", cat["aspect_ratios"], cat["aspect_default"])
        fields["resolution"] = one_of(body, "resolution", cat["own_resolutions"].get(model, cat["resolutions"]),
                                      cat["resolution_default"])
    if "generating_count" in body:
        most = cat["max_count"].get(model, 4 if not known else None)
        if most is None:
            raise Invalid("generating_count: not supported by %s" % model)
        count = body["generating_count"]
        if not is_int(count) or not 1 <= count <= most:
            raise Invalid("generating_count: must be an integer from 1 to %d (got %s)" % (most, json.dumps(count)))
        fields["generating_count"] = count
    return fields


def validate_video(body, image_to_video, new_models=()):
    """Fields of a text-to-video / image-to-video body, or Invalid naming the bad field."""
    cat = video_catalog()
    fields = _common_video(body, new_models)
    model = fields["model"]
    if image_to_video:
        present = [f for f in FRAMES if f in body]
        if not present:
            raise Invalid("start_frame: at least one of start_frame, end_frame is required")
        if model in cat["needs_start"] and "start_frame" not in body:
            raise Invalid("start_frame: %s needs a start_frame" % model)
        for frame in present:
            fields[frame] = reference(frame, body[frame], cat["frame_forms"].get(model, ("url", "base64", "asset_id")))
    return fields


def validate_omni(body, new_models=()):
    """Fields of an omni-video body: the common video fields plus images (url or base64,
    at most 9), audios and videos (url only); at least one of the three."""
    cat = video_catalog()
    fields = _common_video(body, new_models)
    if fields["model"] in cat["durations"] and fields["model"] not in cat["omni"]:
        raise Invalid("model: %s does not support omni-video (supported: %s)"
                      % (fields["model"], ", ".join(cat["omni"])))
    media = [f for f in ("images", "audios", "videos") if f in body]
    if not media:
        raise Invalid("images: at least one of images, audios, videos is required")
    for field in media:
        items = body[field]
        if not isinstance(items, list) or not items:
            raise Invalid("%s: must be a non-empty array" % field)
        if field == "images" and len(items) > cat["max_images"]:
            raise Invalid("images: at most %d (got %d)" % (cat["max_images"], len(items)))
        forms = ("url", "base64") if field == "images" else ("url",)
        fields[field] = [reference("%s[%d]" % (field, i), item, forms) for i, item in enumerate(items)]
    return fields


def validate_music(body):
    """Simplified {prompt, instrumental} or custom {style, title, instrumental, lyrics?,
    vocal_gender?}. A body of neither shape fails on the simplified mode's first missing
    field, since that is the mode a bare description is meant for."""
    if not any(f in body for f in CUSTOM_MUSIC_FIELDS):
        return {"mode": "simplified", "prompt": required_text(body, "prompt"),
                "instrumental": _boolean(body, "instrumental")}
    if "prompt" in body:
        raise Invalid("prompt: not allowed in custom mode (send the words as lyrics)")
    fields = {"mode": "custom", "style": required_text(body, "style"),
              "title": required_text(body, "title"), "instrumental": _boolean(body, "instrumental")}
    if "lyrics" in body:
        if fields["instrumental"]:
            raise Invalid("lyrics: must be omitted when instrumental is true")
        fields["lyrics"] = required_text(body, "lyrics")
    if "vocal_gender" in body:
        fields["vocal_gender"] = one_of(body, "vocal_gender", music_catalog()["vocal_genders"], None)
    return fields


def validate_speech(body):
    """Fields of a text-to-audio body {text, voice_id, speed, emotion?}."""
    cat = speech_catalog()
    text = required_text(body, "text")
    if not cat["text_min"] <= len(text) <= cat["text_max"]:
        raise Invalid("text: must be %d to %d characters (got %d)" % (
            cat["text_min"], cat["text_max"], len(text)))
    voice = body.get("voice_id")
    if "voice_id" not in body:
        raise Invalid("voice_id: is required")
    if not isinstance(voice, str) or not voice:
        raise Invalid("voice_id: must be a non-empty string")
    if voice not in VOICE_IDS:
        raise Invalid("voice_id: unknown voice '%s'" % voice)
    speed = body.get("speed", cat["speed_default"])
    if (isinstance(speed, bool) or not isinstance(speed, (int, float))
            or not cat["speed_min"] <= speed <= cat["speed_max"]):
        raise Invalid("speed: must be a number from %s to %s (got %s)" % (
            cat["speed_min"], cat["speed_max"], json.dumps(speed)))
    fields = {"text": text, "voice_id": voice, "speed": float(speed)}
    if "emotion" in body:
        # An open set upstream (joy, sad, ...): only the type is checked.
        if not isinstance(body["emotion"], str):
            raise Invalid("emotion: must be a string (got %s)" % json.dumps(body["emotion"]))
        fields["emotion"] = body["emotion"]
    return fields
