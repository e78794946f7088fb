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
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.session.headers.update(headers)

    def url(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def get_json(self, path, params=None, retry_when=None):
        """GET with retries; returns a Response with JSON data, else raises.

        `retry_when(response)`: for providers whose JSON answers say themselves whether to
        ask again (KIE: HTTP 200 with code 455, or HTTP 501 "generation failed", final): a
        short problem text to retry like a 5xx, or None to return the answer."""
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
            self.on_retry("GET %s: %s; retrying in %.1fs" % (path, problem, wait))
            self.sleep(wait)

    def submit_json(self, path, body, rejected_statuses=(429,), refused=None):
        """POST a paid submit; see the module docstring for when it is resent.

        `refused(response)`: True for a JSON answer at a 5xx status that the provider
        documents as a definite refusal (nothing created), returned instead of raising."""
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
            definite = refused is not None and result.data is not None and refused(result)
            if (resp.status_code >= 500 and not definite) or (200 <= resp.status_code < 300 and result.data is None):
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
