"""CreatOK Open Skills double (contracts/creatok-cli.md, which wins over creatok-and-kie.md
part A): capabilities, image and video submits, task status, result media; uploads, assets
and the credits estimate are in inputs.py. Bearer auth, {code, msg, data} envelopes with
code 0, validation failures as HTTP 400 (business codes 4xxxx also at HTTP 400), unknown
tasks as HTTP 404. `task_type` on status is optional (the official CLI omits it without
--type) but must match the task when given. Tasks walk queued -> running -> succeeded |
failed: the only words that end the official CLI's polling (a cancel is a failure)."""
import copy
import json
import os
import re
import time
import uuid
from pathlib import Path

from .assets import Assets, BusinessError
from .billing import task_credits
from .inputs import InputRoutes
from .storage import STORAGE_PATTERN, Storage
from .validate import Invalid, check_image, check_video
from ..giggle.generation import jitter_seconds
from ..media import MEDIA_KINDS, dims_for_aspect, fixture_bytes, png_bytes, result_filename
from ..routing import Response, Route, cdn_file, xml_error
from ..task_store import phase

PROVIDER = "creatok"
BASE = "/api/open/skills"
CAPABILITIES_ENV = "GENMEDIA_SIM_CREATOK_CAPABILITIES"   # path of a capabilities JSON to serve instead
DEFAULT_CAPABILITIES = Path(__file__).resolve().parent / "capabilities.json"
TASK_TYPES = {"image_generation": "image", "video_generation": "video", "image_upscale": None,
              "video_upscale": None, "watermark_remover": None, "subtitle_remover": None}
# Generation time in provider seconds (min, max): images ~20-120 s, video 1-10 min.
SECONDS = {
    "image": {"nano-banana-2": (20, 60), "nano-banana-pro": (30, 120), "seedream-5.0-lite": (15, 45),
              "gpt-image-2": (40, 120), None: (20, 120)},
    "video": {"veo-3.1-fast-exp": (60, 180), "veo-3.1-exp": (120, 420), "sora-2": (180, 600),
              "doubao-seedance-2": (90, 300), "doubao-seedance-2-fast": (60, 150), None: (60, 600)},
}
QUEUED_SHARE = 0.15
MEDIA_PATTERN = r"/private/sim/creatok/(?P<task_id>[A-Za-z0-9_-]+)/(?P<kind>image|video)-(?P<n>[0-9]+)\.(?P<ext>png|mp4)"
FAILURES = {  # outcome -> (status word, error as the API sends it)
    "fail": ("failed", {"message": "generation failed: upstream model error"}),
    "error": ("failed", "upstream service unavailable"),   # a string error, as some answers carry
    "moderation": ("failed", {"message": "content rejected by safety review; adjust the prompt"}),
    "canceled": ("failed", {"message": "task cancelled"}),
}
ERRORS = {400: "bad request", 401: "Unauthorized", 404: "not found", 429: "Too Many Requests",
          500: "Internal Server Error"}


def envelope(data):
    return {"code": 0, "msg": "success", "data": data}


def error(status, message=None, headers=None):
    """The API's error answer; a business code (40101, 41001-41003, ...) comes at HTTP 400."""
    http_status = 400 if status >= 1000 else status
    return Response(http_status, {"code": status, "msg": message or ERRORS.get(status, "error"), "data": None},
                    headers=headers)


def load_capabilities(path=None):
    path = path or os.environ.get(CAPABILITIES_ENV) or DEFAULT_CAPABILITIES
    return json.loads(Path(path).read_text(encoding="utf-8"))


class CreatOK(object):
    def __init__(self, sim):
        self.sim = sim
        self.storage = Storage(sim)
        self.assets = Assets(sim, self.storage)
        self.capabilities = load_capabilities()
        self.inputs = InputRoutes(self, error)

    def set_capabilities(self, document):
        """Serve `document` from now on (tests: prove clients follow capabilities)."""
        self.capabilities = copy.deepcopy(document)

    def routes(self):
        return [
            Route("GET", re.escape(BASE + "/capabilities"), "creatok.capabilities", self.get_capabilities,
                  errors=error, missing_field="capabilities"),
            Route("POST", re.escape(BASE + "/image-generation"), "creatok.image-generation", self.image,
                  submit=True, errors=error, missing_field="task_id"),
            Route("POST", re.escape(BASE + "/tasks"), "creatok.tasks", self.video,
                  submit=True, errors=error, missing_field="task_id"),
            Route("GET", re.escape(BASE + "/tasks/status"), "creatok.status", self.status,
                  errors=error, missing_field="status"),
            Route("PUT", STORAGE_PATTERN, "creatok.storage", self.storage.put, errors=xml_error),
            Route("GET", MEDIA_PATTERN, "creatok.media", self.download, errors=xml_error),
        ] + self.inputs.routes(BASE)

    def authorized(self, req):
        auth = req.headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.sim.accept_keys.get(PROVIDER, ())

    def _body(self, req):
        ok, body = req.json()
        if not ok or not isinstance(body, dict):
            raise Invalid("body: must be a JSON object")
        return body

    def get_capabilities(self, req):
        if not self.authorized(req):
            return error(401)
        return Response(200, envelope({"capabilities": copy.deepcopy(self.capabilities)}))

    def image(self, req):
        return self._submit(req, "image", check_image, "img_task_", lambda f: f["n"])

    def video(self, req):
        return self._submit(req, "video", check_video, "task_", lambda f: 1)

    def _submit(self, req, kind, check, prefix, count):
        if not self.authorized(req):
            return error(401)
        try:
            fields = check(self.capabilities, self._body(req), self.assets)
        except Invalid as exc:
            return error(400, str(exc))
        except BusinessError as exc:
            return error(exc.code, str(exc))
        outcome, message, duration = self.sim.outcomes.take()
        cost = 0 if outcome in FAILURES else task_credits(self.capabilities, kind, fields)
        if not self.sim.credits.charge(PROVIDER, cost):   # the workspace cannot pay: nothing is created
            return error(402, "credits_exceeded: this task needs %s credits, the workspace has %s"
                         % (cost, self.sim.credits.balance(PROVIDER)))
        task_id = prefix + uuid.uuid4().hex[:20]
        table = SECONDS[kind]
        provider_s = duration if duration is not None else jitter_seconds(
            task_id, *table.get(fields["model"], table[None]))
        real = provider_s * self.sim.time_scale
        self.sim.store.put(dict(fields, task_id=task_id, provider=PROVIDER, kind=kind, result_count=count(fields),
                                created_at=time.time(), duration=real, queued_for=real * QUEUED_SHARE,
                                provider_seconds=provider_s, outcome=outcome, message=message, simulated=True,
                                credits=cost))
        return Response(200, envelope({"task_id": task_id, "status": "queued"}))

    def status(self, req):
        if not self.authorized(req):
            return error(401)
        task_id, task_type = req.query.get("task_id"), req.query.get("task_type")
        if not task_id:
            return error(400, "task_id: is required")
        if task_type is not None and task_type not in TASK_TYPES:
            return error(400, "task_type: %r is not one of %s" % (task_type, ", ".join(TASK_TYPES)))
        record = self.sim.store.get(PROVIDER, task_id)
        if record is None or (task_type is not None and record["kind"] != TASK_TYPES[task_type]):
            return error(404, "task not found")
        data = {"task_id": task_id, "task_type": task_type or "%s_generation" % record["kind"]}
        step = phase(record)
        if step != "done":
            data["status"] = step
        elif record["outcome"] in FAILURES:
            word, err = FAILURES[record["outcome"]]
            if record.get("message"):
                err = {"message": record["message"]} if isinstance(err, dict) else record["message"]
            data.update(status=word, error=err)
        else:
            data.update(status="succeeded", result=self._result(req, record))
        return Response(200, envelope(data))

    def _url(self, req, task_id, kind, n):
        path = "/private/sim/creatok/%s/%s" % (task_id, result_filename(kind, n))
        return "%s%s?%s" % (req.base_url, path, self.sim.signer.sign(path, self.sim.url_ttl))

    def _result(self, req, record):
        task_id = record["task_id"]
        if record["kind"] == "video":
            return {"video_url": self._url(req, task_id, "video", 1)}
        return {"images": [{"url": self._url(req, task_id, "image", n), "thumbnail_url": None,
                            "object_key": "open-skills/results/%s/image-%d.png" % (task_id, n)}
                           for n in range(1, record["result_count"] + 1)]}

    def download(self, req):
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        record = self.sim.store.get(PROVIDER, req.params["task_id"])
        kind, n = req.params["kind"], int(req.params["n"])
        ext, content_type, fixture = MEDIA_KINDS[kind]
        if (record is None or record["kind"] != kind or req.params["ext"] != ext or phase(record) != "done"
                or record["outcome"] in FAILURES or not 1 <= n <= record["result_count"]):
            return xml_error(404, "The specified key does not exist.")
        if fixture is None:
            width, height = dims_for_aspect(record.get("aspect_ratio"))
            data = png_bytes(width, height, "%s|%s|%d" % (record["task_id"], record["prompt"], n))
        else:
            data = fixture_bytes(fixture)
        return cdn_file(data, content_type, result_filename(kind, n), req.query)
