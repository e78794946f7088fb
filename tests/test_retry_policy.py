"""Unit tests for genmedia_skills.http.retry_policy: backoff and Retry-After parsing."""

import email.utils
import random

import pytest

from genmedia_skills.http.retry_policy import RetryPolicy, parse_retry_after


class FixedRng:
    def __init__(self, where):
        self.where = where

    def uniform(self, a, b):
        return a if self.where == "lo" else b


def test_defaults():
    p = RetryPolicy()
    assert p.attempts == 5 and p.base == 0.5 and p.cap == 8.0 and p.retry_after_ceiling == 60.0


def test_backoff_grows_exponentially_until_the_cap():
    p = RetryPolicy(base=0.5, cap=8.0)
    top = [p.delay(n, rng=FixedRng("hi")) for n in range(1, 9)]
    assert top == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    bottom = [p.delay(n, rng=FixedRng("lo")) for n in range(1, 9)]
    assert bottom == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_backoff_jitter_stays_within_half_to_full():
    p = RetryPolicy(base=0.01, cap=0.1)
    rng = random.Random(42)
    for attempt in range(1, 12):
        full = min(p.cap, p.base * 2 ** (attempt - 1))
        for _ in range(50):
            d = p.delay(attempt, rng=rng)
            assert 0.5 * full - 1e-12 <= d <= full + 1e-12
            assert d <= p.cap


def test_backoff_jitter_varies():
    p = RetryPolicy(base=1.0, cap=100.0)
    values = {p.delay(3, rng=random.Random(seed)) for seed in range(20)}
    assert len(values) > 10


def test_backoff_with_default_rng_is_bounded():
    p = RetryPolicy(base=0.2, cap=1.0)
    for attempt in range(1, 10):
        d = p.delay(attempt)
        assert 0 < d <= 1.0


def test_retry_after_is_honoured_exactly():
    p = RetryPolicy(base=0.01, cap=0.02, retry_after_ceiling=60)
    assert p.delay(1, retry_after=7.5) == 7.5
    assert p.delay(4, retry_after=0.0) == 0.0
    # exactly at the ceiling is still waited for
    assert p.delay(1, retry_after=60.0) == 60.0


def test_retry_after_over_the_ceiling_means_do_not_retry():
    p = RetryPolicy(retry_after_ceiling=30)
    assert p.delay(1, retry_after=30.001) is None
    assert p.delay(1, retry_after=3600) is None
    assert p.delay(1, retry_after=float("inf")) is None


@pytest.mark.parametrize("value,expected", [
    ("0", 0.0), ("5", 5.0), ("120", 120.0), (" 7 ", 7.0), ("1.5", 1.5), ("-3", 0.0),
])
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date_in_the_future():
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30.0)
    header = email.utils.formatdate(now + 3600, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(3600.0)


def test_parse_retry_after_http_date_localtime_form():
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 45, localtime=True)   # "+hhmm" zone instead of GMT
    assert parse_retry_after(header, now=now) == pytest.approx(45.0)


def test_parse_retry_after_http_date_against_the_clock():
    import time
    header = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 17.0 <= parse_retry_after(header) <= 20.0


def test_parse_retry_after_http_date_in_the_past_is_zero():
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now - 100, usegmt=True), now=now) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_http_date_over_the_ceiling_is_not_waited_for():
    now = 1_700_000_000.0
    p = RetryPolicy(retry_after_ceiling=60)
    seconds = parse_retry_after(email.utils.formatdate(now + 600, usegmt=True), now=now)
    assert p.delay(1, retry_after=seconds) is None
    seconds = parse_retry_after(email.utils.formatdate(now + 10, usegmt=True), now=now)
    assert p.delay(1, retry_after=seconds) == pytest.approx(10.0)


@pytest.mark.parametrize("value", [
    None, "", "   ", "soon", "abc123", "Wed, 99 Foo 2015 07:28:00 GMT", "tomorrow at noon",
    "12 parsecs", "Retry-After: 5",
])
def test_parse_retry_after_garbage_is_none(value):
    assert parse_retry_after(value) is None
