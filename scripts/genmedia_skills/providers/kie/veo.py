"""Veo 3.1 (contracts/kie-more.md section 1): generate, extend, and the 1080p and 4K upgrades.

Every Veo task is polled at veo/record-info (integer successFlag; results in
response.resultUrls), except the 1080p version: GET veo/get-1080p-video answers a
non-200 code ("1080P is processing") for a minute or three, then data.resultUrl. That
upgrade has no task id of its own, so its run follows "<taskId>:1080p" (":<index>" added
for another video of the task); the suffix tells any later `wait` where to ask.
"""

import re

from ...core import task_status
from ...core.errors import UsageError
from ...core.task_status import Snapshot
from .api import _code, _message, raise_for, query_retry_reason, unwrap
from .dedicated import Family, Operation, flag_status, snapshot, strings

RECORD = "/api/v1/veo/record-info"
RECORD_SCHEMA = "kie/veo-record-info.response.json"
HD_PATH = "/api/v1/veo/get-1080p-video"
HD_SUFFIX = ":1080p"
_NOT_READY = re.compile(r"(?i)processing|not\s*(yet\s*)?ready|generating|in\s*progress")


def hd_task_id(task_id, index=None):
    return task_id + HD_SUFFIX + ("" if index is None else ":%d" % index)


def split_hd(task_id):
    """(parent task id, index or None) of a "<taskId>:1080p[:index]" id, else None."""
    base, sep, rest = task_id.partition(HD_SUFFIX)
    if not sep or not base or (rest and not re.fullmatch(r":\d+", rest)):
        return None
    return base, int(rest[1:]) if rest else None


class Veo(Family):
    name = "veo"
    operations = (
        Operation("generate", "/api/v1/veo/generate", RECORD, RECORD_SCHEMA, "video", (60, 300)),
        Operation("extend", "/api/v1/veo/extend", RECORD, RECORD_SCHEMA, "video", (60, 300)),
        Operation("4k", "/api/v1/veo/get-4k-video", RECORD, RECORD_SCHEMA, "video", (300, 600)),
        Operation("1080p", HD_PATH, HD_PATH, "kie/veo-1080p.response.json", "video", (60, 180), method="GET"),
    )

    def check(self, body, model):
        kind, images = body.get("generationType"), body.get("imageUrls") or []
        if kind == "REFERENCE_2_VIDEO":
            if model == "veo3":
                raise UsageError("--generation-type: REFERENCE_2_VIDEO is offered by veo3_fast and veo3_lite, not veo3")
            if body.get("duration") != 8:
                raise UsageError("--duration: %r; REFERENCE_2_VIDEO makes 8-second videos only" % body.get("duration"))
        elif len(images) > 2:
            raise UsageError("--image: %d given; Veo takes 1 image (it unfolds around it) or 2 (first and last "
                             "frame); 3 only with --generation-type REFERENCE_2_VIDEO" % len(images))
        if kind in ("FIRST_AND_LAST_FRAMES_2_VIDEO", "REFERENCE_2_VIDEO") and not images:
            raise UsageError("--image: %s needs at least one image" % kind)
        if kind == "TEXT_2_VIDEO" and images:
            raise UsageError("--image: TEXT_2_VIDEO takes no image; drop --generation-type to infer the mode")

    def submit(self, http, op, prepared):
        if op.name != "1080p":
            return super().submit(http, op, prepared)
        self.poll(http, hd_task_id(prepared.body["taskId"], prepared.body.get("index")), op)   # asks KIE to start it
        return hd_task_id(prepared.body["taskId"], prepared.body.get("index"))

    def poll(self, http, task_id, op):
        if op.name != "1080p":
            return super().poll(http, task_id, op)
        parent, index = split_hd(task_id) or (task_id, None)
        params = {"taskId": parent} if index is None else {"taskId": parent, "index": index}
        resp = http.get_json(HD_PATH, params=params, retry_when=query_retry_reason)
        if isinstance(resp.data, dict) and _code(resp) != 200 and _NOT_READY.search(_message(resp.data)):
            return Snapshot(task_status.RUNNING, "1080P processing", note="KIE: %s" % _message(resp.data))
        if resp.status >= 400 or _code(resp) != 200:
            raise_for(resp, "query")
        url = unwrap(resp, op.poll_schema, "query")["resultUrl"]
        return snapshot(self, task_status.SUCCEEDED, "1080P ready", [(url, "video")], {})

    def read(self, data, op):
        status, word = flag_status(data.get("successFlag"))
        response = data.get("response") or {}
        urls = strings(response.get("resultUrls")) if status == task_status.SUCCEEDED else []
        return snapshot(self, status, word, [(u, "video") for u in urls], data)


FAMILY = Veo()
