"""When to ask the provider again.

A schedule is shaped by the model's expected duration window [lo, hi]
(provider seconds, from the model catalog): one early check to catch instant
rejections, the next one shortly before `lo`, then intervals that grow with the
elapsed time (ratio * elapsed) up to a cap of a fifth of the window (5-25 s),
with jitter so many clients never poll in lockstep. A job that outlives its
window keeps being polled at the cap until the wall-clock timeout.

All numbers are provider seconds; the runner multiplies them by the poll scale
(GENMEDIA_POLL_SCALE) so simulated and test runs stay fast.
benchmarks/poll_bench.py compares this against fixed and backoff schedules.
"""

import random


class PollSchedule:
    def __init__(self, expected=(20.0, 120.0), *, first=3.0, ratio=0.7, floor=2.0,
                 cap=None, jitter=0.1, grace=25.0):
        lo, hi = float(expected[0]), float(expected[1])
        self.expected = (lo, hi)
        self.first = first
        self.second = max(first + floor, 0.8 * lo)
        self.ratio = ratio
        self.floor = floor
        self.cap = cap if cap is not None else min(25.0, max(5.0, (hi - lo) / 5.0))
        self.jitter = jitter
        # how long "task not found" right after submit still means "not visible yet"
        self.grace = grace

    def next_check_at(self, elapsed, rng=random):
        """Elapsed time (since submit) at which to check next, given the time now."""
        if elapsed < self.first:
            return self.first
        if elapsed < self.second:
            return self.second
        step = min(self.cap, max(self.floor, self.ratio * elapsed))
        return elapsed + step * (1.0 + rng.uniform(-self.jitter, self.jitter))

    def delay(self, elapsed, rng=random):
        """Seconds to wait from now before the next check."""
        return max(0.0, self.next_check_at(elapsed, rng) - elapsed)

    def to_dict(self):
        return {"expected": list(self.expected), "first": self.first, "second": self.second,
                "ratio": self.ratio, "cap": self.cap, "jitter": self.jitter, "grace": self.grace}
