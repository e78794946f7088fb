"""How long to wait before retrying an idempotent request.

Jittered exponential backoff (base * 2**n, 50-100% of it, capped), or the
server's Retry-After (seconds or an HTTP date) when it sends one, up to a
ceiling: a server asking for more than the ceiling is not waited for.
"""

import email.utils
import random
import time


class RetryPolicy:
    def __init__(self, attempts=5, base=0.5, cap=8.0, retry_after_ceiling=60.0):
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.retry_after_ceiling = retry_after_ceiling

    def delay(self, attempt, retry_after=None, rng=random):
        """Seconds to sleep before attempt number `attempt + 1` (attempt counts from 1).

        None means: do not retry (the server wants longer than we are willing to wait)."""
        if retry_after is not None:
            return retry_after if retry_after <= self.retry_after_ceiling else None
        backoff = min(self.cap, self.base * (2 ** (attempt - 1)))
        return backoff * rng.uniform(0.5, 1.0)


def parse_retry_after(value, now=None):
    """Seconds from a Retry-After header value, or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)
