"""Runway Aleph video-to-video (contracts/kie-more.md section 5).

Polled at aleph/record-info: integer successFlag (errorCode is 0, not null, on
success); the result is response.resultVideoUrl, with a cover in resultImageUrl.
"""

from ...core import task_status
from .dedicated import Family, Operation, flag_status, snapshot


class Aleph(Family):
    name = "aleph"
    operations = (Operation("generate", "/api/v1/aleph/generate", "/api/v1/aleph/record-info",
                            "kie/aleph-record-info.response.json", "video", (90, 420)),)

    def read(self, data, op):
        status, word = flag_status(data.get("successFlag"))
        response = data.get("response") or {}
        outputs = []
        if status == task_status.SUCCEEDED and (response.get("resultVideoUrl") or "").strip():
            outputs.append((response["resultVideoUrl"].strip(), "video"))
            if (response.get("resultImageUrl") or "").strip():
                outputs.append((response["resultImageUrl"].strip(), "image"))
        return snapshot(self, status, word, outputs, data)


FAMILY = Aleph()
