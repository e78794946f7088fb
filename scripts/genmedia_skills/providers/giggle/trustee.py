"""giggle.pro trustee workflow (AI music video): create project, submit, poll, pay, retry.

The task_id of these skills is the project_id. Everything is validated before
the project is created (the original created orphan projects and then failed on
bad base64). The project_id is recorded the moment create answers, before the
submit POST. Payment is a spending gate handled by the runner (pay once, ever).
Failure is judged from `status` and failed sub-steps, never from an `err_msg`
while the job still runs (the original aborted on any err_msg).
"""

import re

from ...validation import catalog
from ...core import task_status
from ...core.errors import ProviderError, TaskFailed, UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from ...media.references import local_file
from ...core.task_status import Snapshot
from .api import GiggleGeneration
from .envelope import unwrap
from .upload import LocalFile, reference, resolve

CATALOG = "giggle/aimv-catalog.json"
CREATE_PATH = "/api/v1/project/create"
SUBMIT_PATH = "/api/v1/trustee_mode/mv/submit"
QUERY_PATH = "/api/v1/trustee_mode/mv/query"
PAY_PATH = "/api/v1/trustee_mode/mv/pay"
RETRY_PATH = "/api/v1/trustee_mode/mv/retry"
PENDING_PROJECT = "<project_id from create>"
GATE_STEPS = frozenset(("pay", "payment"))   # current_step values that mean "waiting for pay"
_ALREADY_PAID = re.compile(r"(?i)already\s*paid|已支付|已付款")
STATUS_TABLE = {"pending": task_status.QUEUED, "created": task_status.QUEUED,
                "processing": task_status.RUNNING, "running": task_status.RUNNING,
                "completed": task_status.SUCCEEDED, "success": task_status.SUCCEEDED,
                "failed": task_status.FAILED, "error": task_status.FAILED,
                "canceled": task_status.CANCELED, "cancelled": task_status.CANCELED}


def _text(opts, key):
    value = opts.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _music(opts):
    """The music part of the submit body: exactly one of prompt, custom, upload."""
    prompt, asset = _text(opts, "prompt"), _text(opts, "music_asset_id")
    custom = {k: _text(opts, k) for k in ("lyrics", "style", "title")}
    modes = [name for name, used in (("--prompt", prompt), ("--lyrics/--style/--title", any(custom.values())),
                                     ("--music-asset-id", asset)) if used]
    if len(modes) != 1:
        raise UsageError("music: give exactly one of --prompt (music from a description), --lyrics with "
                         "--style and --title (your song), or --music-asset-id (uploaded track); got %s"
                         % (", ".join(modes) or "none"))
    if prompt:
        body = {"music_generate_type": "prompt", "prompt": prompt, "instrumental": bool(opts.get("instrumental")),
                "vocal_gender": catalog.choose(CATALOG, "vocal_gender", "--vocal-gender", opts.get("vocal_gender"))}
        return body
    if opts.get("instrumental") or opts.get("vocal_gender") is not None:
        raise UsageError("--instrumental/--vocal-gender: only with --prompt (music from a description)")
    if asset:   # a local file is uploaded (prepare puts its placeholder here)
        return {"music_generate_type": "upload", "music_asset_id": asset[len("asset_id:"):].strip()
                if asset.startswith("asset_id:") else asset}
    for key, value in custom.items():
        if not value:
            raise UsageError("--%s: missing; custom music needs --lyrics, --style and --title" % key)
    return dict(custom, music_generate_type="custom")


def _at_gate(pay_status, current_step):
    """The payment gate, by exact signals only: pay_status `pending`, or a step named
    exactly like the pay step; `paid` vetoes both (a step `payload` is no gate)."""
    pay = (pay_status or "").strip().lower()
    if pay == "paid":
        return False
    return pay == "pending" or (current_step or "").strip().lower() in GATE_STEPS


def _steps(data):
    completed = [s for s in (data.get("completed_steps") or "").split(",") if s.strip()]
    failed = []
    for step in data.get("steps") or []:
        for sub in step.get("sub_steps") or []:
            if (sub.get("status") or "").lower() in ("failed", "error"):
                failed.append({"step": sub.get("step") or step.get("step") or "?", "error": sub.get("error")})
    return {"current_step": data.get("current_step"), "completed_steps": [s.strip() for s in completed],
            "failed_steps": failed, "shot_count": data.get("shot_count")}


class GiggleTrustee(GiggleGeneration):
    """The trustee workflow (create, submit, query, pay once at the gate) with AIMV's request:
    giggle-generation-aimv (type mv) and -aimv-30 (type aimv-30). Drama (trustee v2,
    drama.GiggleDrama) reuses the workflow with its own paths, request and pay terms."""
    models_catalog = CATALOG   # `models` prints it

    output_kind = "video"
    max_download_bytes = 2 * 1024 * 1024 * 1024
    query_path, pay_path = QUERY_PATH, PAY_PATH
    query_schema = "giggle/mv-query.response.json"
    what = "music video"

    def __init__(self, project_type):
        if project_type not in catalog.choices(catalog.param(CATALOG, "project_type")):
            raise ValueError(project_type)
        self.project_type = project_type

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG))

    def prepare(self, opts):
        aspect = catalog.choose(CATALOG, "aspect", "--aspect", opts.get("aspect"))
        body = {"project_id": PENDING_PROJECT, "aspect": aspect}
        body.update(_music(opts))
        scene = opts.get("scene_description") or ""
        limit = catalog.param(CATALOG, "scene_description")["maxLength"]
        if len(scene) > limit:
            raise UsageError("--scene-description: %d characters; the limit is %d" % (len(scene), limit))
        body.update(scene_description=scene, subtitle_enabled=bool(opts.get("subtitles")))
        if not opts.get("reference_image"):
            raise UsageError("--reference-image: missing; the music video needs one reference image "
                             "(an asset_id, a URL, raw base64 or a local image file)")
        ref = reference("--reference-image", opts["reference_image"])
        body["reference_image" if ref.kind == "asset_id" else "reference_image_url"] = ref.value
        refs = [ref]
        if body.get("music_asset_id") and local_file(body["music_asset_id"]):   # the field takes assets only
            track = LocalFile("--music-asset-id", local_file(body["music_asset_id"]), media="audio")
            body["music_asset_id"] = track.placeholder
            refs.append(track)
        name = _text(opts, "name") or (body.get("title") or body.get("prompt") or "genmedia music video")[:60]
        create = Prepared(CREATE_PATH, {"name": name, "type": self.project_type, "aspect": aspect,
                                        "mode": "trustee"}, schema="giggle/project-create.request.json", model=None)
        return Prepared(SUBMIT_PATH, body, schema="giggle/mv-submit.request.json", model=None, references=refs,
                        before=create, notes=["music: " + body["music_generate_type"]])

    def submit(self, http, prepared, record_task_id=None):
        resolve(http, prepared)   # uploads before the project exists: a failed one leaves no orphan
        first = prepared.before
        resp = http.submit_json(first.path, first.body)
        project_id = unwrap(resp, "giggle/project-create.response.json", "project create")["project_id"]
        if record_task_id:
            record_task_id(project_id)  # before the submit POST: the project exists from now on
        body = dict(prepared.body, project_id=project_id)
        unwrap(http.submit_json(prepared.path, body), "giggle/ack.response.json", "submit")
        return project_id

    def query(self, http, project_id):
        data = unwrap(http.get_json(self.query_path, params={"project_id": project_id}),
                      self.query_schema, "project query")
        word = data.get("status")
        status, note = task_status.normalize(word, STATUS_TABLE)
        progress = _steps(data)
        pay_status = data.get("pay_status")
        asset = data.get("video_asset") or {}
        err_msg = (data.get("err_msg") or "").strip()
        error, outputs = None, None
        video = asset.get("download_url") or asset.get("signed_url")
        if status == task_status.SUCCEEDED and video:   # success is the video, as the contract says
            outputs = [(video, "video")] + ([(asset["thumbnail_url"], "image")] if asset.get("thumbnail_url") else [])
        elif status == task_status.SUCCEEDED:
            status = task_status.FAILED
            error = ProviderError("giggle.pro reported the %s completed without a video" % self.what,
                                  kind="empty_result")
        elif status == task_status.CANCELED:
            error = self.failure(word, err_msg)
        elif status == task_status.FAILED or progress["failed_steps"]:
            status = task_status.FAILED
            detail = "; ".join("%s: %s" % (f["step"], f["error"] or "failed") for f in progress["failed_steps"])
            message = err_msg or detail or "no reason given"
            error = TaskFailed("giggle.pro %s failed at %s: %s" % (self.what, progress["current_step"] or "?", message),
                               provider_message=err_msg or detail or None)
        elif _at_gate(pay_status, progress["current_step"]):
            status = task_status.AWAITING_PAYMENT
        elif err_msg:
            note = "the provider reported %r while the job kept running (not treated as a failure)" % err_msg
        stalled = None
        if status == task_status.QUEUED and not progress["current_step"] and not progress["completed_steps"]:
            stalled = "the project exists but its workflow never started (its submit may not have been processed)"
        return Snapshot(status, word, error=error, note=note, progress=progress, outputs=outputs,
                        payment={"pay_status": pay_status} if pay_status else None, stalled=stalled)

    def pay_body(self, project_id, terms):
        return {"project_id": project_id}   # v1 pays the project as it stands

    def pay(self, http, project_id, terms=None):
        """POST pay once, never resent, not even after a 429 (the runner records the intent
        first). Returns {order_id, price}, or {already_paid: True} when giggle.pro refuses
        because the project is paid: that is the outcome we wanted, not a rejection.
        `terms`: what the run chose to pay with (drama's models); None for AIMV."""
        resp = http.submit_json(self.pay_path, self.pay_body(project_id, terms), resend_rejected=False)
        try:
            return unwrap(resp, "giggle/mv-pay.response.json", "payment")
        except ProviderError as exc:
            if exc.kind == "rejected" and _ALREADY_PAID.search(exc.provider_message or ""):
                return {"already_paid": True}
            raise

    def retry(self, http, project_id, step):
        body = {"project_id": project_id, "current_step": step}
        unwrap(http.submit_json(RETRY_PATH, body), "giggle/ack.response.json", "retry")
