"""Small JSON files shared by every process of one user (rate-limit windows, upload
caches), each read-modified-written under an exclusive lock.

Lives in config.state_dir() (beside the pay ledger): per user, not per artifact root,
so a batch and a person's parallel runs from different folders see the same state.
"""

import contextlib
import json
import os
import threading

from ..core import config
from ..core.safe_files import exclusive_lock

_thread_lock = threading.Lock()


@contextlib.contextmanager
def locked_json(name):
    """Yield the document stored as `name` (a dict, {} when new or unreadable); whatever
    it holds when the block ends is written back, atomically, before the lock is released."""
    root = config.state_dir()
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    with _thread_lock, exclusive_lock(str(path) + ".lock"):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
        if not isinstance(doc, dict):
            doc = {}
        yield doc
        tmp = path.with_name(".%s.%d.tmp" % (path.name, os.getpid()))
        tmp.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        os.replace(str(tmp), str(path))
