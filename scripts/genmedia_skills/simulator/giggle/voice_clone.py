"""giggle voice clone double: POST /api/v1/generation/voice-clone (contracts/giggle-more.md 3).

The task goes through Giggle.submit (auth, envelope, faults, outcomes, on-disk state) and
is read back with the shared task query; its result is one MP3. A voice_id belongs to
the account (the key) that cloned it: the first successful clone registers it on disk,
atomically, so that any later clone under the same id, from any process, fails the way
giggle reports it: status `failed`, err_msg "voice clone voice id duplicate".
"""
import hashlib
import json
import os
import re

from .generation import error
from .validate import Invalid, catalog_file, required_text
from ..routing import Route

PATH = "/api/v1/generation/voice-clone"
DUPLICATE_MSG = "voice clone voice id duplicate"
SECONDS = (30, 120)   # the official skill: "typically takes 1-3 minutes", queue included


def _limits():
    defs = catalog_file("voice-clone-catalog.json")["$defs"]
    return defs["text"]["maxLength"], defs["voice_id"]["pattern"]


def _flag(body, field):
    value = body.get(field, False)
    if not isinstance(value, bool):
        raise Invalid("%s: must be a boolean (got %s)" % (field, json.dumps(value)))
    return value


def url_object(body, field, required=True):
    """A `{"url": "http(s)://..."}` media object (the only form these endpoints take)."""
    if field not in body:
        if required:
            raise Invalid("%s: is required" % field)
        return None
    value = body[field]
    if not isinstance(value, dict) or set(value) != {"url"}:
        raise Invalid("%s: must be an object {\"url\": ...}" % field)
    if not isinstance(value["url"], str) or not re.match(r"^https?://\S+$", value["url"]):
        raise Invalid("%s.url: must be an http(s) URL" % field)
    return {"url": value["url"]}


def validate_voice_clone(body):
    text_max, voice_pattern = _limits()
    text = required_text(body, "text")
    if len(text) > text_max:
        raise Invalid("text: must be at most %d characters (got %d)" % (text_max, len(text)))
    voice = required_text(body, "voice_id")
    if not re.match(voice_pattern, voice):
        raise Invalid("voice_id: must match %s (got %s)" % (voice_pattern, json.dumps(voice)))
    return {"text": text, "voice_id": voice, "file": url_object(body, "file"),
            "need_noise_reduction": _flag(body, "need_noise_reduction"),
            "need_volumn_normalization": _flag(body, "need_volumn_normalization")}


class VoiceRegistry(object):
    """The voice ids each account has cloned: one file per (key, voice_id), created with
    O_EXCL so two racing clones cannot both get the id."""

    def __init__(self, state_dir):
        self.dir = state_dir / "giggle-voices"

    def claim(self, key, voice_id):
        """True if this account now owns voice_id; False if it already did."""
        self.dir.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(("%s\n%s" % (key, voice_id)).encode("utf-8")).hexdigest()[:40]
        try:
            fd = os.open(str(self.dir / name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        os.close(fd)
        return True


def voice_clone_routes(giggle):
    registry = VoiceRegistry(giggle.sim.state_dir)

    def handler(req):
        def plan(fields, take):
            outcome, message, duration = take()
            if outcome == "succeed" and not registry.claim(req.headers.get("x-auth"), fields["voice_id"]):
                return "fail", DUPLICATE_MSG, 0.0
            return outcome, message, duration
        return giggle.submit(req, "giggle.voice-clone", "speech", validate_voice_clone,
                             lambda fields: 1, lambda fields: SECONDS, plan=plan)

    return [Route("POST", re.escape(PATH), "giggle.voice-clone", handler, submit=True, errors=error,
                  missing_field="task_id")]
