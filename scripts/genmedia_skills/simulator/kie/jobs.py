"""KIE Market jobs API double: POST /api/v1/jobs/createTask, GET /api/v1/jobs/recordInfo,
and the result files behind URLs that expire (a 403 after their lifetime).

A task's life, in provider seconds scaled by time_scale: "recordInfo is null" for the
first `null_window` seconds after the create, then waiting -> queuing -> generating ->
success | fail. While it runs, resultJson is null, "" or '{"resultUrls":[]}' and
failCode/failMsg null or "" (which one is derived from the task id, so every client
meets all of them); sora-2 models add `progress` 0-100.
"""
import hashlib
import json
import os
import re
import threading
import time

from ..media import cutout_png_bytes, dims_for_aspect, fixture_bytes, png_bytes
from ..routing import Response, Route, cdn_file, xml_error
from .validate import Invalid, transparent_results, url_fields, validate

PROVIDER = "kie"
CREATE_PATH = "/api/v1/jobs/createTask"
QUERY_PATH = "/api/v1/jobs/recordInfo"
CREDIT_PATH = "/api/v1/chat/credit"
RESULT_PATTERN = r"/r/kie/(?P<task_id>[A-Za-z0-9_-]+)/(?P<n>[0-9]+)\.(?P<ext>png|mp4)"
ERRORS_ENV = "GENMEDIA_SIM_KIE_ERRORS"
CREATE_LIMIT, CREATE_WINDOW = 20, 10.0      # creates per window (provider seconds), per key
RESULT_TTL = 24 * 3600.0                    # result links live about a day (provider seconds)
NULL_WINDOW = 3.0                           # "recordInfo is null" just after the create
STAGES = (("waiting", 0.1), ("queuing", 0.25), ("generating", 1.0))
MESSAGES = {
    400: "Bad request", 401: "You do not have access permissions", 402: "Insufficient credits",
    404: "recordInfo is null", 422: "Validation error", 429: "Rate limit exceeded",
    433: "Sub-key usage limit exceeded", 455: "Service maintenance, please try again later",
    500: "Server Error - please try again later", 501: "Generation failed", 505: "Feature disabled",
}
UNLISTED_CREDITS = {"image": 12, "video": 60}   # a model the price table does not list
# outcome -> (failCode, failMsg) of a failed task
FAILURES = {
    "fail": ("500", "Internal server error"),
    "error": ("501", "Generation failed: upstream model error"),
    "moderation": ("422", "Invalid prompt: prompt contains prohibited content"),
    "canceled": ("400", "Task canceled"),
}


def task_credits(model, data, kind):
    """What a task costs: KIE's published price where the table lists one, else a typical
    figure for its kind (what the live service charges such models is not published)."""
    from ...validation.price_table import lookup

    listed, _ = lookup("kie/prices.json", model, data)
    return listed if listed is not None else UNLISTED_CREDITS[kind]


def _frac(task_id, salt=""):
    digest = hashlib.sha256((salt + task_id).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) / float(0xFFFFFFFF)


class KieJobs(object):
    def __init__(self, sim):
        self.sim = sim
        self.error_mode = os.environ.get(ERRORS_ENV, "body")   # "body": HTTP 200 + code; "http": real status
        self.url_ttl = None        # real seconds; None: RESULT_TTL scaled by time_scale
        self.null_window = NULL_WINDOW
        self._creates = {}         # key -> arrival times of accepted creates
        self._lock = threading.Lock()
        self._last_ms = 0

    def routes(self):
        return [
            Route("POST", re.escape(CREATE_PATH), "kie.create", self.create, submit=True,
                  errors=self.error, missing_field="taskId"),
            Route("GET", re.escape(QUERY_PATH), "kie.query", self.query, errors=self.error,
                  missing_field="state"),
            Route("GET", re.escape(CREDIT_PATH), "kie.credit", self.credit, errors=self.error),
            Route("GET", RESULT_PATTERN, "kie.result", self.result, errors=xml_error),
        ]

    # -- dialect -----------------------------------------------------------------------
    def error(self, code, message=None, headers=None):
        """KIE's error answer; a 404 is its "recordInfo is null" (code 422, data null)."""
        if code == 404:
            code, message = 422, message or "recordInfo is null"
        status = code if self.error_mode == "http" else 200
        return Response(status, {"code": code, "msg": message or MESSAGES.get(code, "Error"), "data": None},
                        headers=headers)

    def ok(self, data, msg="success"):
        return Response(200, {"code": 200, "msg": msg, "data": data})

    def authorized(self, req):
        auth = req.headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:].strip() in self.sim.accept_keys.get(PROVIDER, ())

    def key(self, req):
        return req.headers.get("authorization", "")[7:].strip()

    # -- create ------------------------------------------------------------------------
    def _admit(self, key):
        """Count an accepted create against the key's window; False when over the limit."""
        window = CREATE_WINDOW * self.sim.time_scale
        now = time.time()
        with self._lock:
            recent = [t for t in self._creates.get(key, []) if now - t < window]
            if len(recent) >= CREATE_LIMIT:
                self._creates[key] = recent
                return False
            self._creates[key] = recent + [now]
            return True

    def _new_id(self, model):
        family = re.sub(r"[^A-Za-z0-9-]", "-", model.split("/")[0])
        with self._lock:
            ms = max(int(time.time() * 1000), self._last_ms + 1)
            self._last_ms = ms
        return "task_%s_%d" % (family, ms)

    def create(self, req):
        if not self.authorized(req):
            return self.error(401)
        ok, body = req.json()
        if not ok or not isinstance(body, dict):
            return self.error(400, "Request body must be valid JSON")
        try:
            model, data, seconds, kind = validate(body, self.sim.new_models.get(PROVIDER, ()))
            from .uploads import check_uploaded
            for url in url_fields(model, data):
                check_uploaded(self, req, url)
        except Invalid as exc:
            return self.error(422, str(exc))
        if not self._admit(self.key(req)):
            return self.error(429, "Rate limit exceeded: at most %d new tasks per %d seconds"
                              % (CREATE_LIMIT, CREATE_WINDOW))
        outcome, message, duration, count = self.sim.outcomes.take_full()
        cost = 0 if outcome in FAILURES else task_credits(model, data, kind) * (count or 1)
        if not self.sim.credits.charge(PROVIDER, cost):   # KIE refuses a create it cannot bill
            return self.error(402, "Insufficient credits: this task costs %s, the account has %s"
                              % (cost, self.sim.credits.balance(PROVIDER)))
        task_id = self._new_id(model)
        lo, hi = seconds
        provider_s = duration if duration is not None else lo + _frac(task_id) * (hi - lo)
        record = {"task_id": task_id, "provider": PROVIDER, "model": model, "kind": kind,
                  "param": json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                  "aspect_ratio": data.get("aspect_ratio") or data.get("image_size") or "1:1",
                  "created_at": time.time(), "time_scale": self.sim.time_scale,
                  "duration": provider_s * self.sim.time_scale, "provider_seconds": provider_s,
                  "null_for": self.null_window * self.sim.time_scale, "outcome": outcome,
                  "message": message, "count": count or 1, "simulated": True, "credits": cost,
                  "transparent": model in transparent_results()}
        self.sim.store.put(record)
        return self.ok({"taskId": task_id})

    # -- recordInfo ----------------------------------------------------------------------
    def market_task(self, task_id):
        """A Market task's record; the dedicated APIs' tasks share the store but not this API."""
        record = self.sim.store.get(PROVIDER, task_id)
        return record if record and "family" not in record and "null_for" in record else None

    def state_of(self, record, now=None):
        """(state, fraction of the run done) of a stored task; state None = not visible yet."""
        elapsed = (time.time() if now is None else now) - record["created_at"]
        if elapsed < record["null_for"]:
            return None, 0.0
        done = elapsed / record["duration"] if record["duration"] > 0 else 1.0
        if record["outcome"] == "never":
            done = min(done, 0.99)
        if done >= 1.0:
            return ("fail" if record["outcome"] in FAILURES else "success"), 1.0
        for word, until in STAGES:
            if done < until:
                return word, done
        return "generating", done

    def query(self, req):
        if not self.authorized(req):
            return self.error(401)
        task_id = req.query.get("taskId")
        if not task_id:
            return self.error(400, "taskId parameter is required")
        record = self.market_task(task_id)
        state, done = self.state_of(record) if record else (None, 0.0)
        if state is None:
            return self.error(404)
        created_ms = int(record["created_at"] * 1000)
        blank = [None, ""][int(_frac(task_id, "blank") * 2)]
        data = {"taskId": task_id, "model": record["model"], "state": state, "param": record["param"],
                "resultJson": [None, "", '{"resultUrls":[]}'][int(_frac(task_id, "rj") * 3)],
                "failCode": blank, "failMsg": blank, "costTime": None, "completeTime": None,
                "createTime": created_ms, "updateTime": int(time.time() * 1000)}
        if record["model"].startswith("sora-2"):
            data["progress"] = 100 if state == "success" else int(done * 100)
        if state in ("success", "fail"):
            end_ms = created_ms + int(record["duration"] * 1000)
            data.update(completeTime=end_ms, updateTime=end_ms, costTime=end_ms - created_ms)
        if state == "success":
            urls = [] if record["outcome"] == "empty" else self.result_urls(req, record)
            data.update(resultJson=json.dumps({"resultUrls": urls}), failCode=blank, failMsg=blank,
                        creditsConsumed=record.get("credits", 0), remainedCredits=self.sim.credits.balance(PROVIDER))
        elif state == "fail":
            code, msg = FAILURES[record["outcome"]]
            data.update(resultJson="", failCode=code, failMsg=record.get("message") or msg, creditsConsumed=0)
        return self.ok(data)

    # -- account -------------------------------------------------------------------------
    def credit(self, req):
        """GET /api/v1/chat/credit: the account's remaining credits, `data` a number."""
        if not self.authorized(req):
            return self.error(401)
        return self.ok(self.sim.credits.balance(PROVIDER))

    # -- results -------------------------------------------------------------------------
    def ttl(self):
        return self.url_ttl if self.url_ttl is not None else RESULT_TTL * self.sim.time_scale

    def result_urls(self, req, record):
        ext = "png" if record["kind"] == "image" else "mp4"
        end = record["created_at"] + record["duration"]   # links expire a fixed time after the task ends
        urls = []
        for n in range(1, int(record.get("count", 1)) + 1):
            path = "/r/kie/%s/%d.%s" % (record["task_id"], n, ext)
            signed = self.sim.signer.sign(path, self.ttl() - (time.time() - end))
            urls.append("%s%s?%s" % (req.base_url, path, signed.replace("&response-content-disposition=attachment", "")))
        return urls

    def result(self, req):
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        record = self.market_task(req.params["task_id"])
        n = int(req.params["n"])
        if record is None or self.state_of(record)[0] != "success" or not 1 <= n <= record.get("count", 1):
            return xml_error(404, "The specified key does not exist.")
        if record["kind"] == "image":
            width, height = dims_for_aspect(record["aspect_ratio"])
            draw = cutout_png_bytes if record.get("transparent") else png_bytes   # background removal: RGBA
            return cdn_file(draw(width, height, "%s|%d" % (record["task_id"], n)), "image/png",
                            "%d.png" % n, req.query)
        return cdn_file(fixture_bytes("sample.mp4"), "video/mp4", "%d.mp4" % n, req.query)

