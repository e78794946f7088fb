"""This user's index of task_id -> artifact root, across every root on the machine.

Each artifact root indexes its own runs (<root>/<skill>/.by-task/). This index, in
the per-user data folder, only says which root holds a task, so `status`/`wait
--task-id` find a run made from another checkout, an older plugin version or with
another --artifacts-dir. It is a hint: the root's own index is still the authority,
and a user index that cannot be written never fails a run.
"""

import hashlib
import json
from pathlib import Path

from ..core import config
from ..core.safe_files import atomic_write, read_capped

MAX_ENTRY_BYTES = 4096   # a task id and a root: never a runaway file, never through a symlink


def _entry_path(skill, task_id):
    digest = hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:40]
    return config.user_data_dir() / "task-index" / skill / digest


def record(skill, task_id, root):

    path = _entry_path(skill, task_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps({"task_id": task_id, "root": str(Path(root).absolute())}))
    except OSError:   # read-only home, full disk: the run's own index still has it
        pass


def root_of(skill, task_id):
    """The artifact root that recorded `task_id` for `skill`, or None."""
    try:
        entry = json.loads(read_capped(_entry_path(skill, task_id), MAX_ENTRY_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("task_id") != task_id or not isinstance(entry.get("root"), str):
        return None
    return Path(entry["root"])
