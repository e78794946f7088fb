"""Which runs of a skill have which status, without reading their result.json.

`<root>/<skill>/.by-status/<status>/<run_id>` is an empty marker, moved on every save of
the run (artifact_store.Run.write). `list --status failed` then reads one folder's names
instead of every run's record, so it costs the same with ten runs or twenty thousand.

The markers are a cache, never the truth: every run a listing returns is read and checked,
and a marker that disagrees with its run is moved. Runs with no marker at all (made before
the index existed, or by a crash between the two writes) are found by comparing the run
folders with the markers, and indexed then, once.
"""

import contextlib
import json
import os

from ..core import task_status
from ..core.safe_files import UnsafePath, read_capped, real_dir

FOLDER = ".by-status"


def _status_dir(skill_dir, status, create=False):
    path = os.path.join(str(skill_dir), FOLDER, status)
    if create:
        real_dir(os.path.join(str(skill_dir), FOLDER))
        real_dir(path)
    return path


def _names(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def record(skill_dir, run_id, status):
    """Mark `run_id` as `status` and drop its other markers; never raises (it is a cache)."""
    if status not in task_status.ALL:
        return
    with contextlib.suppress(OSError, UnsafePath):
        target = os.path.join(_status_dir(skill_dir, status, create=True), run_id)
        if not os.path.lexists(target):
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644))
        for other in task_status.ALL:
            if other != status:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(_status_dir(skill_dir, other), run_id))


def run_ids(skill_dir, is_run_id, status=None):
    """Run ids of the skill, newest first; with `status`, those whose marker says so
    (runs not indexed yet are indexed first, from their records)."""
    all_ids = [name for name in _names(str(skill_dir)) if is_run_id(name)]
    if status is None:
        return sorted(all_ids, reverse=True)
    marked = {name: None for name in all_ids}
    for other in task_status.ALL:
        for name in _names(_status_dir(skill_dir, other)):
            if name in marked:
                marked[name] = other
    for name, found in marked.items():
        if found is None:   # never indexed: read its record once
            found = _status_of(os.path.join(str(skill_dir), name, "result.json"))
            record(skill_dir, name, found)
            marked[name] = found
    return sorted((name for name, found in marked.items() if found == status), reverse=True)


def _status_of(path):
    try:   # never through a symlink, never from a FIFO: a damaged run must not hang a listing
        return json.loads(read_capped(path, 1 << 22)).get("status")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
