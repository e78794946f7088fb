"""KIE upload API double (the separate upload host, served on the same port here):
POST /api/file-stream-upload (multipart), /api/file-base64-upload and /api/file-url-upload.

Answers follow the OpenAPI shape {success, code, msg, data{fileName, filePath,
downloadUrl, fileSize, mimeType, uploadedAt}} (no fileUrl); errors are real HTTP
400/401/405/500 with {success: false, code, msg}. `uploadPath` is required on every
call; reusing a fileName overwrites. Files are served under /kie-files/ for
RETENTION provider seconds (KIE states both 24 h and 3 days; the shorter is used).
"""
import base64
import binascii
import email.parser
import email.policy
import mimetypes
import re
import time
import urllib.request

from ..routing import Response, Route
from ..task_store import atomic_write_bytes
from .validate import Invalid

STREAM_PATH, BASE64_PATH, URL_PATH = "/api/file-stream-upload", "/api/file-base64-upload", "/api/file-url-upload"
FILE_PATTERN = r"/kie-files/(?P<path>[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)/(?P<name>[A-Za-z0-9_.-]+)"
RETENTION = 24 * 3600.0
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def upload_error(status, message=None, headers=None):
    return Response(status, {"success": False, "code": status, "msg": message or "Upload failed"}, headers=headers)


class Uploads(object):
    def __init__(self, jobs):
        self.jobs = jobs
        self.sim = jobs.sim
        self.root = self.sim.state_dir / "kie-uploads"

    def _store(self, req, data, upload_path, file_name):
        if not isinstance(upload_path, str) or not upload_path.strip("/"):
            return upload_error(400, "uploadPath is required")
        upload_path = upload_path.strip("/")
        if not _SAFE.match(upload_path) or ".." in upload_path.split("/"):
            return upload_error(400, "uploadPath contains invalid characters")
        file_name = file_name or "upload-%d" % int(time.time() * 1000)
        if not _SAFE.match(file_name) or "/" in file_name or file_name in (".", ".."):
            return upload_error(400, "fileName contains invalid characters")
        if not data:
            return upload_error(400, "file is empty")
        atomic_write_bytes(self.root / upload_path / file_name, data)
        mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return Response(200, {"success": True, "code": 200, "msg": "File uploaded successfully", "data": {
            "fileName": file_name, "filePath": "%s/%s" % (upload_path, file_name),
            "downloadUrl": "%s/kie-files/%s/%s" % (req.base_url, upload_path, file_name),
            "fileSize": len(data), "mimeType": mime,
            "uploadedAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}})

    def stream(self, req):
        if not self.jobs.authorized(req):
            return upload_error(401, "Unauthorized")
        ctype = req.headers.get("content-type", "")
        if not ctype.lower().startswith("multipart/form-data"):
            return upload_error(400, "Content-Type must be multipart/form-data")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + req.body)
        fields, data = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                data = part.get_payload(decode=True)
                fields.setdefault("fileName", part.get_filename())
            elif name:
                fields[name] = part.get_content().strip() if part.get_content_maintype() == "text" else ""
        if data is None:
            return upload_error(400, "file is required")
        return self._store(req, data, fields.get("uploadPath"), fields.get("fileName"))

    def base64(self, req):
        if not self.jobs.authorized(req):
            return upload_error(401, "Unauthorized")
        ok, body = req.json()
        if not ok or not isinstance(body, dict) or not isinstance(body.get("base64Data"), str):
            return upload_error(400, "base64Data is required")
        text = body["base64Data"]
        if text.startswith("data:"):
            text = text.partition(",")[2]   # a data URL is accepted
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return upload_error(400, "base64Data is not valid base64")
        return self._store(req, data, body.get("uploadPath"), body.get("fileName"))

    def from_url(self, req):
        if not self.jobs.authorized(req):
            return upload_error(401, "Unauthorized")
        ok, body = req.json()
        url = body.get("fileUrl") if ok and isinstance(body, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return upload_error(400, "fileUrl is required")
        try:   # KIE downloads with a 30 s timeout; the simulator only ever reaches loopback
            with urllib.request.urlopen(url, timeout=5) as resp:
                data = resp.read(100 * 1024 * 1024)
        except Exception as exc:  # noqa: BLE001 - any download failure is the same answer
            return upload_error(500, "File download failed: %s" % type(exc).__name__)
        return self._store(req, data, body.get("uploadPath"), body.get("fileName") or url.rsplit("/", 1)[-1].split("?")[0])

    def _file(self, path, name):
        target = self.root / path / name
        try:
            age = time.time() - target.stat().st_mtime
        except OSError:
            return None
        return target if age < RETENTION * self.sim.time_scale else None

    def serve(self, req):
        target = self._file(req.params["path"], req.params["name"])
        if target is None:
            return upload_error(404, "File not found")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Response(200, body=target.read_bytes(), content_type=mime)


def check_uploaded(jobs, req, url):
    """A task input pointing at this upload host must name a file that is still there."""
    prefix = req.base_url + "/kie-files/"
    if url.startswith(prefix):
        path, _, name = url[len(prefix):].split("?")[0].rpartition("/")
        if not path or Uploads(jobs)._file(path, name) is None:
            raise Invalid("input file could not be downloaded: %s" % url)


def upload_routes(jobs):
    up = Uploads(jobs)
    return [
        Route("POST", re.escape(STREAM_PATH), "kie.upload-stream", up.stream, errors=upload_error,
              missing_field="downloadUrl"),
        Route("POST", re.escape(BASE64_PATH), "kie.upload-base64", up.base64, errors=upload_error,
              missing_field="downloadUrl"),
        Route("POST", re.escape(URL_PATH), "kie.upload-url", up.from_url, errors=upload_error,
              missing_field="downloadUrl"),
        Route("GET", FILE_PATTERN, "kie.file", up.serve, errors=upload_error),
    ]
