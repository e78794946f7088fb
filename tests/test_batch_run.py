"""generation-batch run: many items, one process, files delivered, failures isolated, resume."""

import json
import shutil

import pytest

from conftest import ROOT, sim_cli

BATCH = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"
TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"


@pytest.fixture
def batch(sim, artifacts, tmp_path):
    return sim_cli(BATCH, sim, artifacts, tmp_path)


def creates(sim):
    return [r for r in sim.requests if r.method == "POST" and r.status == 200]


def write(tmp_path, manifest, name="assets.json"):
    path = tmp_path / name
    path.write_text(json.dumps(manifest))
    return path


def icons(n, **item):
    return {"version": 1,
            "defaults": {"skill": "giggle-generation-image", "params": {"aspect_ratio": "1:1", "resolution": "1K"}},
            "items": [dict({"id": "icon-%d" % i, "params": {"prompt": ["icon %d," % i, "flat style"]},
                            "output": "assets/icon-%d.png" % i}, **item) for i in range(n)]}


def test_items_run_together_and_land_in_the_project(batch, sim, tmp_path):
    manifest = icons(4)
    manifest["items"].append({"id": "jingle", "skill": "giggle-generation-music",
                              "params": {"prompt": "a happy jingle"}, "output": "assets/audio/"})
    res = batch("run", write(tmp_path, manifest))
    assert res.code == 0, res
    assert res.json["status"] == "succeeded" and res.json["counts"] == {"succeeded": 5}
    assert len(creates(sim)) == 5
    for i in range(4):
        assert (tmp_path / "assets" / ("icon-%d.png" % i)).read_bytes().startswith(b"\x89PNG")
    assert list((tmp_path / "assets" / "audio").glob("*.mp3"))
    bodies = [r.body for r in sim.requests if r.route == "giggle.text-to-image"]
    assert sorted(b["prompt"] for b in bodies) == ["icon %d, flat style" % i for i in range(4)]
    assert {b["aspect_ratio"] for b in bodies} == {"1:1"} and {b["model"] for b in bodies} == {"seedream45"}
    md = open(res.json["artifacts"]["md"]).read()
    assert "| item | skill | status | link | local file | preview |" in md
    assert md.count('<img src="') == 4 and "| jingle | giggle-generation-music | succeeded |" in md
    # each item is a normal run: the skills and generation-tasks see it
    tasks = sim_cli(TASKS, sim, batch.env["GENMEDIA_ARTIFACTS_DIR"], tmp_path)
    listed = tasks("list").json
    assert sorted(r["task_id"] for r in listed) == sorted(i["task_id"] for i in res.json["items"])
    item = res.json["items"][0]
    shown = tasks("show", "--task-id", item["task_id"]).json
    assert shown["batch"] == {"item_id": item["id"], "hash": item["hash"], "manifest": str(tmp_path / "assets.json")}


def test_a_rerun_of_a_finished_manifest_sends_nothing_and_redelivers_missing_files(batch, sim, tmp_path):
    path = write(tmp_path, icons(3))
    assert batch("run", path).code == 0
    before = len(sim.requests)
    (tmp_path / "assets" / "icon-1.png").unlink()
    res = batch("run", path)
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["done"] * 3
    assert (tmp_path / "assets" / "icon-1.png").exists()
    assert [r for r in sim.requests[before:] if r.method == "POST" or r.route == "giggle.query"] == []
    first_dir = res.json["artifacts"]["dir"]
    assert batch("run", path).json["artifacts"]["dir"] == first_dir   # one batch record per manifest


def test_one_failure_does_not_stop_the_others_and_is_retried_only_when_asked(batch, sim, tmp_path):
    sim.outcomes.add("fail", message="GPU on fire")
    path = write(tmp_path, icons(4))
    res = batch("run", path)
    assert res.code == 1, res
    assert res.json["counts"] == {"succeeded": 3, "failed": 1}
    failed = [i for i in res.json["items"] if i["status"] == "failed"][0]
    assert "GPU on fire" in failed["error"]["message"]
    assert len(list((tmp_path / "assets").iterdir())) == 3
    res = batch("run", path)
    assert res.code == 1 and len(creates(sim)) == 4, res   # reported, not resubmitted
    res = batch("run", path, "--retry-failed")
    assert res.code == 0 and len(creates(sim)) == 5, res
    assert len(list((tmp_path / "assets").iterdir())) == 4


def test_unknown_submit_outcome_is_reported_and_resubmitted_only_when_asked(batch, sim, tmp_path):
    sim.faults.add("giggle.submit", "drop")
    path = write(tmp_path, icons(3))
    res = batch("run", path)
    assert res.code == 1, res
    assert res.json["counts"] == {"succeeded": 2, "unknown": 1}
    posts = len([r for r in sim.requests if r.method == "POST"])
    assert posts == 3
    res = batch("run", path)
    assert res.code == 1 and len([r for r in sim.requests if r.method == "POST"]) == posts
    res = batch("run", path, "--resubmit-unknown")
    assert res.code == 0, res
    assert len([r for r in sim.requests if r.method == "POST"]) == posts + 1
    assert any("--resubmit-unknown" in n for n in res.json["notes"])


def test_timeout_exits_5_and_a_rerun_polls_by_task_id(batch, sim, tmp_path):
    sim.outcomes.add("succeed", duration=300)   # one slow item: 3 s at the test scale
    path = write(tmp_path, icons(3))
    res = batch("run", path, "--timeout", "1")
    assert res.code == 5, res
    assert res.json["next"] and "run" in res.json["next"] and str(path) in res.json["next"]
    slow = [i for i in res.json["items"] if i["status"] != "succeeded"]
    assert len(slow) == 1 and slow[0]["task_id"]
    res = batch("run", path)
    assert res.code == 0, res
    assert len(creates(sim)) == 3   # polled, not resubmitted
    assert [i["action"] for i in res.json["items"] if i["id"] == slow[0]["id"]] == ["poll"]


def test_a_changed_item_is_a_new_item(batch, sim, tmp_path):
    manifest = icons(2)
    path = write(tmp_path, manifest)
    assert batch("run", path).code == 0
    manifest["items"][1]["params"]["prompt"] = "a different icon"
    manifest["items"][1]["output"] = "assets/icon-1-v2.png"
    write(tmp_path, manifest)
    res = batch("run", path)
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["done", "submit"]
    assert any("'icon-1' changed" in n for n in res.json["notes"])
    assert len(creates(sim)) == 3


def test_progress_is_one_line_of_counts_per_change(batch, tmp_path):
    res = batch("run", write(tmp_path, icons(3)))
    lines = [l for l in res.stderr.splitlines() if l.startswith("[generation-batch]")]
    assert lines and all(" items: " in l for l in lines), res.stderr
    assert lines[-1].endswith("3 items: 3 succeeded")


def test_the_skill_md_example_runs_verbatim_and_a_rerun_submits_nothing(artifacts, tmp_path):
    from PIL import Image

    from conftest import Cli, base_env
    from test_skill_docs import example_files

    manifest = example_files(ROOT / "skills" / "generation-batch")["assets.json"]
    (tmp_path / "assets.json").write_text(manifest)
    shutil.copy(str(ROOT / "skills" / "generation-batch" / "assets" / "photo.png"), str(tmp_path))   # shipped: see SKILL.md
    cli = Cli(BATCH, base_env(artifacts), tmp_path)
    res = cli("run", "assets.json", "--simulate", "--yes")
    assert res.code == 0, res
    assert res.json["simulated"] is True and res.json["counts"] == {"succeeded": 5}
    assert {i["provider"] for i in res.json["items"]} == {"giggle", "kie", "creatok"}
    assert res.json["estimate"]["credits"] == 1   # the CreatOK item, confirmed by --yes
    icons = tmp_path / "assets" / "icons"
    for name, size in (("credit-coin@1x.webp", 32), ("credit-coin@2x.webp", 64), ("credit-coin@3x.webp", 96)):
        with Image.open(str(icons / name)) as image:
            assert image.format == "WEBP" and max(image.size) == size
    assert (icons / "credit-coin.webp").exists() and (tmp_path / "assets" / "hero-hero.png").exists()
    assert list((tmp_path / "assets" / "audio").glob("*.mp3"))
    with Image.open(str(tmp_path / "assets" / "mascot.png")) as image:
        assert image.mode == "RGBA"
    assert (tmp_path / "assets" / "store-banner.png").exists()
    tasks = artifacts / ".simulator" / "tasks"
    created = sorted(p.name for p in tasks.glob("*/*"))
    assert len(created) == 5
    again = cli("run", "assets.json", "--simulate", "--yes")
    assert again.code == 0, again
    assert [i["action"] for i in again.json["items"]] == ["done"] * 5
    assert sorted(p.name for p in tasks.glob("*/*")) == created   # no task was created


def test_a_second_run_of_the_same_manifest_at_once_is_refused(batch, sim, tmp_path):
    import time

    sim.outcomes.add("succeed", duration=300)
    path = write(tmp_path, icons(1))
    first = batch.popen("run", path)
    try:
        deadline = time.time() + 20
        while not creates(sim) and time.time() < deadline:
            time.sleep(0.05)
        res = batch("run", path)
        assert res.code == 2 and "another `run` of this manifest is in progress" in res.stderr, res
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert len(creates(sim)) == 1


def test_progress_on_a_terminal_is_a_line_per_item_and_a_total_redrawn_in_place(batch, tmp_path):
    import re

    from conftest import run_with_tty_stderr

    code, out, err = run_with_tty_stderr(batch, "run", write(tmp_path, icons(3)))
    assert code == 0, err
    assert re.search(r"\r\x1b\[K\d\d:\d\d  \[--------------------\] 0/3 3 items: ", err)
    assert re.search(r"\r\x1b\[K\d\d:\d\d  \[####################\] 3/3 3 items: 3 succeeded", err)
    assert "\x1b[3A\r\x1b[J" in err   # the block (three items and the total) is redrawn, not appended
    assert " unknown" not in err   # an item whose POST is under way is "submitting", not a lost submit
    assert json.loads(out)["counts"] == {"succeeded": 3}


def test_interrupted_batch_exits_130_and_a_rerun_finishes_without_resubmitting(batch, sim, tmp_path):
    import signal
    import time

    sim.outcomes.add("succeed", times=3, duration=300)
    path = write(tmp_path, icons(3))
    proc = batch.popen("run", path)
    deadline = time.time() + 30
    while len(creates(sim)) < 3 and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    doc = json.loads(out)
    assert doc["counts"] in ({"queued": 3}, {"running": 3}, {"running": 2, "queued": 1}, {"running": 1, "queued": 2})
    res = batch("run", path)
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["poll"] * 3
    assert len(creates(sim)) == 3


def test_many_tasks_share_a_small_pool_not_a_thread_each(batch, sim, tmp_path):
    import time

    from genmedia_skills.batch.scheduler import WORKERS

    n = 30
    sim.outcomes.add("succeed", times=n, duration=200)
    proc = batch.popen("run", write(tmp_path, icons(n)))
    most = 0
    while proc.poll() is None:
        try:
            status = open("/proc/%d/status" % proc.pid).read()
        except OSError:
            break
        most = max(most, int(status.split("Threads:")[1].split()[0]))
        time.sleep(0.02)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out)["counts"] == {"succeeded": n}
    assert 1 < most <= WORKERS + 2 < n, most   # main + the HTTP pool (+ a signal/cleanup helper)


def test_a_finished_item_with_a_new_output_path_is_delivered_there_without_resubmitting(batch, sim, tmp_path):
    manifest = icons(2)
    path = write(tmp_path, manifest)
    assert batch("run", path).code == 0
    manifest["items"][0]["output"] = "moved/icon-0.png"
    write(tmp_path, manifest)
    res = batch("run", path)
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["done", "done"]
    assert (tmp_path / "moved" / "icon-0.png").exists()
    assert len(creates(sim)) == 2
