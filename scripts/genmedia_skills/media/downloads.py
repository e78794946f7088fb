"""Stream provider result files into the run's outputs/ directory.

Never loads a file into memory: chunks go to a .part file while sha256 and the
size are computed; the size cap, the expected content type and the file's first
bytes (media_types) are enforced on the way; the finished file is renamed into
place atomically. Only http(s) URLs are fetched; the .part file is created
exclusively, never through a planted symlink (safe_files).
"""

import contextlib
import hashlib
import itertools
import os
import secrets
from urllib.parse import urlsplit

from . import media_types
from ..store import result_expiry
from ..core.errors import GenmediaError, OutOfTime
from ..core.safe_files import UnsafePath, create_exclusive, real_dir

CHUNK = 256 * 1024


class DownloadError(GenmediaError):
    kind = "download"


class Unusable(DownloadError):
    """The result itself is no media file (not a web URL, or bytes declared as media that are
    no media format at all, e.g. HTML or SVG served as image/png): no retry can help, and a
    task whose every result is so produced nothing."""

    kind = "unusable_result"


def scheme_problem(url):
    """Why `url` cannot be fetched (not http or https), or None."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return "result URL scheme %r is not http or https; not downloaded" % (scheme or "none")
    return None


def unusable_url(url):
    """Why `url` can be no result at all (file:, javascript:, data:, ...), or None. A value
    without a scheme is the provider's own reference (e.g. an object key standing in for a
    URL), not fetched but not hostile either."""
    return scheme_problem(url) if urlsplit(url).scheme else None


def _first_bytes(chunks, want):
    """(head of at least `want` bytes unless the body is shorter, the chunks it took)."""
    taken, size = [], 0
    for chunk in chunks:
        taken.append(chunk)
        size += len(chunk)
        if size >= want:
            break
    return b"".join(taken)[:want], taken


def download(http, url, dest_dir, stem, *, kind, max_bytes, on_bytes=None):
    """Fetch `url` to dest_dir/stem.<ext>; returns {path, sha256, bytes, content_type}.
    `on_bytes(done, total or None)` hears of each chunk written (the live progress line)."""
    problem = scheme_problem(url)
    if problem:   # file://, ftp:, data: — nothing to retry
        raise (Unusable if unusable_url(url) else DownloadError)(problem)
    try:
        dest_dir = real_dir(dest_dir)
    except UnsafePath:
        raise
    except OSError as exc:
        raise DownloadError("cannot write %s: %s" % (dest_dir, exc)) from None
    import requests   # loaded already by the client that streams; here only for its exceptions

    resp = http.stream(url)
    try:
        if resp.status_code != 200:
            raise DownloadError("HTTP %d" % resp.status_code)
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not (ctype.startswith(kind + "/") or ctype == "application/octet-stream"):
            raise DownloadError("expected %s/*, got content type %r" % (kind, ctype or "none"))
        declared = resp.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else None
        if total is not None and total > max_bytes:
            raise DownloadError("file is %s bytes; the limit is %d" % (declared, max_bytes))
        chunks = http.chunks(resp, CHUNK)   # deadline-aware reads
        head, taken = _first_bytes(chunks, media_types.SNIFF_BYTES)
        try:
            ext = media_types.extension(ctype, kind, head)
        except media_types.Mismatch as exc:   # no media at all (an HTML or SVG page) is unusable
            raise (DownloadError if media_types.sniff(head) else Unusable)("refused: %s" % exc) from None
        target = dest_dir / (stem + ext)
        part = target.with_name("%s.%d-%s.part" % (target.name, os.getpid(), secrets.token_hex(6)))
        digest, size = hashlib.sha256(), 0
        handle = create_exclusive(part)
        try:
            with handle:
                for chunk in itertools.chain(taken, chunks):   # the sniffed head first
                    size += len(chunk)
                    if size > max_bytes:
                        raise DownloadError("file exceeds the limit of %d bytes" % max_bytes)
                    digest.update(chunk)
                    handle.write(chunk)
                    if on_bytes is not None:
                        on_bytes(size, total)
            os.replace(str(part), str(target))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(str(part))
            raise
        return {"path": str(target), "sha256": digest.hexdigest(), "bytes": size, "content_type": ctype}
    except requests.exceptions.RequestException as exc:  # these are OSErrors too: not the disk's fault
        raise DownloadError("download interrupted: %s: %s" % (type(exc).__name__, exc)) from None
    except OSError as exc:
        raise DownloadError("cannot write %s: %s" % (dest_dir, exc)) from None
    finally:
        resp.close()


_GONE = ("HTTP 403", "HTTP 404", "HTTP 410")   # a link that stopped working (expired or revoked)


def _refreshed(http, out, refresh, dest_dir, stem, max_bytes, progress):
    """The download through a fresh link from the provider (e.g. KIE's download-url), or None."""
    try:
        fresh = refresh(out["url"])
        got = download(http, fresh, dest_dir, stem, kind=out["kind"], max_bytes=max_bytes)
    except OutOfTime:
        raise
    except Exception as exc:  # no fresh link: the first failure is what the user sees
        progress.warn("no fresh link for %s: %s" % (stem, getattr(exc, "message", None) or exc))
        return None
    progress.say("the link of %s no longer worked; downloaded it through a fresh link" % stem)
    return dict(got, refreshed=True)


def fetch_outputs(http, outputs, dest_dir, max_bytes, progress, refresh=None):
    """Download every output not on disk yet, recording each path or error in its entry.
    `refresh(url)`: a fresh link when an output's own has expired or is refused.
    False when --timeout ran out (the rest is left for `wait`/`status`)."""
    numbers = {}
    for out in outputs:
        n = numbers[out["kind"]] = numbers.get(out["kind"], 0) + 1   # video-1, image-1 (its thumbnail)
        if out.get("path") and os.path.isfile(out["path"]):
            continue
        label = "downloading %s %d" % (out["kind"], n)
        progress.phase(label)

        def on_bytes(done, total, label=label):
            progress.phase("%s: %s" % (label, _bytes_text(done, total)))
        try:
            got = download(http, out["url"], dest_dir, "%s-%d" % (out["kind"], n), kind=out["kind"],
                           max_bytes=max_bytes, on_bytes=on_bytes)
        except OutOfTime:
            out["download_error"] = "--timeout ran out during the download; `wait` or `status` fetches it"
            progress.warn("--timeout ran out while downloading %s %d; resume with `wait`" % (out["kind"], n))
            return False
        except Exception as exc:  # the signed URL is still the deliverable
            message = getattr(exc, "message", None) or "%s: %s" % (type(exc).__name__, exc)
            gone = message.startswith(_GONE) or result_expiry.expired(out)
            try:
                got = gone and refresh and _refreshed(http, out, refresh, dest_dir, "%s-%d" % (out["kind"], n),
                                                      max_bytes, progress)
            except OutOfTime:
                out["download_error"] = "--timeout ran out during the download; `wait` or `status` fetches it"
                return False
            if got:
                out.pop("download_error", None)
                out.update(got)
                continue
            message = result_expiry.download_failure(out, message)   # an expired link says so
            out["download_error"] = message[:300]
            if isinstance(exc, Unusable):
                out["unusable"] = message[:300]
            progress.warn("could not download %s %d: %s" % (out["kind"], n, message))
            continue
        out.pop("download_error", None)
        out.pop("unusable", None)
        out.update(got)
        progress.say("saved %s" % got["path"])
    return True


def _bytes_text(done, total):
    def size(n):
        for unit in ("bytes", "KB", "MB", "GB"):
            if n < 1024 or unit == "GB":
                return ("%d %s" % (n, unit)) if unit == "bytes" else "%.1f %s" % (n, unit)
            n /= 1024.0
    return "%s/%s" % (size(done), size(total)) if total else size(done)
