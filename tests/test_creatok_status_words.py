"""CreatOK status words and result shapes the simulator does not produce, served by a
small scripted server on loopback: an unknown word is "still running" (noted), a result
image without `url` falls back to its `object_key`, "canceled" and a string error."""

import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import Cli, TEST_KEY, base_env
from creatok_helpers import IMAGE

SCRIPT = {  # task_id -> answers, one per status query (the last one repeats)
    "img_task_words": [{"status": "rendering"},
                       {"status": "succeeded", "result": {"images": [{"object_key": "open-skills/results/w-1.png"},
                                                                     {"url": None, "object_key": "k2.png"}]}}],
    "img_task_cancel": [{"status": "canceled", "error": "stopped by the user"}],
}


class Scripted(http.server.BaseHTTPRequestHandler):
    seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        Scripted.seen.append((split.path, query, self.headers.get("Authorization")))
        answers = SCRIPT.get(query.get("task_id"))
        if split.path != "/api/open/skills/tasks/status" or answers is None:
            self._send(404, {"code": 404, "msg": "task not found", "data": None})
            return
        count = sum(1 for _, q, _ in Scripted.seen if q.get("task_id") == query["task_id"])
        self._send(200, {"code": 0, "msg": "ok", "data": answers[min(count, len(answers)) - 1]})

    def _send(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def scripted(artifacts, tmp_path):
    Scripted.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = base_env(artifacts)
    env.update(CREATOK_API_KEY=TEST_KEY, CREATOK_BASE_URL="http://127.0.0.1:%d" % server.server_address[1])
    yield Cli(IMAGE, env, tmp_path)
    server.shutdown()
    server.server_close()


def test_an_unknown_word_is_still_running_and_object_keys_stand_in_for_urls(scripted):
    first = scripted("status", "--task-id", "img_task_words")
    assert first.code == 0, first
    assert first.json["status"] == "running" and first.json["provider_status"] == "rendering"
    assert any("unrecognized provider status 'rendering'" in n for n in first.json["notes"])
    done = scripted("wait", "--task-id", "img_task_words", "--no-download")
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert [o["url"] for o in done.json["outputs"]] == ["open-skills/results/w-1.png", "k2.png"]
    assert {q["task_type"] for _, q, _ in Scripted.seen} == {"image_generation"}
    assert {auth for _, _, auth in Scripted.seen} == {"Bearer " + TEST_KEY}


def test_canceled_with_a_string_error(scripted):
    res = scripted("wait", "--task-id", "img_task_cancel")
    assert res.code == 1, res
    assert res.json["status"] == "canceled" and res.json["error"]["kind"] == "canceled"
    assert "stopped by the user" in res.json["error"]["message"]
