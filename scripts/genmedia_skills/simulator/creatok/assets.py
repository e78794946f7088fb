"""CreatOK formal assets: POST /api/open/skills/assets {object_key, type} turns a completed
temporary upload into an asset {uid, type, object_key, object_size, created_at}; only an
asset's object_key is accepted by estimate and generation (a temporary key is 41003
asset_required, an unknown one 41002 media_input_unavailable). Registering the same upload
again returns the same asset, so a retried registration creates nothing twice."""
import hashlib
import json
import struct
import time
import uuid

from ..task_store import atomic_write_bytes

TYPES = ("image", "video")
UPLOAD_EXPIRED, MEDIA_UNAVAILABLE, ASSET_REQUIRED, INPUT_REJECTED = 41001, 41002, 41003, 40101


def video_seconds(path):
    """The movie header's duration (mvhd), as a server's media probe reads it; None if absent."""
    try:
        with open(str(path), "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return None
    at = head.find(b"mvhd")
    if at < 4:
        return None
    version, box = head[at + 4:at + 5], head[at + 8:at + 40]
    try:
        scale, length = struct.unpack(">IQ", box[16:28]) if version == b"\x01" else struct.unpack(">II", box[8:16])
    except struct.error:
        return None
    return round(length / float(scale), 3) if scale else None


class BusinessError(Exception):
    """An answer with a CreatOK business code (HTTP 400, {code, msg})."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Assets(object):
    def __init__(self, sim, storage):
        self.storage = storage
        self.root = sim.state_dir / "creatok-assets"

    def _file(self, key):
        return self.root / hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _read(self, key):
        try:
            return json.loads(self._file(key).read_text())
        except (OSError, ValueError, TypeError):
            return None

    def register(self, body):
        """The asset for a valid registration body; ValueError (HTTP 400) or BusinessError."""
        unknown = sorted(set(body) - {"object_key", "type"})
        if unknown:
            raise ValueError("unknown field(s): %s" % ", ".join(unknown))
        key, kind = body.get("object_key"), body.get("type")
        if kind not in TYPES:
            raise ValueError("type: must be one of %s" % ", ".join(TYPES))
        if not isinstance(key, str) or not key:
            raise ValueError("object_key: is required")
        earlier = self._read("upload:" + key)
        if earlier is not None:
            return earlier["asset"]
        pending = self.storage.pending(key)
        if pending is None or not self.storage.uploaded(key):
            raise BusinessError(UPLOAD_EXPIRED, "upload_expired: no completed upload for object_key %r; "
                                                "upload the file again" % key)
        if pending["kind"] != kind:
            raise ValueError("type: %r does not match the upload (%s)" % (kind, pending["fileType"]))
        uid = "ast_" + uuid.uuid4().hex[:16]
        asset = {"uid": uid, "type": kind, "object_key": "assets/%ss/%s/%s" % (kind, uid, key.rsplit("/", 1)[-1]),
                 "object_size": pending["fileSize"],
                 "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        meta = {"duration": video_seconds(self.storage.object_path(key))} if kind == "video" else {}
        record = {"asset": asset, "upload_key": key, "content_type": pending["fileType"], "meta": meta}
        atomic_write_bytes(self._file("asset:" + asset["object_key"]), json.dumps(record).encode())
        atomic_write_bytes(self._file("upload:" + key), json.dumps(record).encode())
        return asset

    def require(self, field, key, kind):
        """The stored record of asset `key` of `kind`, else the business error the API answers."""
        record = self._read("asset:" + key) if isinstance(key, str) else None
        if record is not None:
            if record["asset"]["type"] != kind:
                raise BusinessError(MEDIA_UNAVAILABLE, "media_input_unavailable: %s: %r is a %s asset, not %s"
                                    % (field, key, record["asset"]["type"], kind))
            return record
        if isinstance(key, str) and self.storage.pending(key) is not None:
            raise BusinessError(ASSET_REQUIRED, "asset_required: %s: %r is a temporary upload key; register it "
                                                "with POST /api/open/skills/assets and send the asset's object_key"
                                % (field, key))
        raise BusinessError(MEDIA_UNAVAILABLE, "media_input_unavailable: %s: %r is not an asset of this account"
                            % (field, key))
