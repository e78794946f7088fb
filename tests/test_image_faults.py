"""Provider faults are survived or reported with their cause; nothing is lost or charged twice."""

import json
import signal
import socket
import time
from pathlib import Path

import pytest


def created(sim):
    """Submits the simulator accepted (each created a task)."""
    return [r for r in sim.requests if r.method == "POST" and r.status == 200]


def test_transient_query_faults_are_survived_with_one_submit(image_cli, sim):
    sim.outcomes.add("succeed", duration=100)
    sim.faults.add("giggle.query", "http_500", times=2)
    sim.faults.add("giggle.query", "html_502")
    sim.faults.add("giggle.query", "http_429", retry_after=1)
    sim.faults.add("giggle.query", "drop")
    sim.faults.add("giggle.query", "malformed_json")
    res = image_cli("run", "--prompt", "x")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(created(sim)) == 1
    faults = [r.fault for r in sim.requests if r.route == "giggle.query" and r.fault]
    assert sorted(faults) == sorted(["http_500", "http_500", "html_502", "http_429", "drop", "malformed_json"])
    assert "retrying" in res.stderr


def test_429_retry_after_is_honoured(image_cli, sim):
    sim.faults.add("giggle.query", "http_429", retry_after=1)
    res = image_cli("run", "--prompt", "x")
    assert res.code == 0, res
    queries = [r for r in sim.requests if r.route == "giggle.query"]
    limited = next(i for i, r in enumerate(queries) if r.fault == "http_429")
    gap = queries[limited + 1].time - queries[limited].time
    assert gap >= 0.95, gap


@pytest.mark.parametrize("fault", ["hang", "drop", "http_500", "malformed_json"])
def test_submit_whose_answer_is_lost_is_never_resent(image_cli, sim, fault):
    sim.faults.add("giggle.submit", fault, **({"seconds": 4} if fault == "hang" else {}))
    res = image_cli("run", "--prompt", "x")
    assert res.code == 4, res
    assert res.json["status"] == "unknown" and res.json["task_id"] is None
    assert res.json["error"]["kind"] == "submit_outcome_unknown"
    assert any("nothing was resubmitted" in n for n in res.json["notes"])
    assert len([r for r in sim.requests if r.method == "POST"]) == 1
    assert not [r for r in sim.requests if r.route == "giggle.query"]


def test_submit_rejected_with_429_is_retried_and_creates_one_task(image_cli, sim):
    sim.faults.add("giggle.submit", "http_429", retry_after=0.2)
    res = image_cli("run", "--prompt", "x")
    assert res.code == 0, res
    posts = [r for r in sim.requests if r.method == "POST"]
    assert [p.status for p in posts] == [429, 200]


def test_connection_refused_on_submit_is_a_transport_error(image_cli, sim):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    res = image_cli("run", "--prompt", "x", env={"GIGGLE_BASE_URL": "http://127.0.0.1:%d" % port})
    assert res.code == 4 and res.json["error"]["kind"] == "transport", res
    assert res.json["status"] == "rejected" and "could not connect" in res.json["error"]["message"]


def test_query_outage_exits_4_with_resume_then_wait_completes(image_cli, sim):
    sim.faults.add("giggle.query", "http_500", times=40)
    res = image_cli("run", "--prompt", "x", timeout=120)
    assert res.code == 4 and res.json["error"]["kind"] == "transport", res
    assert res.json["task_id"] and res.json["next"]
    sim.faults.clear()
    done = image_cli("wait", "--task-id", res.json["task_id"])
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert len([r for r in sim.requests if r.method == "POST"]) == 1


def _wait_for_task_id(artifacts, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        for path in artifacts.rglob("result.json"):
            try:
                doc = json.loads(path.read_text())
            except ValueError:
                continue
            if doc.get("task_id"):
                return doc
        time.sleep(0.02)
    raise AssertionError("no task_id was written")


def test_kill_9_during_run_then_wait_completes(image_cli, sim, artifacts):
    sim.outcomes.add("succeed", duration=200)
    proc = image_cli.popen("run", "--prompt", "x")
    doc = _wait_for_task_id(artifacts)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    res = image_cli("wait", "--task-id", doc["task_id"])
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert res.json["run_id"] == doc["run_id"]
    assert len([r for r in sim.requests if r.method == "POST"]) == 1


def test_sigterm_during_wait_exits_130_with_next(image_cli, sim, artifacts):
    sim.outcomes.add("succeed", duration=500)
    sub = image_cli("submit", "--prompt", "x")
    proc = image_cli.popen("wait", "--task-id", sub.json["task_id"])
    deadline = time.time() + 10
    while not [r for r in sim.requests if r.route == "giggle.query"] and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    doc = json.loads(out)
    assert doc["next"] and doc["status"] in ("queued", "running") and "Traceback" not in err
    stored = json.loads(Path(doc["artifacts"]["json"]).read_text())
    assert stored["task_id"] == sub.json["task_id"]


def test_two_concurrent_waits_leave_a_valid_result(image_cli, sim):
    from genmedia_skills.validation import schema_registry

    sim.outcomes.add("succeed", duration=80)
    sub = image_cli("submit", "--prompt", "x", "--generate-count", "3")
    procs = [image_cli.popen("wait", "--task-id", sub.json["task_id"]) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    path = Path(sub.json["artifacts"]["json"])
    doc = json.loads(path.read_text())
    assert schema_registry.errors("result.schema.json", doc) == []
    assert doc["status"] == "succeeded" and len(doc["outputs"]) == 3
    for out in doc["outputs"]:
        assert Path(out["path"]).read_bytes().startswith(b"\x89PNG")
    leftovers = [p.name for p in path.parent.rglob("*") if p.name.endswith((".tmp", ".part"))]
    assert leftovers == []


def test_not_found_right_after_submit_is_survived_within_the_grace_window(image_cli, sim):
    sim.faults.add("giggle.query", "not_found", times=2)
    # poll scale 0.1: the 25 s grace is 2.5 s here, room for a loaded machine's pauses
    res = image_cli("run", "--prompt", "x", env={"GENMEDIA_POLL_SCALE": "0.1"})
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert [r.status for r in sim.requests if r.route == "giggle.query"][:2] == [404, 404]


def test_not_found_beyond_the_grace_window_is_an_unknown_task(image_cli, sim):
    sim.faults.add("giggle.query", "not_found", times=10000)
    res = image_cli("run", "--prompt", "x")
    assert res.code == 4 and res.json["error"]["kind"] == "unknown_task", res
    assert res.json["task_id"] and len([r for r in sim.requests if r.method == "POST"]) == 1


def test_a_mistyped_simulator_fault_spec_is_a_usage_error_naming_the_variable(offline_cli):
    res = offline_cli("run", "--simulate", "--prompt", "x", env={"GENMEDIA_SIM_FAULTS": "giggle.submit:http_400"})
    assert res.code == 2, res
    assert "GENMEDIA_SIM_FAULTS='giggle.submit:http_400'" in res.stderr and "allowed: http_500" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
