"""Stream provider result files into the run's outputs/ directory.

Never loads a file into memory: chunks go to a .part file while sha256 and the
size are computed; the size cap and the expected content type are enforced on
the way; the finished file is renamed into place atomically.
"""

import hashlib
import os
from pathlib import Path

import requests

from .errors import GenmediaError, OutOfTime

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
                for chunk in http.chunks(resp, CHUNK):
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


def fetch_outputs(http, outputs, dest_dir, max_bytes, progress):
    """Download every output not on disk yet, recording each path or error in its entry.
    False when --timeout ran out (the rest is left for `wait`/`status`)."""
    numbers = {}
    for out in outputs:
        n = numbers[out["kind"]] = numbers.get(out["kind"], 0) + 1   # video-1, image-1 (its thumbnail)
        if out.get("path") and os.path.isfile(out["path"]):
            continue
        try:
            got = download(http, out["url"], dest_dir, "%s-%d" % (out["kind"], n), kind=out["kind"],
                           max_bytes=max_bytes)
        except OutOfTime:
            out["download_error"] = "--timeout ran out during the download; `wait` or `status` fetches it"
            progress.warn("--timeout ran out while downloading %s %d; resume with `wait`" % (out["kind"], n))
            return False
        except Exception as exc:  # the signed URL is still the deliverable
            message = getattr(exc, "message", None) or "%s: %s" % (type(exc).__name__, exc)
            out["download_error"] = message[:300]
            progress.warn("could not download %s %d: %s" % (out["kind"], n, message))
            continue
        out.pop("download_error", None)
        out.update(got)
        progress.say("saved %s" % got["path"])
    return True
