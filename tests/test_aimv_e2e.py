"""giggle-generation-aimv and -aimv-30 end to end: the trustee workflow against the simulator.

The payment gate is the point: without --yes pay is never called; with it pay is
called exactly once per project, even when the process is killed between the
pay and the next query, or the pay's answer is lost.
"""

import json
import signal
import time
from pathlib import Path

import pytest

from conftest import ROOT, sim_cli
from test_image_e2e import png_bytes

AIMV = ROOT / "skills" / "giggle-generation-aimv" / "scripts" / "generate_mv.py"
AIMV30 = ROOT / "skills" / "giggle-generation-aimv-30" / "scripts" / "generate_mv.py"
STEPS = ["music-generate", "storyboard", "shot", "editor"]


def _cli(script, sim, artifacts, tmp_path):
    (tmp_path / "ref.png").write_bytes(png_bytes())
    # the trustee schedule waits ~0.8 x 300 s before its second check: shrink it further
    return sim_cli(script, sim, artifacts, tmp_path, GENMEDIA_POLL_SCALE="0.002")


@pytest.fixture
def mv(sim, artifacts, tmp_path):
    sim.outcomes.add("succeed", times=5, duration=100)   # ~1 s per workflow at the test time scale
    return _cli(AIMV, sim, artifacts, tmp_path)


def calls(sim, route):
    return [r for r in sim.requests if r.route == route]


def start(mv, *extra):
    return mv("run", "--prompt", "a dreamy synth-pop song about the sea", "--reference-image", "ref.png", *extra)


def test_without_yes_the_gate_stops_and_pay_is_never_called(mv, sim):
    res = start(mv)
    assert res.code == 6, res
    doc = res.json
    assert doc["status"] == "awaiting_payment" and doc["error"]["kind"] == "confirmation_required"
    assert doc["payment"]["pay_status"] == "pending" and not doc["payment"].get("requested_at")
    assert doc["next"].endswith("--yes") and "wait --task-id " + doc["task_id"] in doc["next"]
    assert doc["progress"]["completed_steps"] == ["music-generate", "storyboard"]
    again = mv("wait", "--task-id", doc["task_id"])
    st = mv("status", "--task-id", doc["task_id"])
    assert again.code == 6 and st.code == 6
    assert calls(sim, "giggle.mv-pay") == []
    assert len(calls(sim, "giggle.project-create")) == 1 and len(calls(sim, "giggle.mv-submit")) == 1


def test_wait_with_yes_pays_once_and_finishes_with_order_and_price(mv, sim):
    gate = start(mv)
    res = mv("wait", "--task-id", gate.json["task_id"], "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    pay = res.json["payment"]
    assert pay["outcome"] == "paid" and pay["order_id"] and pay["price"] == 580 and pay["requested_at"]
    assert gate.json["cost"]["source"] == "unknown"   # giggle.pro names no price before its pay answer
    assert res.json["cost"]["credits"] == 580 and res.json["cost"]["source"] == "reported"   # the pay price
    assert len(calls(sim, "giggle.mv-pay")) == 1 and len(sim.pay_calls(gate.json["task_id"])) == 1
    video, thumb = res.json["outputs"]
    assert video["kind"] == "video" and Path(video["path"]).read_bytes()[4:8] == b"ftyp"
    assert thumb["kind"] == "image" and Path(thumb["path"]).read_bytes().startswith(b"\x89PNG")
    assert res.json["progress"]["completed_steps"] == STEPS
    md = Path(res.json["artifacts"]["md"]).read_text()
    assert pay["order_id"] in md and "580" in md
    assert "step" in res.stderr and "paid: order" in res.stderr
    # a later --yes never pays again
    assert mv("wait", "--task-id", gate.json["task_id"], "--yes").code == 0
    assert len(calls(sim, "giggle.mv-pay")) == 1


def _wait_until(predicate, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached")


def test_killed_between_pay_and_the_next_query_never_pays_twice(mv, sim, artifacts):
    sim.faults.add("giggle.mv-pay", "hang", seconds=5)   # the payment is taken, its answer never comes
    proc = mv.popen("run", "--prompt", "x", "--reference-image", "ref.png", "--yes")
    _wait_until(lambda: calls(sim, "giggle.mv-pay"))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    (path,) = artifacts.rglob("result.json")
    saved = json.loads(path.read_text())
    assert saved["payment"]["requested_at"]          # the intent was written before the POST
    res = mv("wait", "--task-id", saved["task_id"], "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(calls(sim, "giggle.mv-pay")) == 1 and len(sim.pay_calls(saved["task_id"])) == 1


def test_a_lost_pay_answer_is_never_resent(mv, sim):
    sim.faults.add("giggle.mv-pay", "drop")
    res = start(mv, "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert res.json["payment"]["outcome"] == "answer_lost"
    assert any("never resent" in n for n in res.json["notes"])
    assert len(calls(sim, "giggle.mv-pay")) == 1


BAD = [
    (["--prompt", "x", "--reference-image", "data:image/png;base64,iVBORw0KGgo="], "--reference-image"),
    (["--prompt", "x"], "--reference-image"),
    (["--prompt", "x", "--reference-image", "nope/missing.png"], "--reference-image"),
    (["--prompt", "x", "--lyrics", "la", "--reference-image", "ref.png"], "music"),
    (["--lyrics", "la", "--style", "pop", "--reference-image", "ref.png"], "--title"),
    (["--reference-image", "ref.png"], "music"),
    (["--prompt", "x", "--reference-image", "ref.png", "--aspect", "4:3"], "--aspect"),
    (["--prompt", "x", "--reference-image", "ref.png", "--vocal-gender", "robot"], "--vocal-gender"),
    (["--music-asset-id", "a1", "--instrumental", "--reference-image", "ref.png"], "--instrumental"),
    (["--prompt", "x", "--reference-image", "ref.png", "--scene-description", "y" * 2001], "--scene-description"),
]


@pytest.mark.parametrize("args,field", BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_everything_is_validated_before_the_project_is_created(mv, sim, artifacts, args, field):
    res = mv("run", *args)
    assert res.code == 2 and field in res.stderr and res.stderr.count("\n") == 1, res
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_failure_exits_1_with_the_message_then_retry_from_the_step_completes(sim, artifacts, tmp_path):
    sim.outcomes.add("fail", duration=100, message="shot generation failed: GPU lost")
    mv = _cli(AIMV, sim, artifacts, tmp_path)
    res = start(mv, "--yes")
    assert res.code == 1 and "GPU lost" in res.json["error"]["message"], res
    assert res.json["progress"]["failed_steps"][0]["error"] == "shot generation failed: GPU lost"
    again = mv("retry", "--task-id", res.json["task_id"], "--step", "shot", "--yes")
    assert again.code == 0 and again.json["status"] == "succeeded", again
    assert [r.body for r in calls(sim, "giggle.mv-retry")] == [{"project_id": res.json["task_id"],
                                                                 "current_step": "shot"}]
    assert len(calls(sim, "giggle.mv-pay")) == 1
    assert mv("retry", "--task-id", res.json["task_id"], "--step", "dance").code == 2


def test_an_err_msg_while_running_is_not_a_failure(sim, artifacts, tmp_path):
    # music-generate (where the transient message shows) lasts ~1 s, so polling sees it
    sim.outcomes.add("flaky_sub_step", duration=400, message="retrying upstream: timeout")
    res = start(_cli(AIMV, sim, artifacts, tmp_path), "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert any("not treated as a failure" in n for n in res.json["notes"])


def test_aimv_30_creates_an_aimv_30_project(sim, artifacts, tmp_path):
    sim.outcomes.add("succeed", duration=100)
    res = _cli(AIMV30, sim, artifacts, tmp_path)("run", "--lyrics", "la la", "--style", "pop", "--title", "T",
                                                "--reference-image", "asset_id:ast1", "--aspect", "9:16", "--yes")
    assert res.code == 0 and res.json["payment"]["price"] == 290, res
    (create,) = calls(sim, "giggle.project-create")
    assert create.body == {"name": "T", "type": "aimv-30", "aspect": "9:16", "mode": "trustee"}
    (submit,) = calls(sim, "giggle.mv-submit")
    assert submit.body == {"project_id": res.json["task_id"], "aspect": "9:16", "music_generate_type": "custom",
                           "lyrics": "la la", "style": "pop", "title": "T", "scene_description": "",
                           "subtitle_enabled": False, "reference_image": "ast1"}
    assert res.json["skill"] == "giggle-generation-aimv-30"


def test_timeout_exits_5_and_wait_continues(mv, sim):
    res = start(mv, "--yes", "--timeout", "0.2")
    assert res.code == 5 and res.json["next"], res
    done = mv("wait", "--task-id", res.json["task_id"], "--yes")
    assert done.code == 0 and len(calls(sim, "giggle.mv-pay")) == 1, done


def test_lost_submit_answer_keeps_the_project_id_and_is_never_resent(mv, sim):
    sim.faults.add("giggle.mv-submit", "drop")
    res = start(mv, "--yes")
    assert res.code == 4 and res.json["status"] == "unknown", res
    (create,) = calls(sim, "giggle.project-create")
    assert res.json["task_id"] and len(calls(sim, "giggle.mv-submit")) == 1
    done = mv("wait", "--task-id", res.json["task_id"], "--yes")   # it was submitted after all
    assert done.code == 0 and len(calls(sim, "giggle.mv-submit")) == 1, done


def test_lost_create_answer_sends_no_submit(mv, sim):
    sim.faults.add("giggle.project-create", "drop")
    res = start(mv, "--yes")
    assert res.code == 4 and res.json["status"] == "unknown" and res.json["task_id"] is None, res
    assert len(calls(sim, "giggle.project-create")) == 1 and calls(sim, "giggle.mv-submit") == []


def test_transient_query_faults_are_survived(mv, sim):
    for kind in ("http_500", "html_502", "drop"):
        sim.faults.add("giggle.mv-query", kind)
    res = start(mv, "--yes")
    assert res.code == 0 and len(calls(sim, "giggle.project-create")) == 1, res


def test_two_concurrent_waits_with_yes_pay_exactly_once(mv, sim):
    gate = start(mv)
    assert gate.code == 6
    procs = [mv.popen("wait", "--task-id", gate.json["task_id"], "--yes") for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    assert len(calls(sim, "giggle.mv-pay")) == 1 and len(sim.pay_calls(gate.json["task_id"])) == 1
    final = json.loads(Path(gate.json["artifacts"]["json"]).read_text())
    assert final["payment"]["order_id"] and final["payment"]["price"] == 580 and final["status"] == "succeeded"
