"""giggle.pro asset service double (contracts/giggle-more.md section 4): presign, PUT, register.

POST /api/v1/asset/get-presigned-url {file_name, content_type, is_public}
    -> {object_key, signed_url}: an S3-like presigned PUT URL on this server.
PUT <signed_url> with the raw bytes: the signature is the auth and the Content-Type must
    be the presigned one (S3 signs it). The giggle key has no business there: a PUT that
    carries `x-auth` is refused, so tests prove the key never leaves for storage.
POST /api/v1/asset/register {object_key, name} -> {asset_id, name, type, file_url}:
    only for an object that was uploaded. A public asset's file_url is a plain CDN URL;
    a private one's is CloudFront-signed and expires, like generation results.
Assets live under the state dir, so a later process (a resumed --simulate run, another
skill) can still use an asset_id, and the generation routes can tell a registered
asset from a made-up one.
"""
import hashlib
import json
import re
import uuid

from ..routing import Response, Route, cdn_file, xml_error
from ..task_store import atomic_write_bytes

PRESIGN_PATH = "/api/v1/asset/get-presigned-url"
REGISTER_PATH = "/api/v1/asset/register"
STORAGE_PATTERN = r"/sim-s3/giggle/(?P<key>[A-Za-z0-9._/-]+)"
ASSET_PATTERN = r"/(?P<scope>public|private)/sim/giggle/assets/(?P<asset_id>[a-z0-9]{10})/(?P<name>[^/]+)"
UPLOAD_TTL = 900.0
_CONTENT_TYPE = re.compile(r"^[a-z]+/[A-Za-z0-9.+-]+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Invalid(Exception):
    """A 400: str(exc) is "<field>: <reason>"."""


def media_type(content_type):
    """The asset `type` giggle reports: image, video, audio or file."""
    major = content_type.split("/", 1)[0]
    return major if major in ("image", "video", "audio") else "file"


class Assets(object):
    def __init__(self, sim):
        self.sim = sim
        self.root = sim.state_dir / "giggle-assets"

    def _file(self, folder, key):
        return self.root / folder / hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _read(self, folder, key):
        try:
            return json.loads(self._file(folder, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def asset(self, asset_id):
        """The registered asset `asset_id` ({asset_id, type, content_type, ...}) or None."""
        return self._read("registered", asset_id) if isinstance(asset_id, str) else None

    # -- the three steps -----------------------------------------------------------------
    def presign(self, base_url, body):
        unknown = sorted(set(body) - {"file_name", "content_type", "is_public"})
        if unknown:
            raise Invalid("%s: unknown field" % unknown[0])
        name, ctype, public = body.get("file_name"), body.get("content_type"), body.get("is_public", False)
        if not isinstance(name, str) or not name.strip():
            raise Invalid("file_name: is required (a non-empty string)")
        if not isinstance(ctype, str) or not _CONTENT_TYPE.match(ctype):
            raise Invalid("content_type: must be a MIME type like image/png (got %s)" % json.dumps(ctype))
        if not isinstance(public, bool):
            raise Invalid("is_public: must be a boolean (got %s)" % json.dumps(public))
        key = "uploads/%s/%s" % (uuid.uuid4().hex, _UNSAFE.sub("_", name.strip())[-100:])
        atomic_write_bytes(self._file("pending", key), json.dumps(
            {"content_type": ctype, "is_public": public}).encode("utf-8"))
        path = "/sim-s3/giggle/" + key
        url = "%s%s?%s" % (base_url, path, self.sim.signer.sign(path, UPLOAD_TTL))
        return {"object_key": key, "signed_url": url}

    def put(self, req):
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        if "x-auth" in req.headers or "authorization" in req.headers:
            return xml_error(400, "InvalidRequest: the presigned URL is the only auth a PUT may carry "
                                  "(a giggle key was sent to storage)")
        key = req.params["key"]
        pending = self._read("pending", key)
        if pending is None:
            return xml_error(403, "No upload was presigned for this key")
        if req.headers.get("content-type") != pending["content_type"]:
            return xml_error(403, "SignatureDoesNotMatch: Content-Type %r was not presigned (%s was)"
                             % (req.headers.get("content-type"), pending["content_type"]))
        if not req.body:
            return xml_error(400, "IncompleteBody: no bytes sent")
        atomic_write_bytes(self._file("objects", key), req.body)
        etag = '"%s"' % hashlib.md5(req.body).hexdigest()
        return Response(200, body=b"", content_type="application/xml", headers={"ETag": etag})

    def register(self, base_url, body):
        unknown = sorted(set(body) - {"object_key", "name"})
        if unknown:
            raise Invalid("%s: unknown field" % unknown[0])
        key, name = body.get("object_key"), body.get("name")
        if not isinstance(key, str) or not key:
            raise Invalid("object_key: is required")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("name: is required (a non-empty string)")
        pending = self._read("pending", key)
        if pending is None:
            raise Invalid("object_key: unknown key %s (presign it first)" % json.dumps(key))
        if not self._file("objects", key).is_file():
            raise Invalid("object_key: nothing was uploaded to %s" % key)
        data = self._file("objects", key).read_bytes()
        asset_id = "".join(_ALPHABET[b % 36] for b in uuid.uuid4().bytes[:10])
        record = {"asset_id": asset_id, "object_key": key, "name": name.strip(),
                  "type": media_type(pending["content_type"]), "content_type": pending["content_type"],
                  "is_public": pending["is_public"], "bytes": len(data),
                  "sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_bytes(self._file("registered", asset_id), json.dumps(record).encode("utf-8"))
        return {"asset_id": asset_id, "name": record["name"], "type": record["type"],
                "file_url": self.file_url(base_url, record)}

    def file_url(self, base_url, record):
        scope = "public" if record["is_public"] else "private"
        path = "/%s/sim/giggle/assets/%s/%s" % (scope, record["asset_id"], _UNSAFE.sub("_", record["name"]))
        if record["is_public"]:
            return base_url + path
        return "%s%s?%s" % (base_url, path, self.sim.signer.sign(path, self.sim.url_ttl))

    def download(self, req):
        record = self.asset(req.params["asset_id"])
        private = req.params["scope"] == "private"
        if private:
            reason = self.sim.signer.verify(req.path, req.query)
            if reason:
                return xml_error(403, reason)
        if record is None or record["is_public"] == private:
            return xml_error(404, "The specified key does not exist.")
        data = self._file("objects", record["object_key"]).read_bytes()
        return cdn_file(data, record["content_type"], record["name"], req.query)


def asset_routes(giggle):
    """Route objects bound to a Giggle instance (auth, envelope, faults as every route)."""
    from .generation import envelope, error

    assets = giggle.assets = Assets(giggle.sim)

    def json_route(step):
        def handler(req):
            if not giggle.authorized(req):
                return error(401)
            ok, body = req.json()
            if not ok or not isinstance(body, dict):
                return error(400, "body: must be a JSON object")
            try:
                return Response(200, envelope(step(req.base_url, body)))
            except Invalid as exc:
                return error(400, str(exc))
        return handler

    return [
        Route("POST", re.escape(PRESIGN_PATH), "giggle.presign", json_route(assets.presign), errors=error,
              missing_field="signed_url"),
        Route("PUT", STORAGE_PATTERN, "giggle.storage", assets.put, errors=xml_error),
        Route("POST", re.escape(REGISTER_PATH), "giggle.register", json_route(assets.register), errors=error,
              missing_field="asset_id"),
        Route("GET", ASSET_PATTERN, "giggle.asset-file", assets.download, errors=xml_error),
    ]
