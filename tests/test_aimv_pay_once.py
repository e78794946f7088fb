"""Pay once, ever, across artifact roots; exact gate signals; blocked states are not "running".

The pay intent is claimed in the per-user pay ledger (GENMEDIA_STATE_DIR here) before the
pay POST, so no root, no damaged result.json and no lost or 429 answer leads to a second
pay. A state that cannot move on its own ends with error.kind `blocked`, exit 4, never 5.
"""

import http.server
import json
import shlex
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import TEST_KEY, sim_cli
from test_aimv_e2e import AIMV, calls, mv, start  # noqa: F401 (mv is a fixture)

PAY_PATH = "/api/v1/trustee_mode/mv/pay"


def _wait_until(predicate, deadline=20.0, required=True):
    end = time.time() + deadline
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.01)
    assert not required, "condition not reached"


def pays(sim):
    return len(calls(sim, "giggle.mv-pay"))


def other_root(artifacts, name="root-b"):
    """Another artifact root whose task index does not lead back to the first run (as when
    the first root was deleted or lives in another checkout): only the pay ledger is shared."""
    root = artifacts.parent / name
    root.mkdir(exist_ok=True)
    return {"GENMEDIA_ARTIFACTS_DIR": str(root), "XDG_DATA_HOME": str(artifacts.parent / (name + "-data"))}


def assert_blocked(res, status="awaiting_payment"):
    assert res.code == 4 and res.json["status"] == status, res
    assert res.json["error"]["kind"] == "blocked" and "dashboard" in res.json["error"]["message"], res
    assert res.json["next"] and "--yes" not in res.json["next"] and res.json["task_id"] in res.json["next"]
    assert "warning: blocked: " in res.stderr


def test_a_pay_answered_500_is_never_paid_again_from_another_root(mv, sim, artifacts):
    sim.faults.add("giggle.mv-pay", "http_500")   # not processed: the project stays unpaid
    res = start(mv, "--yes", "--timeout", "30")
    assert_blocked(res)
    assert res.json["payment"]["outcome"] == "answer_lost" and pays(sim) == 1
    ledger = list((artifacts.parent / "state" / "pay-ledger" / "giggle").glob("*.json"))
    assert len(ledger) == 1 and json.loads(ledger[0].read_text())["project_id"] == res.json["task_id"]
    again = mv("wait", "--task-id", res.json["task_id"], "--yes", "--timeout", "30", env=other_root(artifacts))
    assert_blocked(again)
    assert again.json["run_id"] != res.json["run_id"] and again.json["payment"]["requested_at"]
    assert any("never sent again" in note for note in again.json["notes"])
    assert pays(sim) == 1


def _damage(path, how):
    if how == "truncated":
        path.write_text(path.read_text()[:200])
    else:
        doc = json.loads(path.read_text())
        del doc["payment"]
        path.write_text(json.dumps(doc))


def test_a_damaged_result_json_never_leads_to_a_second_pay(mv, sim):
    for how in ("truncated", "payment block removed"):
        sim.faults.add("giggle.mv-pay", "http_500")
        first = start(mv, "--yes", "--timeout", "30")
        assert first.code == 4 and first.json["payment"]["requested_at"], first
        before = pays(sim)
        _damage(Path(first.json["artifacts"]["json"]), how)
        res = mv("wait", "--task-id", first.json["task_id"], "--yes", "--timeout", "30")
        assert_blocked(res)
        assert pays(sim) == before, how


def test_a_lost_pay_answer_while_still_pending_is_blocked_not_paid_again(mv, sim, artifacts):
    sim.pay_visible_after = 3600   # the pay was taken, but queries keep showing it pending
    sim.faults.add("giggle.mv-pay", "drop")
    res = start(mv, "--yes", "--timeout", "30")
    assert_blocked(res)   # was: exit 5 awaiting_payment on every call, no error
    assert res.json["payment"]["outcome"] == "answer_lost"
    for env in (None, other_root(artifacts)):
        again = mv("wait", "--task-id", res.json["task_id"], "--yes", "--timeout", "30", env=env)
        assert_blocked(again)
        assert "pending" in again.json["error"]["message"] and res.json["task_id"] in again.json["error"]["message"]
    assert pays(sim) == 1


def test_already_paid_from_the_provider_counts_as_paid(mv, sim):
    gate = start(mv)
    assert gate.code == 6, gate
    project = gate.json["task_id"]
    sim.pay_visible_after = 3600   # paid elsewhere (dashboard, another machine); queries lag
    paid = requests.post(sim.base_url + PAY_PATH, json={"project_id": project}, headers={"x-auth": TEST_KEY},
                         timeout=5)
    assert paid.status_code == 200
    proc = mv.popen("wait", "--task-id", project, "--yes", env={"GENMEDIA_POLL_SCALE": "0.01"})
    _wait_until(lambda: len(sim.pay_calls(project)) == 2)   # ours, refused: "already paid"
    sim.pay_visible_after = 0   # the provider's view catches up
    out, err = proc.communicate(timeout=60)
    doc = json.loads(out)
    assert proc.returncode == 0 and doc["status"] == "succeeded", (out, err)
    assert doc["payment"]["outcome"] == "already_paid" and doc["error"] is None
    assert [c["accepted"] for c in sim.pay_calls(project)] == [True, False]


def test_a_pay_answered_429_is_never_resent(mv, sim):
    sim.faults.add("giggle.mv-pay", "http_429", retry_after=0)
    res = start(mv, "--yes", "--timeout", "30")
    assert_blocked(res)
    assert res.json["payment"]["outcome"] == "answer_lost" and pays(sim) == 1
    assert any("429" in note for note in res.json["notes"])


def test_concurrent_waits_from_different_roots_pay_once(mv, sim, artifacts):
    gate = start(mv)
    assert gate.code == 6
    sim.pay_visible_after = 3600   # after the first pay the others still see "pending"...
    slower = {"GENMEDIA_POLL_SCALE": "0.01"}   # (a pay-settle window of 1.2 s)
    procs = [mv.popen("wait", "--task-id", gate.json["task_id"], "--yes", env=dict(other_root(artifacts, "r%d" % i),
                                                                                    **slower))
             for i in range(4)]
    _wait_until(lambda: sim.pay_calls(gate.json["task_id"]))
    paid_at = sim.pay_calls(gate.json["task_id"])[0]["at"]
    _wait_until(lambda: len([r for r in calls(sim, "giggle.mv-query") if r.time > paid_at]) >= 4, deadline=1.0,
                required=False)
    sim.pay_visible_after = 0   # ...until every process has looked at least once
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    assert pays(sim) == 1 and len(sim.pay_calls(gate.json["task_id"])) == 1


def test_an_unwritable_ledger_pays_nothing(mv, sim, artifacts):
    gate = start(mv)
    blocker = artifacts.parent / "state-file"
    blocker.write_text("not a folder")
    res = mv("wait", "--task-id", gate.json["task_id"], "--yes", env={"GENMEDIA_STATE_DIR": str(blocker)})
    assert res.code == 4 and res.json["error"]["kind"] == "pay_ledger", res
    assert "GENMEDIA_STATE_DIR" in res.json["error"]["message"] and pays(sim) == 0


def test_next_carries_the_root_from_the_environment(mv, sim, artifacts):
    gate = start(mv)
    assert gate.code == 6
    args = shlex.split(gate.json["next"])
    assert args[args.index("--artifacts-dir") + 1] == str(artifacts) and args[-1] == "--yes"
    # another shell, without GENMEDIA_ARTIFACTS_DIR: `next` still finds the run
    done = mv(*args[args.index("wait"):], unset=("GENMEDIA_ARTIFACTS_DIR",))
    assert done.code == 0 and done.json["run_id"] == gate.json["run_id"], done
    assert pays(sim) == 1


def test_a_project_whose_submit_was_never_processed_is_blocked_not_queued(mv, sim):
    sim.faults.add("giggle.mv-submit", "http_500")   # rejected before processing: created, never started
    res = start(mv, "--yes")
    assert res.code == 4 and res.json["status"] == "unknown", res
    again = mv("wait", "--task-id", res.json["task_id"], "--yes", "--timeout", "30")
    assert_blocked(again, status="queued")   # was: exit 5 `queued` on every call
    assert "never started" in again.json["error"]["message"]
    assert len(calls(sim, "giggle.mv-submit")) == 1 and pays(sim) == 0


class _PaidProject(http.server.BaseHTTPRequestHandler):
    """A provider whose project is paid and running a step whose name merely contains "pay"."""

    step = "payload"
    pay_posts = []

    def do_GET(self):
        data = {"project_id": "p1", "status": "processing", "pay_status": "paid", "current_step": self.step,
                "completed_steps": "music-generate,storyboard", "err_msg": "", "steps": [], "video_asset": None}
        self._send({"code": 200, "msg": "success", "data": data})

    def do_POST(self):
        self.pay_posts.append(self.path)
        self._send({"code": 200, "msg": "success", "data": {"order_id": "o1", "price": 580}})

    def _send(self, body):
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("step", ["payload", "repayment", "pay"])
def test_paid_vetoes_the_gate_and_a_step_merely_containing_pay_is_none(sim, artifacts, tmp_path, step):
    handler = type("Handler", (_PaidProject,), {"step": step, "pay_posts": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        cli = sim_cli(AIMV, sim, artifacts, tmp_path,
                      GIGGLE_BASE_URL="http://127.0.0.1:%d" % server.server_address[1])
        for extra in ((), ("--yes",)):
            res = cli("wait", "--task-id", "p1", "--timeout", "0.3", *extra)
            assert res.code == 5 and res.json["status"] == "running" and res.json["error"] is None, res
        assert handler.pay_posts == []
    finally:
        server.shutdown()
        server.server_close()
