"""giggle.pro generation API: auth, envelope, submit, task query, status words.

Contract: shared/contracts/giggle.md. Key in header `x-auth` (raw, no Bearer);
answers are {code, msg, uuid, data} with code 200 (or 0 / "200") for success;
task status words pending/processing/completed/failed/error (+ canceled).
"""

from ...core import task_status
from ...core.task_status import Snapshot
from ...core.errors import ProviderError, TaskFailed
from ...jobs.poll_schedule import PollSchedule
from .envelope import unwrap

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
        """POST once; returns the task_id (single-step submits need no early record). Local
        files that go as assets are uploaded first."""
        from .upload import resolve

        resp = http.submit_json(prepared.path, resolve(http, prepared))
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
