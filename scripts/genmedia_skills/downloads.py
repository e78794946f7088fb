"""Stream provider result files into the run's outputs/ directory.

Never loads a file into memory: chunks go to a .part file while sha256 and the
size are computed; the size cap and the expected content type are enforced on
the way; the finished file is renamed into place atomically.
"""

import hashlib
import os
from pathlib import Path

import requests

from .errors import GenmediaError

CHUNK = 256 * 1024
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif",
              "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm",
              "audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mp4": ".m4a"}


class DownloadError(GenmediaError):
    kind = "download"


def download(http, url, dest_dir, stem, *, kind, max_bytes):
    """Fetch `url` to dest_dir/stem.<ext>; returns {path, sha256, bytes, content_type}."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    resp = http.stream(url)
    try:
        if resp.status_code != 200:
            raise DownloadError("HTTP %d" % resp.status_code)
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not (ctype.startswith(kind + "/") or ctype == "application/octet-stream"):
            raise DownloadError("expected %s/*, got content type %r" % (kind, ctype or "none"))
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise DownloadError("file is %s bytes; the limit is %d" % (declared, max_bytes))
        target = dest_dir / (stem + EXTENSIONS.get(ctype, ".bin"))
        part = target.with_name(target.name + ".%d.part" % os.getpid())
        digest, size = hashlib.sha256(), 0
        try:
            with open(str(part), "wb") as handle:
                for chunk in resp.iter_content(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise DownloadError("file exceeds the limit of %d bytes" % max_bytes)
                    digest.update(chunk)
                    handle.write(chunk)
            os.replace(str(part), str(target))
        except BaseException:
            if part.exists():
                part.unlink()
            raise
        return {"path": str(target), "sha256": digest.hexdigest(), "bytes": size, "content_type": ctype}
    except requests.exceptions.RequestException as exc:  # these are OSErrors too: not the disk's fault
        raise DownloadError("download interrupted: %s: %s" % (type(exc).__name__, exc)) from None
    except OSError as exc:
        raise DownloadError("cannot write %s: %s" % (dest_dir, exc)) from None
    finally:
        resp.close()
