"""The create rate window shared by every process of a user (genmedia_skills.http.rate_limit)."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from genmedia_skills.http import rate_limit
from genmedia_skills.core.errors import TransportError


class Clock:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("GENMEDIA_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_the_21st_create_in_a_window_waits_for_the_oldest_to_leave_it(state):
    clock = Clock()
    a = rate_limit.SlidingWindow("t", 20, 10.0, clock=clock, sleep=clock.sleep)
    b = rate_limit.SlidingWindow("t", 20, 10.0, clock=clock, sleep=clock.sleep)   # another process
    for i in range(20):
        (a if i % 2 else b).acquire()
        clock.now += 0.1
    assert clock.slept == []
    token, waited = a.acquire()
    assert 8.0 < waited <= 8.1 + 0.01 and clock.now >= 1010.0


def test_a_slot_is_restamped_when_the_answer_arrives(state):
    clock = Clock()
    window = rate_limit.SlidingWindow("t", 1, 10.0, clock=clock, sleep=clock.sleep)
    with window.slot():
        clock.now += 3.0            # a slow answer: the provider counted it late
    _, waited = window.acquire()
    assert waited >= 10.0          # counted from the answer, not from the send


def test_hold_off_stops_every_process(state):
    clock = Clock()
    rate_limit.SlidingWindow("t", 20, 10.0, clock=clock, sleep=clock.sleep).hold_off(10.0)
    _, waited = rate_limit.SlidingWindow("t", 20, 10.0, clock=clock, sleep=clock.sleep).acquire()
    assert waited >= 10.0


def test_send_within_resends_only_refusals_and_gives_up_with_no_task(state):
    clock = Clock()
    window = rate_limit.SlidingWindow("t", 20, 10.0, clock=clock, sleep=clock.sleep)
    answers = iter(["429", "429", "ok"])
    assert rate_limit.send_within(window, lambda: next(answers), lambda r: 10.0 if r == "429" else None) == "ok"
    with pytest.raises(TransportError) as info:
        rate_limit.send_within(window, lambda: "429", lambda r: 1.0, attempts=3)
    assert info.value.kind == "rate_limited" and "no task was created" in info.value.message


WORKER = """
import json, sys, time
sys.path.insert(0, %r)
from genmedia_skills.http import rate_limit
window = rate_limit.SlidingWindow("procs", 5, 0.5)
stamps = []
for _ in range(6):
    with window.slot():
        stamps.append(time.time())
print(json.dumps(stamps))
"""


def test_processes_share_one_window(state, monkeypatch):
    code = WORKER % str(ROOT / "scripts")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env=dict(__import__("os").environ, GENMEDIA_STATE_DIR=str(state))) for _ in range(2)]
    stamps = sorted(t for p in procs for t in json.loads(p.communicate(timeout=30)[0]))
    assert len(stamps) == 12
    for i, t in enumerate(stamps):   # never more than 5 sends in any 0.5 s
        assert sum(1 for u in stamps[i:] if u - t < 0.5 - 0.01) <= 5
