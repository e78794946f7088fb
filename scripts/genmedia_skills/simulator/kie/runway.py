"""Runway and Runway Aleph doubles.

Runway: generate and extend (task ids are UUIDs), polled at runway/record-detail (there is
no runway/record-info) with lower-case states wait -> queueing -> generating -> success |
fail and the result in videoInfo. duration may come as the number or the string "5"
(the doc's own example); 1080p with 10 s is refused. Aleph: aleph/generate and
aleph/record-info with an integer successFlag and errorCode 0 (not null) on success.
"""
import json
import re
import uuid

from .dedicated import DedicatedApi, Invalid, Route, check_body
from .uploads import check_uploaded

STATES = (("wait", 0.1), ("queueing", 0.25), ("generating", 1.0))


class RunwayApi(DedicatedApi):
    family = "runway"

    def new_id(self):
        return str(uuid.uuid4())

    def routes(self):
        return [
            Route("POST", re.escape("/api/v1/runway/generate"), "kie.runway-generate", self.generate, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("POST", re.escape("/api/v1/runway/extend"), "kie.runway-extend", self.extend, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("GET", re.escape("/api/v1/runway/record-detail"), "kie.runway-query",
                  lambda req: self.polled(req, self.answer), errors=self.jobs.error, missing_field="state"),
        ]

    def generate(self, req):
        def run():
            body = self.body(req)
            if isinstance(body.get("duration"), str) and body["duration"].strip() in ("5", "10"):
                body = dict(body, duration=int(body["duration"]))
            body = check_body("kie/runway-generate.request.json", body, optional=("callBackUrl",))
            if body["quality"] == "1080p" and body["duration"] == 10:
                raise Invalid("1080p is not available for 10-second videos")
            if body.get("imageUrl"):
                check_uploaded(self.jobs, req, body["imageUrl"])
            elif not body.get("aspectRatio"):
                raise Invalid("aspectRatio is required for text-to-video")
            task_id = self.create(req, "generate", body, (60, 300), "video")
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def extend(self, req):
        def run():
            body = check_body("kie/runway-extend.request.json", self.body(req), optional=("callBackUrl",))
            parent = self.parent(body["taskId"])
            task_id = self.create(req, "extend", body, (60, 300), "video", parent=parent["task_id"])
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def answer(self, req, record, done):
        outcome = self.finished(record, done)
        state = outcome or next(word for word, until in STATES + (("generating", 2.0),) if done < until)
        param = json.loads(record["param"])
        data = {"taskId": record["task_id"], "parentTaskId": record.get("parent") or "",
                "generateParam": {"prompt": param.get("prompt"), "imageUrl": param.get("imageUrl") or "",
                                  "expandPrompt": True},
                "state": state, "generateTime": self.times(record)[1] if outcome else "", "videoInfo": None,
                "failCode": None, "failMsg": "", "expireFlag": 0}
        if outcome == "fail":
            data.update(failCode=400, failMsg=record.get("message") or "Inappropriate content detected. Please "
                                                                      "replace the image or video.")
        elif outcome == "success" and record["outcome"] != "empty":
            data["videoInfo"] = {"videoId": uuid.uuid5(uuid.NAMESPACE_URL, record["task_id"]).hex,
                                 "taskId": record["task_id"],
                                 "videoUrl": self.file_url(req, record, "video-1", "mp4"),
                                 "imageUrl": self.file_url(req, record, "cover-1", "png")}
        return data


class AlephApi(DedicatedApi):
    family = "aleph"

    def routes(self):
        return [
            Route("POST", re.escape("/api/v1/aleph/generate"), "kie.aleph-generate", self.generate, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("GET", re.escape("/api/v1/aleph/record-info"), "kie.aleph-query",
                  lambda req: self.polled(req, self.answer), errors=self.jobs.error, missing_field="successFlag"),
        ]

    def generate(self, req):
        def run():
            body = check_body("kie/aleph-generate.request.json", self.body(req))
            for url in (body.get("videoUrl"), body.get("referenceImage")):
                if url:
                    check_uploaded(self.jobs, req, url)
            task_id = self.create(req, "generate", body, (90, 420), "video")
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def answer(self, req, record, done):
        outcome = self.finished(record, done)
        created, completed = self.times(record)
        data = {"taskId": record["task_id"], "paramJson": record["param"], "response": None,
                "completeTime": completed if outcome else None, "createTime": created, "successFlag": 0,
                "errorCode": None, "errorMessage": None}
        if outcome == "fail":
            data.update(successFlag=3, errorCode=400, errorMessage=record.get("message") or "Generation failed")
        elif outcome == "success":
            video = "" if record["outcome"] == "empty" else self.file_url(req, record, "video-1", "mp4")
            data.update(successFlag=1, errorCode=0, errorMessage="", response={
                "taskId": record["task_id"], "resultVideoUrl": video,
                "resultImageUrl": self.file_url(req, record, "cover-1", "png")})
        return data
