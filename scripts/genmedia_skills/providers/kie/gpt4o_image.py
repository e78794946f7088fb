"""4o Image / GPT-Image-1 (contracts/kie-more.md section 3).

Polled at gpt4o-image/record-info: integer successFlag beside a status word, and
`progress` as a string "0.00"-"1.00". `response` is null while it runs; its list is
resultUrls in the schema, result_urls in the quickstart and callback (both read).
Its own download-url takes the taskId with the URL.
"""

from ...core import task_status
from ...core.errors import UsageError
from .api import unwrap
from .dedicated import Family, Operation, flag_status, snapshot, strings

DOWNLOAD_URL_PATH = "/api/v1/gpt4o-image/download-url"


def _percent(progress):
    try:
        value = float(progress)
    except (TypeError, ValueError):
        return None
    return round(value * 100 if value <= 1 else value, 1)


class Gpt4oImage(Family):
    name = "gpt4o-image"
    operations = (Operation("generate", "/api/v1/gpt4o-image/generate", "/api/v1/gpt4o-image/record-info",
                            "kie/gpt4o-image-record-info.response.json", "image", (40, 180)),)

    def check(self, body, model):
        if not body.get("prompt") and not body.get("filesUrl"):
            raise UsageError("--prompt: required by %s unless --image gives it images to work from" % model)

    def read(self, data, op):
        status, word = flag_status(data.get("successFlag"))
        if data.get("status"):
            word = "%s (successFlag %s)" % (data["status"], data.get("successFlag"))
        response = data.get("response") or {}
        urls = strings(response.get("resultUrls") or response.get("result_urls"))
        percent = _percent(data.get("progress"))
        if status == task_status.SUCCEEDED:
            percent = 100.0
        progress = {"current_step": data.get("status") or word, "completed_steps": [], "percent": percent} \
            if percent is not None else None
        return snapshot(self, status, word, [(u, "image") for u in urls] if status == task_status.SUCCEEDED else [],
                        data, progress=progress)

    def refresh(self, http, task_id, url):
        resp = http.submit_json(DOWNLOAD_URL_PATH, {"taskId": task_id, "url": url}, rejected_statuses=(429,))
        return unwrap(resp, "kie/download-url.response.json", "download-url")


FAMILY = Gpt4oImage()
