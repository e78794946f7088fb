"""Runway (contracts/kie-more.md section 5): text- or image-to-video, and extend.

Polled at runway/record-detail (not record-info), whose `state` is lower case: wait,
queueing, generating, success, fail. The result is videoInfo.videoUrl, with a cover
image in videoInfo.imageUrl; failCode/failMsg say why a task failed.
"""

from ...core import task_status
from ...core.errors import UsageError
from .dedicated import Family, Operation, snapshot

DETAIL = "/api/v1/runway/record-detail"
DETAIL_SCHEMA = "kie/runway-record-detail.response.json"
STATES = {"wait": task_status.QUEUED, "queueing": task_status.QUEUED, "queuing": task_status.QUEUED,
          "generating": task_status.RUNNING, "success": task_status.SUCCEEDED, "fail": task_status.FAILED}


class Runway(Family):
    name = "runway"
    operations = (
        Operation("generate", "/api/v1/runway/generate", DETAIL, DETAIL_SCHEMA, "video", (60, 300)),
        Operation("extend", "/api/v1/runway/extend", DETAIL, DETAIL_SCHEMA, "video", (60, 300)),
    )

    def check(self, body, model):
        if body.get("quality") == "1080p" and body.get("duration") == 10:
            raise UsageError("--resolution: 1080p is offered with 5-second Runway videos only; use --duration 5 "
                             "or --resolution 720p")

    def read(self, data, op):
        word = str(data.get("state") or "")
        status = STATES.get(word.strip().lower())
        info = data.get("videoInfo") or {}
        outputs = []
        if status == task_status.SUCCEEDED and (info.get("videoUrl") or "").strip():
            outputs.append((info["videoUrl"].strip(), "video"))
            if (info.get("imageUrl") or "").strip():
                outputs.append((info["imageUrl"].strip(), "image"))
        note = "KIE marks this task's files expired (expireFlag 1, after 14 days)" if data.get("expireFlag") == 1 else None
        return snapshot(self, status, word, outputs, data, note=note, fail_code=data.get("failCode"),
                        fail_message=data.get("failMsg"))


FAMILY = Runway()
