"""giggle.pro generation API: auth, envelope, submit, task query, status words.

Contract: shared/contracts/giggle.md. Key in header `x-auth` (raw, no Bearer);
answers are {code, msg, uuid, data} with code 200 (or 0 / "200") for success;
task status words pending/processing/completed/failed/error (+ canceled).
"""

import re

from ...core import task_status
from ...core.task_status import Snapshot
from ...core.errors import AuthError, BadResponse, ProviderError, TaskFailed, UnknownTask
from ...jobs.poll_schedule import PollSchedule
from ...validation.schema_registry import errors as schema_errors

QUERY_PATH = "/api/v1/generation/task/query"
STATUS_TABLE = {
    "pending": task_status.QUEUED,
    "queued": task_status.QUEUED,
    "processing": task_status.RUNNING,
    "running": task_status.RUNNING,
    "completed": task_status.SUCCEEDED,
    "success": task_status.SUCCEEDED,
    "failed": task_status.FAILED,
    "error": task_status.FAILED,      # terminal too (the original music/speech scripts miss it)
    "canceled": task_status.CANCELED,
    "cancelled": task_status.CANCELED,
}
_NO_CREDITS = re.compile(r"(?i)credit|balance|insufficient|余额|积分")
_NOT_FOUND = re.compile(r"(?i)not\s*found|not\s*exist|不存在")


def _message(data):
    if isinstance(data, dict):
        return str(data.get("msg") or data.get("message") or "").strip()
    return ""


def unwrap(resp, schema, what):
    """The envelope's `data` after auth, error-code and schema checks."""
    body = resp.data
    message = _message(body) or ("HTTP %d" % resp.status)
    code = body.get("code") if isinstance(body, dict) else None
    if resp.status in (401, 403) or str(code) in ("401", "403"):
        raise AuthError("giggle.pro rejected the API key (%s): check GIGGLE_API_KEY" % message,
                        provider_message=message, http_status=resp.status)
    if resp.status < 400 and (not isinstance(body, dict) or "code" not in body):
        raise BadResponse("giggle.pro %s answer is not a {code, msg, data} envelope" % what,
                          raw_body=resp.text, http_status=resp.status)
    if str(code) not in ("200", "0"):
        if _NO_CREDITS.search(message):
            raise AuthError("giggle.pro: not enough credits (%s); top up your credits at giggle.pro, then run "
                            "again" % message, kind="no_credits",
                            provider_message=message, http_status=resp.status)
        if resp.status == 404 or str(code) == "404" or _NOT_FOUND.search(message):
            raise UnknownTask("giggle.pro does not know this task (%s)" % message,
                              provider_message=message, http_status=resp.status)
        raise ProviderError("giggle.pro refused the %s: %s" % (what, message), kind="rejected",
                            provider_message=message, http_status=resp.status)
    problems = schema_errors(schema, body)
    if problems:
        raise BadResponse("giggle.pro %s answer failed %s: %s" % (what, schema, "; ".join(problems)),
                          raw_body=resp.text, http_status=resp.status)
    return body["data"]


class GiggleGeneration:
    """Shared by the image, video, music and speech skills."""

    provider = "giggle"
    key_var = "GIGGLE_API_KEY"
    base_var = "GIGGLE_BASE_URL"
    default_base = "https://giggle.pro"
    key_help = ("get a key at giggle.pro (left sidebar > API Key) and `export GIGGLE_API_KEY=...`; "
                "or try it with --simulate")
    output_kind = "file"
    max_download_bytes = 512 * 1024 * 1024

    models_catalog = None   # each skill's catalog (schemas/giggle/*-catalog.json): what `models` prints

    def headers(self, api_key):
        return {"x-auth": api_key, "Content-Type": "application/json"}

    def describe_models(self):
        from .models_command import describe

        return describe(self.models_catalog)

    def schedule(self, model):
        return PollSchedule()

    def submit(self, http, prepared, record_task_id=None):
        """POST once; returns the task_id (single-step submits need no early record)."""
        resp = http.submit_json(prepared.path, prepared.body)
        return unwrap(resp, "giggle/submit.response.json", "submit")["task_id"]

    def query(self, http, task_id):
        resp = http.get_json(QUERY_PATH, params={"task_id": task_id})
        data = unwrap(resp, "giggle/task-query.response.json", "task query")
        word = data.get("status")
        status, note = task_status.normalize(word, STATUS_TABLE)
        error = None
        urls = [u for u in (data.get("urls") or []) if u]
        if status == task_status.SUCCEEDED and not urls:
            status = task_status.FAILED
            error = ProviderError("giggle.pro reported the task completed but returned no result; "
                                  "submit it again", kind="empty_result")
        elif status in (task_status.FAILED, task_status.CANCELED):
            error = self.failure(word, (data.get("err_msg") or "").strip())
        return Snapshot(status, word, urls, error, note)

    def failure(self, word, err_msg):
        if "sensitive" in err_msg.lower():
            return TaskFailed("content moderation rejected the request (the prompt or a reference "
                              "input was flagged): %s" % err_msg, kind="moderation", provider_message=err_msg)
        if word and word.lower() in ("canceled", "cancelled"):
            return TaskFailed("the task was canceled at giggle.pro%s" % (": " + err_msg if err_msg else ""),
                              kind="canceled", provider_message=err_msg or None)
        return TaskFailed("giggle.pro task %s: %s" % (word, err_msg or "no reason given"),
                          provider_message=err_msg or None)
