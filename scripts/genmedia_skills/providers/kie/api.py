"""KIE AI Market jobs API: auth, envelope, error codes, create, recordInfo, status words.

Contract: shared/contracts/creatok-and-kie.md part B as corrected by B10. Bearer key;
answers are {code, msg, data} (msg, else message) and errors arrive either as HTTP 200
with the code in the body or as real HTTP statuses: the HTTP status is read first
(an HTML 502 stays a transport error with its status), then the body's code.
"""

import re

from ...validation import catalog, price_table
from ...http import rate_limit
from ...core import task_status
from ...core.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    SubmitOutcomeUnknown,
    TaskFailed,
    TransportError,
    UnknownTask,
    UsageError,
)
from ...jobs.poll_schedule import PollSchedule
from ...http.retry_policy import parse_retry_after
from ...validation.schema_registry import errors as schema_errors
from ...core.task_status import Snapshot
from . import upload

CREATE_PATH = "/api/v1/jobs/createTask"
QUERY_PATH = "/api/v1/jobs/recordInfo"
CREDIT_PATH = "/api/v1/chat/credit"
TOP_UP = "buy credits at https://kie.ai/pricing (see what tasks cost at https://kie.ai/logs)"
CREATE_LIMIT, CREATE_WINDOW = 20, 10.0   # KIE refuses (429, not queued) the 21st create in 10 s
MAX_RETRY_AFTER = 60.0
STATUS_TABLE = {
    "waiting": task_status.QUEUED, "queuing": task_status.QUEUED, "pending": task_status.QUEUED,
    "generating": task_status.RUNNING, "running": task_status.RUNNING,
    "success": task_status.SUCCEEDED, "completed": task_status.SUCCEEDED,   # guarded, as other clients do
    "fail": task_status.FAILED, "failed": task_status.FAILED, "error": task_status.FAILED,
}
TRANSIENT = {429: "rate limited", 455: "maintenance", 500: "server error", 502: "bad gateway",
             503: "unavailable", 504: "gateway timeout"}
_NULL_RECORD = re.compile(r"(?i)record\s*(info\s*)?is\s*null|not\s*found")   # Market; Veo says "record is null"


def _message(body):
    if isinstance(body, dict):
        return str(body.get("msg") or body.get("message") or "").strip()
    return ""


def _code(resp):
    """The answer's code: the body's when it has one, else the HTTP status."""
    body = resp.data
    code = body.get("code") if isinstance(body, dict) else None
    try:
        return int(code)
    except (TypeError, ValueError):
        return resp.status


def query_retry_reason(resp):
    """A recordInfo answer that means "ask again shortly" (455 maintenance, 5xx, 429)."""
    code = _code(resp)
    if code in TRANSIENT or (code >= 500 and code not in (501, 505)):
        return "KIE code %d (%s)" % (code, TRANSIENT.get(code, "server error"))
    return None


def _definite_refusal(resp):
    """501 (generation failed) and 505 (feature disabled) refuse a create even at an HTTP 5xx."""
    return _code(resp) in (501, 505)


def _names_a_field(message, fields):
    return any(re.search(r"(?<![A-Za-z_])%s(?![A-Za-z_])" % re.escape(f), message, re.I) for f in fields)


def raise_for(resp, what, fields=()):
    """Raise the error a non-200 KIE answer means; `fields`: the model's input field names."""
    message = _message(resp.data) or "HTTP %d" % resp.status
    code = _code(resp)
    kw = dict(provider_message=message, http_status=resp.status)
    if code in (401, 403):
        raise AuthError("KIE rejected the API key (%s): check KIE_AI_API_KEY (a Cloudflare 'error code: 1010' "
                        "means a request without a User-Agent)" % message, **kw)
    if code == 402:
        raise AuthError("KIE: not enough credits (%s); %s, then run again (`balance` shows what is left)"
                        % (message, TOP_UP), kind="no_credits", **kw)
    if code == 433:
        raise AuthError("KIE: this key's usage limit is exceeded (%s)" % message, kind="key_limit", **kw)
    if code == 505:
        raise ProviderError("KIE: feature disabled (%s)" % message, kind="feature_disabled", **kw)
    if code == 501:
        raise TaskFailed("KIE: generation failed (code 501): %s" % message, **kw)
    if what == "query" and (code == 404 or (code == 422 and _NULL_RECORD.search(message))):
        raise UnknownTask("KIE has no record of this task (%s)" % message, **kw)
    if what == "create" and code in (400, 422):
        if _names_a_field(message, fields):
            raise UsageError("KIE refused the input: %s" % message, kind="invalid_input", **kw)
        raise ProviderError("KIE refused the request: %s" % message, kind="rejected", **kw)
    if what == "create" and code >= 500 and code not in (501, 505):
        raise SubmitOutcomeUnknown("KIE answered the create with code %d (%s); the task may exist: check "
                                   "kie.ai/logs before sending it again" % (code, message), **kw)
    if what == "query" and code in TRANSIENT:
        raise TransportError("KIE recordInfo kept answering code %d (%s)" % (code, message), **kw)
    raise ProviderError("KIE refused the %s (code %d): %s" % (what, code, message), kind="rejected", **kw)


def unwrap(resp, schema, what, fields=()):
    """The envelope's `data` after the status, code and schema checks."""
    if resp.data is None:
        if resp.status in (401, 403):
            raise_for(resp, what)
        raise TransportError("KIE %s answered HTTP %d with a non-JSON body" % (what, resp.status),
                             http_status=resp.status)
    if not isinstance(resp.data, dict) or "code" not in resp.data and resp.status < 400:
        raise BadResponse("KIE %s answer is not a {code, msg, data} envelope" % what, raw_body=resp.text,
                          http_status=resp.status)
    if resp.status >= 400 or _code(resp) != 200:
        raise_for(resp, what, fields)
    problems = schema_errors(schema, resp.data)
    if problems:
        raise BadResponse("KIE %s answer failed %s: %s" % (what, schema, "; ".join(problems)),
                          raw_body=resp.text, http_status=resp.status)
    return resp.data["data"]


def create(http, path, body, fields=()):
    """One paid create at `path`, within the shared per-account rate window (KIE refuses the
    21st create in 10 s with 429 and creates nothing: that one is sent again); the taskId."""
    limiter = rate_limit.for_endpoint("kie", http.base_url, CREATE_LIMIT, CREATE_WINDOW * http.time_scale)

    def refused_for_rate(resp):
        if _code(resp) != 429 and resp.status != 429:
            return None
        wait = parse_retry_after(resp.headers.get("Retry-After"))
        return min(wait, MAX_RETRY_AFTER) if wait is not None else CREATE_WINDOW * http.time_scale

    resp = rate_limit.send_within(limiter, lambda: http.submit_json(path, body, rejected_statuses=(),
                                                                      refused=_definite_refusal),
                                  refused_for_rate, on_wait=http.on_retry, deadline=http.deadline)
    return unwrap(resp, "kie/create-task.response.json", "create", fields=fields)["taskId"]


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _result_urls(data, status):
    raw = data.get("resultJson")
    if raw in (None, ""):
        return []
    from ...http.http_answer import embedded_json   # here: list and --dry-run never load requests

    try:
        parsed = embedded_json(raw, "KIE resultJson") if isinstance(raw, str) else raw
    except BadResponse:
        if status == task_status.SUCCEEDED:
            raise
        parsed = None
    if not isinstance(parsed, dict):
        if status == task_status.SUCCEEDED:
            raise BadResponse("KIE resultJson is not a JSON object: %.200s" % raw, raw_body=str(raw))
        return []
    return [u.strip() for u in parsed.get("resultUrls") or [] if isinstance(u, str) and u.strip()]


class KieJobs:
    """Shared by the image and video skills; `catalog` is the skill's model table."""

    provider = "kie"
    key_var = "KIE_AI_API_KEY"
    base_var = "KIE_BASE_URL"
    default_base = "https://api.kie.ai"
    extra_bases = {"upload": ("KIE_UPLOAD_BASE_URL", "https://kieai.redpandaai.co")}
    key_help = "get a key at kie.ai/api-key and `export KIE_AI_API_KEY=...`; or try it with --simulate"
    output_kind = "file"
    max_download_bytes = 512 * 1024 * 1024
    result_ttl_seconds = 24 * 3600   # KIE deletes result files after about a day
    catalog = None
    prices = "kie/prices.json"   # KIE's published credits per model: estimates only

    def headers(self, api_key):
        return {"Authorization": "Bearer " + api_key}

    def balance(self, http):
        """The account's remaining credits (GET /api/v1/chat/credit; `data` is a number)."""
        resp = http.get_json(CREDIT_PATH, retry_when=query_retry_reason)
        return {"credits": unwrap(resp, "kie/credit.response.json", "balance"), "endpoint": "GET " + CREDIT_PATH}

    def price(self, prepared):
        """The run cost hook before the submit: an estimate from the published price table."""
        credits, basis = price_table.lookup(self.prices, prepared.model, prepared.body.get("input") or {})
        return {"credits": credits, "source": "table_estimate", "basis": basis}

    def reported_cost(self, doc):
        """The run cost hook after a query: KIE's own creditsConsumed, once the task reports it."""
        consumed = (doc.get("credits") or {}).get("consumed")
        return (consumed, "KIE creditsConsumed of task %s" % doc["task_id"]) if consumed is not None else None

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(self.catalog, model), grace=25.0)

    def submit(self, http, prepared, record_task_id=None):
        """Upload local inputs, then create once per rate-limit slot; returns the taskId."""
        body = upload.resolve(http, prepared)
        return create(http, CREATE_PATH, body, prepared.fields)

    def query(self, http, task_id):
        resp = http.get_json(QUERY_PATH, params={"taskId": task_id}, retry_when=query_retry_reason)
        data = unwrap(resp, "kie/record-info.response.json", "query")
        word = data["state"]
        status, note = task_status.normalize(word, STATUS_TABLE)
        urls = _result_urls(data, status)
        fail_code, fail_msg = data.get("failCode"), (data.get("failMsg") or "").strip()
        error = None
        if status == task_status.SUCCEEDED and not urls:
            status = task_status.FAILED
            error = ProviderError("KIE reported success but returned no result URL (resultJson %r); the task "
                                  "produced nothing usable" % data.get("resultJson"), kind="empty_result")
        elif status == task_status.FAILED:
            error = TaskFailed("KIE task failed (failCode %s): %s" % (fail_code or "none", fail_msg or "no reason given"),
                               kind="moderation" if "prohibited" in fail_msg.lower() else None,
                               provider_message=fail_msg or None)
        progress = _number(data.get("progress"))
        credits = {"consumed": _number(data.get("creditsConsumed", data.get("consumeCredits"))),
                   "remaining": _number(data.get("remainedCredits"))}
        done_ms = _number(data.get("completeTime"))
        return Snapshot(status, word, urls, error, note,
                        progress={"current_step": word, "completed_steps": [], "percent": progress}
                        if progress is not None else None,
                        credits=credits if any(v is not None for v in credits.values()) else None,
                        completed_at=done_ms / 1000.0 if done_ms else None)
