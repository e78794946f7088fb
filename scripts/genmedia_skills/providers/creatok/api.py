"""CreatOK Open Skills: auth, the {code, msg, data} envelope, submit, task status.

Contract: shared/contracts/creatok-cli.md (CreatOK's own CLI; it wins over
creatok-and-kie.md part A). Bearer key from CREATOK_API_KEY plus our client headers;
answers are read by envelope.py (HTTP status, business codes, schema). Status words:
succeeded and failed are terminal, cancelled/canceled mean canceled, anything else is
still running (noted); `task_type` is optional at CreatOK, and always sent.
"""

import re

from ... import __version__
from ...core import task_status
from ...core.errors import ProviderError, TaskFailed, UnknownTask, UsageError
from ...core.task_status import Snapshot
from ...jobs.poll_schedule import PollSchedule
from ...validation import catalog
from . import assets, capabilities, estimate
from .envelope import KEYS_PAGE, unwrap

BASE = "/api/open/skills"
STATUS_PATH = BASE + "/tasks/status"
STATUS_TABLE = {
    "submitted": task_status.QUEUED,
    "queued": task_status.QUEUED,
    "running": task_status.RUNNING,
    "succeeded": task_status.SUCCEEDED,
    "failed": task_status.FAILED,
    "cancelled": task_status.CANCELED,
    "canceled": task_status.CANCELED,
}
_MODERATION = re.compile(r"(?i)safety|moderat|sensitive|policy")


def error_text(error):
    if isinstance(error, dict):
        return str(error.get("message") or "").strip()
    return str(error or "").strip()


class CreatOKGeneration:
    """Shared by creatok-generate-image and creatok-generate-video; a subclass sets the kind."""

    provider = "creatok"
    key_var = "CREATOK_API_KEY"
    base_var = "CREATOK_BASE_URL"
    default_base = "https://www.creatok.ai"
    key_help = "create a key (ok_...) at %s and `export CREATOK_API_KEY=...`; or try it with --simulate" % KEYS_PAGE
    # the runtime's spending gate: estimate(prepared) is shown and confirmed before any submit
    confirm_before_submit = True
    # prepare(opts, ctx): the limits come from the capabilities endpoint
    prepare_needs_context = True
    kind = None            # "image" | "video": the capabilities section
    task_type = None       # what /tasks/status wants
    timing = None          # catalog of typical generation times

    def headers(self, api_key):
        # who is calling, as CreatOK's own CLI says it (X-Creatok-Client: cli)
        return {"Authorization": "Bearer " + api_key, "X-Creatok-Client": "genmedia-skills",
                "X-Creatok-Client-Version": __version__}

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(self.timing, model), grace=15.0)

    def estimate(self, prepared, upload=False):
        """What the gate shows: CreatOK's credits-estimate for exactly this request (`upload`:
        local files become assets first, so their keys are in it), else the local price."""
        return estimate.for_request(prepared, upload)

    def price(self, prepared):
        """The run cost hook before the submit: the figure the gate showed, labelled by where it
        comes from: CreatOK's own credits-estimate, or (before the gate asked it, or when its
        endpoint failed) the local price list, an estimate of ours."""
        est = getattr(prepared, "gate_estimate", None) or prepared.estimate or {}
        source = "provider_estimate" if est.get("source") == estimate.SERVER else "table_estimate"
        basis = est.get("basis") or "CreatOK's price list"
        credits = est.get("credits")
        return {"credits": credits if not isinstance(credits, str) else None, "currency": est.get("currency"),
                "source": source, "basis": "CreatOK: " + basis}

    def models(self, ctx):
        """The `models` command: this kind's models, limits and prices."""
        section = capabilities.fetch(ctx)[self.kind]
        return {"provider": self.provider, "kind": self.kind, "default_model": section["default_model"],
                "models": section["models"]}

    def submit(self, http, prepared, record_task_id=None):
        """Local media become assets (their keys go into the body), then one POST."""
        prepared.body = prepared.resolved_body(http, upload=True)[0]
        resp = http.submit_json(prepared.path, prepared.body)
        try:
            return unwrap(resp, "creatok/submit.response.json", "submit")["task_id"]
        except (ProviderError, UsageError) as exc:
            if exc.kind == "rejected" and exc.http_status == 400:
                capabilities.forget()   # the limits may have changed: fetch them afresh next time
            if exc.kind in ("upload_expired", "media_input_unavailable", "asset_required"):
                assets.forget_all(prepared.account, prepared.media_keys())   # upload afresh next time
            raise

    def query(self, http, task_id):
        # task_type is optional at CreatOK; we always know it, and it routes the lookup
        resp = http.get_json(STATUS_PATH, params={"task_id": task_id, "task_type": self.task_type})
        data = unwrap(resp, "creatok/task-status.response.json", "%s status" % self.kind, not_found=UnknownTask)
        word = data["status"]
        status, note = task_status.normalize(word, STATUS_TABLE)
        urls, error = [], None
        if status == task_status.SUCCEEDED:
            urls = self.result_urls(data.get("result") or {})
            if not urls:
                status = task_status.FAILED
                error = ProviderError("CreatOK reported the task succeeded but returned no result",
                                      kind="empty_result")
        elif status in (task_status.FAILED, task_status.CANCELED):
            error = self.failure(word, error_text(data.get("error")))
        return Snapshot(status, word, urls, error, note)

    def result_urls(self, result):
        raise NotImplementedError

    def failure(self, word, text):
        if word.lower() in ("cancelled", "canceled"):
            return TaskFailed("the task was canceled at CreatOK%s" % (": " + text if text else ""),
                              kind="canceled", provider_message=text or None)
        if _MODERATION.search(text):
            return TaskFailed("content moderation rejected the request: %s" % text, kind="moderation",
                              provider_message=text)
        return TaskFailed("CreatOK task failed: %s" % (text or "no reason given"), provider_message=text or None)
