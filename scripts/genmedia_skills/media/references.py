"""Reference media given on the command line: URL, raw base64, asset_id or a local file.

Explicit forms `url:…`, `base64:…`, `asset_id:…`, `file:…` always win. Without a
prefix: http(s):// is a URL; an existing file is read and sent as base64; long
valid base64 is base64; a short [A-Za-z0-9_-] token is an asset_id. A `data:`
URI is refused (providers want raw base64). The result records files and base64
by sha256 and size, never the payload itself.
"""

import base64
import binascii
import hashlib
import os
import re
from pathlib import Path

from ..core.errors import UsageError

MAX_FILE_BYTES = 20 * 1024 * 1024
_ASSET_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PREFIXES = ("url", "base64", "asset_id", "file")
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
                (b"GIF89a", "gif"), (b"BM", "bmp"))


def image_format(data):
    """'png', 'jpeg', 'gif', 'webp', 'bmp', 'heif' or None."""
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        return "heif"
    return None


class Reference:
    def __init__(self, kind, value, record):
        self.kind = kind          # url | base64 | asset_id  (what the API receives)
        self.value = value
        self.record = record      # what result.json keeps

    def payload(self):
        return {self.kind: self.value}


def _short(text, width=48):
    return text if len(text) <= width else text[:width] + "…"


def _checked_image(option, data, shown):
    if image_format(data) is None:
        raise UsageError("%s: %s is not a PNG, JPEG, WebP, GIF, BMP or HEIF image" % (option, shown))
    return data


def _from_base64(option, text):
    compact = re.sub(r"\s+", "", text)
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("%s: %r is not valid base64 (raw base64 of an image, no data: prefix)"
                         % (option, _short(text))) from None
    _checked_image(option, data, "the base64 data")
    digest = hashlib.sha256(data).hexdigest()
    return Reference("base64", compact, {"type": "base64", "sha256": digest, "bytes": len(data)})


def read_file(option, shown, path, limit):
    """The bytes of the local file `path` given to `option` (as `shown`); UsageError naming
    both when it is not a regular file, is larger than `limit` or cannot be read."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UsageError("%s: %s is not a regular file" % (option, shown))
        if size > limit:
            raise UsageError("%s: %s is %d bytes; the limit is %d" % (option, shown, size, limit))
        return path.read_bytes()
    except UsageError:
        raise
    except OSError as exc:
        raise UsageError("%s: cannot read file %s (%s)" % (option, shown, exc.strerror or exc)) from None


def _from_file(option, raw_path):
    path = Path(os.path.expanduser(raw_path))
    data = read_file(option, raw_path, path, MAX_FILE_BYTES)
    _checked_image(option, data, raw_path)
    record = {"type": "file", "path": str(path.resolve()), "sha256": hashlib.sha256(data).hexdigest(),
              "bytes": len(data)}
    return Reference("base64", base64.b64encode(data).decode("ascii"), record)


def _from_url(option, url):
    if not url.startswith(("http://", "https://")):
        raise UsageError("%s: %r: a url must start with http:// or https://" % (option, _short(url)))
    if re.search(r"\s", url):
        raise UsageError("%s: %r: a url cannot contain spaces (encode them as %%20)" % (option, _short(url)))
    return Reference("url", url, {"type": "url", "value": url})


def local_file(text):
    """The path `text` names when parse_reference would read it as a local file, else None
    (a provider may upload such a file instead of inlining it)."""
    text = (text or "").strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix in _PREFIXES and not rest.startswith("//"):
        return rest.strip() or None if prefix == "file" else None
    if text.startswith(("http://", "https://")) or text[:5].lower() == "data:":
        return None
    return text if text and os.path.exists(os.path.expanduser(text)) else None


def parse_reference(option, text):
    """One command-line reference -> Reference, or UsageError naming the option and value."""
    text = (text or "").strip()
    if not text:
        raise UsageError("%s: empty value; give a URL, base64, asset_id or an image file path" % option)
    if text[:5].lower() == "data:":
        raise UsageError("%s: %r is a data: URI; pass the raw base64 without the 'data:…;base64,' "
                         "prefix, or the image file path" % (option, _short(text, 40)))
    prefix, sep, rest = text.partition(":")
    if sep and prefix in _PREFIXES and not rest.startswith("//"):
        if not rest:
            raise UsageError("%s: %r has nothing after '%s:'" % (option, text, prefix))
        if prefix == "url":
            return _from_url(option, rest)
        if prefix == "asset_id":
            if not _ASSET_ID.match(rest):
                raise UsageError("%s: asset_id %r: expected 1-64 of A-Z a-z 0-9 _ -" % (option, _short(rest)))
            return Reference("asset_id", rest, {"type": "asset_id", "value": rest})
        if prefix == "base64":
            return _from_base64(option, rest)
        return _from_file(option, rest)
    if text.startswith(("http://", "https://")):
        return _from_url(option, text)
    if os.path.exists(os.path.expanduser(text)):
        return _from_file(option, text)
    if len(text) > 64 and re.fullmatch(r"[A-Za-z0-9+/=\s]+", text):
        return _from_base64(option, text)
    if _ASSET_ID.match(text):
        return Reference("asset_id", text, {"type": "asset_id", "value": text})
    if "/" in text or "\\" in text or "." in text:
        raise UsageError("%s: file not found: %s" % (option, text))
    raise UsageError("%s: %r is not a URL, an existing file, base64 or an asset_id; "
                     "prefix it with url:, file:, base64: or asset_id:" % (option, _short(text)))
