"""giggle video, music and speech requests: catalog tables and body validation.

Same rules as giggle_validate (images): the allowed values come from the catalogs in
schemas/giggle/ that the CLI validates against, and every error names its field first.
Optional parameters the real scripts always send get the catalog default when absent,
like the image routes do; what the contract says the API rejects (a duration the model
does not take, an unknown voice) is rejected.
"""
import functools
import json

from .validate import Invalid, catalog_file, is_int, one_of, reference, required_text
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


def validate_video(body, image_to_video):
    """Fields of a text-to-video / image-to-video body, or Invalid naming the bad field."""
    cat = video_catalog()
    fields = {"prompt": required_text(body, "prompt"),
              "model": one_of(body, "model", cat["models"], cat["model_default"])}
    model = fields["model"]
    allowed = cat["durations"][model]
    duration = body.get("duration", cat["duration_default"][model])
    if not is_int(duration):
        raise Invalid("duration: must be an integer number of seconds (got %s)" % json.dumps(duration))
    if duration not in allowed:
        # The contract's wording: the API rejects durations the model does not take.
        raise Invalid("duration: %d is not supported by %s (allowed: %s)" % (
            duration, model, ", ".join(str(d) for d in allowed)))
    # Not "duration": in a task record that is the generation time task_store.phase reads.
    fields["video_duration"] = duration
    fields["aspect_ratio"] = one_of(body, "aspect_ratio", cat["aspect_ratios"], cat["aspect_default"])
    fields["resolution"] = one_of(body, "resolution", cat["resolutions"], cat["resolution_default"])
    if image_to_video:
        present = [f for f in FRAMES if f in body]
        if not present:
            raise Invalid("start_frame: at least one of start_frame, end_frame is required")
        for frame in present:
            fields[frame] = reference(frame, body[frame])
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
