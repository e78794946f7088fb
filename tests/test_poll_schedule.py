"""Unit tests for genmedia_skills.jobs.poll_schedule.PollSchedule (pure arithmetic, no I/O)."""

import random

import pytest

from genmedia_skills.jobs.poll_schedule import PollSchedule


class FixedRng:
    """An rng whose uniform() always returns one end (or the middle) of the range."""

    def __init__(self, where):
        self.where = where  # "lo", "hi" or "mid"

    def uniform(self, a, b):
        return {"lo": a, "hi": b, "mid": (a + b) / 2.0}[self.where]


def elapsed_grid(schedule, until=2000.0, step=0.37):
    """Elapsed times from the second check onwards (the growing phase)."""
    t = schedule.second
    while t < until:
        yield t
        t += step


def test_first_check_is_at_first():
    s = PollSchedule((20, 120), first=3.0)
    assert s.next_check_at(0.0) == 3.0
    assert s.next_check_at(2.999) == 3.0
    assert s.delay(0.0) == pytest.approx(3.0)
    assert s.delay(1.0) == pytest.approx(2.0)


@pytest.mark.parametrize("lo,hi", [(20, 120), (40, 120), (25, 60), (100, 400)])
def test_second_check_shortly_before_lo(lo, hi):
    s = PollSchedule((lo, hi))
    assert s.second == pytest.approx(0.8 * lo)
    assert s.second < lo
    # anything between the first and the second check waits for the second
    assert s.next_check_at(s.first) == pytest.approx(0.8 * lo)
    assert s.next_check_at(s.second - 0.001) == pytest.approx(0.8 * lo)


def test_second_check_never_before_first_plus_floor():
    # a tiny window would put 0.8*lo before the first check: then first + floor wins
    s = PollSchedule((2, 10), first=3.0, floor=2.0)
    assert s.second == pytest.approx(5.0)
    assert s.first < s.second


def test_intervals_grow_with_elapsed_without_jitter():
    s = PollSchedule((20, 120), jitter=0.0)
    delays = [s.delay(t) for t in elapsed_grid(s, until=600)]
    assert all(b >= a - 1e-12 for a, b in zip(delays, delays[1:])), "delays must not shrink"
    assert delays[0] < delays[-1]
    # ratio * elapsed while below the cap
    assert s.delay(20.0) == pytest.approx(14.0)
    assert s.delay(25.0) == pytest.approx(min(s.cap, 17.5))
    # a job outliving its window is polled at the cap
    assert s.delay(10000.0) == pytest.approx(s.cap)


@pytest.mark.parametrize("expected", [(20, 120), (10, 45), (40, 120), (0, 1000), (5, 6)])
@pytest.mark.parametrize("where", ["lo", "hi", "mid"])
def test_interval_bounds_with_jitter(expected, where):
    s = PollSchedule(expected, jitter=0.1)
    rng = FixedRng(where)
    for t in elapsed_grid(s):
        d = s.delay(t, rng)
        assert d <= s.cap * (1 + s.jitter) + 1e-9, (t, d)
        assert d >= s.floor * (1 - s.jitter) - 1e-9, (t, d)


def test_interval_bounds_with_a_real_rng():
    s = PollSchedule((20, 120))
    rng = random.Random(1234)
    for t in elapsed_grid(s):
        for _ in range(3):
            d = s.delay(t, rng)
            assert s.floor * (1 - s.jitter) - 1e-9 <= d <= s.cap * (1 + s.jitter) + 1e-9


def test_jitter_is_bounded_around_the_step():
    s = PollSchedule((20, 120), jitter=0.1)
    t = 30.0
    step = min(s.cap, max(s.floor, s.ratio * t))
    rng = random.Random(7)
    values = [s.delay(t, rng) for _ in range(500)]
    assert min(values) >= step * 0.9 - 1e-9
    assert max(values) <= step * 1.1 + 1e-9
    # extremes of the rng map exactly onto the jitter band
    assert s.delay(t, FixedRng("lo")) == pytest.approx(step * 0.9)
    assert s.delay(t, FixedRng("hi")) == pytest.approx(step * 1.1)


def test_jitter_varies_with_the_rng():
    s = PollSchedule((20, 120))
    t = 40.0
    by_seed = {seed: s.delay(t, random.Random(seed)) for seed in range(20)}
    assert len(set(round(v, 9) for v in by_seed.values())) > 10
    # same seed, same answer: the rng is the only source of variation
    assert s.delay(t, random.Random(3)) == by_seed[3]
    rng = random.Random(99)
    successive = [s.delay(t, rng) for _ in range(10)]
    assert len(set(successive)) > 1


def test_no_jitter_before_the_growing_phase():
    s = PollSchedule((20, 120))
    for seed in range(10):
        rng = random.Random(seed)
        assert s.next_check_at(0.0, rng) == s.first
        assert s.next_check_at(s.first + 0.5, rng) == s.second


@pytest.mark.parametrize("lo,hi,cap", [
    (20, 120, 100 / 5.0),   # a fifth of the window
    (10, 45, 35 / 5.0),
    (8, 20, 5.0),           # narrow window: at least 5 s
    (0, 10, 5.0),
    (60, 600, 25.0),        # wide window: at most 25 s
    (0, 10000, 25.0),
])
def test_cap_is_derived_from_the_window(lo, hi, cap):
    assert PollSchedule((lo, hi)).cap == pytest.approx(cap)


def test_explicit_cap_wins():
    s = PollSchedule((0, 10000), cap=7.0, jitter=0.0)
    assert s.cap == 7.0
    assert s.delay(500.0) == pytest.approx(7.0)


@pytest.mark.parametrize("expected", [(20, 120), (10, 45), (0, 5)])
def test_delay_is_never_negative(expected):
    s = PollSchedule(expected)
    rng = random.Random(5)
    t = 0.0
    while t < 3000:
        assert s.delay(t, rng) >= 0.0
        t += 0.13
    # even far past any interesting point and with the rng at its lowest
    for t in (0.0, s.first, s.second, 1e6):
        assert s.delay(t, FixedRng("lo")) >= 0.0


def test_next_check_is_always_in_the_future_or_now():
    s = PollSchedule((20, 120))
    rng = random.Random(11)
    for t in (0.0, 1.0, 3.0, 10.0, 16.0, 50.0, 500.0):
        assert s.next_check_at(t, rng) >= t


def test_grace_value():
    s = PollSchedule()
    # design: a 20-30 s window for "not found yet" right after submit
    assert s.grace == 25.0
    assert 20.0 <= s.grace <= 30.0
    assert PollSchedule(grace=40.0).grace == 40.0


def test_to_dict_describes_the_schedule():
    s = PollSchedule((10, 45), first=2.0, grace=22.0)
    d = s.to_dict()
    assert d == {"expected": [10.0, 45.0], "first": 2.0, "second": s.second, "ratio": 0.7,
                 "cap": s.cap, "jitter": 0.1, "grace": 22.0}


def test_expected_accepts_list_and_ints():
    s = PollSchedule([20, 90])
    assert s.expected == (20.0, 90.0)
    assert isinstance(s.expected[0], float)


def test_run_waits_for_the_first_check_instead_of_querying_at_once(image_cli, sim):
    """Right after the submit a query can only read "queued": the first one comes at the
    schedule's first check (3 provider seconds; here the poll scale makes that 3 s)."""
    sim.outcomes.add("succeed", duration=100)   # 1 s
    res = image_cli("run", "--prompt", "a fox", "--no-download", env={"GENMEDIA_POLL_SCALE": "1"})
    assert res.code == 0, res
    assert len([r for r in sim.requests if r.route == "giggle.query"]) == 1
