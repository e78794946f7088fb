"""giggle talking-head doubles (contracts/giggle-more.md 6): POST tv-avatar-video and tv-voice-clone.

Both go through Giggle.submit (auth, envelope, faults, outcomes, on-disk state) and are read
back with the shared task query. An avatar task ends in one MP4. A tv voice clone ends with
no URLs but a `voice_id` in the query's data (what the official client waits for); that id
is "tvc" + the task id's hex, so tv-avatar-video can tell a voice this simulator cloned (and
finished cloning) from an unknown one without any extra state.
"""
import functools
import json
import re
import uuid

from .generation import error, status_of
from .validate import Invalid, catalog_file, is_int
from .voice_clone import url_object
from ..routing import Route

AVATAR_PATH = "/api/v1/generation/tv-avatar-video"
TV_CLONE_PATH = "/api/v1/generation/tv-voice-clone"
AVATAR_SECONDS = (60, 240)
TV_CLONE_SECONDS = (20, 90)
CLONE_PREFIX = "tvc"
SPEECH_FIELDS = ("tts_script", "voice_over_id", "clone_audio", "voice_speed")


@functools.lru_cache(maxsize=None)
def _tables():
    cat = catalog_file("avatar-catalog.json")
    return {"script_max": cat["$defs"]["tts_script"]["maxLength"], "tag": re.compile(cat["x-break-tag"], re.I),
            "pause": tuple(cat["x-break-seconds"]), "speed": cat["$defs"]["voice_speed"],
            "voices": frozenset(v["voice_over_id"] for v in catalog_file("avatar-voices.json")["x-voices"])}


def cloned_voice_id(task_id):
    return CLONE_PREFIX + task_id.replace("-", "")


def _script(body):
    tables = _tables()
    text = body.get("tts_script")
    if "tts_script" not in body:
        raise Invalid("tts_script: is required")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("tts_script: must be a non-empty string")
    if len(text) > tables["script_max"]:
        raise Invalid("tts_script: must be at most %d characters (got %d)" % (tables["script_max"], len(text)))
    low, high = tables["pause"]
    for found in tables["tag"].finditer(text):
        value = found.group(1).strip()
        if not re.match(r"^\d+(\.\d)?[sS]$", value) or not low <= float(value[:-1]) <= high:
            raise Invalid("tts_script: invalid break time %s (%g-%gs, one decimal)" % (found.group(0), low, high))
    return text


def _speed(body):
    spec = _tables()["speed"]
    value = body.get("voice_speed", spec["default"])
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not spec["minimum"] <= value <= spec["maximum"]:
        raise Invalid("voice_speed: must be a number from %s to %s (got %s)"
                      % (spec["minimum"], spec["maximum"], json.dumps(value)))
    return float(value)


def _known_voice(store, voice):
    if voice in _tables()["voices"]:
        return True
    hexid = voice[len(CLONE_PREFIX):] if voice.startswith(CLONE_PREFIX) else ""
    if not re.match(r"^[0-9a-f]{32}$", hexid):
        return False
    record = store.get("giggle", str(uuid.UUID(hexid)))
    return bool(record and record.get("kind") == "voice" and status_of(record)[0] == "completed")


def validate_avatar(store, body):
    fields = {"image": url_object(body, "image")}
    mode = body.get("drive_mode")
    if "drive_mode" not in body:
        raise Invalid("drive_mode: is required")
    if not is_int(mode) or mode not in (1, 2):
        raise Invalid("drive_mode: must be 1 (tts) or 2 (audio) (got %s)" % json.dumps(mode))
    if "mode_type" in body and not isinstance(body["mode_type"], str):
        raise Invalid("mode_type: must be a string")
    fields["drive_mode"] = mode
    if mode == 2:
        extra = [f for f in SPEECH_FIELDS if f in body]
        if extra:
            raise Invalid("%s: not allowed with drive_mode 2 (audio drive)" % extra[0])
        fields["drive_audio"] = url_object(body, "drive_audio")
        return fields
    if "drive_audio" in body:
        raise Invalid("drive_audio: only with drive_mode 2")
    fields["tts_script"] = _script(body)
    if ("voice_over_id" in body) == ("clone_audio" in body):
        raise Invalid("voice_over_id: exactly one of voice_over_id, clone_audio is required with drive_mode 1")
    if "clone_audio" in body:
        fields.update(clone_audio=url_object(body, "clone_audio"), voice_speed=_speed(body))
        return fields
    voice = body["voice_over_id"]
    if not isinstance(voice, str) or not _known_voice(store, voice):
        raise Invalid("voice_over_id: unknown voice %s" % json.dumps(voice))
    fields["voice_over_id"] = voice
    return fields


def validate_tv_clone(body):
    return {"tts_script": _script(body), "clone_audio": url_object(body, "clone_audio"), "voice_speed": _speed(body)}


def avatar_routes(giggle):
    store = giggle.sim.store

    def avatar(req):
        return giggle.submit(req, "giggle.tv-avatar-video", "video", lambda body: validate_avatar(store, body),
                             lambda fields: 1, lambda fields: AVATAR_SECONDS)

    def tv_clone(req):
        return giggle.submit(req, "giggle.tv-voice-clone", "voice", validate_tv_clone,
                             lambda fields: 0, lambda fields: TV_CLONE_SECONDS)

    return [Route("POST", re.escape(AVATAR_PATH), "giggle.tv-avatar-video", avatar, submit=True, errors=error,
                  missing_field="task_id"),
            Route("POST", re.escape(TV_CLONE_PATH), "giggle.tv-voice-clone", tv_clone, submit=True, errors=error,
                  missing_field="task_id")]


def query_extras(record, status):
    """Fields the shared task query adds for a tv voice clone: the voice_id once completed."""
    if record.get("kind") != "voice":
        return {}
    return {"voice_id": cloned_voice_id(record["task_id"]) if status == "completed" else ""}

