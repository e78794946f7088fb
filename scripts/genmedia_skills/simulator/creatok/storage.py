"""CreatOK uploads: a presign endpoint per media kind (image, video), then a PUT of the raw
bytes to a signed storage URL (S3-like: the signature is the auth, so a Bearer header is
refused, and Content-Type and size must match what was presigned). A PUT object is only a
*temporary upload*; registering it (assets.py) makes the formal asset generation accepts.

Presign takes {fileName, fileType, fileSize} as the official CLI sends it; the older Node
client's extra `prefix` is still accepted (both clients exist). Objects live under the
state dir, so a later process can still register or generate from them."""
import hashlib
import json
import re
import uuid

from ..routing import Response, xml_error
from ..task_store import atomic_write_bytes

STORAGE_PREFIX = "/sim-storage/"
STORAGE_PATTERN = r"/sim-storage/(?P<key>[A-Za-z0-9._/-]+)"
KINDS = {   # presign kind -> (allowed types, byte limit, default key prefix)
    "image": (("image/jpeg", "image/png", "image/webp", "image/gif"), 20 * 1024 * 1024, "open-skills/uploads/images"),
    "video": (("video/mp4", "video/quicktime"), 100 * 1024 * 1024, "open-skills/uploads/videos"),
}
UPLOAD_TTL = 900.0
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Invalid(Exception):
    pass


class Storage(object):
    def __init__(self, sim):
        self.sim = sim
        self.root = sim.state_dir / "creatok-storage"

    def _file(self, folder, key):
        return self.root / folder / hashlib.sha256(key.encode("utf-8")).hexdigest()

    def uploaded(self, key):
        return isinstance(key, str) and self._file("objects", key).is_file()

    def object_path(self, key):
        return self._file("objects", key)

    def pending(self, key):
        """What was presigned for `key` ({fileType, fileSize, fileName}), or None."""
        try:
            return json.loads(self._file("pending", key).read_text())
        except (OSError, ValueError, TypeError):
            return None

    def presign(self, base_url, body, kind):
        """{presignedUploadUrl, objectKey} for a valid presign body; Invalid otherwise."""
        types, limit, default_prefix = KINDS[kind]
        unknown = sorted(set(body) - {"fileName", "fileType", "fileSize", "prefix"})
        if unknown:
            raise Invalid("unknown field(s): %s" % ", ".join(unknown))
        name, ctype, size = (body.get(k) for k in ("fileName", "fileType", "fileSize"))
        prefix = body.get("prefix", default_prefix)
        if not isinstance(name, str) or not name.strip():
            raise Invalid("fileName: is required")
        if ctype not in types:
            raise Invalid("fileType: %r is not supported; supported: %s" % (ctype, ", ".join(types)))
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= limit:
            raise Invalid("fileSize: must be an integer from 1 to %d" % limit)
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", prefix):
            raise Invalid("prefix: must be a path like open-skills/reference-images")
        key = "%s/%s-%s" % (prefix, uuid.uuid4().hex[:16], _UNSAFE.sub("_", name.strip())[-80:])
        atomic_write_bytes(self._file("pending", key), json.dumps(
            {"fileType": ctype, "fileSize": size, "fileName": name.strip(), "kind": kind}).encode())
        path = STORAGE_PREFIX + key
        url = "%s%s?%s" % (base_url, path, self.sim.signer.sign(path, UPLOAD_TTL))
        return {"presignedUploadUrl": url, "objectKey": key}

    def put(self, req):
        reason = self.sim.signer.verify(req.path, req.query)
        if reason:
            return xml_error(403, reason)
        if "authorization" in req.headers:
            return xml_error(400, "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                                  "parameter, Signature query string parameter or the Authorization "
                                  "header should be specified")
        key = req.params["key"]
        pending = self.pending(key)
        if pending is None:
            return xml_error(403, "No upload was presigned for this key")
        if req.headers.get("content-type") != pending["fileType"]:
            return xml_error(403, "SignatureDoesNotMatch: Content-Type %r was not presigned"
                             % req.headers.get("content-type"))
        if len(req.body) != pending["fileSize"]:
            return xml_error(400, "IncompleteBody: %d bytes sent, %d presigned" % (len(req.body), pending["fileSize"]))
        atomic_write_bytes(self._file("objects", key), req.body)
        etag = '"%s"' % hashlib.md5(req.body).hexdigest()
        return Response(200, body=b"", content_type="application/xml", headers={"ETag": etag})
