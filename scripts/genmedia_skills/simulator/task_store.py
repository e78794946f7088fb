"""Disk-backed task records: one JSON file per task under <state_dir>/tasks/<provider>/.

Tasks must outlive the process that created them: `submit --simulate` exits at once and
a later `wait --simulate` (a new process, a new port) must still answer for the task.
Records are immutable after creation (status is derived from created_at and the clock),
so a per-process read cache is safe and there is never a read-modify-write race.
"""
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

# Task ids come from URLs; only plain ids may become file names (no path traversal).
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def atomic_write_bytes(path, data):
    """Write via a temp file in the same directory + os.replace, so readers never see
    a half-written file even when several processes share the state dir."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, str(path))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class TaskStore(object):
    def __init__(self, state_dir):
        self.root = Path(state_dir) / "tasks"
        self._cache = {}
        self._lock = threading.Lock()

    @staticmethod
    def valid_id(task_id):
        return isinstance(task_id, str) and bool(_SAFE_ID.match(task_id))

    def _path(self, provider, task_id):
        if not self.valid_id(provider) or not self.valid_id(task_id):
            raise ValueError("invalid task id %r" % (task_id,))
        return self.root / provider / (task_id + ".json")

    def put(self, record):
        """Persist a new task record (dict with at least provider and task_id)."""
        path = self._path(record["provider"], record["task_id"])
        data = json.dumps(record, sort_keys=True, indent=1).encode("utf-8")
        atomic_write_bytes(path, data)
        with self._lock:
            self._cache[(record["provider"], record["task_id"])] = dict(record)

    def get(self, provider, task_id):
        """The record, or None for an unknown (or malformed) id."""
        if not self.valid_id(provider) or not self.valid_id(task_id):
            return None
        key = (provider, task_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return dict(cached)
        try:
            with open(str(self._path(provider, task_id)), "rb") as fh:
                record = json.loads(fh.read().decode("utf-8"))
        except (OSError, ValueError):
            return None
        with self._lock:
            self._cache[key] = record
        return dict(record)

    def all(self, provider=None):
        """Every stored record (optionally one provider's), oldest first."""
        records = []
        if not self.root.is_dir():
            return records
        providers = [provider] if provider else sorted(p.name for p in self.root.iterdir() if p.is_dir())
        for prov in providers:
            folder = self.root / prov
            if not folder.is_dir():
                continue
            for path in folder.glob("*.json"):
                if path.name.startswith(".tmp-"):
                    continue
                record = self.get(prov, path.stem)
                if record is not None:
                    records.append(record)
        records.sort(key=lambda r: (r.get("created_at", 0), r.get("task_id", "")))
        return records


def phase(record, now=None):
    """Where a task is on the wall clock: "queued", "running" or "done".

    Status is derived, never stored, so any process reading the record agrees on it.
    Providers map phases onto their own status words (giggle: pending/processing/...).
    """
    elapsed = (time.time() if now is None else now) - float(record["created_at"])
    if elapsed < float(record.get("queued_for", 0)):
        return "queued"
    if record.get("outcome") == "never" or elapsed < float(record.get("duration", 0)):
        return "running"
    return "done"
