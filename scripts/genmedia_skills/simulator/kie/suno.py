"""Suno double: music (generate, extend), lyrics, WAV and vocal removal, each polled at its
own record-info.

Music walks PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS (the first song has its audioUrl,
the others only a stream) -> SUCCESS, two songs unless an outcome says otherwise; a
song's id ("<taskId>_<n>") is the audioId the follow-ups take. callBackUrl is required,
as at KIE. WAV answers its status word in successFlag.
"""
import json
import re

from .dedicated import DedicatedApi, Invalid, Route, check_body

STAGES = (("PENDING", 0.15), ("TEXT_SUCCESS", 0.55), ("FIRST_SUCCESS", 1.0))
SIMPLE_PROMPT, STYLE = 500, {"V4": 200}
CUSTOM_PROMPT = {"V4": 3000}
FAILED = {"moderation": ("SENSITIVE_WORD_ERROR", 400), "canceled": ("CREATE_TASK_FAILED", 400)}


class SunoApi(DedicatedApi):
    family = "suno"

    def routes(self):
        def route(method, path, name, handler, **kw):
            return Route(method, re.escape(path), "kie.suno-" + name, handler, errors=self.jobs.error, **kw)
        post = dict(submit=True, missing_field="taskId")
        return [
            route("POST", "/api/v1/generate", "generate", self.generate, **post),
            route("POST", "/api/v1/generate/extend", "extend", self.extend, **post),
            route("GET", "/api/v1/generate/record-info", "query", lambda req: self.polled(req, self.music),
                  missing_field="status"),
            route("POST", "/api/v1/lyrics", "lyrics", self.lyrics, **post),
            route("GET", "/api/v1/lyrics/record-info", "lyrics-query", lambda req: self.polled(req, self.lyrics_info),
                  missing_field="status"),
            route("POST", "/api/v1/wav/generate", "wav", self.wav, **post),
            route("GET", "/api/v1/wav/record-info", "wav-query", lambda req: self.polled(req, self.wav_info),
                  missing_field="successFlag"),
            route("POST", "/api/v1/vocal-removal/generate", "vocal-removal", self.vocal, **post),
            route("GET", "/api/v1/vocal-removal/record-info", "vocal-query",
                  lambda req: self.polled(req, self.vocal_info), missing_field="successFlag"),
        ]

    # -- creates -------------------------------------------------------------------------
    def generate(self, req):
        def run():
            body = check_body("kie/suno-generate.request.json", self.body(req))
            model, prompt = body["model"], body.get("prompt") or ""
            if not body["customMode"]:
                if not prompt or len(prompt) > SIMPLE_PROMPT:
                    raise Invalid("prompt is required in non-custom mode and must be at most %d characters"
                                  % SIMPLE_PROMPT)
            else:
                if not body.get("style") or not body.get("title"):
                    raise Invalid("style and title are required in custom mode")
                if not body["instrumental"] and not prompt:
                    raise Invalid("prompt is required in custom mode unless instrumental")
                if len(prompt) > CUSTOM_PROMPT.get(model, 5000) or len(body["style"]) > STYLE.get(model, 1000):
                    raise Invalid("prompt or style exceeds the length %s allows" % model)
            return self.jobs.ok({"taskId": self.create(req, "generate", body, (60, 240), "music")})
        return self.guarded(req, run)

    def song(self, audio_id):
        """The music task that made song `audio_id`, finished, else Invalid."""
        task_id, _, n = (audio_id or "").rpartition("_")
        parent = self.parent(task_id)
        if not n.isdigit() or not 1 <= int(n) <= (parent.get("count") or 2):
            raise Invalid("audioId does not exist")
        return parent

    def extend(self, req):
        def run():
            body = check_body("kie/suno-extend.request.json", self.body(req))
            parent = self.song(body["audioId"])
            if body["defaultParamFlag"] and any(body.get(k) in (None, "") for k in ("prompt", "style", "title",
                                                                                    "continueAt")):
                raise Invalid("prompt, style, title and continueAt are required when defaultParamFlag is true")
            if body.get("continueAt") is not None and body["continueAt"] <= 0:
                raise Invalid("continueAt must be greater than 0")
            task_id = self.create(req, "extend", body, (60, 240), "music", parent=parent["task_id"])
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def lyrics(self, req):
        def run():
            body = check_body("kie/suno-lyrics.request.json", self.body(req))
            if len(body["prompt"].split()) > 200:
                raise Invalid("prompt must be at most 200 words")
            return self.jobs.ok({"taskId": self.create(req, "lyrics", body, (10, 60), "text")})
        return self.guarded(req, run)

    def _of_song(self, req, op, schema, seconds):
        body = check_body(schema, self.body(req))
        parent = self.song(body["audioId"])
        if parent["task_id"] != body["taskId"]:
            raise Invalid("audioId does not belong to taskId")
        return self.jobs.ok({"taskId": self.create(req, op, body, seconds, "music", parent=parent["task_id"])})

    def wav(self, req):
        return self.guarded(req, lambda: self._of_song(req, "wav", "kie/suno-wav.request.json", (15, 90)))

    def vocal(self, req):
        def run():
            body = self.body(req)
            if body.get("type") == "split_stem_advanced" and not body.get("stemName"):
                raise Invalid("stemName is required for split_stem_advanced")
            return self._of_song(req, "vocal-removal", "kie/suno-vocal-removal.request.json", (30, 180))
        return self.guarded(req, run)

    # -- record-info -----------------------------------------------------------------------
    def _word(self, record, done):
        outcome = self.finished(record, done)
        if outcome == "fail":
            return FAILED.get(record["outcome"], ("GENERATE_AUDIO_FAILED", 501))
        if outcome == "success":
            return "SUCCESS", None
        return next(word for word, until in STAGES + (("FIRST_SUCCESS", 2.0),) if done < until), None

    def music(self, req, record, done):
        word, code = self._word(record, done)
        param = json.loads(record["param"])
        songs = []
        if word in ("TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"):
            for n in range(1, (record.get("count") or 2) + 1):
                ready = word == "SUCCESS" or (word == "FIRST_SUCCESS" and n == 1)
                songs.append({"id": "%s_%d" % (record["task_id"], n),
                              "audioUrl": self.file_url(req, record, "song-%d" % n, "mp3") if ready else "",
                              "streamAudioUrl": self.file_url(req, record, "stream-%d" % n, "mp3"),
                              "imageUrl": self.file_url(req, record, "cover-%d" % n, "png"),
                              "prompt": param.get("prompt") or "", "modelName": "chirp-" + param.get("model", "v5").lower(),
                              "title": param.get("title") or "Untitled", "tags": param.get("style") or "",
                              "createTime": self.times(record)[0], "duration": 198.44 if ready else None})
        if record["outcome"] == "empty" and word == "SUCCESS":
            songs = []
        return {"taskId": record["task_id"], "parentMusicId": record.get("parent") or "", "param": record["param"],
                "response": {"taskId": record["task_id"], "sunoData": songs if word != "PENDING" else None},
                "status": word, "type": "GENERATE", "operationType": record["op"],
                "errorCode": code, "errorMessage": record.get("message") if code else None}

    def lyrics_info(self, req, record, done):
        word, code = self._word(record, done)
        word = "PENDING" if word in ("TEXT_SUCCESS", "FIRST_SUCCESS") else word
        prompt = json.loads(record["param"])["prompt"]
        texts = [{"text": "[Verse]\n%s\n[Chorus]\nla la la (take %d)" % (prompt, n), "title": "Take %d" % n,
                  "status": "complete", "errorMessage": ""} for n in (1, 2)] if word == "SUCCESS" else None
        return {"taskId": record["task_id"], "param": record["param"], "status": word, "errorCode": code,
                "errorMessage": record.get("message") if code else None,
                "response": {"taskId": record["task_id"], "data": texts}}

    def _follow_up(self, record, word, code, response):
        body = json.loads(record["param"])
        return {"taskId": record["task_id"], "musicId": body["audioId"], "callbackUrl": body.get("callBackUrl"),
                "musicIndex": int(body["audioId"].rpartition("_")[2]) - 1,
                "completeTime": self.times(record)[1] if word == "SUCCESS" else None,
                "response": response if word == "SUCCESS" else None,
                "successFlag": "PENDING" if word in ("TEXT_SUCCESS", "FIRST_SUCCESS") else word,
                "createTime": self.times(record)[0], "errorCode": code,
                "errorMessage": record.get("message") if code else None}

    def wav_info(self, req, record, done):
        word, code = self._word(record, done)
        return self._follow_up(record, "GENERATE_WAV_FAILED" if code else word, code,
                               {"audioWavUrl": self.file_url(req, record, "song", "wav")})

    def vocal_info(self, req, record, done):
        word, code = self._word(record, done)
        body = json.loads(record["param"])
        stems = ["vocal", "instrumental"]
        if body.get("type") == "split_stem":
            stems += ["backing-vocals", "drums", "bass"]
        elif body.get("type") == "split_stem_advanced":
            stems = [re.sub(r"[^a-z0-9]+", "-", body["stemName"].lower()).strip("-") or "stem"]
        response = {"originUrl": self.file_url(req, record, "origin", "mp3")}
        response.update({"%sUrl" % re.sub(r"-(\w)", lambda m: m.group(1).upper(), s): self.file_url(req, record, s, "mp3")
                         for s in stems})
        return self._follow_up(record, word, code, response)
