"""Where runs live on disk: <root>/<skill>/<run_id>/{result.json,result.md,outputs/}.

- run_id sorts by time (UTC timestamp + random suffix).
- Every write is atomic (unique temp file + fsync + os.replace), so a reader or a
  crash never sees half a file; writers of one run serialize on a lock file.
- A task_id is never used as a path: lookups go through <root>/<skill>/.by-task/
  <sha256(task_id)>, so a hostile id cannot escape the root. A per-user index
  (task_index.py) also says which root holds a task, so a run is found from anywhere.
- Nothing is written through a symlink planted in a run (see safe_files), and every
  byte written passes the redaction of the configured keys (see redaction).
"""

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import time
from pathlib import Path

from . import run_index, task_index
from ..core.redaction import redact, redact_bytes, to_json
from ..core.safe_files import UnsafePath, atomic_write, exclusive_lock, read_capped, real_dir

SKILL_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RUN_ID = re.compile(r"^\d{8}T\d{9}Z-[0-9a-f]{6}$")
MAX_RECORD_BYTES = 16 * 1024 * 1024   # a result.json is kilobytes (outputs are capped per task)
MAX_INDEX_BYTES = 4096                # an index entry: a task id and a run id or root




_last_ms = [0]


def new_run_id(now=None):
    """UTC time to the millisecond + a random suffix; strictly increasing within a
    process, so runs created in a tight loop (a batch) still list newest first."""
    if now is None:
        ms = max(int(time.time() * 1000), _last_ms[0] + 1)
        _last_ms[0] = ms
    else:
        ms = int(round(now * 1000))
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(ms // 1000)) + "%03d" % (ms % 1000)
    return "%sZ-%s" % (stamp, secrets.token_hex(3))


class Run:
    """One run directory."""

    def __init__(self, root, skill, run_id):
        self.root = Path(root)
        self.skill = skill
        self.run_id = run_id
        self.dir = Path(root) / skill / run_id
        self.json_path = self.dir / "result.json"
        self.md_path = self.dir / "result.md"
        self.outputs_dir = self.dir / "outputs"

    def read(self):
        """The stored result document, or None if there is none yet."""
        try:
            return json.loads(read_capped(self.json_path, MAX_RECORD_BYTES).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None

    def locked(self):
        """Serialize read-modify-write cycles of concurrent processes on this run."""
        return exclusive_lock(self._real_dir() / ".lock")

    def _real_dir(self):
        """The run directory, refused if something replaced it with a symlink."""
        if self.dir.is_symlink():
            raise UnsafePath("%s is a symbolic link; refusing to write through it" % self.dir)
        return self.dir

    def write(self, document, markdown):
        self._real_dir()
        atomic_write(self.json_path, to_json(document, indent=2) + "\n")
        atomic_write(self.md_path, redact(markdown, urls=False))
        if isinstance(document, dict):
            run_index.record(self.dir.parent, self.run_id, document.get("status"))

    def save_raw(self, name, body):
        """Keep a provider body that failed validation, for the person debugging it."""
        raw_dir = real_dir(self._real_dir() / "raw")
        path = raw_dir / re.sub(r"[^A-Za-z0-9._-]", "_", name)
        if isinstance(body, bytes):
            atomic_write(path, redact_bytes(body))
        else:
            atomic_write(path, redact(body if isinstance(body, str) else repr(body), urls=False))
        return path


class ArtifactStore:
    def __init__(self, root):
        self.root = Path(root)

    def _skill_dir(self, skill):
        if not SKILL_NAME.match(skill):
            raise ValueError("invalid skill name %r" % (skill,))
        return self.root / skill

    def new_run(self, skill):
        base = self._skill_dir(skill)
        base.mkdir(parents=True, exist_ok=True)
        while True:
            run = Run(self.root, skill, new_run_id())
            try:
                run.dir.mkdir()
                return run
            except FileExistsError:  # same millisecond and suffix: draw again
                continue

    def _index_path(self, skill, task_id):
        digest = hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:40]
        return self._skill_dir(skill) / ".by-task" / digest

    def remember_task(self, run, task_id):
        """Record which run holds `task_id` (written right after submit)."""
        path = self._index_path(run.skill, task_id)
        real_dir(path.parent)
        atomic_write(path, to_json({"task_id": task_id, "run_id": run.run_id}))
        task_index.record(run.skill, task_id, self.root)

    def locked(self, skill):
        """Serialize creating runs of `skill` (e.g. one run per foreign task_id)."""
        base = self._skill_dir(skill)
        base.mkdir(parents=True, exist_ok=True)
        return exclusive_lock(base / ".lock")

    def forget_task(self, run, task_id):
        """Drop the index entry of `task_id` if it still points at `run`."""
        found = self.find_task(run.skill, task_id)
        if found is not None and found.run_id == run.run_id:
            with contextlib.suppress(OSError):
                os.unlink(str(self._index_path(run.skill, task_id)))

    def find_task(self, skill, task_id):
        """The run that holds `task_id` in `skill`, or None."""
        try:
            entry = json.loads(read_capped(self._index_path(skill, task_id), MAX_INDEX_BYTES).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict):
            return None
        run_id = entry.get("run_id")
        if entry.get("task_id") != task_id or not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
            return None
        run = Run(self.root, skill, run_id)
        return run if run.dir.is_dir() else None

    def locate_task(self, skill, task_id):
        """The run that holds `task_id`: in this root, else in the root the per-user index
        names (a run made from another copy of the bundle or with another root), or None."""
        run = self.find_task(skill, task_id)
        if run is None:
            other = task_index.root_of(skill, task_id)
            if other is not None and other != self.root.absolute():
                run = ArtifactStore(other).find_task(skill, task_id)
        return run

    def runs(self, skill, status=None):
        """Runs of `skill` (only those with `status`, if given), newest first, made one at a
        time: listing the newest few never builds an object per saved run. OSError at once
        when the root (or the skill's folder) is there but is no folder to list, e.g. a
        regular file: that is a setting to fix, not "no runs"."""
        base = self._skill_dir(skill)
        for folder in (self.root, base):
            if os.path.lexists(str(folder)) and not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "%s is not a directory" % folder, str(folder))
        return (Run(self.root, skill, run_id) for run_id in run_index.run_ids(base, RUN_ID.fullmatch, status))
