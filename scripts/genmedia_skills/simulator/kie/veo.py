"""Veo 3.1 double: generate, extend, record-info, the 1080p version (not ready for a while:
code 400 "1080P is processing" first) and the 4K version (a new task).

Both spellings of the aspect ratio are read (aspect_ratio in the current English schema,
aspectRatio in the Chinese one and older clients); model defaults to veo3_fast.
"""
import re
import time
import uuid

from .dedicated import DedicatedApi, Invalid, Route, check_body
from .uploads import check_uploaded

SECONDS = {"veo3": (90, 420), "veo3_fast": (60, 240), "veo3_lite": (45, 180)}
HD_READY = 90.0          # provider seconds before a 1080p version is ready
FOUR_K = (300, 600)
HD_BUSY = "1080P is processing. It should be ready in 1-2 minutes. Please check back shortly."


class VeoApi(DedicatedApi):
    family = "veo"
    hd_ready = HD_READY

    def new_id(self):
        return "veo_task_" + uuid.uuid4().hex[:16]

    def routes(self):
        return [
            Route("POST", re.escape("/api/v1/veo/generate"), "kie.veo-generate", self.generate, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("POST", re.escape("/api/v1/veo/extend"), "kie.veo-extend", self.extend, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("GET", re.escape("/api/v1/veo/record-info"), "kie.veo-query", self.query, errors=self.jobs.error,
                  missing_field="successFlag"),
            Route("GET", re.escape("/api/v1/veo/get-1080p-video"), "kie.veo-1080p", self.hd, errors=self.jobs.error,
                  missing_field="resultUrl"),
            Route("POST", re.escape("/api/v1/veo/get-4k-video"), "kie.veo-4k", self.four_k, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
        ]

    def generate(self, req):
        def run():
            body = check_body("kie/veo-generate.request.json", self.body(req), aliases={"aspect_ratio": "aspectRatio"},
                              optional=("model",))
            model = body.get("model") or "veo3_fast"
            images = body.get("imageUrls") or []
            if body.get("generationType") == "REFERENCE_2_VIDEO" and (model == "veo3" or body.get("duration", 8) != 8):
                raise Invalid("REFERENCE_2_VIDEO is only supported by veo3_fast and veo3_lite with duration 8")
            for url in images:
                check_uploaded(self.jobs, req, url)
            task_id = self.create(req, "generate", body, SECONDS[model], "video", model=model,
                                  resolution=body.get("resolution") or "720p")
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def extend(self, req):
        def run():
            body = check_body("kie/veo-extend.request.json", self.body(req))
            parent = self.parent(body["taskId"])
            if self.sim.store.get("kie", parent["task_id"] + "_hd"):
                raise Invalid("This video has been upgraded to 1080P and cannot be extended")
            task_id = self.create(req, "extend", body, SECONDS["veo3_fast"], "video", parent=parent["task_id"],
                                  resolution=parent.get("resolution", "720p"))
            return self.jobs.ok({"taskId": task_id.replace("veo_task_", "veo_extend_task_")})
        return self.guarded(req, run)

    def new_record_id(self, task_id):
        return task_id.replace("veo_extend_task_", "veo_task_")

    def record(self, task_id):
        return super().record(self.new_record_id(task_id or ""))

    def four_k(self, req):
        def run():
            body = self.body(req)
            parent = self.parent(body.get("taskId"))
            task_id = self.create(req, "4k", body, FOUR_K, "video", parent=parent["task_id"], resolution="4k")
            return self.jobs.ok({"taskId": task_id, "resultUrls": None, "imageUrls": None})
        return self.guarded(req, run)

    def hd(self, req):
        """The first ask starts the 1080p version; until it is ready KIE answers code 400."""
        def run():
            parent = self.parent(req.query.get("taskId") or "")
            if req.query.get("index") not in (None, "", "0"):
                raise Invalid("index out of range: this task has 1 video")
            marker = self.sim.store.get("kie", parent["task_id"] + "_hd")
            if marker is None:
                marker = {"provider": "kie", "task_id": parent["task_id"] + "_hd", "created_at": time.time()}
                self.sim.store.put(marker)
            if time.time() - marker["created_at"] < self.hd_ready * self.sim.time_scale:
                return self.jobs.error(400, HD_BUSY)
            return self.jobs.ok({"resultUrl": self.file_url(req, parent, "video-1080p", "mp4")})
        return self.guarded(req, run)

    def query(self, req):
        return self.polled(req, self.answer)

    def answer(self, req, record, done):
        created, completed = self.times(record)
        outcome = self.finished(record, done)
        shown_id = req.query["taskId"]
        data = {"taskId": shown_id, "paramJson": record["param"], "completeTime": completed if outcome else None,
                "createTime": created, "response": None, "successFlag": 0, "errorCode": None, "errorMessage": None}
        if record["op"] != "4k":
            data["fallbackFlag"] = False
        if outcome == "fail":
            code = 400 if record["outcome"] == "moderation" else 501
            data.update(successFlag=2 if record["outcome"] == "canceled" else 3, errorCode=code,
                        errorMessage=record.get("message") or ("Your prompt was flagged by the content policy"
                                                               if code == 400 else "Generation failed"))
        elif outcome == "success":
            urls = [self.file_url(req, record, "video-%d" % n, "mp4") for n in range(1, (record.get("count") or 1) + 1)]
            if record["outcome"] == "empty":
                urls = []
            data.update(successFlag=1, response={
                "taskId": shown_id, "resultUrls": urls, "originUrls": None, "resolution": record.get("resolution"),
                "fullResultUrls": urls if record["op"] != "extend" else urls + [self.file_url(req, record, "parent", "mp4")]})
            if record["op"] == "4k":
                data["mediaIds"] = [uuid.uuid5(uuid.NAMESPACE_URL, record["task_id"]).hex]
        return data
