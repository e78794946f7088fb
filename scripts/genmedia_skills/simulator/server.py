"""The simulator's HTTP layer: threaded stdlib server, dispatch, faults, request log.

HTTP/1.1 with Content-Length on every answer so keep-alive clients (requests.Session)
reuse connections like they would against the real CDN. Faults are applied here, around
whichever provider handler the router picked, so every provider gets them for free.
"""
import collections
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .faults import POST_FAULTS, PRE_FAULTS, route_matches
from .routing import Request, Response, html_502, plain_json_error

CONTROL_PREFIX = "/__sim__/"
MAX_BODY = 64 * 1024 * 1024  # generous: image-to-image may carry base64 references

RequestRecord = collections.namedtuple(
    "RequestRecord", "method path query headers body status route fault time")


class RequestLog(object):
    """Every request the simulator saw, in arrival order (thread-safe)."""

    def __init__(self):
        self._entries = []
        self._lock = threading.Lock()

    def start(self, **fields):
        entry = dict(fields, status=None, time=time.time())  # arrival, for Retry-After checks
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry, status):
        with self._lock:
            entry["status"] = status

    def snapshot(self):
        with self._lock:
            return [RequestRecord(*(e[f] for f in RequestRecord._fields)) for e in self._entries]

    def count(self, route):
        with self._lock:
            return sum(1 for e in self._entries
                       if e["route"] == route or route_matches(route, e["route"], e["submit"]))

    def clear(self):
        with self._lock:
            del self._entries[:]


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True       # a hung handler must never keep the process alive
    block_on_close = False
    request_queue_size = 256    # batch runs open many connections at once (default is 5)

    def __init__(self, address, sim):
        self.sim = sim
        self.stopping = threading.Event()  # wakes "hang" faults on stop()
        self._conns = set()
        self._conns_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, Handler)

    def process_request(self, request, client_address):
        with self._conns_lock:
            self._conns.add(request)
        ThreadingHTTPServer.process_request(self, request, client_address)

    def shutdown_request(self, request):
        with self._conns_lock:
            self._conns.discard(request)
        ThreadingHTTPServer.shutdown_request(self, request)

    def close_connections(self):
        """Cut idle keep-alive connections so no handler thread outlives stop()."""
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)) or self.stopping.is_set():
            return  # clients hanging up (e.g. after a ReadTimeout) are not server bugs
        ThreadingHTTPServer.handle_error(self, request, client_address)


def _retry_after(value):
    value = float(value)
    return str(int(value)) if value == int(value) else repr(value)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "genmedia-simulator/1"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass  # the request log is the record; keep stderr clean for the CLI

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _dispatch(self):
        sim = self.server.sim
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(plain_json_error(400, "body: unreadable request body"))
            return
        req = Request(self.command, path, query, headers, body, sim.base_url)
        if path.startswith(CONTROL_PREFIX):
            route, name = None, "control"
        else:
            route, req.params = sim.router.match(self.command, path)
            name = route.name if route else "unknown"
        fault = sim.faults.take(route.name, route.submit) if route else None
        kind, params = fault if fault else (None, {})
        ok, parsed = req.json()
        # Logged on arrival (fault included) so a request stuck in "hang" is visible.
        entry = sim.log.start(method=self.command, path=path, query=query, headers=headers,
                              body=parsed if ok else None, route=name, fault=kind,
                              submit=bool(route and route.submit))
        try:
            if name == "control":
                from .control import handle_control  # only tests/benchmarks need it
                resp = handle_control(sim, req)
            elif route is None:
                resp = plain_json_error(404, "not found: %s %s" % (self.command, path))
            elif kind in PRE_FAULTS:
                resp = self._pre_fault(kind, params, route)
            else:
                resp = route.handler(req)
                if kind in POST_FAULTS:
                    resp = self._post_fault(kind, params, route, resp)
        except Exception as exc:  # a simulator bug must look like a 500, not a hang
            traceback.print_exc()
            resp = plain_json_error(500, "simulator internal error: %s" % exc)
        sim.log.finish(entry, resp.status if resp is not None else None)
        if resp is None:
            self.close_connection = True  # drop/hang: close without a single byte
            return
        self._send(resp)

    def _pre_fault(self, kind, params, route):
        if kind == "html_502":
            return html_502(self.headers.get("Host", "simulator"), uuid.uuid4().hex[:16] + "-SIM")
        if kind == "http_429":
            return route.errors(429, None, {"Retry-After": _retry_after(params.get("retry_after", 1))})
        if kind == "code":
            return route.errors(int(params.get("code", 500)), params.get("message"), None)
        status = {"http_500": 500, "http_401": 401, "not_found": 404}[kind]
        return route.errors(status, None, None)

    def _post_fault(self, kind, params, route, resp):
        if kind == "drop":
            return None
        if kind == "hang":
            self.server.stopping.wait(float(params.get("seconds", 5)))
            return None
        if kind == "malformed_json":
            body = resp.body()
            ctype = "application/json" if resp.is_json else resp.content_type
            return Response(200, body=body[: max(1, len(body) // 2)], content_type=ctype)
        # missing_field: the answer is otherwise normal
        data = resp.payload.get("data") if isinstance(resp.payload, dict) else None
        if isinstance(data, dict):
            data.pop(params.get("field") or route.missing_field, None)
        return resp

    def _send(self, resp):
        body = resp.body()
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in resp.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (ConnectionError, socket.timeout):
            self.close_connection = True
