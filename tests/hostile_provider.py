"""A small scriptable HTTP server on 127.0.0.1 that plays a hostile or broken provider.

Each test maps "METHOD /path" to an answer: a tuple (status, headers, body) or a
callable(request) returning one; a dict/list body is sent as JSON. Every request is
recorded (method, path, query, headers, body) so tests can check what was sent where.
"""

import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

T2I = "/api/v1/generation/text-to-image"
QUERY = "/api/v1/generation/task/query"


def envelope(data=None, code=200, msg="success"):
    return {"code": code, "msg": msg, "uuid": "u-1", "data": data}


def json_answer(body, status=200, headers=None):
    return status, dict({"Content-Type": "application/json"}, **(headers or {})), body


class Request:
    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body

    def __repr__(self):
        return "Request(%s %s)" % (self.method, self.path)


class HostileProvider:
    def __init__(self):
        self.routes = {}
        self.requests = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, parts.path, parse_qs(parts.query), dict(self.headers), body)
                owner.requests.append(request)
                answer = owner.routes.get("%s %s" % (self.command, parts.path))
                if answer is None:
                    answer = json_answer(envelope(None, code=404, msg="no such route"), status=404)
                status, headers, payload = answer(request) if callable(answer) else answer
                if callable(payload):   # a generator of chunks, streamed without Content-Length
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for chunk in payload():
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def on(self, route, answer):
        self.routes[route] = answer
        return self

    def seen(self, route):
        method, path = route.split(" ", 1)
        return [r for r in self.requests if r.method == method and r.path == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
