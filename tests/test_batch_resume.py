"""generation-batch never pays twice: a batch killed (real SIGKILL) at the moments that matter,
or re-run from a moved project folder, finds each item's run by what the item is and polls
it; only a run that provably sent nothing is submitted again."""

import json
import os
import shutil
import signal
import time

import pytest

from conftest import ROOT, sim_cli
from test_batch_run import BATCH, icons, write
from test_image_e2e import png_bytes


@pytest.fixture
def batch(sim, artifacts, tmp_path):
    return sim_cli(BATCH, sim, artifacts, tmp_path)


def routed(sim, route):
    return [r for r in sim.requests if r.route == route]


def until(check, proc, seconds=30):
    deadline = time.time() + seconds
    while not check():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "timed out waiting"
        time.sleep(0.01)


def saved_task_ids(skill_dir):
    """Task ids saved in the runs under `skill_dir` (read as a crash would leave them)."""
    found = []
    for path in skill_dir.glob("*/result.json"):
        try:
            found.append(json.loads(path.read_text())["task_id"])
        except (OSError, ValueError, KeyError):
            pass
    return [task_id for task_id in found if task_id]


def killed(proc):
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def item_doc(res, item_id="icon-0"):
    [row] = [r for r in res.json["items"] if r["id"] == item_id]
    return row


def test_kill_9_right_after_a_create_then_a_rerun_polls_the_task(batch, sim, tmp_path):
    """The create's task id is saved in the item's run; the batch dies right then, before its
    own record (saved at most once a second) shows the item's run."""
    sim.outcomes.add("succeed", duration=150)
    path = write(tmp_path, icons(1))
    proc = batch.popen("run", path)
    until(lambda: saved_task_ids(tmp_path / "artifacts" / "giggle-generation-image"), proc)
    killed(proc)
    res = batch("run", path)
    assert res.code == 0, res
    assert len(routed(sim, "giggle.text-to-image")) == 1   # polled, not created again
    assert item_doc(res)["action"] == "poll" and item_doc(res)["status"] == "succeeded"


def test_a_task_id_saved_with_status_unknown_is_polled_not_created_again(batch, sim, tmp_path):
    """A music video's project exists (its id saved) while the submit POST's answer is
    awaited: kill -9 there leaves status `unknown` with a task id."""
    sim.faults.add("giggle.mv-submit", "hang", seconds=30)
    manifest = {"items": [{"id": "mv", "skill": "giggle-generation-aimv",
                           "params": {"prompt": "a song about foxes", "reference_image": "https://x.test/a.png"}}]}
    path = write(tmp_path, manifest)
    proc = batch.popen("run", path, "--yes")
    until(lambda: routed(sim, "giggle.mv-submit"), proc)
    killed(proc)
    [run_json] = list((tmp_path / "artifacts" / "giggle-generation-aimv").glob("*/result.json"))
    saved = json.loads(run_json.read_text())
    assert saved["task_id"] and saved["status"] == "unknown"
    res = batch("run", path, "--yes", "--timeout", "1")
    assert res.code in (0, 5), res
    assert len(routed(sim, "giggle.project-create")) == 1 and len(routed(sim, "giggle.mv-submit")) == 1
    assert item_doc(res, "mv")["action"] == "poll" and item_doc(res, "mv")["task_id"] == saved["task_id"]


def test_a_run_killed_before_its_create_was_sent_is_submitted_on_the_rerun(batch, sim, tmp_path):
    """Killed while a KIE input was uploading: the intent is saved but no create left, so the
    re-run sends it (no --resubmit-unknown needed), once."""
    (tmp_path / "photo.png").write_bytes(png_bytes(320, 320))
    sim.faults.add("kie.upload-stream", "hang", seconds=30)
    manifest = {"items": [{"id": "cutout", "skill": "kie-generation-image", "output": "out/cutout.png",
                           "params": {"model": "recraft/remove-background", "image": "photo.png"}}]}
    path = write(tmp_path, manifest)
    proc = batch.popen("run", path)
    until(lambda: routed(sim, "kie.upload-stream"), proc)
    killed(proc)
    res = batch("run", path)
    assert res.code == 0, res
    assert len(routed(sim, "kie.create")) == 1
    assert any("stopped before its request was sent; it is sent now" in n for n in res.json["notes"])
    assert (tmp_path / "out" / "cutout.png").exists()


def test_killed_while_the_create_was_in_flight_stays_behind_resubmit_unknown(batch, sim, tmp_path):
    sim.faults.add("giggle.text-to-image", "hang", seconds=30)
    path = write(tmp_path, icons(1))
    proc = batch.popen("run", path)
    until(lambda: routed(sim, "giggle.text-to-image"), proc)
    killed(proc)
    res = batch("run", path)
    assert res.code == 1, res
    assert item_doc(res)["status"] == "unknown" and len(routed(sim, "giggle.text-to-image")) == 1
    assert any("stopped while its request was being sent" in n for n in res.json["notes"])
    res = batch("run", path, "--resubmit-unknown")
    assert res.code == 0 and len(routed(sim, "giggle.text-to-image")) == 2, res


def move_project(tmp_path, manifest, name):
    old, new = tmp_path / "project", tmp_path / name
    old.mkdir()
    path = write(old, manifest)
    return old, new, path


def batch_records(root):
    return sorted(json.loads(p.read_text())["manifest"] for p in (root / "generation-batch").glob("*/result.json"))


def test_a_moved_project_folder_takes_its_record_and_finished_items_along(batch, sim, tmp_path):
    old, new, path = move_project(tmp_path, icons(3), "renamed")
    assert batch("run", path).code == 0
    os.rename(str(old), str(new))
    (new / "assets" / "icon-1.png").unlink()
    res = batch("run", new / "assets.json")
    assert res.code == 0, res
    assert len(routed(sim, "giggle.text-to-image")) == 3      # nothing paid again
    assert [i["action"] for i in res.json["items"]] == ["done"] * 3
    assert (new / "assets" / "icon-1.png").exists()           # delivered again, in the new place
    assert res.json["notes"][0].startswith("the manifest was at %s (moved or renamed)" % path), res.json["notes"]
    assert batch_records(tmp_path / "artifacts") == [str(new / "assets.json")]   # one record, moved along
    again = batch("run", new / "assets.json")
    assert again.code == 0 and again.json["notes"] == [], again


def test_a_copied_manifest_reuses_the_runs_and_says_so(batch, sim, tmp_path):
    old, new, path = move_project(tmp_path, icons(2), "copy")
    assert batch("run", path).code == 0
    shutil.copytree(str(old), str(new))
    shutil.rmtree(str(new / "assets"))
    res = batch("run", new / "assets.json")
    assert res.code == 0, res
    assert len(routed(sim, "giggle.text-to-image")) == 2
    assert sum("same request (id and parameters) as in the batch of %s" % path in n for n in res.json["notes"]) == 2
    assert sorted(p.name for p in (new / "assets").iterdir()) == ["icon-0.png", "icon-1.png"]
    assert batch_records(tmp_path / "artifacts") == sorted([str(path), str(new / "assets.json")])


def test_as_new_asks_before_paying_again_for_items_another_batch_made(batch, sim, tmp_path):
    old, new, path = move_project(tmp_path, icons(2), "copy")
    assert batch("run", path).code == 0
    shutil.copytree(str(old), str(new))
    shutil.rmtree(str(new / "assets"))
    res = batch("run", new / "assets.json", "--as-new")
    assert res.code == 6, res
    assert "2 item(s) another manifest's batch already made would be generated and paid again" \
        in res.json["error"]["message"]
    assert res.json["estimate"]["submits"] == 2 and "--as-new" in res.json["next"] and "--yes" in res.json["next"]
    assert len(routed(sim, "giggle.text-to-image")) == 2
    res = batch("run", new / "assets.json", "--as-new", "--yes")
    assert res.code == 0 and len(routed(sim, "giggle.text-to-image")) == 4, res
    assert batch("run", new / "assets.json").json["items"][0]["action"] == "done"


def test_runs_made_before_the_item_index_are_still_found_after_a_move(batch, sim, tmp_path, user_data_home):
    old, new, path = move_project(tmp_path, icons(2), "moved")
    assert batch("run", path).code == 0
    root = tmp_path / "artifacts"
    shutil.rmtree(str(root / "giggle-generation-image" / ".by-task"))   # as an older version left it
    for index in user_data_home.rglob("task-index"):
        shutil.rmtree(str(index))
    os.rename(str(old), str(new))
    res = batch("run", new / "assets.json")
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["done", "done"]
    assert len(routed(sim, "giggle.text-to-image")) == 2


def test_the_batch_record_has_a_schema_of_its_own_named_by_its_kind(batch, tmp_path):
    import jsonschema

    from genmedia_skills.validation import schema_registry

    res = batch("run", write(tmp_path, icons(2)))
    record = json.loads(open(res.json["artifacts"]["json"]).read())
    assert record["kind"] == "batch"
    schema_path = ROOT / "schemas" / "batch-result.schema.json"
    schema = json.loads(schema_path.read_text())
    assert schema["properties"]["kind"] == {"const": "batch", "description": schema["properties"]["kind"]["description"]}
    assert schema_registry.errors("batch-result.schema.json", record) == []
    assert schema_registry.errors("result.schema.json", record) != []      # why it needs its own
    broken = dict(record, items=[dict(record["items"][0], status="exploded")])
    with pytest.raises(jsonschema.ValidationError):
        schema_registry.validator("batch-result.schema.json").validate(broken)
