"""CreatOK reference images: a local file is uploaded (presign, then a PUT of its bytes to
the signed URL without the Bearer header) and sent as its object key; `key:<objectKey>`
reuses an upload. Only jpg/png/webp/gif, size checked before anything is sent; files
are recorded by sha256, never stored."""

import hashlib
import os
from pathlib import Path

from ...core.errors import GenmediaError, ProviderError, UsageError
from ...media.references import image_format
from .envelope import unwrap

PRESIGN_PATH = "/api/open/skills/upload/image/presigned"
PREFIX = "open-skills/reference-images"
TYPES = {".jpg": ("image/jpeg", "jpeg"), ".jpeg": ("image/jpeg", "jpeg"), ".png": ("image/png", "png"),
         ".webp": ("image/webp", "webp"), ".gif": ("image/gif", "gif")}
MAX_BYTES = 20 * 1024 * 1024


class LocalImage:
    """A file to upload at submit time (after the spending gate, never before)."""

    kind = "upload"

    def __init__(self, path, data, content_type):
        self.path = path
        self.data = data
        self.content_type = content_type
        self.record = {"type": "file", "path": str(path), "sha256": hashlib.sha256(data).hexdigest(),
                       "bytes": len(data)}


class ObjectKey:
    """An image uploaded before: sent as it is."""

    kind = "object_key"

    def __init__(self, key):
        self.key = key
        self.record = {"type": "object_key", "object_key": key}


def parse(option, text):
    """One --reference-images value -> LocalImage or ObjectKey; UsageError naming the value."""
    text = (text or "").strip()
    if text.startswith("key:"):
        if not text[4:].strip():
            raise UsageError("%s: %r has nothing after 'key:'" % (option, text))
        return ObjectKey(text[4:].strip())
    if text.startswith(("http://", "https://")):
        raise UsageError("%s: %r: CreatOK takes local image files (uploaded first) or key:<objectKey>, "
                         "not URLs; download the image and pass its path" % (option, text[:60]))
    path = Path(os.path.expanduser(text))
    suffix = path.suffix.lower()
    if suffix not in TYPES:
        raise UsageError("%s: %s: unsupported file type %r; allowed: %s"
                         % (option, text, suffix or "(none)", ", ".join(sorted(TYPES))))
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UsageError("%s: %s is not a regular file" % (option, text))
        if size > MAX_BYTES:
            raise UsageError("%s: %s is %d bytes; the limit is %d" % (option, text, size, MAX_BYTES))
        data = path.read_bytes()
    except UsageError:
        raise
    except OSError as exc:
        raise UsageError("%s: cannot read file %s (%s)" % (option, text, exc.strerror or exc)) from None
    content_type, expected = TYPES[suffix]
    found = image_format(data)
    if found != expected:
        raise UsageError("%s: %s is named %s but holds %s" % (option, text, suffix, found or "no image"))
    if not data:
        raise UsageError("%s: %s is empty" % (option, text))
    return LocalImage(path.resolve(), data, content_type)


def upload(http, ref):
    """The object key to send for `ref` (uploading a local file first)."""

    if isinstance(ref, ObjectKey):
        return ref.key
    body = {"fileName": ref.path.name, "fileType": ref.content_type, "fileSize": len(ref.data), "prefix": PREFIX}
    try:
        resp = http.submit_json(PRESIGN_PATH, body)
        data = unwrap(resp, "creatok/presign.response.json", "upload")
        http.put_bytes(data["presignedUploadUrl"], ref.data, ref.content_type)
    except GenmediaError as exc:
        if exc.exit_code != ProviderError.exit_code:
            raise   # a rejected key stays exit 3
        raise ProviderError("uploading reference %s failed (%s); no generation was requested"
                            % (ref.path.name, exc.message), kind="upload_failed",
                            http_status=exc.http_status) from None
    ref.record["object_key"] = data["objectKey"]
    return data["objectKey"]
