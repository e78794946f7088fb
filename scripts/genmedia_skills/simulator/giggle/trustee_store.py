"""Trustee project records: mutable JSON files beside the simulator's task records.

Unlike generation tasks, a project changes after creation (submit, pay, retry), so the
TaskStore's "immutable record + per-process cache" rule does not hold. Records are still
written through TaskStore.put (same layout <state_dir>/tasks/giggle-trustee/<id>.json, so
`sim.tasks("giggle-trustee")` lists them), but every read here goes to disk and every
change is a locked read-modify-write: a `pay` answered by one process must be seen by
another process polling the same state dir, and two racing pays must not both succeed.
"""
import json
import threading

try:
    import fcntl  # POSIX: serialize writers across processes sharing the state dir
except ImportError:  # pragma: no cover - Windows: in-process lock only
    fcntl = None

PROVIDER = "giggle-trustee"


class ProjectStore(object):
    def __init__(self, task_store):
        self._tasks = task_store
        self._dir = task_store.root / PROVIDER
        self._lock = threading.Lock()

    def create(self, record):
        self._tasks.put(dict(record, provider=PROVIDER, task_id=record["project_id"]))

    def get(self, project_id):
        """The record fresh from disk, or None (unknown or not a safe id)."""
        if not self._tasks.valid_id(project_id):
            return None
        try:
            with open(str(self._dir / (project_id + ".json")), "rb") as fh:
                return json.loads(fh.read().decode("utf-8"))
        except (OSError, ValueError):
            return None

    def update(self, project_id, change):
        """Run change(record) -> (changed, result) under the lock; persist if changed.

        Returns (found, result); an exception from `change` leaves the record untouched.
        """
        with self._lock:
            lock_file = self._lock_file()
            try:
                record = self.get(project_id)
                if record is None:
                    return False, None
                changed, result = change(record)
                if changed:
                    self._tasks.put(record)
                return True, result
            finally:
                if lock_file is not None:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
                    lock_file.close()

    def _lock_file(self):
        if fcntl is None:
            return None
        self._dir.mkdir(parents=True, exist_ok=True)
        handle = open(str(self._dir / ".lock"), "a+b")  # not *.json: TaskStore.all skips it
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        return handle
