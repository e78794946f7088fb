"""The per-user state (create rate window, upload cache) never blocks, loses or fakes a task
(issue 14, items 5 and 6): impossible stamps are dropped, the wait for a slot ends at
--timeout with nothing sent, damage is repaired, and nothing after a create can cost its id.
"""

import json
import time

import pytest

from conftest import TEST_KEY, Cli, base_env, sim_cli
from hostile_provider import HostileProvider, json_answer
from kie_helpers import CREATE, IMAGE, QUERY, creates
from genmedia_skills.simulator.media import png_bytes

RATE_FILE = "rate-kie-create-127.0.0.1.json"


def state_file(artifacts):
    path = artifacts.parent / "state" / RATE_FILE   # base_env's GENMEDIA_STATE_DIR
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_stamps_and_a_hold_in_the_future_are_dropped_as_impossible(sim, artifacts, tmp_path):
    future = time.time() + 3600   # written before the clock was stepped back an hour
    state_file(artifacts).write_text(json.dumps({"stamps": [[future, "t%d" % n] for n in range(20)],
                                                 "hold_until": future + 86400}))
    res = sim_cli(IMAGE, sim, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "15", timeout=40)
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(creates(sim)) == 1


def test_the_wait_for_a_slot_ends_at_timeout_with_nothing_sent(sim, artifacts, tmp_path):
    """A real hold (KIE said 429 with Retry-After: 30) outlasting --timeout: exit 5 with the
    command to run again, no create sent, no task to lose."""
    state_file(artifacts).write_text(json.dumps({"stamps": [], "hold_until": time.time() + 30}))
    started = time.monotonic()
    res = sim_cli(IMAGE, sim, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "2", timeout=25)
    assert res.code == 5, res
    assert creates(sim) == [] and res.json["status"] == "rejected" and res.json["task_id"] is None
    assert res.json["error"]["kind"] == "timeout" and "nothing was sent" in res.json["error"]["message"]
    assert res.json["next"].endswith("run --prompt 'a fox' --timeout 2"), res.json["next"]
    assert time.monotonic() - started < 20


def test_a_damaged_rate_state_is_repaired_before_the_create(sim, artifacts, tmp_path):
    state_file(artifacts).write_text(json.dumps({"stamps": [5, "junk", [1, 2, 3], [float("1e308"), "x"]],
                                                 "hold_until": "soon"}))
    res = sim_cli(IMAGE, sim, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "15")
    assert res.code == 0 and len(creates(sim)) == 1, res
    stamps = json.loads(state_file(artifacts).read_text())["stamps"]
    assert len(stamps) == 1 and isinstance(stamps[0][1], str)


@pytest.mark.parametrize("damage", [{"stamps": [5, "junk"], "hold_until": "soon"}, None])
def test_state_damaged_during_the_create_never_costs_the_task_id(artifacts, tmp_path, damage):
    """The bookkeeping after the POST meets a state another process damaged meanwhile (or
    replaced by a folder): the created task's id is kept and followed to the end."""
    path = state_file(artifacts)

    def create(request):
        if path.exists():
            path.unlink()
        if damage is None:
            path.mkdir()   # a folder where the state file was: it cannot even be written
        else:
            path.write_text(json.dumps(damage))
        return json_answer({"code": 200, "msg": "success", "data": {"taskId": "task-1"}})

    with HostileProvider() as kie:
        media = kie.base_url + "/media/a.png"
        kie.on("POST " + CREATE, create)
        kie.on("GET " + QUERY, json_answer({"code": 200, "msg": "success", "data": {
            "taskId": "task-1", "state": "success", "resultJson": json.dumps({"resultUrls": [media]})}}))
        kie.on("GET /media/a.png", (200, {"Content-Type": "image/png"}, png_bytes(4, 4, "ok")))
        env = base_env(artifacts)
        env.update(KIE_AI_API_KEY=TEST_KEY, KIE_BASE_URL=kie.base_url, KIE_UPLOAD_BASE_URL=kie.base_url)
        res = Cli(IMAGE, env, tmp_path)("run", "--prompt", "a fox", "--timeout", "15")
        assert len(kie.seen("POST " + CREATE)) == 1
    assert res.json["task_id"] == "task-1", res
    assert res.code == 0 and res.json["status"] == "succeeded", res


def test_a_state_folder_that_cannot_hold_state_fails_before_sending(sim, artifacts, tmp_path):
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("x")
    res = sim_cli(IMAGE, sim, artifacts, tmp_path, GENMEDIA_STATE_DIR=str(blocker))("run", "--prompt", "a fox")
    assert res.code == 4 and creates(sim) == [], res
    assert res.json["status"] == "rejected" and res.json["error"]["kind"] == "state_unavailable", res.json
    assert "GENMEDIA_STATE_DIR" in res.json["error"]["message"] and "nothing was sent" in res.stderr


def test_a_damaged_upload_cache_is_repaired_not_fatal(sim, artifacts, tmp_path):
    cache = state_file(artifacts).with_name("kie-uploads.json")
    cache.write_text(json.dumps({"a|b": "not an entry", "c|d": {"url": 5, "at": "x"}}))
    photo = tmp_path / "frame.png"
    photo.write_bytes(png_bytes(6, 4, "frame"))
    from kie_helpers import VIDEO

    res = sim_cli(VIDEO, sim, artifacts, tmp_path)("run", "--prompt", "push in", "--image", photo, "--timeout", "30")
    assert res.code == 0, res
    assert list(json.loads(cache.read_text())) != ["a|b", "c|d"]
