"""Small JSON files shared by every process of one user (rate-limit windows, upload
caches), each read-modified-written under an exclusive lock.

Lives in config.state_dir() (beside the pay ledger): per user, not per artifact root,
so a batch and a person's parallel runs from different folders see the same state.
A damaged file (not JSON, not an object, a symlink, a FIFO, a runaway size) is read as
{} and replaced whole; a folder that cannot hold the state at all is StateUnavailable,
a named error raised before the caller sends anything.
"""

import contextlib
import json
import os
import threading

from ..core import config
from ..core.errors import GenmediaError
from ..core.safe_files import UnsafePath, atomic_write, exclusive_lock, read_capped

MAX_STATE_BYTES = 1024 * 1024   # a rate window or an upload cache is a few kilobytes
_thread_lock = threading.Lock()


class StateUnavailable(GenmediaError):
    kind = "state_unavailable"


def _unavailable(root, exc):
    setting = "GENMEDIA_STATE_DIR" if os.environ.get("GENMEDIA_STATE_DIR", "").strip() else \
        "the per-user state folder (set GENMEDIA_STATE_DIR to move it)"
    reason = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
    return StateUnavailable("%s %s cannot be used (%s); nothing was sent" % (setting, root, reason))


def _read(path):
    try:
        doc = json.loads(read_capped(path, MAX_STATE_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError):   # missing, or damaged: start afresh, the write replaces it
        return {}
    return doc if isinstance(doc, dict) else {}


@contextlib.contextmanager
def locked_json(name):
    """Yield the document stored as `name` (a dict, {} when new or damaged); whatever it
    holds when the block ends is written back, atomically, before the lock is released."""
    root = config.state_dir()
    path = root / name
    with _thread_lock, contextlib.ExitStack() as held:
        try:
            root.mkdir(parents=True, exist_ok=True)
            held.enter_context(exclusive_lock(str(path) + ".lock"))
        except (OSError, UnsafePath) as exc:   # UnsafePath: a symlink planted as the lock
            raise _unavailable(root, exc) from None
        doc = _read(path)
        yield doc
        try:
            atomic_write(path, json.dumps(doc, separators=(",", ":")))
        except OSError as exc:
            raise _unavailable(root, exc) from None
