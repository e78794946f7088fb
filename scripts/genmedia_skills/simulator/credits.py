"""Each simulated provider account's credit balance, kept on disk beside the tasks.

A balance goes down by what each created task costs and a create that would take it
below zero is refused (the provider's "no credits" answer), so clients meet the same
402 / payment_required they would meet live. It lives under <state_dir>/credits/ so
`submit --simulate` and a later `balance --simulate` (other processes) agree; changes
are made under a lock (flock where the platform has it) and written atomically.

Starting balance: Simulator(credits=...), else $GENMEDIA_SIM_CREDITS (a number for
every provider, or "kie=100,creatok=50"), else DEFAULT.
"""
import contextlib
import json
import os
import threading

from .task_store import atomic_write_bytes

try:
    import fcntl
except ImportError:   # Windows: one process at a time is what --simulate runs anyway
    fcntl = None

CREDITS_ENV = "GENMEDIA_SIM_CREDITS"
DEFAULT = 10000


def parse(spec):
    """{provider or "*": credits} from "500" or "kie=100,creatok=50"; ValueError when malformed."""
    found = {}
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        name, _, value = part.rpartition("=")
        amount = float(value)
        if amount < 0 or amount != amount:
            raise ValueError("%s: credits must be a number >= 0, got %r" % (CREDITS_ENV, value))
        found[name.strip() or "*"] = int(amount) if amount.is_integer() else amount
    return found


class CreditLedger(object):
    def __init__(self, state_dir, start=None):
        self.dir = state_dir / "credits"
        self.start = parse(os.environ.get(CREDITS_ENV, "")) if start is None else dict(start)
        self._lock = threading.Lock()

    def _path(self, provider):
        return self.dir / (provider + ".json")

    def _initial(self, provider):
        return self.start.get(provider, self.start.get("*", DEFAULT))

    @contextlib.contextmanager
    def _locked(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._lock, open(str(self.dir / ".lock"), "a+") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _read(self, provider):
        try:
            with open(str(self._path(provider)), "rb") as handle:
                value = json.loads(handle.read().decode("utf-8")).get("balance")
        except (OSError, ValueError, AttributeError):
            return self._initial(provider)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else self._initial(provider)

    def _write(self, provider, value):
        atomic_write_bytes(self._path(provider), json.dumps({"balance": value}).encode("utf-8"))

    def balance(self, provider):
        with self._locked():
            return self._read(provider)

    def set(self, provider, value):
        """Tests: give the account `value` credits."""
        with self._locked():
            self._write(provider, value)

    def charge(self, provider, amount):
        """Take `amount` from the balance; False (and nothing taken) when it would go below zero."""
        with self._locked():
            left = self._read(provider)
            if amount > left:
                return False
            self._write(provider, left - amount)
            return True
