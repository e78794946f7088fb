"""giggle.pro voice clone: speak a text in a voice cloned from a sample (contracts/giggle-more.md 3).

POST /api/v1/generation/voice-clone {text, voice_id, need_noise_reduction,
need_volumn_normalization (sic), file: {url}}, then the shared task query; the result
is audio `urls`. The voice_id is the user's and unique per account: a second clone under
it fails with "voice clone voice id duplicate" (or code 2039), reported as its own kind.
"""

import re

from ...validation import catalog
from ...core.errors import ProviderError, TaskFailed, UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration
from .media_source import extension, media_input

CATALOG = "giggle/voice-clone-catalog.json"
PATH = "/api/v1/generation/voice-clone"
_DUPLICATE = re.compile(r"(?i)duplicate|\b2039\b")


class GiggleVoiceClone(GiggleGeneration):
    output_kind = "audio"
    max_download_bytes = 128 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG))

    def prepare(self, opts):
        text = catalog.text(CATALOG, "text", "--text", opts.get("text"), "the text to speak in the cloned voice")
        voice = (opts.get("voice_id") or "").strip()
        if not voice:
            raise UsageError("--voice-id: missing; choose a new id for this voice, e.g. my_voice_01 "
                             "(unique in your giggle.pro account)")
        if not re.match(catalog.param(CATALOG, "voice_id")["pattern"], voice):
            raise UsageError("--voice-id: %r: use 1-128 of A-Z a-z 0-9 _ - starting with a letter or digit"
                             % voice[:60])
        sample, local = media_input("--sample", opts.get("sample"), "the voice sample (an MP3 or WAV recording)",
                                    "audio")
        kind = extension(str(local.path) if local else sample)
        allowed = catalog.choices(catalog.param(CATALOG, "sample_extensions"))
        notes = []
        if kind and kind not in allowed and kind not in ("php", "aspx", "cgi"):
            notes.append("the sample's name ends in .%s; giggle.pro documents MP3 and WAV samples" % kind)
        body = {"text": text, "voice_id": voice, "need_noise_reduction": bool(opts.get("noise_reduction")),
                "need_volumn_normalization": bool(opts.get("normalize_volume")), "file": {"url": sample}}
        return Prepared(PATH, body, schema="giggle/voice-clone.request.json", model=None, notes=notes,
                        references=[local] if local else [])

    def submit(self, http, prepared, record_task_id=None):
        try:
            return super().submit(http, prepared, record_task_id)
        except ProviderError as exc:   # a duplicate refused at once: no task, nothing charged
            if exc.kind == "rejected" and _DUPLICATE.search(exc.provider_message or ""):
                raise UsageError("--voice-id: %r is already taken in your giggle.pro account (giggle.pro: %s); "
                                 "choose a new one" % (prepared.body["voice_id"], exc.provider_message),
                                 kind="duplicate_voice_id", provider_message=exc.provider_message) from None
            raise

    def failure(self, word, err_msg):
        if _DUPLICATE.search(err_msg or ""):
            return TaskFailed("this --voice-id is already taken in your giggle.pro account (giggle.pro: %s); "
                              "a voice_id is used once: run again with a new --voice-id" % err_msg,
                              kind="duplicate_voice_id", provider_message=err_msg)
        return super().failure(word, err_msg)
