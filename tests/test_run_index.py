"""The status index behind `list --status`: kept on every save, built for runs that predate
it, and corrected when a marker disagrees with its run (the record is the truth)."""

import os
import shutil

from conftest import ROOT, sim_cli

TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"


def _ids(res):
    assert res.code == 0, res
    return [row["run_id"] for row in res.json]


def test_list_by_status_through_the_index(image_cli, sim, artifacts, tmp_path):
    tasks = sim_cli(TASKS, sim, artifacts, tmp_path)
    ok = image_cli("run", "--prompt", "a fox", "--no-download")
    sim.outcomes.add("fail")
    bad = image_cli("run", "--prompt", "a crash", "--no-download")
    assert ok.code == 0 and bad.code == 1, (ok, bad)
    ok_id, bad_id = ok.json["run_id"], bad.json["run_id"]
    index = artifacts / "giggle-generation-image" / ".by-status"
    assert sorted(os.listdir(index / "succeeded")) == [ok_id]
    assert sorted(os.listdir(index / "failed")) == [bad_id]
    assert not (index / "queued" / ok_id).exists()   # the earlier status's marker moved on save

    assert _ids(image_cli("list", "--status", "failed")) == [bad_id]
    assert _ids(image_cli("list", "--status", "canceled")) == []
    assert _ids(tasks("list", "--status", "succeeded")) == [ok_id]

    # runs saved before the index existed: indexed from their records by the first filtered list
    shutil.rmtree(str(index))
    assert _ids(image_cli("list", "--status", "failed")) == [bad_id]
    assert (index / "succeeded" / ok_id).exists()

    # a marker that lies: the record wins, and the marker is moved back
    os.rename(str(index / "succeeded" / ok_id), str(index / "failed" / ok_id))
    assert _ids(tasks("list", "--status", "failed")) == [bad_id]
    assert (index / "succeeded" / ok_id).exists() and not (index / "failed" / ok_id).exists()
    assert _ids(image_cli("list", "--status", "succeeded")) == [ok_id]


def test_a_symlinked_index_folder_is_not_written_through(image_cli, sim, artifacts, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    skill_dir = artifacts / "giggle-generation-image"
    skill_dir.mkdir(parents=True)
    os.symlink(str(outside), str(skill_dir / ".by-status"))
    res = image_cli("run", "--prompt", "a fox", "--no-download")
    assert res.code == 0, res   # the index is a cache: the run itself is saved all the same
    assert list(outside.iterdir()) == []
    assert _ids(image_cli("list")) == [res.json["run_id"]]
