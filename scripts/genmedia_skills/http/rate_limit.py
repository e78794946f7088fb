"""Client-side throttling of paid creates: a sliding window shared by every process of
the user (see user_state), so a batch and a person's parallel runs together stay under
a provider's limit (KIE: 20 creates per 10 s, excess refused with 429 and not queued).

A slot is stamped when it is taken and re-stamped when the answer arrives, so the
window covers the moment the provider counted the request, whatever the latency.
`send_within` sends one create per slot and, when the provider still refuses it as
rate-limited (nothing was created), holds every process off and sends it again, within
a bound: two POSTs give exactly one task.
"""

import contextlib
import secrets
import time
from urllib.parse import urlsplit

from ..store import user_state
from ..core.errors import TransportError


class SlidingWindow:
    def __init__(self, name, limit, window, clock=time.time, sleep=time.sleep):
        self.file = "rate-%s.json" % name
        self.limit, self.window = int(limit), float(window)
        self.clock, self.sleep = clock, sleep

    def _take(self):
        """(token, 0) when a slot was taken now, else (None, seconds to wait)."""
        with user_state.locked_json(self.file) as doc:
            now = self.clock()
            stamps = [s for s in doc.get("stamps", []) if now - s[0] < self.window]
            wait = doc.get("hold_until", 0) - now
            if len(stamps) >= self.limit:
                wait = max(wait, min(s[0] for s in stamps) + self.window - now)
            doc["stamps"] = stamps
            if wait > 0:
                return None, wait
            token = secrets.token_hex(4)
            stamps.append([now, token])
            return token, 0.0

    def acquire(self):
        """Take a slot, sleeping as long as the window is full; returns (token, seconds waited)."""
        waited = 0.0
        while True:
            token, wait = self._take()
            if token:
                return token, waited
            wait = min(wait, self.window) + 0.001
            self.sleep(wait)
            waited += wait

    def settle(self, token):
        with user_state.locked_json(self.file) as doc:
            for stamp in doc.get("stamps", []):
                if stamp[1] == token:
                    stamp[0] = max(stamp[0], self.clock())

    def hold_off(self, seconds):
        """No process takes a slot for `seconds` (the provider said: too many)."""
        with user_state.locked_json(self.file) as doc:
            doc["hold_until"] = max(doc.get("hold_until", 0), self.clock() + seconds)

    @contextlib.contextmanager
    def slot(self):
        token, _ = self.acquire()
        try:
            yield
        finally:
            self.settle(token)


def for_endpoint(provider, base_url, limit, window):
    """The window of `provider`'s creates at `base_url`'s host (one per account in practice)."""
    host = (urlsplit(base_url).hostname or "local").replace(":", "_")
    return SlidingWindow("%s-create-%s" % (provider, host), limit, window)


def send_within(limiter, send, rejection, *, attempts=6, on_wait=None):
    """`send()` in a limiter slot until `rejection(result)` is None; rejection returns the
    seconds to hold off when the provider refused for rate (nothing created). Raises
    TransportError (no task exists) after `attempts` refusals."""
    for attempt in range(1, attempts + 1):
        with limiter.slot():
            result = send()
        wait = rejection(result)
        if wait is None:
            return result
        if attempt < attempts:
            limiter.hold_off(wait)
            if on_wait:
                on_wait("create refused as rate-limited (not queued, nothing created); sending it again "
                        "in %.1fs (attempt %d of %d)" % (wait, attempt + 1, attempts))
    raise TransportError("the provider kept refusing the create as rate-limited (%d attempts); no task was "
                         "created, so it is safe to run again later" % attempts, kind="rate_limited",
                         http_status=429)
