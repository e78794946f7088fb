"""What KIE's dedicated APIs (Veo, 4o Image, Flux Kontext, Runway, Aleph, Suno) share.

Each API is one Family in its own module: its operations (the path that creates a task,
the path and schema that poll it, the output kind, the typical time), how its status
words map onto ours and where its results sit. The envelope, error codes and the
rate-limited create are the Market's (api.py): every KIE API answers {code, msg, data}.
A run records which operation created its task (request.endpoint), which is how a
later `wait` knows where to poll: the task id alone does not say.
"""

import datetime

from ...core import task_status
from ...core.errors import ProviderError, TaskFailed
from ...core.task_status import Snapshot
from . import upload
from .api import create, query_retry_reason, unwrap

DOWNLOAD_URL_PATH = "/api/v1/common/download-url"
RETENTION = 14 * 24 * 3600.0   # the dedicated APIs keep results 14 days (kie-more.md section 0)
FLAG_WORDS = {0: "GENERATING", 1: "SUCCESS", 2: "CREATE_TASK_FAILED", 3: "GENERATE_FAILED"}


class Operation:
    def __init__(self, name, path, poll_path, poll_schema, kind, seconds, method="POST"):
        self.name, self.path, self.method = name, path, method
        self.poll_path, self.poll_schema = poll_path, poll_schema
        self.kind = kind          # the output kind of its results
        self.seconds = seconds    # typical provider seconds [lo, hi] (poll schedule)


class Family:
    name = None
    operations = ()
    result_ttl_seconds = RETENTION

    def operation(self, name):
        return next(op for op in self.operations if op.name == name)

    def check(self, body, model):
        """Rules the request schema cannot say (UsageError); most families have none."""

    def submit(self, http, op, prepared):
        """Upload local inputs, then the rate-limited create; the task id."""
        return create(http, op.path, upload.resolve(http, prepared), prepared.fields)

    def poll(self, http, task_id, op):
        resp = http.get_json(op.poll_path, params={"taskId": task_id}, retry_when=query_retry_reason)
        return self.read(unwrap(resp, op.poll_schema, "query"), op)

    def read(self, data, op):
        raise NotImplementedError

    def refresh(self, http, task_id, url):
        return download_url(http, url)


def download_url(http, url):
    """A fresh 20-minute direct link to a KIE result (POST common/download-url; free, so a
    refused or lost answer only means no fresh link)."""
    resp = http.submit_json(DOWNLOAD_URL_PATH, {"url": url}, rejected_statuses=(429,))
    return unwrap(resp, "kie/download-url.response.json", "download-url")


def flag_status(flag):
    """(status, provider word) of an integer successFlag: 0 running, 1 success, 2/3 failed."""
    if isinstance(flag, str) and flag.strip().lstrip("-").isdigit():
        flag = int(flag)
    word = "%s (successFlag %s)" % (FLAG_WORDS.get(flag, "UNKNOWN"), flag)
    if flag == 0:
        return task_status.RUNNING, word
    if flag == 1:
        return task_status.SUCCEEDED, word
    if flag in (2, 3):
        return task_status.FAILED, word
    return None, word


def completed_at(value):
    """Epoch seconds of completeTime: epoch milliseconds, or "2025-06-06 10:30:00" (UTC assumed)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return value / 1000.0
    if isinstance(value, str) and value.strip():
        try:
            stamp = datetime.datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
        return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()
    return None


def strings(values):
    return [v.strip() for v in values or [] if isinstance(v, str) and v.strip()]


def snapshot(family, status, word, outputs, data, *, note=None, progress=None, texts=None,
             fail_code=None, fail_message=None):
    """The Snapshot of one poll; a success with nothing to deliver is a failure, a failure
    carries KIE's code and message, an unknown word counts as still running."""
    error = None
    if status is None:
        status, note = task_status.RUNNING, "unrecognized %s status %s treated as still running" % (family.name, word)
    if status == task_status.SUCCEEDED and not outputs and not texts:
        status = task_status.FAILED
        error = ProviderError("KIE reported success but returned no result (%s); the task produced nothing usable"
                              % word, kind="empty_result")
    elif status == task_status.FAILED:
        code = fail_code if fail_code not in (None, "") else data.get("errorCode")
        message = (fail_message if fail_message is not None else data.get("errorMessage")) or ""
        message = str(message).strip()
        error = TaskFailed("KIE %s task failed (%s, code %s): %s" % (family.name, word, code if code not in (None, "")
                                                                      else "none", message or "no reason given"),
                           kind="moderation" if any(w in message.lower() for w in ("polic", "sensitive", "prohibited",
                                                                                    "inappropriate", "flagged")) else None,
                           provider_message=message or None)
    return Snapshot(status, word, outputs=list(outputs), error=error, note=note, progress=progress,
                    completed_at=completed_at(data.get("completeTime")), result_ttl=family.result_ttl_seconds,
                    texts=texts)
