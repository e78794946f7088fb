"""What the KIE dedicated-API doubles share (Veo, 4o Image, Flux Kontext, Runway, Aleph,
Suno): task records with their own id formats, a clock-derived progress, body checks from
the same request schemas the client uses, result files behind expiring signed links, and
POST /api/v1/common/download-url, which signs a fresh 20-minute link to a result while
KIE still keeps the file (14 days; Market results about one day). A link's own lifetime
is `sim.kie.url_ttl` when set (tests make links die before their files), else the file's.

The envelope, auth, error dialect and the 20-creates-per-10-s limit are the Market's
(jobs.KieJobs), as at KIE.
"""
import hashlib
import io
import json
import re
import time
import uuid
import wave

from ..media import fixture_bytes, png_bytes
from ..routing import Response, Route, cdn_file, xml_error
from .jobs import RESULT_PATTERN as MARKET_FILES, RESULT_TTL as MARKET_RETENTION
from .validate import Invalid, _check_value, _load

FILE_PATTERN = r"/r/kie-api/(?P<task_id>[A-Za-z0-9_-]+)/(?P<name>[a-z0-9-]+)\.(?P<ext>png|mp4|mp3|wav)"
RETENTION = 14 * 24 * 3600.0      # dedicated APIs keep results 14 days (provider seconds)
DIRECT_LINK = 20 * 60.0           # download-url links last 20 minutes
CONTENT = {"png": "image/png", "mp4": "video/mp4", "mp3": "audio/mpeg", "wav": "audio/wav"}


def wav_bytes(seconds=0.5, rate=8000):
    """A real, playable mono WAV: a quiet 440 Hz tone."""
    import math
    import struct

    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
                                 for i in range(int(seconds * rate))))
    return buf.getvalue()


def check_body(schema_name, body, aliases=None, optional=()):
    """KIE's 422 for a body its own schema refuses (required, types, enums, ranges); unknown
    fields are ignored, as the live API does. `aliases`: {field: other spelling also read};
    `optional`: fields our client always sends that KIE itself defaults."""
    if not isinstance(body, dict):
        raise Invalid("request body must be a JSON object")
    schema = _load(schema_name)
    for field, other in (aliases or {}).items():
        if field not in body and other in body:
            body = dict(body, **{field: body[other]})
    for field in schema.get("required", []):
        if field not in optional and body.get(field) in (None, ""):
            raise Invalid("%s is required" % field)
    for field, value in body.items():
        spec = schema["properties"].get(field)
        if spec is not None and value is not None:
            _check_value(field, spec, value)
    return body


class DedicatedApi(object):
    """One family's double; subclasses add routes and answer record-info in its dialect."""
    family = None

    def __init__(self, jobs):
        self.jobs, self.sim = jobs, jobs.sim

    # -- tasks ---------------------------------------------------------------------------
    def new_id(self):
        return uuid.uuid4().hex

    def create(self, req, op, body, seconds, kind, **extra):
        """Store a task (after auth, body and rate checks by the caller); the create answer."""
        if not self.jobs._admit(self.jobs.key(req)):
            return self.jobs.error(429, "Rate limit exceeded: at most 20 new tasks per 10 seconds")
        outcome, message, duration, count = self.sim.outcomes.take_full()
        task_id = self.new_id()
        frac = int(hashlib.sha256(task_id.encode()).hexdigest()[:8], 16) / float(0xFFFFFFFF)
        provider_s = duration if duration is not None else seconds[0] + frac * (seconds[1] - seconds[0])
        record = dict({"task_id": task_id, "provider": "kie", "family": self.family, "op": op, "kind": kind,
                       "param": json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                       "created_at": time.time(), "duration": provider_s * self.sim.time_scale,
                       "outcome": outcome, "message": message, "count": count, "simulated": True}, **extra)
        self.sim.store.put(record)
        return task_id

    def record(self, task_id):
        record = self.sim.store.get("kie", task_id) if task_id else None
        return record if record and record.get("family") == self.family else None

    def polled(self, req, answer):
        """GET <record-info>?taskId=: the record in this family's dialect, or KIE's 422."""
        if not self.jobs.authorized(req):
            return self.jobs.error(401)
        if not req.query.get("taskId"):
            return self.jobs.error(422, "taskId is required")
        record = self.record(req.query["taskId"])
        if record is None:
            return self.jobs.error(422, "record is null")
        return self.jobs.ok(answer(req, record, self.progress(record)))

    def finished(self, record, done):
        """None while running, else "success" or "fail"."""
        if done < 1.0:
            return None
        return "fail" if self.failed(record) else "success"

    def parent(self, task_id):
        """A finished, successful task of this family to continue from, else Invalid (KIE's 422)."""
        record = self.record(task_id) if isinstance(task_id, str) and task_id else None
        if record is None:
            raise Invalid("record is null")
        if self.finished(record, self.progress(record)) != "success":
            raise Invalid("record status is not success")
        return record

    def progress(self, record, now=None):
        """The fraction of the task done (1.0: finished), from the clock."""
        elapsed = (time.time() if now is None else now) - record["created_at"]
        done = elapsed / record["duration"] if record["duration"] > 0 else 1.0
        return min(done, 0.99) if record["outcome"] == "never" else min(done, 1.0)

    def failed(self, record):
        return record["outcome"] in ("fail", "error", "moderation", "canceled")

    def times(self, record):
        created = record["created_at"]
        stamp = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        return stamp(created), stamp(created + record["duration"])

    # -- answers -------------------------------------------------------------------------
    def guarded(self, req, handler):
        if not self.jobs.authorized(req):
            return self.jobs.error(401)
        try:
            return handler()
        except Invalid as exc:
            return self.jobs.error(422, str(exc))

    def body(self, req):
        ok, body = req.json()
        if not ok or not isinstance(body, dict):
            raise Invalid("Request body must be valid JSON")
        return body

    # -- result files ----------------------------------------------------------------------
    def file_url(self, req, record, name, ext):
        """A signed link to one result; it expires `url_ttl` after the task ended (default 14 days)."""
        path = "/r/kie-api/%s/%s.%s" % (record["task_id"], name, ext)
        ttl = self.jobs.url_ttl if self.jobs.url_ttl is not None else RETENTION * self.sim.time_scale
        signed = self.sim.signer.sign(path, ttl - (time.time() - record["created_at"] - record["duration"]))
        return "%s%s?%s" % (req.base_url, path, signed.replace("&response-content-disposition=attachment", ""))


def serve_file(sim, req):
    reason = sim.signer.verify(req.path, req.query)
    if reason:
        return xml_error(403, reason)
    record = sim.store.get("kie", req.params["task_id"])
    if record is None or "family" not in record:
        return xml_error(404, "The specified key does not exist.")
    ext, name = req.params["ext"], req.params["name"]
    if ext == "png":
        data = png_bytes(256, 144 if record["kind"] == "video" else 256, "%s|%s" % (record["task_id"], name))
    elif ext == "wav":
        data = wav_bytes()
    else:
        data = fixture_bytes("sample.mp4" if ext == "mp4" else "sample.mp3")
    return cdn_file(data, CONTENT[ext], "%s.%s" % (name, ext), req.query)


def download_url(jobs, req):
    """POST /api/v1/common/download-url {url}: a fresh 20-minute link to one of KIE's results;
    any other URL is refused with 422, as at KIE."""
    if not jobs.authorized(req):
        return jobs.error(401)
    ok, body = req.json()
    url = body.get("url") if ok and isinstance(body, dict) else None
    if not isinstance(url, str) or not url:
        return jobs.error(422, "url is required")
    path = url.split("://", 1)[-1].partition("/")[2].split("?")[0]
    match = re.fullmatch(FILE_PATTERN, "/" + path) or re.fullmatch(MARKET_FILES, "/" + path)
    record = jobs.sim.store.get("kie", match.group("task_id")) if match else None
    if record is None:
        return jobs.error(422, "Only URLs generated by KIE can be converted to download links")
    kept = (RETENTION if "family" in record else MARKET_RETENTION) * jobs.sim.time_scale
    if time.time() > record["created_at"] + record["duration"] + kept:   # the file itself is gone
        return jobs.error(422, "The file has expired and was deleted")
    signed = jobs.sim.signer.sign("/" + path, DIRECT_LINK * jobs.sim.time_scale)
    return jobs.ok("%s/%s?%s" % (req.base_url, path, signed))


def common_routes(jobs):
    return [
        Route("POST", re.escape("/api/v1/common/download-url"), "kie.download-url",
              lambda req: download_url(jobs, req), errors=jobs.error),
        Route("GET", FILE_PATTERN, "kie.api-file", lambda req: serve_file(jobs.sim, req), errors=xml_error),
    ]


__all__ = ["DedicatedApi", "Invalid", "Response", "Route", "check_body", "common_routes", "wav_bytes"]
