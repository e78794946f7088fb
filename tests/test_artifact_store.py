"""genmedia_skills.store.artifact_store: atomic writes, run ids, the task index, concurrent writers."""

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from genmedia_skills.store.artifact_store import (
    RUN_ID,
    SKILL_NAME,
    ArtifactStore,
    Run,
    atomic_write,
    new_run_id,
)

SKILL = "giggle-generation-image"


def tmp_leftovers(root):
    return [p for p in Path(root).rglob("*") if p.name.endswith(".tmp") or ".tmp" in p.name]


def all_paths(root):
    return sorted(str(p) for p in Path(root).rglob("*"))


# --------------------------------------------------------------------------- atomic_write


def test_atomic_write_creates_and_replaces(tmp_path):
    target = tmp_path / "doc.json"
    atomic_write(target, "first")
    assert target.read_text() == "first"
    atomic_write(target, b"\x00second\xff")
    assert target.read_bytes() == b"\x00second\xff"
    atomic_write(target, "thïrd ✓")
    assert target.read_text(encoding="utf-8") == "thïrd ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_atomic_write_replaces_a_longer_file_completely(tmp_path):
    target = tmp_path / "doc.txt"
    atomic_write(target, "x" * 10000)
    atomic_write(target, "short")
    assert target.read_text() == "short"


def test_atomic_write_failure_leaves_old_content_and_no_temp(tmp_path):
    target = tmp_path / "doc.txt"
    atomic_write(target, "old")
    with pytest.raises(TypeError):
        atomic_write(target, 12345)   # neither bytes nor str
    assert target.read_text() == "old"
    assert tmp_leftovers(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]


def test_atomic_write_keeps_the_inode_swap_semantics(tmp_path):
    """A reader holding the old file keeps reading the old content (replace, not rewrite)."""
    target = tmp_path / "doc.txt"
    atomic_write(target, "old content")
    with open(target) as reader:
        atomic_write(target, "new content")
        assert reader.read() == "old content"
    assert target.read_text() == "new content"


# --------------------------------------------------------------------------- run ids


def test_run_id_matches_the_pattern():
    for _ in range(50):
        assert RUN_ID.match(new_run_id())
    assert RUN_ID.match(new_run_id(now=0.0))
    assert RUN_ID.match(new_run_id(now=1_700_000_000.9999))


def test_run_id_encodes_utc_time_to_the_millisecond():
    rid = new_run_id(now=1_700_000_000.5)
    assert rid.startswith("20231114T221320500Z-")
    assert new_run_id(now=0.25).startswith("19700101T000000250Z-")


def test_run_ids_sort_by_time():
    base = 1_700_000_000.0
    times = [base + d for d in (0.0, 0.002, 0.25, 0.5, 0.75, 1.0, 1.5, 59.0, 3600.0, 86400.0 * 400)]
    ids = [new_run_id(now=t) for t in times]
    assert sorted(ids) == ids
    shuffled = list(reversed(ids))
    assert sorted(shuffled) == ids


def test_run_ids_are_unique():
    ids = {new_run_id(now=1_700_000_000.0) for _ in range(200)}
    assert len(ids) > 190   # 24 random bits of suffix


def test_new_run_creates_unique_dirs(tmp_path):
    store = ArtifactStore(tmp_path)
    runs = [store.new_run(SKILL) for _ in range(30)]
    assert len({r.run_id for r in runs}) == 30
    for run in runs:
        assert run.dir.is_dir()
        assert run.dir.parent == tmp_path / SKILL
        assert RUN_ID.match(run.run_id)
        assert run.json_path == run.dir / "result.json"
        assert run.md_path == run.dir / "result.md"
        assert run.read() is None


def test_run_write_and_read(tmp_path):
    run = ArtifactStore(tmp_path).new_run(SKILL)
    run.write({"a": 1, "text": "ünïcode"}, "# md\n")
    assert run.read() == {"a": 1, "text": "ünïcode"}
    assert run.md_path.read_text() == "# md\n"
    run.write({"a": 2}, "# md2\n")
    assert run.read() == {"a": 2}
    assert tmp_leftovers(tmp_path) == []


def test_run_read_of_a_corrupt_file_is_none(tmp_path):
    run = ArtifactStore(tmp_path).new_run(SKILL)
    run.json_path.write_text("{not json")
    assert run.read() is None


def test_save_raw_sanitizes_the_name(tmp_path):
    run = ArtifactStore(tmp_path).new_run(SKILL)
    path = run.save_raw("../../evil name.json", "<html>")
    assert path.parent == run.dir / "raw"
    assert path.read_text() == "<html>"
    assert "/" not in path.name and " " not in path.name
    assert Path(os.path.realpath(path)).is_relative_to(os.path.realpath(run.dir))


# --------------------------------------------------------------------------- task index


def test_remember_and_find_task_round_trip(tmp_path):
    store = ArtifactStore(tmp_path)
    run = store.new_run(SKILL)
    store.remember_task(run, "7a0e0a4c-1234-4cde-9f00-aaaaaaaaaaaa")
    found = store.find_task(SKILL, "7a0e0a4c-1234-4cde-9f00-aaaaaaaaaaaa")
    assert found is not None
    assert found.run_id == run.run_id and found.dir == run.dir and found.skill == SKILL


def test_find_task_unknown_is_none(tmp_path):
    store = ArtifactStore(tmp_path)
    assert store.find_task(SKILL, "never-seen") is None
    run = store.new_run(SKILL)
    store.remember_task(run, "known")
    assert store.find_task(SKILL, "unknown") is None
    assert store.find_task("other-skill", "known") is None


@pytest.mark.parametrize("task_id", [
    "../../etc/passwd", "a/b\\c", "/abs/path", "..", ".", "C:\\Windows\\x", "x\x00y",
    "with space and ünïcode", "a" * 500,
])
def test_hostile_task_ids_stay_inside_the_root(tmp_path, task_id, user_data_home):
    root = tmp_path / "root"
    root.mkdir()
    outside_before = all_paths(tmp_path)
    store = ArtifactStore(root)
    run = store.new_run(SKILL)
    store.remember_task(run, task_id)
    found = store.find_task(SKILL, task_id)
    assert found is not None and found.run_id == run.run_id
    # nothing new anywhere but under the root and the per-user task index
    new_paths = set(all_paths(tmp_path)) - set(outside_before)
    allowed = (os.path.realpath(root) + os.sep, os.path.realpath(user_data_home) + os.sep)
    for p in new_paths:
        assert (os.path.realpath(p) + os.sep).startswith(allowed), p
    # the id never became a path component
    for p in list(root.rglob("*")) + list(user_data_home.rglob("*")):
        assert p.name not in ("passwd", "etc", "b", "c", "abs")
    assert not (tmp_path / "etc").exists()


def test_find_task_rejects_a_tampered_run_id(tmp_path):
    store = ArtifactStore(tmp_path)
    run = store.new_run(SKILL)
    store.remember_task(run, "t-1")
    index_files = list((tmp_path / SKILL / ".by-task").iterdir())
    assert len(index_files) == 1
    index = index_files[0]
    # point the entry outside the skill dir
    (tmp_path / "outside").mkdir()
    for bad in ("../../outside", "../outside", "/etc", run.run_id + "/..", "", "x" + run.run_id):
        index.write_text(json.dumps({"task_id": "t-1", "run_id": bad}))
        assert store.find_task(SKILL, "t-1") is None, bad
    index.write_text(json.dumps({"task_id": "t-1"}))
    assert store.find_task(SKILL, "t-1") is None
    # an entry whose task_id does not match (hash collision / tampering) is ignored
    index.write_text(json.dumps({"task_id": "someone-else", "run_id": run.run_id}))
    assert store.find_task(SKILL, "t-1") is None
    # garbage JSON
    index.write_text("not json")
    assert store.find_task(SKILL, "t-1") is None
    # restore: works again
    store.remember_task(run, "t-1")
    assert store.find_task(SKILL, "t-1").run_id == run.run_id


@pytest.mark.parametrize("entry", [
    {"task_id": "t-1", "run_id": None},
    {"task_id": "t-1", "run_id": 42},
    {"task_id": "t-1", "run_id": ["20231114T221320500Z-abcdef"]},
    ["t-1", "20231114T221320500Z-abcdef"],
    "20231114T221320500Z-abcdef",
    None,
])
def test_find_task_survives_a_malformed_index_entry(tmp_path, entry):
    """A corrupt or hand-edited index entry is 'not found', never a crash (exit 4 bug)."""
    store = ArtifactStore(tmp_path)
    run = store.new_run(SKILL)
    store.remember_task(run, "t-1")
    (index,) = (tmp_path / SKILL / ".by-task").iterdir()
    index.write_text(json.dumps(entry))
    assert store.find_task(SKILL, "t-1") is None


def test_find_task_for_a_deleted_run_is_none(tmp_path):
    store = ArtifactStore(tmp_path)
    run = store.new_run(SKILL)
    store.remember_task(run, "gone")
    run.dir.rmdir()
    assert store.find_task(SKILL, "gone") is None


def test_remember_task_moves_to_the_latest_run(tmp_path):
    store = ArtifactStore(tmp_path)
    first, second = store.new_run(SKILL), store.new_run(SKILL)
    store.remember_task(first, "tid")
    store.remember_task(second, "tid")
    assert store.find_task(SKILL, "tid").run_id == second.run_id


# --------------------------------------------------------------------------- listing


def test_runs_newest_first(tmp_path):
    store = ArtifactStore(tmp_path)
    base = 1_700_000_000.0
    ids = [new_run_id(now=base + d) for d in (5.0, 0.0, 3600.0, 0.001, 60.0)]
    for rid in ids:
        (tmp_path / SKILL / rid).mkdir(parents=True)
    # noise that is not a run
    (tmp_path / SKILL / ".by-task").mkdir()
    (tmp_path / SKILL / "notes").mkdir()
    (tmp_path / SKILL / "99999999T999999999Z-zzzzzz").mkdir()
    listed = [r.run_id for r in store.runs(SKILL)]
    assert listed == sorted(ids, reverse=True)
    assert all(isinstance(r, Run) for r in store.runs(SKILL))


def test_runs_newest_first_with_new_run(tmp_path):
    store = ArtifactStore(tmp_path)
    created = []
    for _ in range(3):
        created.append(store.new_run(SKILL).run_id)
        time.sleep(0.003)
    assert [r.run_id for r in store.runs(SKILL)] == list(reversed(created))


def test_runs_created_in_a_tight_loop_list_newest_first(tmp_path):
    """Runs created back to back by one process (a batch) must still list newest first.

    run_id has millisecond resolution plus a random suffix, so two runs created in the
    same millisecond currently sort by their random suffix, not by creation order."""
    store = ArtifactStore(tmp_path)
    created = [store.new_run(SKILL).run_id for _ in range(20)]
    assert sorted(created) == created, "run ids of one process must sort by creation time"
    assert [r.run_id for r in store.runs(SKILL)] == list(reversed(created))


def test_runs_of_an_unknown_skill_is_empty(tmp_path):
    assert list(ArtifactStore(tmp_path).runs("nothing-here")) == []


# --------------------------------------------------------------------------- skill names


@pytest.mark.parametrize("bad", ["../x", "..", "a/b", "Upper", "", "x-", "-x", "a--b", "a b", "a\\b"])
def test_skill_name_validation(tmp_path, bad):
    store = ArtifactStore(tmp_path)
    with pytest.raises(ValueError):
        store.new_run(bad)
    with pytest.raises(ValueError):
        store.runs(bad)
    # lookups with a bad skill name find nothing (and touch nothing)
    assert store.find_task(bad, "t") is None
    with pytest.raises(ValueError):
        store.remember_task(Run(tmp_path, bad, new_run_id()), "t")
    assert list(tmp_path.iterdir()) == []


def test_skill_name_pattern_accepts_real_names():
    for name in ("giggle-generation-image", "generation-tasks", "kie-generation-video", "x1"):
        assert SKILL_NAME.match(name)


# --------------------------------------------------------------------------- concurrency

WRITERS = 8
DOCS_EACH = 50


def _document(writer, n):
    # different sizes so a torn write would be visible as invalid JSON or a mixed document
    return {"writer": writer, "n": n, "payload": ("w%d-%d;" % (writer, n)) * (1 + (writer * 37 + n) % 200)}


def _writer(root, skill, run_id, writer, barrier):
    run = Run(root, skill, run_id)
    barrier.wait(timeout=30)
    for n in range(DOCS_EACH):
        doc = _document(writer, n)
        with run.locked():
            run.write(doc, "# writer %d doc %d\n" % (writer, n))


def _reader(root, skill, run_id, stop, bad):
    run = Run(root, skill, run_id)
    while not stop.is_set():
        text = run.json_path.read_text(encoding="utf-8")
        try:
            json.loads(text)
        except ValueError:
            bad.value += 1


def test_concurrent_writers_never_corrupt_a_run(tmp_path):
    store = ArtifactStore(tmp_path)
    run = store.new_run(SKILL)
    run.write({"writer": -1, "n": -1, "payload": ""}, "# start\n")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    stop = ctx.Event()
    bad = ctx.Value("i", 0)
    reader = ctx.Process(target=_reader, args=(str(tmp_path), SKILL, run.run_id, stop, bad))
    reader.start()
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), SKILL, run.run_id, w, barrier))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    stop.set()
    reader.join(timeout=10)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert reader.exitcode == 0
    assert bad.value == 0, "a reader saw a half-written result.json"
    final = json.loads(run.json_path.read_text(encoding="utf-8"))
    written = [_document(w, n) for w in range(WRITERS) for n in range(DOCS_EACH)]
    assert final in written
    assert run.md_path.read_text().startswith("# writer ")
    assert tmp_leftovers(tmp_path) == []
    assert sorted(p.name for p in run.dir.iterdir()) == [".lock", "result.json", "result.md"]
