"""An image given on the command line for a KIE input: an http(s) URL, or a local file
that will be uploaded first (KIE takes URLs only). Files are checked here, before
anything is sent: JPEG, PNG or WebP, within the model's size cap; they are recorded
by sha256 and size, never copied.
"""

import hashlib
import os
import re
from pathlib import Path

from ...core.errors import UsageError
from ...media.image_dimensions import image_size
from ...media.references import Reference, image_format

ALLOWED_FORMATS = ("jpeg", "png", "webp")
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}


class LocalFile:
    def __init__(self, path, size, sha256, fmt):
        self.path, self.size, self.sha256, self.format = path, size, sha256, fmt
        self.placeholder = "<local file %s, sha256 %s…: uploaded before the create>" % (path.name, sha256[:12])
        self.record = {"type": "file", "path": str(path), "sha256": sha256, "bytes": size}

    @property
    def upload_name(self):
        """Named by content: re-uploading the same bytes overwrites the same file, harmlessly."""
        return self.sha256[:32] + EXTENSIONS[self.format]


def _check_sides(flag, text, path, sides, model):
    """KIE's pixel limits for this input, when the model states them (x-min-side, x-max-side)."""
    low, high = sides
    if low is None and high is None:
        return
    size = image_size(path)
    if size is None:
        return   # a header we cannot read: KIE decides
    if (low is not None and min(size) < low) or (high is not None and max(size) > high):
        raise UsageError("%s: %s is %dx%d px; %s takes images %s px on each side"
                         % (flag, text, size[0], size[1], model,
                            "%s to %s" % (low or 1, high) if high else "at least %d" % low))


def _local(flag, text, max_bytes, model, sides=(None, None)):
    path = Path(os.path.expanduser(text)).resolve()
    try:
        if not path.is_file():
            raise UsageError("%s: %s is not a regular file" % (flag, text))
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            raise UsageError("%s: %s is %d bytes; %s takes images up to %d MB"
                             % (flag, text, size, model, max_bytes // (1024 * 1024)))
        digest = hashlib.sha256()
        with open(str(path), "rb") as handle:
            head = handle.read(64)
            digest.update(head)
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError as exc:
        raise UsageError("%s: cannot read %s (%s)" % (flag, text, exc.strerror or exc)) from None
    fmt = image_format(head)
    if fmt not in ALLOWED_FORMATS:
        raise UsageError("%s: %s is %s; allowed: JPEG, PNG or WebP" % (flag, text, "a %s image" % fmt if fmt
                                                                       else "not an image"))
    _check_sides(flag, text, path, sides, model)
    return LocalFile(path, size, digest.hexdigest(), fmt)


def parse_media(flag, raw, max_bytes, model, sides=(None, None)):
    """(Reference, LocalFile or None) for one value of an image flag; `sides` is the
    model's (min, max) pixels per side for local files (a URL is KIE's to check)."""
    text = str(raw or "").strip()
    if not text:
        raise UsageError("%s: empty value; give an http(s) URL or an image file path" % flag)
    if text.startswith("url:") and not text.startswith("url://"):
        text = text[4:]
    if text.startswith(("http://", "https://")):
        if re.search(r"\s", text):
            raise UsageError("%s: %r: a URL cannot contain spaces (encode them as %%20)" % (flag, text[:60]))
        return Reference("url", text, {"type": "url", "value": text}), None
    if text.startswith("file:"):
        text = text[5:]
    if os.path.exists(os.path.expanduser(text)):
        local = _local(flag, text, max_bytes, model, sides)
        return Reference("file", local.placeholder, local.record), local
    raise UsageError("%s: %r is neither an http(s) URL nor an existing image file" % (flag, text[:80]))
