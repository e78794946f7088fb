"""giggle.pro trustee (project) API double: project create, MV submit/query/pay/retry.

Follows contracts/giggle.md 3.1 and 3.2: the same `x-auth` key and {code, msg, uuid, data}
envelope as the generation API, a four-step timeline with a payment gate before `shot`
(trustee_workflow), and the finished MV behind CloudFront-style signed URLs served by a
media route of its own. Project records live on disk (trustee_store), so a later process
on the same state dir continues a project, payment gate included.
"""
import hashlib
import re
import time
import uuid

from .generation import envelope, error
from ..media import fixture_bytes
from ..routing import Response, Route, cdn_file, xml_error
from .trustee_store import ProjectStore
from .trustee_validate import (
    Invalid,
    catalog,
    validate_create,
    validate_project_ref,
    validate_retry,
    validate_submit,
)
from .trustee_workflow import (
    FAIL_STEP,
    STEPS,
    TYPES,
    plan_outcome,
    provider_seconds,
    video_seconds,
    view,
)

CREATE_PATH = "/api/v1/project/create"
SUBMIT_PATH = "/api/v1/trustee_mode/mv/submit"
QUERY_PATH = "/api/v1/trustee_mode/mv/query"
PAY_PATH = "/api/v1/trustee_mode/mv/pay"
RETRY_PATH = "/api/v1/trustee_mode/mv/retry"
MEDIA_PATTERN = r"/private/sim/giggle-trustee/(?P<project_id>[A-Za-z0-9_-]+)/(?P<file>video\.mp4|thumb\.png)"
# file in the URL -> (fixture, content type)
FILES = {"video.mp4": ("sample.mp4", "video/mp4"), "thumb.png": ("sample-thumb.png", "image/png")}

NOT_FOUND = "project not found"
NOT_AWAITING = "project is not awaiting payment"
ALREADY_PAID = "project already paid"


def trustee_error(status, message=None, headers=None):
    """giggle's envelope error; a bare 404 here (e.g. the not_found fault) is about a project."""
    return error(status, message or (NOT_FOUND if status == 404 else None), headers)


def media_path(project_id, name):
    return "/private/sim/giggle-trustee/%s/%s" % (project_id, name)


class Rejected(Exception):
    """Raised inside a record change to answer with an error and write nothing."""

    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status


class Trustee(object):
    """Route handlers bound to one Simulator (store, signer, keys, clock scale)."""

    def __init__(self, sim):
        self.sim = sim
        self.projects = ProjectStore(sim.store)

    def routes(self):
        # create and submit make something: "giggle.submit" faults cover them, and a
        # dropped answer still leaves the project. pay is not a submit route, but its
        # drop/hang faults also act after the handler: the payment is recorded.
        return [
            Route("POST", re.escape(CREATE_PATH), "giggle.project-create", self.create,
                  submit=True, errors=trustee_error, missing_field="project_id"),
            Route("POST", re.escape(SUBMIT_PATH), "giggle.mv-submit", self.submit,
                  submit=True, errors=trustee_error, missing_field="project_id"),
            Route("GET", re.escape(QUERY_PATH), "giggle.mv-query", self.query,
                  errors=trustee_error, missing_field="status"),
            Route("POST", re.escape(PAY_PATH), "giggle.mv-pay", self.pay,
                  errors=trustee_error, missing_field="order_id"),
            Route("POST", re.escape(RETRY_PATH), "giggle.mv-retry", self.retry,
                  errors=trustee_error, missing_field="project_id"),
            Route("GET", MEDIA_PATTERN, "trustee-media", self.download, errors=xml_error),
        ]

    # -- plumbing ----------------------------------------------------------------------
    def _guard(self, req):
        """(body dict, None) or (None, error response) for an authorized JSON POST."""
        key = req.headers.get("x-auth")
        if key is None or key not in self.sim.accept_keys.get("giggle", ()):
            return None, trustee_error(401)
        ok, body = req.json()
        if not ok:
            return None, trustee_error(400, "body: must be valid JSON")
        if not isinstance(body, dict):
            return None, trustee_error(400, "body: must be a JSON object")
        return body, None

    def _checked(self, req, validate):
        """(validate(body), None) for an authorized JSON POST, or (None, the error answer)."""
        body, bad = self._guard(req)
        if bad:
            return None, bad
        try:
            return validate(body), None
        except Invalid as exc:
            return None, trustee_error(400, str(exc))

    @staticmethod
    def require_type(record, types, path):
        if record["type"] not in types:
            raise Rejected(400, "project_id: a %s project cannot be submitted to %s (allowed types: %s)"
                           % (record["type"], path, ", ".join(types)))

    def _change(self, project_id, change):
        """Apply change(record) -> (changed, data or Response); answer 200 with data, or the error.

        A change may return an error Response when the refusal itself must be recorded
        (a refused pay); raising Rejected refuses without writing anything."""
        try:
            found, data = self.projects.update(project_id, change)
        except Rejected as exc:
            return trustee_error(exc.status, str(exc))
        if not found:
            return trustee_error(404, NOT_FOUND)
        return data if isinstance(data, Response) else Response(200, envelope(data))

    def _signed(self, req, path):
        # Signed with *this* server's base URL: a resumed process has a new port.
        return "%s%s?%s" % (req.base_url, path, self.sim.signer.sign(path, self.sim.url_ttl))

    # -- endpoints ---------------------------------------------------------------------
    def create(self, req):
        fields, bad = self._checked(req, validate_create)
        if bad:
            return bad
        project_id = str(uuid.uuid4())
        self.projects.create(dict(fields, project_id=project_id, route="giggle.project-create",
                                  created_at=time.time(), submitted_at=None, paid_at=None,
                                  pay_calls=[], retries=[], simulated=True))
        return Response(200, envelope({"project_id": project_id}))

    def submit(self, req):
        fields, bad = self._checked(req, validate_submit)
        if bad:
            return bad
        project_id = fields.pop("project_id")

        def change(record):
            self.require_type(record, catalog()["mv_types"], SUBMIT_PATH)
            self.start(record, fields)
            return True, {"project_id": project_id}

        return self._change(project_id, change)

    def start(self, record, fields):
        """An accepted submit (mv/submit, submit-v2) starts the project's workflow."""
        if record.get("submitted_at") is not None:
            raise Rejected(400, "project already submitted")
        # The outcome is consumed only now, by an accepted submit (never by create).
        kind, message, duration = self.sim.outcomes.take()
        outcome, message = plan_outcome(kind, message)
        seconds = duration if duration is not None else provider_seconds(record["project_id"], record["type"])
        now = time.time()
        record.update(request=fields, submitted_at=now, outcome=outcome, message=message,
                      provider_seconds=seconds, duration=seconds * self.sim.time_scale,
                      time_scale=self.sim.time_scale, run={"at": now, "from": 0},
                      fail_step=FAIL_STEP if outcome == "fail" else None)

    def query(self, req):
        return self.answer_query(req)

    def answer_query(self, req, types=None, other_path=None):
        """A project's state (mv/query; query-v2 passes the drama `types` it answers for)."""
        key = req.headers.get("x-auth")
        if key is None or key not in self.sim.accept_keys.get("giggle", ()):
            return trustee_error(401)
        project_id = req.query.get("project_id")
        if not project_id:
            return trustee_error(400, "project_id: is required")
        record = self.projects.get(project_id)
        if record is None:
            return trustee_error(404, NOT_FOUND)
        if types is not None and record["type"] not in types:
            return trustee_error(400, "project_id: a %s project is queried with %s" % (record["type"], other_path))
        state = view(record, time.time(), self.sim.pay_visible_after)
        video = None
        if state["status"] == "completed":
            url = self._signed(req, media_path(project_id, "video.mp4"))
            video = {"asset_id": "sim-" + hashlib.sha256(project_id.encode("utf-8")).hexdigest()[:20],
                     "download_url": url, "signed_url": url,
                     "thumbnail_url": self._signed(req, media_path(project_id, "thumb.png")),
                     "duration": record.get("video_seconds") or video_seconds(project_id, record["type"])}
        data = {"project_id": project_id, "status": state["status"], "pay_status": state["pay_status"],
                "current_step": state["current_step"], "completed_steps": ",".join(state["completed"]),
                "err_msg": state["err_msg"], "shot_count": state["shot_count"],
                "steps": state["steps"], "video_asset": video}
        return Response(200, envelope(data))

    def pay(self, req):
        project_id, bad = self._checked(req, validate_project_ref)
        if bad:
            return bad
        return self.take_payment(project_id, lambda record: TYPES[record["type"]]["price"])

    def take_payment(self, project_id, price_of, terms=None):
        """The one pay of a project at its gate (mv/pay and the v2 pay): an order and its
        price(record), or the refusal giggle gives when the project is paid or not at the gate."""
        def change(record):
            now = time.time()
            # Paid is what the billing side knows, even while queries still show pending.
            pay_status = "paid" if record.get("paid_at") is not None else view(record, now)["pay_status"]
            # Every call is kept, refused ones too, so tests can assert "paid exactly once".
            call = {"at": now, "accepted": pay_status == "pending"}
            if terms:
                call["terms"] = terms
            record.setdefault("pay_calls", []).append(call)
            if pay_status != "pending":
                call["msg"] = ALREADY_PAID if pay_status == "paid" else NOT_AWAITING
                return True, trustee_error(400, call["msg"])
            order = {"order_id": "sim-order-" + uuid.uuid4().hex[:16], "price": price_of(record)}
            record.update(order, paid_at=now)
            call["order_id"] = order["order_id"]
            return True, order

        return self._change(project_id, change)

    def retry(self, req):
        checked, bad = self._checked(req, validate_retry)
        if bad:
            return bad
        project_id, step = checked

        def change(record):
            now = time.time()
            state = view(record, now, self.sim.pay_visible_after)
            if state["status"] != "failed":
                raise Rejected(400, "project has not failed (status %s): only a failed project "
                                    "can be retried" % state["status"])
            failed = state["failed_step"]
            if STEPS.index(step) > STEPS.index(failed):
                raise Rejected(400, "current_step: %s comes after the failed step %s" % (step, failed))
            # That step and the later ones start over from now; a payment already made
            # stands, so a retry before the gate does not ask for money again.
            record.update(run={"at": now, "from": STEPS.index(step)}, fail_step=None)
            record.setdefault("retries", []).append({"at": now, "step": step})
            return True, {"project_id": project_id, "current_step": step}

        return self._change(project_id, change)

    def download(self, req):
        # CloudFront checks the signature before the origin is even asked.
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        project_id, name = req.params["project_id"], req.params["file"]
        record = self.projects.get(project_id)
        if record is None or view(record, time.time(), self.sim.pay_visible_after)["status"] != "completed":
            return xml_error(404, "The specified key does not exist.")
        fixture_name, content_type = FILES[name]
        return cdn_file(fixture_bytes(fixture_name), content_type, name, req.query)

    def pay_calls(self, project_id):
        """Every pay call that reached the handler for this project: [{at, accepted, ...}]."""
        record = self.projects.get(project_id)
        return list(record.get("pay_calls", [])) if record else []


def register(sim, router):
    """Provider module hook: add the trustee routes; expose `sim.pay_calls(project_id)` and
    `sim.pay_visible_after` (seconds a taken payment still reads `pay_status: pending` in
    queries, as an eventually consistent billing view does; 0 by default; read at query
    time, so a test can let the view catch up at a moment of its choosing)."""
    sim.pay_visible_after = 0.0
    trustee = Trustee(sim)
    for route in trustee.routes():
        router.add(route)
    sim.pay_calls = trustee.pay_calls
    return trustee   # the drama routes (v2) reuse its store, checks and payment
