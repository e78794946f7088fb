"""Once a task_id exists it is never lost: whatever the provider answers afterwards, a
full disk, a damaged result.json or processes racing on one run, stdout is the result
object with the task_id and `next`, and the run on disk keeps up."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import IMAGE_SCRIPT, TEST_KEY, scan_for_key, sim_cli
from hostile_giggle import TASK_ID, Answer, Hostile, envelope, task


def hostile_cli(hostile, artifacts, cwd):
    return sim_cli(IMAGE_SCRIPT, hostile, artifacts, cwd)


def assert_resumable(res, artifacts):
    """The result object (not a bare error) with the task_id, `next`, and result.json in step."""
    assert res.json is not None and res.json.get("task_id") == TASK_ID, res
    assert res.json["next"] and "wait --task-id %s" % TASK_ID in res.json["next"], res
    stored = json.loads(open(res.json["artifacts"]["json"], encoding="utf-8").read())
    assert stored["task_id"] == TASK_ID and stored["error"] == res.json["error"]


@pytest.mark.parametrize("code", [500, 429, 502])
def test_a_business_error_on_a_query_is_a_failed_query_that_is_retried(artifacts, tmp_path, code):
    with Hostile() as hostile:
        hostile.add("query", envelope(None, code=code, msg="server busy"))
        hostile.default["query"] = task("completed", [hostile.file_url()])
        res = hostile_cli(hostile, artifacts, tmp_path)("run", "--prompt", "x", "--timeout", "30")
        assert res.code == 0 and res.json["status"] == "succeeded", res
        assert hostile.count("query") == 2 and hostile.count("submit") == 1
        assert "query failed" in res.stderr


@pytest.mark.parametrize("code", [500, 429, 502])
def test_business_errors_that_persist_end_in_the_result_object_not_a_bare_error(artifacts, tmp_path, code):
    with Hostile() as hostile:
        hostile.default["query"] = envelope(None, code=code, msg="server busy")
        res = hostile_cli(hostile, artifacts, tmp_path)("run", "--prompt", "x", "--timeout", "30")
        assert res.code == 4, res
        assert_resumable(res, artifacts)
        assert "server busy" in res.json["error"]["message"]
        assert hostile.count("query") == 3   # MAX_QUERY_FAILURES, then it stops and says how to resume


def test_status_with_a_business_error_keeps_the_task(artifacts, tmp_path):
    with Hostile() as hostile:
        cli = hostile_cli(hostile, artifacts, tmp_path)
        assert cli("submit", "--prompt", "x").code == 0
        hostile.default["query"] = envelope(None, code=500, msg="internal error")
        res = cli("status", "--task-id", TASK_ID)
        assert res.code == 4, res
        assert_resumable(res, artifacts)


DEEP = b"[" * 100000 + b"]" * 100000


def test_a_100k_deep_answer_is_retried_like_any_unreadable_answer(artifacts, tmp_path):
    with Hostile() as hostile:
        hostile.add("query", Answer(DEEP))
        hostile.default["query"] = task("completed", [hostile.file_url()])
        res = hostile_cli(hostile, artifacts, tmp_path)("run", "--prompt", "x", "--timeout", "30")
        assert res.code == 0 and res.json["status"] == "succeeded", res


def test_a_provider_that_only_answers_100k_deep_json_leaves_a_resumable_run(artifacts, tmp_path):
    with Hostile() as hostile:
        hostile.default["query"] = Answer(DEEP)
        res = hostile_cli(hostile, artifacts, tmp_path)("run", "--prompt", "x", "--timeout", "30")
        assert res.code == 4, res
        assert_resumable(res, artifacts)
        assert res.json["error"]["kind"] == "bad_response"


@pytest.fixture
def tiny_fs(tmp_path):
    """A 512 KiB tmpfs: a real file system that really fills up (needs root to mount)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(directory):
    """Write until the file system says ENOSPC; returns the filler's path."""
    path = directory / "filler"
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return path


def test_disk_full_right_after_the_submit_still_hands_over_the_task_id(tiny_fs, tmp_path):
    artifacts = tiny_fs / "artifacts"
    with Hostile() as hostile:
        hostile.default["query"] = task("completed", [hostile.file_url()])
        hostile.on_submit = lambda: fill(tiny_fs)   # the provider creates the task; then our disk is full
        cli = hostile_cli(hostile, artifacts, tmp_path)
        res = cli("run", "--prompt", "x")
        assert res.code == 4, res
        assert res.json["task_id"] == TASK_ID and "wait --task-id %s" % TASK_ID in res.json["next"]
        assert res.json["error"]["kind"] == "not_saved"
        assert "No space left on device" in res.json["error"]["message"]
        assert "internal error" not in res.stdout + res.stderr
        assert TASK_ID in res.stderr and "could not be saved" in res.stderr
        assert hostile.count("submit") == 1

        (tiny_fs / "filler").unlink()          # space again: `next` picks the task up
        hostile.on_submit = None
        later = cli("wait", "--task-id", TASK_ID)
        assert later.code == 0 and later.json["status"] == "succeeded", later
        assert hostile.count("submit") == 1
    assert scan_for_key(tiny_fs) == []


DAMAGES = {
    "a list": lambda doc: [],
    "a string": lambda doc: "hello",
    "request as a string": lambda doc: dict(doc, request="oops"),
    "polls missing": lambda doc: {k: v for k, v in doc.items() if k != "polls"},
    "outputs a dict": lambda doc: dict(doc, outputs={"url": "x"}),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_result_json_is_flagged_by_list_and_rebuilt_by_status(image_cli, sim, artifacts, damage):
    first = image_cli("submit", "--prompt", "first")
    second = image_cli("submit", "--prompt", "second")
    assert first.code == 0 and second.code == 0
    path = first.json["artifacts"]["json"]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(DAMAGES[damage](first.json), handle)

    listed = image_cli("list")
    assert listed.code == 0, listed
    by_run = {row["run_id"]: row for row in listed.json}
    assert by_run[second.json["run_id"]]["task_id"] == second.json["task_id"]
    assert path in by_run[first.json["run_id"]]["damaged"]

    res = image_cli("status", "--task-id", first.json["task_id"])
    assert res.code == 0, res
    assert res.json["run_id"] == first.json["run_id"] and res.json["status"] in ("queued", "running", "succeeded")
    assert any("result.json was damaged" in note for note in res.json["notes"])
    kept = [p for p in os.listdir(os.path.dirname(path)) if p.startswith("result.damaged-")]
    assert len(kept) == 1
    assert image_cli("list").json[-1].get("damaged") is None   # repaired for good


def foreign_task(sim):
    resp = requests.post(sim.base_url + "/api/v1/generation/text-to-image", headers={"x-auth": TEST_KEY},
                         json={"prompt": "x", "generate_count": 1, "model": "seedream45",
                               "aspect_ratio": "1:1", "resolution": "1K"}, timeout=5)
    return resp.json()["data"]["task_id"]


def test_concurrent_waits_on_a_foreign_task_share_one_run(image_cli, sim, artifacts):
    task_id = foreign_task(sim)
    # each first query waits 2 s (Retry-After), so every process is between "no run found"
    # and "provider confirmed the id" at once: the window in which runs used to multiply
    sim.faults.add("giggle.query", "http_429", times=6, retry_after=2)
    procs = [image_cli.popen("wait", "--task-id", task_id, "--timeout", "60", "--quiet") for _ in range(6)]
    outs = [p.communicate(timeout=90) for p in procs]
    docs = [json.loads(out) for out, _ in outs]
    assert [p.returncode for p in procs] == [0] * 6, [err for _, err in outs]
    runs = [d for d in os.listdir(str(artifacts / "giggle-generation-image")) if not d.startswith(".")]
    assert len(runs) == 1, runs
    assert {d["run_id"] for d in docs} == set(runs)


def test_concurrent_status_calls_lose_no_poll(image_cli, sim, artifacts):
    sim.outcomes.add("never")
    sub = image_cli("submit", "--prompt", "x")
    n = 12
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(lambda _: image_cli("status", "--task-id", sub.json["task_id"], "--quiet"),
                                range(n)))
    assert all(r.code == 0 for r in results), results
    stored = json.loads(open(sub.json["artifacts"]["json"], encoding="utf-8").read())
    assert stored["polls"] == n
