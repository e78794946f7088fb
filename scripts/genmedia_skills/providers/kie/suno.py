"""Suno (contracts/kie-more.md section 2): music, extend, lyrics, WAV and vocal removal.

Music tasks are polled at generate/record-info, whose upper-case `status` passes through
TEXT_SUCCESS and FIRST_SUCCESS (the first song is ready, not the task) before SUCCESS:
those are progress. Every song (response.sunoData[], usually two) is an output with
its audioId, which the follow-ups need. CALLBACK_EXCEPTION means the music may exist
but KIE's callback failed: the songs decide. Lyrics, WAV and vocal removal each poll
their own record-info; WAV says its status word in `successFlag`.
"""

import re

from ...core import task_status
from ...validation import catalog
from ...core.errors import UsageError
from .dedicated import Family, Operation, snapshot, strings

CATALOG = "kie/music-catalog.json"
MUSIC = ("/api/v1/generate/record-info", "kie/suno-record-info.response.json")
WORDS = {"PENDING": task_status.QUEUED, "TEXT_SUCCESS": task_status.RUNNING, "FIRST_SUCCESS": task_status.RUNNING,
         "SUCCESS": task_status.SUCCEEDED, "COMPLETE": task_status.SUCCEEDED,
         "CREATE_TASK_FAILED": task_status.FAILED, "GENERATE_AUDIO_FAILED": task_status.FAILED,
         "GENERATE_WAV_FAILED": task_status.FAILED, "GENERATE_LYRICS_FAILED": task_status.FAILED,
         "SENSITIVE_WORD_ERROR": task_status.FAILED}
STAGES = ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS")
EXTEND_TITLE = {"V4": 80, "V4_5ALL": 80}   # others 100 (kie-more.md section 2, extend)


def _limit(table, model):
    return table.get(model, table["*"]) if isinstance(table, dict) else table


def _too_long(flag, value, most, model):
    if value and len(value) > most:
        raise UsageError("%s: %d characters; %s takes at most %d here" % (flag, len(value), model, most))


def _status(word, has_result):
    word = word.strip().upper()
    if word == "CALLBACK_EXCEPTION":   # made, but KIE's callback failed: the results decide
        return task_status.SUCCEEDED if has_result else task_status.FAILED
    return WORDS.get(word)   # None: unrecognized, counted as still running by snapshot()


class Suno(Family):
    name = "suno"
    operations = (
        Operation("generate", "/api/v1/generate", MUSIC[0], MUSIC[1], "audio", (60, 240)),
        Operation("extend", "/api/v1/generate/extend", MUSIC[0], MUSIC[1], "audio", (60, 240)),
        Operation("lyrics", "/api/v1/lyrics", "/api/v1/lyrics/record-info",
                  "kie/suno-lyrics-record-info.response.json", "file", (10, 60)),
        Operation("wav", "/api/v1/wav/generate", "/api/v1/wav/record-info",
                  "kie/suno-wav-record-info.response.json", "audio", (15, 90)),
        Operation("vocal-removal", "/api/v1/vocal-removal/generate", "/api/v1/vocal-removal/record-info",
                  "kie/suno-vocal-removal-record-info.response.json", "audio", (30, 180)),
    )

    def check(self, body, model):
        limits = catalog.load(CATALOG)["x-prompt-limits"]
        custom, instrumental = body.get("customMode"), body.get("instrumental")
        if "customMode" not in body and "defaultParamFlag" not in body:   # lyrics, wav, vocal removal
            if body.get("type") == "split_stem_advanced" and not body.get("stemName"):
                raise UsageError("--input stemName: required by --stems split_stem_advanced (e.g. \"Lead Vocal\")")
            return
        if "defaultParamFlag" in body:   # extend
            if body["defaultParamFlag"]:
                for field, flag in (("prompt", "--prompt"), ("style", "--style"), ("title", "--title"),
                                    ("continueAt", "--continue-at")):
                    if body.get(field) in (None, ""):
                        raise UsageError("%s: required to extend with new settings (or give none of --prompt, "
                                         "--style, --title, --continue-at to keep the song's)" % flag)
            if body.get("continueAt") is not None and body["continueAt"] <= 0:
                raise UsageError("--continue-at: %r; give the seconds into the song to continue from (more than 0)"
                                 % body["continueAt"])
            _too_long("--title", body.get("title"), EXTEND_TITLE.get(body["model"], 100), body["model"])
            _too_long("--style", body.get("style"), _limit(limits["style"], body["model"]), body["model"])
            return
        if not custom:
            if not body.get("prompt"):
                raise UsageError("--prompt: required in simple mode (a description; Suno writes the lyrics)")
            _too_long("--prompt", body["prompt"], limits["simple"], model + " in simple mode")
            for field, flag in (("style", "--style"), ("title", "--title"), ("vocalGender", "--vocal-gender"),
                                ("personaId", "--input personaId")):
                if body.get(field) is not None:
                    raise UsageError("%s: custom mode only; add --custom (then --style and --title are required)" % flag)
            return
        for field, flag in (("style", "--style"), ("title", "--title")):
            if not body.get(field):
                raise UsageError("%s: required with --custom" % flag)
        if not instrumental and not body.get("prompt"):
            raise UsageError("--prompt: required with --custom unless --instrumental (the lyrics, sung as written)")
        _too_long("--prompt", body.get("prompt"), _limit(limits["custom"], model), model)
        _too_long("--style", body["style"], _limit(limits["style"], model), model)
        _too_long("--title", body["title"], limits["title"], model)
        if body.get("personaModel") and model not in ("V5", "V5_5"):
            raise UsageError("--input personaModel: V5 and V5_5 only, not %s" % model)

    def read(self, data, op):
        return getattr(self, "_read_" + op.name.replace("-", "_"))(data, op)

    def _read_generate(self, data, op):
        word = str(data.get("status") or "")
        songs = [s for s in ((data.get("response") or {}).get("sunoData") or []) if isinstance(s, dict)]
        ready = [s for s in songs if (s.get("audioUrl") or "").strip()]
        status = _status(word, bool(ready))
        progress = note = None
        if word.upper() in STAGES + ("SUCCESS",):   # the stages passed so far (SUCCESS: all of them)
            done = list((STAGES + ("SUCCESS",))[1:(STAGES + ("SUCCESS",)).index(word.upper()) + 1])
            progress = {"current_step": word, "completed_steps": done}
            if ready:
                note = "%d of %d song(s) ready; the task is not finished until SUCCESS" % (len(ready), len(songs))
        outputs = []
        if status == task_status.SUCCEEDED:
            for song in ready:
                facts = {k: song[s] for k, s in (("provider_id", "id"), ("title", "title"), ("duration", "duration"))
                         if song.get(s) is not None}
                outputs.append((song["audioUrl"].strip(), "audio", facts))
        return snapshot(self, status, word, outputs, data, progress=progress, note=note)

    _read_extend = _read_generate

    def _read_lyrics(self, data, op):
        word = str(data.get("status") or "")
        found = [d for d in ((data.get("response") or {}).get("data") or []) if isinstance(d, dict) and d.get("text")]
        status = _status(word, bool(found))
        texts = [{"title": d.get("title") or "", "text": d["text"]} for d in found] \
            if status == task_status.SUCCEEDED else None
        return snapshot(self, status, word, [], data, texts=texts)

    def _read_wav(self, data, op):
        word = str(data.get("successFlag") or "")
        response = data.get("response") or {}
        url = strings([response.get("audioWavUrl") or response.get("audio_wav_url")])
        status = _status(word, bool(url))
        return snapshot(self, status, word, [(u, "audio") for u in url] if status == task_status.SUCCEEDED else [],
                        data)

    def _read_vocal_removal(self, data, op):
        word = str(data.get("successFlag") or data.get("status") or "")
        response = data.get("response") or {}
        info = response.get("vocalRemovalInfo") or response.get("vocal_removal_info") or response
        stems = [(k, v.strip()) for k, v in info.items() if isinstance(v, str) and v.strip().startswith("http")
                 and k.lower().endswith("url") and not k.lower().startswith("origin")]
        status = _status(word, bool(stems))
        outputs = [(url, "audio", {"provider_id": re.sub(r"_?url$", "", key, flags=re.I)}) for key, url in stems] \
            if status == task_status.SUCCEEDED else []
        return snapshot(self, status, word, outputs, data)


FAMILY = Suno()
