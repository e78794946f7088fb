"""`--timeout` is a promise: Retry-After, slow bodies and downloads all end with it.

A command that outlives its --timeout is killed by the agent that called it and prints
neither the result nor `next`; so when time runs out the command exits 5 with `next`,
and a cut-short download is fetched by the next `wait`.
"""

import os
import time

from conftest import IMAGE_SCRIPT, sim_cli
from hostile_giggle import TASK_ID, Answer, Hostile, envelope, task

MARGIN = 5.0   # start-up and the last request's connect; far below what the faults would take


def run_timed(cli, *args):
    start = time.monotonic()
    res = cli(*args, timeout=60)
    return res, time.monotonic() - start


def assert_resumable(res):
    assert res.code == 5, res
    assert res.json["task_id"] == TASK_ID and "wait --task-id %s" % TASK_ID in res.json["next"], res


def test_retry_after_beyond_the_timeout_is_not_waited_for(artifacts, tmp_path):
    """The issue's acceptance: 503 + Retry-After: 20 with --timeout 5 returns within ~10 s."""
    with Hostile() as hostile:
        hostile.default["query"] = Answer(b"busy", status=503, headers={"Retry-After": "20"}, ctype="text/plain")
        res, took = run_timed(sim_cli(IMAGE_SCRIPT, hostile, artifacts, tmp_path), "run", "--prompt", "x",
                              "--timeout", "5")
        assert_resumable(res)
        assert took < 5 + MARGIN, took


def test_a_query_answer_trickled_a_byte_a_second_ends_with_the_timeout(artifacts, tmp_path):
    with Hostile() as hostile:
        slow = envelope({"task_id": TASK_ID, "status": "processing"})
        hostile.default["query"] = Answer(slow.body, trickle=0.5)   # ~60 s for the whole body
        cli = sim_cli(IMAGE_SCRIPT, hostile, artifacts, tmp_path, GENMEDIA_READ_TIMEOUT="20")
        res, took = run_timed(cli, "run", "--prompt", "x", "--timeout", "3")
        assert_resumable(res)
        assert took < 3 + MARGIN, took


def test_a_trickled_answer_without_a_timeout_still_ends_with_the_read_timeout(artifacts, tmp_path):
    """`status` has no --timeout: a whole answer must still arrive within the read timeout."""
    with Hostile() as hostile:
        cli = sim_cli(IMAGE_SCRIPT, hostile, artifacts, tmp_path, GENMEDIA_READ_TIMEOUT="1")
        assert cli("submit", "--prompt", "x").code == 0
        slow = task("processing")
        hostile.default["query"] = Answer(slow.body, trickle=0.2)   # each byte well within 1 s
        res, took = run_timed(cli, "status", "--task-id", TASK_ID)
        assert res.code == 4 and res.json["task_id"] == TASK_ID, res
        assert "did not arrive within" in res.json["error"]["message"]
        assert took < 5 * (1 + 2) + MARGIN, took   # 5 attempts of (headers + body within read) at most


def test_a_download_cut_short_by_the_timeout_is_resumed_by_wait(artifacts, tmp_path):
    with Hostile() as hostile:
        hostile.default["query"] = task("completed", [hostile.file_url()])
        png = hostile.default["file"].body
        hostile.add("file", Answer(png, trickle=0.3, ctype="image/png"))   # ~22 s
        cli = sim_cli(IMAGE_SCRIPT, hostile, artifacts, tmp_path)
        res, took = run_timed(cli, "run", "--prompt", "x", "--timeout", "3")
        assert_resumable(res)
        assert took < 3 + MARGIN, took
        assert res.json["status"] == "succeeded"
        out = res.json["outputs"][0]
        assert "path" not in out and "--timeout" in out["download_error"]
        outputs = os.path.join(res.json["artifacts"]["dir"], "outputs")
        assert not os.path.isdir(outputs) or os.listdir(outputs) == []   # no .part left behind

        later = cli("wait", "--task-id", TASK_ID)
        assert later.code == 0 and later.json["next"] is None, later
        saved = later.json["outputs"][0]
        assert saved.get("download_error") is None
        with open(saved["path"], "rb") as handle:
            assert handle.read() == png
