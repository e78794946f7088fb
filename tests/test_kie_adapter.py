"""The KIE adapter against a scripted server on loopback: every recordInfo shape B10 lists."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from genmedia_skills.core.errors import AuthError, BadResponse, UnknownTask
from genmedia_skills.http.http_client import HttpClient
from genmedia_skills.providers.kie.image import KieImage
from genmedia_skills.http.retry_policy import RetryPolicy


class Scripted:
    """Answers GETs with the next scripted (status, body) and records the query strings."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.paths = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                script.paths.append(self.path)
                status, body = script.answers.pop(0)
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]


@pytest.fixture
def kie():
    servers = []

    def make(*answers):
        server = Scripted(answers)
        servers.append(server)
        http = HttpClient(server.url, {"Authorization": "Bearer k"}, (2, 2), policy=RetryPolicy(base=0.001, cap=0.01))
        return server, lambda task_id="task_x_1": KieImage().query(http, task_id)
    yield make
    for server in servers:
        server.server.shutdown()


def record(state, **extra):
    return 200, {"code": 200, "msg": "success", "data": dict({"taskId": "t", "state": state}, **extra)}


def test_running_shapes_then_every_result_url(kie):
    server, query = kie(record("waiting", resultJson=None, failCode=None, failMsg=None),
                        record("queuing", resultJson="", failCode="", failMsg=""),
                        record("rendering", resultJson='{"resultUrls":[]}'),
                        record("success", resultJson='{"resultUrls":["https://r/1.png"," https://r/2.png"]}',
                               failCode=None, failMsg=None, completeTime=1700000000000, creditsConsumed=18))
    snaps = [query("task_a b/1") for _ in range(4)]
    assert [s.status for s in snaps] == ["queued", "queued", "running", "succeeded"]
    assert "rendering" in snaps[2].note and snaps[3].urls == ["https://r/1.png", "https://r/2.png"]
    assert snaps[3].completed_at == 1700000000.0 and snaps[3].credits == {"consumed": 18, "remaining": None}
    assert server.paths[0] == "/api/v1/jobs/recordInfo?taskId=task_a+b%2F1"   # the id is URL-encoded


def test_fail_keeps_fail_code_and_message(kie):
    _, query = kie(record("fail", resultJson="", failCode="500", failMsg="Internal server error"))
    snap = query()
    assert snap.status == "failed" and "failCode 500" in snap.error.message
    assert snap.error.provider_message == "Internal server error" and snap.error.exit_code == 1


def test_message_is_read_when_msg_is_missing(kie):
    _, query = kie((200, {"code": 401, "message": "You do not have access permissions"}))
    with pytest.raises(AuthError) as info:
        query()
    assert "You do not have access permissions" in info.value.message


def test_null_record_is_an_unknown_task(kie):
    _, query = kie((200, {"code": 422, "msg": "recordInfo is null", "data": None}))
    with pytest.raises(UnknownTask):
        query()


def test_unreadable_result_json_on_success_is_a_bad_response(kie):
    _, query = kie(record("success", resultJson="{not json"))
    with pytest.raises(BadResponse):
        query()


def test_sora_progress(kie):
    _, query = kie(record("generating", progress=42))
    assert query().progress["percent"] == 42
