"""CreatOK media inputs (reference images, reference videos, first/end frames): a local file,
uploaded and registered as an asset at submit time (assets.py), or `key:<objectKey>` of an
asset that already exists, sent as it is. A URL is refused: no capability lets CreatOK
fetch one. Type comes from the extension and must match the bytes; the size limit of the
upload endpoint is checked here, each model's finer limits in constraints.py. Files are
recorded by sha256, never stored."""

import hashlib
import os
from pathlib import Path

from ...core.errors import UsageError
from ...media.image_dimensions import image_size
from ...media.references import image_format, read_file
from ...media.video_metadata import is_mp4, probe

IMAGE_TYPES = {".jpg": ("image/jpeg", "jpeg"), ".jpeg": ("image/jpeg", "jpeg"), ".png": ("image/png", "png"),
               ".webp": ("image/webp", "webp"), ".gif": ("image/gif", "gif")}
VIDEO_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime"}
# what the official CLI's upload endpoints take in one presigned PUT (it refuses larger
# videos with "video asset exceeds the 100MB size limit"; it has no multipart path for assets)
MAX_BYTES = {"image": 20 * 1024 * 1024, "video": 100 * 1024 * 1024}


class LocalFile:
    """A file to upload and register at submit time."""

    kind = "upload"

    def __init__(self, option, path, data, content_type, media):
        self.option = option
        self.path = path
        self.data = data
        self.content_type = content_type
        self.media = media          # "image" | "video": the presign endpoint and the asset type
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.record = {"type": "file", "path": str(path), "sha256": self.sha256, "bytes": len(data)}
        self._meta = None

    def metadata(self):
        """What the file's header tells: width/height (images); duration/width/height/fps (videos)."""
        if self._meta is None:
            if self.media == "video":
                self._meta = probe(self.path)
            else:
                size = image_size(self.path)
                self._meta = {"width": size[0], "height": size[1]} if size else {}
        return self._meta

    def placeholder(self):
        return "<uploaded at submit: %s, sha256 %s>" % (self.path.name, self.sha256[:16])


class AssetKey:
    """An asset registered before: its object key is sent as it is."""

    kind = "object_key"

    def __init__(self, option, key):
        self.option = option
        self.key = key
        self.record = {"type": "object_key", "object_key": key}

    def placeholder(self):
        return self.key


def parse(option, text, media="image"):
    """One value of `option` -> LocalFile or AssetKey; UsageError naming the value."""
    text = (text or "").strip()
    if text.startswith("key:"):
        if not text[4:].strip():
            raise UsageError("%s: %r has nothing after 'key:'" % (option, text))
        return AssetKey(option, text[4:].strip())
    if text.startswith(("http://", "https://")):
        raise UsageError("%s: %r: CreatOK takes local files (uploaded as assets first) or key:<objectKey> of an "
                         "asset, not URLs; download the file and pass its path" % (option, text[:60]))
    path = Path(os.path.expanduser(text))
    suffix = path.suffix.lower()
    table = IMAGE_TYPES if media == "image" else VIDEO_TYPES
    if suffix not in table:
        raise UsageError("%s: %s: unsupported file type %r; allowed: %s"
                         % (option, text, suffix or "(none)", ", ".join(sorted(table))))
    data = read_file(option, text, path, MAX_BYTES[media])
    if not data:
        raise UsageError("%s: %s is empty" % (option, text))
    if media == "image":
        content_type, expected = IMAGE_TYPES[suffix]
        found = image_format(data)
        if found != expected:
            raise UsageError("%s: %s is named %s but holds %s" % (option, text, suffix, found or "no image"))
    else:
        content_type = VIDEO_TYPES[suffix]
        if not is_mp4(data):
            raise UsageError("%s: %s is named %s but holds no MP4/MOV video" % (option, text, suffix))
    return LocalFile(option, path.resolve(), data, content_type, media)
