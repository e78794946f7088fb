"""An HTTP answer's body: read as a stream within a wall-clock bound and a size cap,
then parsed as strict JSON.

- A body bigger than MAX_JSON_BYTES is refused (BadResponse) with its first
  RAW_HEAD_BYTES kept for raw/: API answers are kilobytes, a runaway one must not
  fill the memory.
- NaN/Infinity (or 1e999) is not JSON: from a provider it is schema drift.
- A body must arrive within its bound as a whole (SlowBody otherwise): a read
  timeout applies per chunk, so a 1 byte/s trickle would never trip it.
"""

import contextlib
import json
import math
import time
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from ..core.errors import BadResponse

MAX_JSON_BYTES = 8 * 1024 * 1024   # API answers are kilobytes; never buffer a runaway body
RAW_HEAD_BYTES = 64 * 1024         # how much of a refused body is kept for raw/


class Response:
    def __init__(self, status, headers, text, data):
        self.status = status
        self.headers = headers
        self.text = text
        self.data = data   # parsed JSON, or None when the body is not JSON


class SlowBody(Exception):
    """A body that did not arrive within its wall-clock bound."""


def bound_next_read(resp, seconds):
    """The socket's read timeout was fixed when the request started; shorten it so one
    silent read cannot outlast the wall-clock bound (best effort: urllib3 2 exposes it)."""
    sock = getattr(getattr(resp.raw, "connection", None), "sock", None)
    if sock is not None and seconds is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.01, min(seconds, sock.gettimeout() or seconds)))


def read_body(resp, until, size=64 * 1024):
    """The whole (decoded) body, or SlowBody once time.monotonic() passes `until`, or
    BadResponse (its head kept) past MAX_JSON_BYTES. read1 returns what one recv
    brings, so the clock is checked however slow the sender; urllib3 < 2.3 has no
    read1 and falls back to bounded-size reads."""
    raw = resp.raw
    read = getattr(raw, "read1", None) or raw.read
    parts, total = [], 0
    try:
        while True:
            left = until - time.monotonic()
            if left <= 0:
                raise SlowBody()
            bound_next_read(resp, left)
            data = read(size, decode_content=True)
            if not data:
                return b"".join(parts)
            parts.append(data)
            total += len(data)
            if total > MAX_JSON_BYTES:
                head = b"".join(parts)[:RAW_HEAD_BYTES].decode("utf-8", "replace")
                raise BadResponse("%s answered more than %d bytes (the limit for a JSON answer); refused, "
                                  "its first %d bytes are kept" % (origin_text(resp.url), MAX_JSON_BYTES,
                                                                   RAW_HEAD_BYTES),
                                  raw_body=head, http_status=resp.status_code)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if until - time.monotonic() < 0.05:   # the shortened read timed out: the bound, not the network
            raise SlowBody() from None
        raise requests.exceptions.ConnectionError(exc) from None
    finally:
        resp.close()


def decode(resp, body):
    try:
        return body.decode(resp.encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def _no_constant(name):
    raise ValueError("non-finite number " + name)


def _finite(text):
    value = float(text)
    if not math.isfinite(value):   # 1e999
        raise ValueError("non-finite number " + text)
    return value


def parse(resp, text):
    ctype = resp.headers.get("Content-Type", "")
    data = None
    if "html" not in ctype.lower():
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except RecursionError:   # a hostile 100k-deep document
            data = None
        except ValueError as exc:
            data = None
            retryable = resp.status_code == 429 or resp.status_code >= 500
            if str(exc).startswith("non-finite") and not retryable:
                raise BadResponse("the answer contains %s, which JSON does not allow (schema drift)"
                                  % str(exc), raw_body=text, http_status=resp.status_code) from None
    return Response(resp.status_code, resp.headers, text, data)


def embedded_json(text, what):
    """A JSON document a provider sends inside a string field (KIE's resultJson), held to the
    rules of a body: strict numbers, and a hostile depth is schema drift (BadResponse naming
    `what`), never a crash."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        problem = "it is nested too deeply"
    except ValueError as exc:
        problem = str(exc)
    raise BadResponse("%s is not usable JSON (%s)" % (what, problem[:200]), raw_body=text[:RAW_HEAD_BYTES])


def origin(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def origin_text(url):
    scheme, host, port = origin(url or "")
    return "%s://%s:%s" % (scheme, host, port)
