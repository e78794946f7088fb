"""A batch item's proof that its create request has not left this machine.

A run's intent (result.json with no task_id) is saved before the submit, but between
that save and the create POST an adapter may still upload inputs or wait for a
rate-limit slot, and a process killed there has sent nothing. So the batch marks the
item's run `.not-sent` before the intent and removes the mark just before the POST that
creates the task (Job.submit's `before_send`). A re-run that finds an intent without a
task_id resubmits only while the mark is there; without it the create may have gone
out, so the outcome is unknown and stays behind --resubmit-unknown. Runs made before
the mark existed have none, and are treated as "maybe sent": never paid twice.
"""

import errno
import os

from ..core.errors import RunNotSaved
from ..core.safe_files import O_NOFOLLOW, UnsafePath

MARK = ".not-sent"


def mark(run):
    """Mark `run` as not sent (before its intent is saved)."""
    path = run.dir / MARK
    try:
        os.close(os.open(str(path), os.O_WRONLY | os.O_CREAT | O_NOFOLLOW, 0o600))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise UnsafePath("%s is a symbolic link; refusing to write through it" % path) from None
        raise RunNotSaved.of(run.dir, exc) from None


def sending(run):
    """The callback that clears the mark the moment the create is about to be sent; if the
    mark cannot be removed, nothing is sent (a re-run would take it for unsent and pay twice)."""
    def clear():
        try:
            os.unlink(str(run.dir / MARK))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise RunNotSaved.of(run.dir, exc) from None
    return clear


def holds(run):
    """True when `run` provably sent no create (its mark is still there)."""
    return os.path.lexists(str(run.dir / MARK))
