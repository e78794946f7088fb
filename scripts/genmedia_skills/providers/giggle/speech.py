"""giggle.pro text-to-speech requests and the preset voice list."""

import re

from ...validation import catalog
from ...core import exit_codes
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration
from .envelope import unwrap

CATALOG = "giggle/speech-catalog.json"
PATH = "/api/v1/generation/text-to-audio"
VOICES_PATH = "/api/v1/project/preset_tones"


class GiggleSpeech(GiggleGeneration):
    models_catalog = CATALOG   # `models` prints it
    output_kind = "audio"
    max_download_bytes = 128 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG))

    def prepare(self, opts):
        text = catalog.text(CATALOG, "text", "--text", opts.get("text"), "the text to speak")
        voice = (opts.get("voice_id") or "").strip()
        if not voice:
            raise UsageError("--voice-id: missing; pick one from the `voices` command (e.g. Calm_Woman)")
        if len(voice) > 128:
            raise UsageError("--voice-id: %d characters; voice ids are at most 128" % len(voice))
        speed_def = catalog.param(CATALOG, "speed")
        speed = speed_def["default"] if opts.get("speed") is None else opts["speed"]
        if not speed_def["minimum"] <= speed <= speed_def["maximum"]:
            raise UsageError("--speed: %r is out of range; allowed %g to %g"
                             % (speed, speed_def["minimum"], speed_def["maximum"]))
        body = {"text": text, "voice_id": voice, "speed": float(speed)}
        emotion = (opts.get("emotion") or "").strip().lower()
        if emotion:
            if not re.match(catalog.param(CATALOG, "emotion")["pattern"], emotion):
                raise UsageError("--emotion: %r: expected a word such as %s"
                                 % (opts["emotion"], ", ".join(catalog.param(CATALOG, "emotion")["examples"])))
            body["emotion"] = emotion
        return Prepared(PATH, body, schema="giggle/text-to-audio.request.json", model=None)

    def voices(self, http, language=None, gender=None):
        """The preset voices, optionally filtered (case-insensitive) by language and gender."""
        resp = http.get_json(VOICES_PATH)
        voices = unwrap(resp, "giggle/preset-tones.response.json", "voice list")

        def keep(voice):
            return all(not want or str(voice.get(key) or "").lower() == want.lower()
                       for key, want in (("language", language), ("gender", gender)))

        return [voice for voice in voices if keep(voice)], voices


def voices_command(ctx, kw):
    """`voices`: the preset voice list as a JSON array (a free GET; no task, no run). An
    empty result says on stderr which languages and genders exist (still exit 0: a
    filter that matches nothing is an answer)."""
    found, every = ctx.adapter.voices(ctx.connect(), kw.get("language"), kw.get("gender"))
    if not found and every:
        def values(key):
            return ", ".join(sorted({str(v.get(key)) for v in every if v.get(key)})) or "none"
        ctx.progress.warn("no preset voice matches; languages: %s; genders: %s" % (values("language"),
                                                                                 values("gender")))
    return found, exit_codes.OK
