"""Finding runs (issue 14, items 14, 16, 18): generation-tasks finds every task the skills find,
damaged index entries and records never hang a reader, and a root that is a file is an error.
"""

import hashlib
import os
import stat

import pytest

from conftest import base_env, sim_cli
from test_generation_tasks import TASKS

SKILL = "giggle-generation-image"


def digest(task_id):
    return hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:40]


# -- 16: the per-user index --------------------------------------------------------------------
def test_generation_tasks_finds_a_task_made_under_another_root(image_cli, sim, artifacts, tmp_path):
    made = image_cli("submit", "--prompt", "a fox")
    assert made.code == 0, made
    task_id = made.json["task_id"]
    elsewhere = tmp_path / "another-root"
    tasks = sim_cli(TASKS, sim, elsewhere, tmp_path)
    own = image_cli("status", "--task-id", task_id, "--artifacts-dir", elsewhere)   # what the skill finds
    assert own.code == 0 and own.json["run_id"] == made.json["run_id"], own
    for command in ("show", "status", "wait"):
        res = tasks(command, "--task-id", task_id, *(["--timeout", "30"] if command == "wait" else []))
        assert res.code == 0, (command, res)
        assert res.json["run_id"] == made.json["run_id"] and res.json["artifacts"]["dir"].startswith(str(artifacts))
    assert not (elsewhere / SKILL).exists()   # continued in its own folder, no second run


# -- 18: a root that is a regular file ---------------------------------------------------------
@pytest.mark.parametrize("how", ["env", "option"])
@pytest.mark.parametrize("script", ["skill", "tasks"])
def test_list_with_a_root_that_is_a_file_says_so(image_cli, sim, artifacts, tmp_path, how, script):
    afile = tmp_path / "not-a-folder"
    afile.write_text("x")
    cli = image_cli if script == "skill" else sim_cli(TASKS, sim, artifacts, tmp_path)
    if how == "env":
        res = cli("list", env={"GENMEDIA_ARTIFACTS_DIR": str(afile)})
        setting = "GENMEDIA_ARTIFACTS_DIR"
    else:
        res = cli("list", "--artifacts-dir", afile)
        setting = "--artifacts-dir"
    assert res.code == 2, res
    (line,) = res.stderr.strip().splitlines()
    assert setting in line and str(afile) in line and "not a directory" in line, line
    assert res.json["error"]["kind"] == "artifacts_root"


# -- 14: reads neither follow symlinks nor hang --------------------------------------------------
def _fifo_link(path, tmp_path):
    """Replace `path` with a symlink to a FIFO nobody writes (a reader that follows it blocks forever)."""
    fifo = tmp_path / ("fifo-%s" % path.name)
    os.mkfifo(str(fifo))
    path.unlink()
    path.symlink_to(fifo)
    return fifo


@pytest.mark.parametrize("entry", ["root-index", "user-index", "record"])
def test_a_damaged_index_entry_or_record_never_hangs_status(image_cli, artifacts, tmp_path, user_data_home, entry):
    made = image_cli("submit", "--prompt", "a fox")
    task_id = made.json["task_id"]
    path = {"root-index": artifacts / SKILL / ".by-task" / digest(task_id),
            "user-index": user_data_home / "genmedia-skills" / "task-index" / SKILL / digest(task_id),
            "record": artifacts / SKILL / made.json["run_id"] / "result.json"}[entry]
    assert path.is_file()
    fifo = _fifo_link(path, tmp_path)
    elsewhere = ["--artifacts-dir", tmp_path / "elsewhere"] if entry == "user-index" else []   # so it is read
    res = image_cli("status", "--task-id", task_id, *elsewhere, timeout=30)
    assert res.code == 0 and res.json["task_id"] == task_id, res
    assert stat.S_ISFIFO(os.lstat(str(fifo)).st_mode)   # nothing was written through the link


def test_a_record_that_is_too_big_is_treated_as_damaged_not_read(image_cli, artifacts):
    made = image_cli("submit", "--prompt", "a fox")
    record = artifacts / SKILL / made.json["run_id"] / "result.json"
    with open(str(record), "r+b") as handle:
        handle.truncate(17 * 1024 * 1024)   # sparse: costs no disk
    listed = image_cli("list")
    (row,) = listed.json
    assert "too big" in row["damaged"] or "larger than" in row["damaged"], row


def test_list_by_status_never_hangs_on_a_record_linked_to_a_fifo(image_cli, artifacts, tmp_path):
    made = image_cli("submit", "--prompt", "a fox")
    other = image_cli("submit", "--prompt", "a whale")
    skill_dir = artifacts / SKILL
    for marker in (skill_dir / ".by-status").rglob(made.json["run_id"]):   # a run not indexed yet
        marker.unlink()
    _fifo_link(skill_dir / made.json["run_id"] / "result.json", tmp_path)
    res = image_cli("list", "--status", "queued", timeout=30)
    assert res.code == 0 and [row["run_id"] for row in res.json] == [other.json["run_id"]], res
