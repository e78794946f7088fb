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
"""

import json
import time

import requests
from urllib3.exceptions import NewConnectionError

from . import USER_AGENT
from .errors import BadResponse, SubmitOutcomeUnknown, TransportError
from .redaction import redact
from .retry_policy import RetryPolicy, parse_retry_after


class Response:
    def __init__(self, status, headers, text, data):
        self.status = status
        self.headers = headers
        self.text = text
        self.data = data   # parsed JSON, or None when the body is not JSON


def _parse(resp):
    text = resp.text
    ctype = resp.headers.get("Content-Type", "")
    data = None
    if "html" not in ctype.lower():
        try:
            data = json.loads(text)
        except ValueError:
            data = None
    return Response(resp.status_code, resp.headers, text, data)


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

    def get_json(self, path, params=None):
        """GET with retries; returns a Response with JSON data, else raises."""
        attempt = 0
        while True:
            attempt += 1
            retry_after, status = None, None
            try:
                resp = self.session.get(self.url(path), params=params, timeout=self.timeouts)
            except requests.exceptions.RequestException as exc:
                problem, raw = _describe(exc), None
            else:
                result, status = _parse(resp), resp.status_code
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

    def submit_json(self, path, body, rejected_statuses=(429,)):
        """POST a paid submit; see the module docstring for when it is resent."""
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self.session.post(self.url(path), json=body, timeout=self.timeouts)
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
            result = _parse(resp)
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

    def put_bytes(self, url, data, content_type):
        """PUT raw bytes to a presigned upload URL. None of the provider's headers go along:
        the URL's signature is the auth (storage refuses a second one). Retried like a GET
        (a PUT of the same bytes to the same key is idempotent)."""
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                resp = requests.put(url, data=data, timeout=self.timeouts,
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
