"""The one place that talks HTTP (requests), with the bundle's safety rules.

- Every request has (connect, read) timeouts and a genmedia-skills User-Agent.
- `get_json` is idempotent: retried on connection errors, timeouts, 429, 5xx and
  non-JSON answers (a CDN's HTML page), with backoff honouring Retry-After.
- `submit_json` (a paid POST) is sent once. It is resent only when the request
  provably never reached the server (connection refused, DNS, connect timeout) or
  the server answered with a status the provider documents as "rejected, not
  queued" (e.g. 429). Anything else after sending (read timeout, dropped
  connection, 5xx, unreadable body) raises SubmitOutcomeUnknown: the task may
  exist, and resending could charge twice.
- Redirects: the key travels in headers `requests` would carry to any host, so
  provider calls never follow a redirect by themselves. A GET follows one within
  the provider's origin; a redirect elsewhere is an error. A submit is never
  re-sent anywhere: a redirect answer means its outcome is unknown.
- JSON answers are read as a stream up to MAX_JSON_BYTES (a bigger one is refused
  with its head kept) and parsed strictly: NaN/Infinity is schema drift.
"""

import json
import math
import time
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from . import USER_AGENT
from .errors import BadResponse, SubmitOutcomeUnknown, TransportError
from .redaction import redact
from .retry_policy import RetryPolicy, parse_retry_after


MAX_JSON_BYTES = 8 * 1024 * 1024   # API answers are kilobytes; never buffer a runaway body
RAW_HEAD_BYTES = 64 * 1024         # how much of a refused body is kept for raw/
MAX_REDIRECTS = 5                  # same-origin hops a GET may take
_NOT_FETCHABLE = (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                  requests.exceptions.MissingSchema)


class Response:
    def __init__(self, status, headers, text, data):
        self.status = status
        self.headers = headers
        self.text = text
        self.data = data   # parsed JSON, or None when the body is not JSON


def _read_capped(resp):
    """The body as text, read as a stream; BadResponse (head kept) past MAX_JSON_BYTES."""
    chunks, size = [], 0
    try:
        for chunk in resp.iter_content(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                head = b"".join(chunks)[:RAW_HEAD_BYTES].decode("utf-8", "replace")
                raise BadResponse("%s answered more than %d bytes (the limit for a JSON answer); refused, "
                                  "its first %d bytes are kept" % (_origin_text(resp.url), MAX_JSON_BYTES,
                                                                   RAW_HEAD_BYTES),
                                  raw_body=head, http_status=resp.status_code)
    finally:
        resp.close()
    try:
        return b"".join(chunks).decode(resp.encoding or "utf-8", "replace")
    except LookupError:   # a charset Python does not know
        return b"".join(chunks).decode("utf-8", "replace")


def _no_constant(name):
    raise ValueError("non-finite number " + name)


def _finite(text):
    value = float(text)
    if not math.isfinite(value):   # 1e999
        raise ValueError("non-finite number " + text)
    return value


def _parse(resp):
    text = _read_capped(resp)
    ctype = resp.headers.get("Content-Type", "")
    data = None
    if "html" not in ctype.lower():
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except ValueError as exc:
            data = None
            retryable = resp.status_code == 429 or resp.status_code >= 500
            if str(exc).startswith("non-finite") and not retryable:
                raise BadResponse("the answer contains %s, which JSON does not allow (schema drift)"
                                  % str(exc), raw_body=text, http_status=resp.status_code) from None
    return Response(resp.status_code, resp.headers, text, data)


def _origin(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def _origin_text(url):
    scheme, host, port = _origin(url or "")
    return "%s://%s:%s" % (scheme, host, port)


def never_reached_server(exc):
    """True when the request certainly did not reach the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        reason = getattr(exc.args[0], "reason", exc.args[0])
        return isinstance(reason, NewConnectionError)  # refused, DNS failure, unreachable
    return False


def _describe(exc):
    return redact("%s: %s" % (type(exc).__name__, exc))[:300]


class HttpClient:
    def __init__(self, base_url, headers, timeouts, policy=None, on_retry=None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts
        self.policy = policy or RetryPolicy()
        self.on_retry = on_retry or (lambda message: None)
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.session.headers.update(headers)

    def url(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _get(self, path, params):
        """One GET with the key; redirects followed only within the provider's origin."""
        url = self.url(path)
        for _ in range(MAX_REDIRECTS + 1):
            resp = self.session.get(url, params=params, timeout=self.timeouts, allow_redirects=False,
                                    stream=True)
            if not resp.is_redirect:
                return resp
            resp.close()
            target = urljoin(resp.url, resp.headers["Location"])
            if _origin(target) != _origin(self.base_url):
                raise TransportError("GET %s was redirected (HTTP %d) to another origin, %s; not followed, so "
                                     "the API key stays with %s" % (path, resp.status_code, _origin_text(target),
                                                                    _origin_text(self.base_url)),
                                     kind="redirect", http_status=resp.status_code)
            url, params = target, None
        raise TransportError("GET %s: more than %d redirects" % (path, MAX_REDIRECTS), kind="redirect")

    def get_json(self, path, params=None):
        """GET with retries; returns a Response with JSON data, else raises."""
        attempt = 0
        while True:
            attempt += 1
            retry_after, status = None, None
            try:
                resp = self._get(path, params)
                result = _parse(resp)   # inside: a body cut off mid-read is a failed attempt
            except requests.exceptions.RequestException as exc:
                problem, raw = _describe(exc), None
            else:
                status = resp.status_code
                if resp.status_code == 429 or resp.status_code >= 500:
                    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                    problem, raw = "HTTP %d" % resp.status_code, result.text
                elif result.data is None:
                    problem, raw = "HTTP %d with a non-JSON body" % resp.status_code, result.text
                else:
                    return result
            wait = self.policy.delay(attempt, retry_after) if attempt < self.policy.attempts else None
            if wait is None:
                message = "GET %s failed after %d attempt(s): %s" % (path, attempt, problem)
                if raw is not None and problem.startswith("HTTP 2"):
                    raise BadResponse(message, raw_body=raw, http_status=status)
                raise TransportError(message, http_status=status)
            self.on_retry("GET %s: %s; retrying in %.1fs" % (path, problem, wait))
            self.sleep(wait)

    def submit_json(self, path, body, rejected_statuses=(429,), resend_rejected=True):
        """POST a paid submit; see the module docstring for when it is resent.

        `resend_rejected=False` is for a POST that must never go twice (a pay): a
        "rejected" status is then an unknown outcome (a 429 can come from a proxy after
        the provider processed it), reported as SubmitOutcomeUnknown, never resent."""
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self.session.post(self.url(path), json=body, timeout=self.timeouts,
                                         allow_redirects=False, stream=True)
                if resp.is_redirect:   # never re-sent to a new location: it may already have created a task
                    resp.close()
                    raise SubmitOutcomeUnknown(
                        "POST %s answered a redirect (HTTP %d to %s); not followed: a submit is never re-sent "
                        "elsewhere, and the task may exist at the provider"
                        % (path, resp.status_code, _origin_text(urljoin(resp.url, resp.headers["Location"]))),
                        http_status=resp.status_code)
                result = _parse(resp)   # inside: an answer cut off mid-read is a lost answer
            except requests.exceptions.RequestException as exc:
                if never_reached_server(exc) and attempt < self.policy.attempts:
                    wait = self.policy.delay(attempt)
                    self.on_retry("POST %s never reached the server (%s); retrying in %.1fs"
                                  % (path, _describe(exc), wait))
                    self.sleep(wait)
                    continue
                if never_reached_server(exc):
                    raise TransportError("POST %s could not connect: %s" % (path, _describe(exc)))
                raise SubmitOutcomeUnknown(
                    "POST %s was sent but its answer was lost (%s); the task may exist at the provider"
                    % (path, _describe(exc)))
            if resp.status_code in rejected_statuses and not resend_rejected:
                raise SubmitOutcomeUnknown(
                    "POST %s answered HTTP %d; it is not resent (it may have been processed)"
                    % (path, resp.status_code), http_status=resp.status_code)
            if resp.status_code in rejected_statuses:
                wait = parse_retry_after(resp.headers.get("Retry-After"))
                wait = self.policy.delay(attempt, wait) if attempt < self.policy.attempts else None
                if wait is not None:
                    self.on_retry("POST %s rejected with HTTP %d (not queued); retrying in %.1fs"
                                  % (path, resp.status_code, wait))
                    self.sleep(wait)
                    continue
                raise TransportError("POST %s still rejected with HTTP %d after %d attempts"
                                     % (path, resp.status_code, attempt), http_status=resp.status_code)
            if resp.status_code >= 500 or (200 <= resp.status_code < 300 and result.data is None):
                raise SubmitOutcomeUnknown(
                    "POST %s answered HTTP %d%s; the task may exist at the provider"
                    % (path, resp.status_code, "" if result.data is not None else " with an unreadable body"),
                    http_status=resp.status_code)
            return result

    def stream(self, url):
        """An open streaming GET of an absolute URL (no provider auth headers), with retries."""
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                resp = requests.get(url, stream=True, timeout=self.timeouts,
                                    headers={"User-Agent": USER_AGENT})
            except _NOT_FETCHABLE as exc:   # e.g. a redirect to file://: retrying cannot help
                raise TransportError("download refused: %s" % _describe(exc)) from None
            except requests.exceptions.RequestException as exc:
                problem = _describe(exc)
            else:
                if resp.status_code == 429 or resp.status_code >= 500:
                    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                    problem = "HTTP %d" % resp.status_code
                    resp.close()
                else:
                    return resp
            wait = self.policy.delay(attempt, retry_after) if attempt < self.policy.attempts else None
            if wait is None:
                raise TransportError("download failed after %d attempt(s): %s" % (attempt, problem))
            self.on_retry("download: %s; retrying in %.1fs" % (problem, wait))
            self.sleep(wait)
