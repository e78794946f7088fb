"""giggle.pro generation API double: the shared core, image routes, task query, downloads.

Follows contracts/giggle.md sections 1, 2.1 and 2.2: `x-auth: <raw key>` (no Bearer),
the {code, msg, uuid, data} envelope, status words pending/processing/completed/failed/
error/canceled, and CloudFront-signed result URLs. Every task records its media kind
(image/video/music/speech), which decides its result file names and content. Request
validation lives in giggle_validate; video, music and speech routes in
giggle_media_routes, which reuse Giggle.submit so all submits behave alike.
"""
import hashlib
import re
import time
import uuid

from .validate import Invalid, catalog, validate
from ..media import MEDIA_KINDS, dims_for_aspect, fixture_bytes, png_bytes, result_filename
from ..routing import Response, Route, cdn_file, xml_error
from ..task_store import phase

PROVIDER = "giggle"
T2I_PATH = "/api/v1/generation/text-to-image"
I2I_PATH = "/api/v1/generation/image-to-image"
QUERY_PATH = "/api/v1/generation/task/query"
MEDIA_PATTERN = r"/private/sim/giggle/(?P<task_id>[A-Za-z0-9_-]+)/(?P<kind>%s)-(?P<n>[0-9]+)\.(?P<ext>%s)" % (
    "|".join(MEDIA_KINDS), "|".join(sorted(set(k[0] for k in MEDIA_KINDS.values()))))

# Generation time per model in provider seconds (min, max); observed ranges, scaled by
# time_scale. Models only in the catalog fall back to its x-expected-seconds.
MODEL_SECONDS = {
    "seedream45": (25, 60),
    "midjourney": (40, 90),
    "nano-banana-2": (20, 50),
    "nano-banana-2-fast": (8, 20),
}
PENDING_SHARE = 0.15  # the first ~15% of a task's life reads as "pending"

FAIL_MSG = "generation failed: upstream model error"
ERROR_MSG = "generation error: upstream service unavailable"
MODERATION_MSG = "The content contains sensitive information, please modify and try again"
DEFAULT_ERRORS = {
    400: "bad request",
    401: "Unauthorized: invalid or missing x-auth",
    404: "task not found",
    429: "Too Many Requests: rate limit exceeded",
    500: "Internal Server Error",
}
# outcome -> (terminal status, default err_msg)
TERMINAL = {
    "succeed": ("completed", ""),
    "fail": ("failed", FAIL_MSG),
    "error": ("error", ERROR_MSG),
    "moderation": ("failed", MODERATION_MSG),
    "canceled": ("canceled", "task canceled"),
}

def envelope(data):
    return {"code": 200, "msg": "success", "uuid": str(uuid.uuid4()), "data": data}


def error(status, message=None, headers=None):
    """giggle's error dialect: the same envelope with the HTTP status as `code`."""
    payload = {"code": status, "msg": message or DEFAULT_ERRORS.get(status, "error"),
               "uuid": str(uuid.uuid4()), "data": None}
    return Response(status, payload, headers=headers)



def jitter_seconds(task_id, lo, hi):
    """Deterministic per-task duration in [lo, hi]: jitter hashed from the id, so every
    process reading the task agrees on it."""
    frac = int(hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:8], 16) / float(0xFFFFFFFF)
    return lo + frac * (hi - lo)


def image_seconds(model):
    return MODEL_SECONDS.get(model) or catalog()["expected"].get(model) or (20, 60)


def provider_seconds(task_id, model):
    """Deterministic duration of an image task: the model's range plus jitter."""
    return jitter_seconds(task_id, *image_seconds(model))


def kind_of(record):
    # Records written before tasks carried a kind were all images.
    return record.get("kind", "image")


def result_count(record):
    return int(record.get("result_count", record.get("generate_count", 1)))


def status_of(record, now=None):
    """(giggle status word, err_msg) for a stored task at `now`."""
    step = phase(record, now)
    if step == "queued":
        return "pending", ""
    if step == "running":
        return "processing", ""
    status, default_msg = TERMINAL.get(record["outcome"], TERMINAL["succeed"])
    if status == "completed":
        return status, ""
    return status, record.get("message") or default_msg


def media_path(task_id, n, kind="image"):
    return "/private/sim/giggle/%s/%s" % (task_id, result_filename(kind, n))


class Giggle(object):
    """Route handlers bound to one Simulator (store, signer, keys, clock scale)."""

    def __init__(self, sim):
        self.sim = sim
        # extras(record, status) -> fields a kind of task adds to its query answer
        self.query_extras = []

    def routes(self):
        return [
            Route("POST", re.escape(T2I_PATH), "giggle.text-to-image", self.text_to_image,
                  submit=True, errors=error, missing_field="task_id"),
            Route("POST", re.escape(I2I_PATH), "giggle.image-to-image", self.image_to_image,
                  submit=True, errors=error, missing_field="task_id"),
            Route("GET", re.escape(QUERY_PATH), "giggle.query", self.query,
                  errors=error, missing_field="status"),
            Route("GET", MEDIA_PATTERN, "media", self.download, errors=xml_error),
        ]

    def authorized(self, req):
        key = req.headers.get("x-auth")
        return key is not None and key in self.sim.accept_keys.get(PROVIDER, ())

    _authorized = authorized  # the pre-media name; sibling modules may still use it

    def new_models(self):
        return self.sim.new_models.get(PROVIDER, ())

    def text_to_image(self, req):
        return self.submit(req, "giggle.text-to-image", "image", lambda body: validate(body, False, self.new_models()),
                           count=lambda f: f["generate_count"], seconds=lambda f: image_seconds(f["model"]))

    def image_to_image(self, req):
        return self.submit(req, "giggle.image-to-image", "image", lambda body: validate(body, True, self.new_models()),
                           count=lambda f: f["generate_count"], seconds=lambda f: image_seconds(f["model"]))

    def submit(self, req, route, kind, check, count, seconds, plan=None):
        """Create one task of media `kind` after auth and validation.

        check(body) -> stored fields (raises Invalid); count(fields) -> number of result
        files; seconds(fields) -> (lo, hi) provider seconds the generation takes;
        plan(fields, take) -> (outcome, message, duration): how this task ends, where
        `take` consumes the scripted outcome (default: take it).
        """
        if not self.authorized(req):
            return error(401)
        ok, body = req.json()
        if not ok:
            return error(400, "body: must be valid JSON")
        if not isinstance(body, dict):
            return error(400, "body: must be a JSON object")
        try:
            fields = check(body)
        except Invalid as exc:
            return error(400, str(exc))
        take = self.sim.outcomes.take
        outcome, message, duration = plan(fields, take) if plan else take()
        task_id = str(uuid.uuid4())
        provider_s = duration if duration is not None else jitter_seconds(task_id, *seconds(fields))
        real = provider_s * self.sim.time_scale
        record = dict(fields, task_id=task_id, provider=PROVIDER, route=route, kind=kind,
                      result_count=count(fields), created_at=time.time(), duration=real,
                      queued_for=real * PENDING_SHARE, provider_seconds=provider_s,
                      time_scale=self.sim.time_scale, outcome=outcome, message=message,
                      simulated=True)
        self.sim.store.put(record)
        return Response(200, envelope({"task_id": task_id}))

    def query(self, req):
        if not self.authorized(req):
            return error(401)
        task_id = req.query.get("task_id")
        if not task_id:
            return error(400, "task_id: is required")
        record = self.sim.store.get(PROVIDER, task_id)
        if record is None:
            return error(404, "task not found")
        status, err_msg = status_of(record)
        urls = []
        if status == "completed":
            # Signed with *this* server's base URL: a resumed process has a new port.
            for n in range(1, result_count(record) + 1):
                path = media_path(task_id, n, kind_of(record))
                urls.append("%s%s?%s" % (req.base_url, path, self.sim.signer.sign(path, self.sim.url_ttl)))
        data = {"task_id": task_id, "status": status, "urls": urls, "err_msg": err_msg}
        for extras in self.query_extras:
            data.update(extras(record, status))
        return Response(200, envelope(data))

    def download(self, req):
        # CloudFront checks the signature before the origin is even asked.
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        record = self.sim.store.get(PROVIDER, req.params["task_id"])
        kind, n = req.params["kind"], int(req.params["n"])
        ext, content_type, fixture = MEDIA_KINDS[kind]
        # A key exists only under the task's own kind and extension (no speech-1.mp4).
        if (record is None or kind_of(record) != kind or req.params["ext"] != ext
                or status_of(record)[0] != "completed" or not 1 <= n <= result_count(record)):
            return xml_error(404, "The specified key does not exist.")
        if fixture is None:
            width, height = dims_for_aspect(record["aspect_ratio"])
            data = png_bytes(width, height, "%s|%s|%d" % (record["task_id"], record["prompt"], n))
        else:
            data = fixture_bytes(fixture)
        return cdn_file(data, content_type, result_filename(kind, n), req.query)
