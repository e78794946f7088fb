"""Client-side throttling of paid creates: a sliding window shared by every process of
the user (see user_state), so a batch and a person's parallel runs together stay under
a provider's limit (KIE: 20 creates per 10 s, excess refused with 429 and not queued).

A slot is stamped when it is taken and re-stamped when the answer arrives, so the
window covers the moment the provider counted the request, whatever the latency.
`send_within` sends one create per slot and, when the provider still refuses it as
rate-limited (nothing was created), holds every process off and sends it again, within
a bound: two POSTs give exactly one task.

The shared state is checked, never trusted: a stamp in the future (a clock stepped
back) or a hold longer than any refusal sets is impossible and dropped, anything
malformed is repaired; the wait for a slot ends at the command's deadline (OutOfTime,
nothing sent); and the bookkeeping after a send never raises, so no state can cost
the answer of a create that was sent.
"""

import contextlib
import math
import secrets
import time
from urllib.parse import urlsplit

from ..store import user_state
from ..core.errors import OutOfTime, TransportError

MAX_HOLD = 60.0       # the longest hold a refusal sets (providers' Retry-After is capped to it)
CLOCK_SLACK = 1.0     # a stamp this far ahead of now is still believed (clocks of one machine)


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class SlidingWindow:
    def __init__(self, name, limit, window, clock=time.time, sleep=time.sleep, monotonic=time.monotonic):
        self.file = "rate-%s.json" % name
        self.limit, self.window = int(limit), float(window)
        self.max_hold = max(self.window, MAX_HOLD)
        self.clock, self.sleep, self.monotonic = clock, sleep, monotonic

    def _clean(self, doc, now):
        """The state as it can be, in place: stamps [time, token] of the last window and
        not in the future, a hold that ends within max_hold; anything else dropped."""
        raw = doc.get("stamps")
        doc["stamps"] = [s for s in (raw if isinstance(raw, list) else [])
                         if isinstance(s, list) and len(s) == 2 and _number(s[0]) and isinstance(s[1], str)
                         and now - self.window < s[0] <= now + CLOCK_SLACK]
        hold = doc.pop("hold_until", None)
        if _number(hold) and now < hold <= now + self.max_hold:
            doc["hold_until"] = hold
        return doc

    def _take(self):
        """(token, 0) when a slot was taken now, else (None, seconds to wait)."""
        with user_state.locked_json(self.file) as doc:
            now = self.clock()
            stamps = self._clean(doc, now)["stamps"]
            wait = doc.get("hold_until", now) - now
            if len(stamps) >= self.limit:
                wait = max(wait, min(s[0] for s in stamps) + self.window - now)
            if wait > 0:
                return None, wait
            token = secrets.token_hex(4)
            stamps.append([now, token])
            return token, 0.0

    def acquire(self, deadline=None):
        """Take a slot, sleeping as long as the window is full; returns (token, seconds waited).
        OutOfTime (nothing sent) when the slot would come after `deadline` (time.monotonic())."""
        waited = 0.0
        while True:
            token, wait = self._take()
            if token:
                return token, waited
            if deadline is not None and self.monotonic() + wait >= deadline:
                raise OutOfTime("--timeout ran out waiting %.1fs for a free create slot (the provider allows %d "
                                "creates per %gs); nothing was sent, so it is safe to run the command again"
                                % (wait, self.limit, self.window))
            wait = min(wait, self.window) + 0.001   # then look again: another process may free one
            self.sleep(wait)
            waited += wait

    def settle(self, token):
        with user_state.locked_json(self.file) as doc:
            now = self.clock()
            for stamp in self._clean(doc, now)["stamps"]:
                if stamp[1] == token:
                    stamp[0] = max(stamp[0], now)

    def hold_off(self, seconds):
        """No process takes a slot for `seconds` (the provider said: too many)."""
        with user_state.locked_json(self.file) as doc:
            now = self.clock()
            self._clean(doc, now)
            doc["hold_until"] = max(doc.get("hold_until", 0), now + min(seconds, self.max_hold))

    def after_send(self, step, warn=None):
        """Bookkeeping after a send (`step()`): it may fail (a state damaged or unwritable
        meanwhile), but never past the create's answer; the state is reset instead."""
        try:
            step()
        except Exception as exc:
            with contextlib.suppress(Exception):
                with user_state.locked_json(self.file) as doc:
                    doc.clear()
            if warn:
                warn("the shared create-rate state could not be updated (%s); it was reset"
                     % (getattr(exc, "message", None) or exc))

    @contextlib.contextmanager
    def slot(self, deadline=None, warn=None):
        token, _ = self.acquire(deadline)
        try:
            yield
        finally:
            self.after_send(lambda: self.settle(token), warn)


def for_endpoint(provider, base_url, limit, window):
    """The window of `provider`'s creates at `base_url`'s host (one per account in practice)."""
    host = (urlsplit(base_url).hostname or "local").replace(":", "_")
    return SlidingWindow("%s-create-%s" % (provider, host), limit, window)


def send_within(limiter, send, rejection, *, attempts=6, on_wait=None, deadline=None):
    """`send()` in a limiter slot until `rejection(result)` is None; rejection returns the
    seconds to hold off when the provider refused for rate (nothing created). Raises
    TransportError (no task exists) after `attempts` refusals, OutOfTime when a slot would
    come after `deadline` (time.monotonic(); nothing is sent then)."""
    for attempt in range(1, attempts + 1):
        with limiter.slot(deadline, on_wait):
            result = send()
        wait = rejection(result)
        if wait is None:
            return result
        if attempt < attempts:
            limiter.after_send(lambda: limiter.hold_off(wait), on_wait)
            if on_wait:
                on_wait("create refused as rate-limited (not queued, nothing created); sending it again "
                        "in %.1fs (attempt %d of %d)" % (wait, attempt + 1, attempts))
    raise TransportError("the provider kept refusing the create as rate-limited (%d attempts); no task was "
                         "created, so it is safe to run again later" % attempts, kind="rate_limited",
                         http_status=429)
