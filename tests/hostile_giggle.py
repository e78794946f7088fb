"""A giggle.pro look-alike on 127.0.0.1 whose answers each test scripts.

The simulator models the provider faithfully; this server is for what no provider
should do but some do: business errors inside HTTP 200, 100k-deep JSON, bodies
trickled a byte at a time, Retry-After far beyond the user's --timeout. Each answer
is an `Answer`; queued answers per route are used first, then the route's default.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TASK_ID = "hostile-task-0001"
QUERY = "/api/v1/generation/task/query"


class Answer:
    def __init__(self, body, status=200, headers=None, trickle=None, ctype="application/json"):
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.status = status
        self.headers = dict(headers or {})
        self.trickle = trickle   # seconds between single bytes, or None to send at once
        self.ctype = ctype


def envelope(data, code=200, msg="success"):
    return Answer({"code": code, "msg": msg, "uuid": "u-1", "data": data})


def task(status, urls=None):
    return envelope({"task_id": TASK_ID, "status": status, "urls": urls, "err_msg": None})


class Hostile:
    """`with Hostile() as h:` serves until the block ends; h.base_url, h.requests."""

    def __init__(self):
        self.queued = {"submit": [], "query": [], "file": []}
        self.default = {"submit": envelope({"task_id": TASK_ID}), "query": task("processing"),
                        "file": Answer(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, ctype="image/png")}
        self.requests = []           # (route, monotonic time)
        self.on_submit = None        # called before the submit is answered (e.g. fill the disk)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = "http://127.0.0.1:%d" % self._server.server_address[1]

    def add(self, route, *answers):
        with self._lock:
            self.queued[route].extend(answers)

    def count(self, route):
        return len([r for r in self.requests if r[0] == route])

    def _next(self, route):
        with self._lock:
            self.requests.append((route, time.monotonic()))
            return self.queued[route].pop(0) if self.queued[route] else self.default[route]

    def _handler(self):
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, route):
                answer = hostile._next(route)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.ctype)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if answer.trickle is None:
                        self.wfile.write(answer.body)
                    else:
                        for i in range(len(answer.body)):
                            self.wfile.write(answer.body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                except OSError:  # the client gave up: that is what the tests want to see
                    self.close_connection = True

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if hostile.on_submit:
                    hostile.on_submit()
                self._answer("submit")

            def do_GET(self):
                self._answer("query" if self.path.startswith(QUERY) else "file")

        return Handler

    def file_url(self, name="image-1.png"):
        return "%s/files/%s" % (self.base_url, name)

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
