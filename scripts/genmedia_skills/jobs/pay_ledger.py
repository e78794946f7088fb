"""The per-user pay ledger: one record per (provider, project) ever paid from this machine.

A run's result.json lives under one artifact root and can be truncated, edited or
simply be in another root; a pay must still never be sent twice. So the intent to
pay is also written here, in a place every root of the same user shares
(config.state_dir(): $GENMEDIA_STATE_DIR, else $XDG_DATA_HOME/genmedia-skills, else
~/.local/share/genmedia-skills), BEFORE the pay POST:

    <state>/pay-ledger/<provider>/<sha256(project_id)[:40]>.json

`claim` is an atomic check-and-set: under the ledger's lock file, and with a hard
link that fails when the record exists (so it holds even where no lock is
available). A record is never deleted; later facts (outcome, order) are added to it.
"""

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..core.errors import ProviderError
from ..core.safe_files import UnsafePath, atomic_write, open_lock, read_capped

MAX_RECORD_BYTES = 64 * 1024   # a pay claim is a few hundred bytes

try:
    import fcntl
except ImportError:  # Windows: the hard-link claim alone keeps it check-and-set
    fcntl = None

class LedgerUnavailable(ProviderError):
    """The ledger cannot be written: nothing may be paid (exit 4)."""

    kind = "pay_ledger"


class PayLedger:
    def __init__(self, state_dir):
        self.dir = Path(state_dir) / "pay-ledger"

    def _path(self, provider, project_id):
        digest = hashlib.sha256(project_id.encode("utf-8")).hexdigest()[:40]
        return self.dir / provider / (digest + ".json")

    def get(self, provider, project_id):
        """The record for this project, or None. A damaged record still counts as a
        claim: {} then. LedgerUnavailable when the ledger cannot be read at all."""
        path = self._path(provider, project_id)
        try:
            text = read_capped(path, MAX_RECORD_BYTES).decode("utf-8", errors="replace")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unavailable(exc) from None
        try:
            record = json.loads(text)
        except ValueError:
            return {}
        return record if isinstance(record, dict) and record.get("project_id") == project_id else {}

    def _unavailable(self, exc):
        return LedgerUnavailable("cannot use the pay ledger %s (%s); set GENMEDIA_STATE_DIR to a writable "
                                 "folder: nothing was paid" % (self.dir, getattr(exc, "strerror", None) or exc))

    @contextlib.contextmanager
    def _locked(self, provider):
        folder = self.dir / provider
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if folder.is_symlink():
                raise OSError("%s is a symlink" % folder)
            fd = open_lock(folder / ".lock")
        except (OSError, UnsafePath) as exc:
            raise self._unavailable(exc) from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield folder
        finally:
            os.close(fd)   # closing releases the lock

    def claim(self, provider, project_id, facts):
        """(True, record) when this process now owns the one pay of the project;
        (False, existing record) when any process, from any root, claimed it before."""
        path = self._path(provider, project_id)
        record = dict(facts, provider=provider, project_id=project_id)
        with self._locked(provider) as folder:
            existing = self.get(provider, project_id)
            if existing is not None:
                return False, existing
            fd, tmp = tempfile.mkstemp(dir=str(folder), prefix=".claim.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(record, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.link(tmp, str(path))   # fails if the record exists: never two owners
            except FileExistsError:
                return False, self.get(provider, project_id) or {}
            except OSError as exc:
                raise self._unavailable(exc) from None
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            _sync_dir(folder)
            return True, record

    def update(self, provider, project_id, facts):
        """Add facts (outcome, order_id, price) to an existing record; best effort: the
        claim, not these details, is what prevents a second pay."""
        with contextlib.suppress(OSError, LedgerUnavailable):
            with self._locked(provider):
                record = self.get(provider, project_id)
                if record is None:
                    return
                record.update({k: v for k, v in facts.items() if v is not None},
                              provider=provider, project_id=project_id)
                atomic_write(self._path(provider, project_id), json.dumps(record))


def _sync_dir(folder):
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(str(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
