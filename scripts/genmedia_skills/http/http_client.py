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
- JSON answers are read and parsed by http_answer (size cap, strict JSON, wall-clock
  bound of the body).
- `deadline` (a time.monotonic() value, set by a command with --timeout) bounds every
  wait: backoff sleeps and Retry-After, connect/read timeouts, and the wall-clock
  time of a body (a read timeout applies per chunk, so a 1 byte/s trickle would
  never trip it). Running out raises OutOfTime. An answer's body also has to arrive
  within the read timeout as a whole. A submit POST is never cut short by the
  deadline (that would make its outcome unknown); only its retries yield to it.
"""

import time
from urllib.parse import urljoin

import requests
import urllib3.exceptions
from urllib3.exceptions import NewConnectionError

from .. import USER_AGENT
from ..core.errors import BadResponse, OutOfTime, SubmitOutcomeUnknown, TransportError
from .http_answer import SlowBody, bound_next_read, decode, origin, origin_text, parse, read_body
from ..core.redaction import redact
from .retry_policy import RetryPolicy, parse_retry_after


MAX_REDIRECTS = 5                  # same-origin hops a GET may take
_NOT_FETCHABLE = (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                  requests.exceptions.MissingSchema)


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
    def __init__(self, base_url, headers, timeouts, policy=None, on_retry=None, sleep=time.sleep,
                 time_scale=1.0, bases=None, on_note=None):
        self.base_url = base_url.rstrip("/")
        # provider seconds -> real seconds (rate windows, waits the provider asks for in prose)
        self.time_scale = time_scale
        # a provider's other hosts by role, e.g. {"upload": "https://..."} (adapter.extra_bases)
        self.bases = {name: url.rstrip("/") for name, url in (bases or {}).items()}
        self.timeouts = timeouts
        self.policy = policy or RetryPolicy()
        self.on_retry = on_retry or (lambda message: None)
        self.on_note = on_note or (lambda message: None)   # progress that is not a problem (e.g. uploads)
        self.sleep = sleep
        self.deadline = None   # time.monotonic() by which every call must be done; None: no limit
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.session.headers.update(headers)

    def url(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def start_deadline(self, seconds):
        """Every later call must be done within `seconds` from now (a command's --timeout)."""
        self.deadline = time.monotonic() + seconds

    def remaining(self):
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _out_of_time(self, what):
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise OutOfTime("--timeout ran out during %s" % what)

    def _timeouts(self):
        """(connect, read), each no longer than what is left of the deadline."""
        remaining = self.remaining()
        if remaining is None:
            return self.timeouts
        return tuple(max(0.01, min(t, remaining)) for t in self.timeouts)

    def _can_wait(self, seconds, what, error=OutOfTime):
        """Raise `error` when a retry `seconds` from now would outlast the deadline."""
        remaining = self.remaining()
        if remaining is not None and seconds >= remaining:
            raise error("%.1fs of --timeout left, too little for %s: a retry was due in %.1fs"
                            % (max(0.0, remaining), what, seconds))

    def _fetch(self, method, path, until_deadline, params=None, resendable=False, **kw):
        """One request with the key and its whole parsed body. Redirects are never left to
        `requests` (it would carry the key to any host): a GET follows one within the
        origin it was sent to, a redirect elsewhere is an error, and any other method is
        never re-sent anywhere: a submit's outcome is then unknown; a `resendable` POST (an
        upload, which creates nothing billable) fails with the redirect as its cause."""
        url = self.url(path)
        home = url
        for _ in range(MAX_REDIRECTS + 1):
            timeouts = self._timeouts() if until_deadline else self.timeouts
            resp = self.session.request(method, url, params=params, stream=True, timeout=timeouts,
                                        allow_redirects=False, **kw)
            if not resp.is_redirect:
                return resp, self._parsed_body(resp, method, path, until_deadline)
            resp.close()
            target = urljoin(resp.url, resp.headers["Location"])
            if method != "GET" and resendable:
                raise TransportError("%s %s answered a redirect (HTTP %d to %s); not followed, so the API key and "
                                     "the data stay with %s" % (method, path, resp.status_code, origin_text(target),
                                                                origin_text(home)),
                                     kind="redirect", http_status=resp.status_code)
            if method != "GET":   # it may already have created a task
                raise SubmitOutcomeUnknown(
                    "%s %s answered a redirect (HTTP %d to %s); not followed: a submit is never re-sent "
                    "elsewhere, and the task may exist at the provider"
                    % (method, path, resp.status_code, origin_text(target)), http_status=resp.status_code)
            if origin(target) != origin(home):
                raise TransportError("GET %s was redirected (HTTP %d) to another origin, %s; not followed, so "
                                     "the API key stays with %s" % (path, resp.status_code, origin_text(target),
                                                                    origin_text(home)),
                                     kind="redirect", http_status=resp.status_code)
            url, params = target, None
        raise TransportError("GET %s: more than %d redirects" % (path, MAX_REDIRECTS), kind="redirect")

    def _parsed_body(self, resp, method, path, until_deadline):
        """The answer's whole body must follow its headers within the read timeout (and
        the deadline, when `until_deadline`)."""
        start = time.monotonic()
        until = start + self.timeouts[1]
        if until_deadline and self.deadline is not None:
            until = min(until, self.deadline)
        try:
            body = read_body(resp, until)
        except SlowBody:
            if until_deadline:
                self._out_of_time("the answer to %s %s" % (method, path))
            raise requests.exceptions.ReadTimeout(
                "the whole answer did not arrive within %.0fs" % (until - start)) from None
        return parse(resp, decode(resp, body))

    def get_json(self, path, params=None, retry_when=None):
        """GET with retries; returns a Response with JSON data, else raises.

        `retry_when(response)`: for providers whose JSON answers say themselves whether to
        ask again (KIE: HTTP 200 with code 455, or HTTP 501 "generation failed", final): a
        short problem text to retry like a 5xx, or None to return the answer."""
        attempt = 0
        while True:
            attempt += 1
            retry_after, status = None, None
            self._out_of_time("GET %s" % path)
            try:
                resp, result = self._fetch("GET", path, True, params=params)
            except requests.exceptions.RequestException as exc:
                self._out_of_time("GET %s" % path)
                problem, raw = _describe(exc), None
            else:
                status = resp.status_code
                if retry_when is not None and result.data is not None:   # the provider's JSON decides
                    problem, raw = retry_when(result), None
                    if not problem:
                        return result
                    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                elif resp.status_code == 429 or resp.status_code >= 500:
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
            self._can_wait(wait, "GET %s (%s)" % (path, problem))
            self.on_retry("GET %s: %s; retrying in %.1fs" % (path, problem, wait))
            self.sleep(wait)

    def submit_json(self, path, body, rejected_statuses=(429,), resend_rejected=True, refused=None):
        """POST a paid submit; see the module docstring for when it is resent.

        `resend_rejected=False` is for a POST that must never go twice (a pay): a
        "rejected" status is then an unknown outcome (a 429 can come from a proxy after
        the provider processed it), reported as SubmitOutcomeUnknown, never resent.
        `refused(response)`: True for a JSON answer at a 5xx status that the provider
        documents as a definite refusal (nothing created), returned instead of raising."""
        attempt = 0
        while True:
            attempt += 1
            try:
                resp, result = self._fetch("POST", path, False, json=body)
            except requests.exceptions.RequestException as exc:
                if never_reached_server(exc) and attempt < self.policy.attempts:
                    wait = self.policy.delay(attempt)
                    self._can_wait(wait, "POST %s (it never reached the server)" % path, TransportError)
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
                    self._can_wait(wait, "POST %s (rejected with HTTP %d, nothing created)" % (path, resp.status_code),
                                   TransportError)
                    self.on_retry("POST %s rejected with HTTP %d (not queued); retrying in %.1fs"
                                  % (path, resp.status_code, wait))
                    self.sleep(wait)
                    continue
                raise TransportError("POST %s still rejected with HTTP %d after %d attempts"
                                     % (path, resp.status_code, attempt), http_status=resp.status_code)
            definite = refused is not None and result.data is not None and refused(result)
            if (resp.status_code >= 500 and not definite) or (200 <= resp.status_code < 300 and result.data is None):
                raise SubmitOutcomeUnknown(
                    "POST %s answered HTTP %d%s; the task may exist at the provider"
                    % (path, resp.status_code, "" if result.data is not None else " with an unreadable body"),
                    http_status=resp.status_code)
            return result

    def post_form(self, url, data, files):
        """One multipart POST with the provider's key (an upload: it creates nothing billable,
        so its caller may send it again); never follows a redirect. Returns the parsed answer;
        requests' exceptions for transport failures."""
        return self._fetch("POST", url, False, resendable=True, data=data, files=files)[1]

    def stream(self, url):
        """An open streaming GET of an absolute URL (no provider auth headers), with retries."""
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            self._out_of_time("a download")
            try:
                resp = requests.get(url, stream=True, timeout=self._timeouts(),
                                    headers={"User-Agent": USER_AGENT})
            except _NOT_FETCHABLE as exc:   # e.g. a redirect to file://: retrying cannot help
                raise TransportError("download refused: %s" % _describe(exc)) from None
            except requests.exceptions.RequestException as exc:
                self._out_of_time("a download")
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
            self._can_wait(wait, "a download (%s)" % problem)
            self.on_retry("download: %s; retrying in %.1fs" % (problem, wait))
            self.sleep(wait)

    def chunks(self, resp, size):
        """The body of a stream() response, chunk by chunk, checking the deadline between
        reads (each read returns what one recv brings, so a trickle cannot outlast it)."""
        raw = resp.raw
        read = getattr(raw, "read1", None) or raw.read
        while True:
            self._out_of_time("a download")
            bound_next_read(resp, self.remaining())
            try:
                data = read(size, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                self._out_of_time("a download")
                raise requests.exceptions.ConnectionError(exc) from None
            if not data:
                return
            yield data

    def put_bytes(self, url, data, content_type):
        """PUT raw bytes to a presigned upload URL. None of the provider's headers go along:
        the URL's signature is the auth (storage refuses a second one). Retried like a GET
        (a PUT of the same bytes to the same key is idempotent)."""
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            self._out_of_time("an upload")
            try:
                resp = requests.put(url, data=data, timeout=self._timeouts(), allow_redirects=False,
                                    headers={"User-Agent": USER_AGENT, "Content-Type": content_type})
            except requests.exceptions.RequestException as exc:
                problem, status = _describe(exc), None
            else:
                status = resp.status_code
                if 200 <= status < 300:
                    return status
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                problem = "HTTP %d %s" % (status, " ".join(redact(resp.text[:200]).split()))
                if status != 429 and status < 500:
                    raise TransportError("upload PUT refused: %s" % problem, http_status=status)
            wait = self.policy.delay(attempt, retry_after) if attempt < self.policy.attempts else None
            if wait is None:
                raise TransportError("upload PUT failed after %d attempt(s): %s" % (attempt, problem),
                                     http_status=status)
            self.on_retry("upload PUT: %s; retrying in %.1fs" % (problem, wait))
            self.sleep(wait)
