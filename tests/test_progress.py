"""genmedia_skills.command.progress.Progress on plain and TTY-like streams."""

import io
import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from genmedia_skills.command import progress
from genmedia_skills.command.progress import Progress
from genmedia_skills.core.redaction import register_secret


class TtyIO(io.StringIO):
    def isatty(self):
        return True


def plain(**kw):
    stream = io.StringIO()
    return Progress("skill", stream=stream, **kw), stream


def tty(**kw):
    stream = TtyIO()
    return Progress("skill", stream=stream, **kw), stream


# --------------------------------------------------------------------------- plain lines

def test_plain_stream_is_not_a_tty():
    p, _ = plain()
    assert p.tty is False
    assert tty()[0].tty is True


def test_say_warn_status_lines():
    p, out = plain()
    p.say("submitted task t1")
    p.warn("query failed; will try again")
    p.status("t1: pending, 0s", key="pending")
    p.close()
    assert out.getvalue() == ("[skill] submitted task t1\n"
                              "[skill] warning: query failed; will try again\n"
                              "[skill] t1: pending, 0s\n")


def test_quiet_suppresses_say_and_status_but_not_warn():
    p, out = plain(quiet=True)
    p.say("hello")
    p.status("t1: pending", key="pending")
    p.status("t1: processing", key="processing")
    p.warn("could not download image 1")
    p.close()
    assert out.getvalue() == "[skill] warning: could not download image 1\n"


def test_repeated_status_keys_print_once():
    p, out = plain()
    p.status("t1: pending, 0s", key="pending")
    p.status("t1: pending, 3s", key="pending")
    p.status("t1: pending, 6s", key="pending")
    p.status("t1: processing, 9s", key="processing")
    p.status("t1: processing, 12s", key="processing")
    p.status("t1: pending, 15s", key="pending")   # a change back is a change
    assert out.getvalue().splitlines() == ["[skill] t1: pending, 0s", "[skill] t1: processing, 9s",
                                           "[skill] t1: pending, 15s"]


def test_status_without_key_dedups_on_the_message():
    p, out = plain()
    p.status("waiting")
    p.status("waiting")
    p.status("still waiting")
    assert out.getvalue().splitlines() == ["[skill] waiting", "[skill] still waiting"]


def test_heartbeat_repeats_an_unchanged_status(monkeypatch):
    monkeypatch.setattr(progress, "HEARTBEAT", 0)
    p, out = plain()
    p.status("t1: processing, 3s", key="processing")
    p.status("t1: processing, 6s", key="processing")
    p.status("t1: processing, 9s", key="processing")
    assert out.getvalue().splitlines() == ["[skill] t1: processing, %ds" % s for s in (3, 6, 9)]


def test_heartbeat_default_is_thirty_seconds():
    assert progress.HEARTBEAT == 30.0


# --------------------------------------------------------------------------- TTY

def test_tty_status_shows_the_phase_with_a_clock_and_close_ends_it(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(progress, "TICK", 3600)   # no redraw by the clock in between: exact output
    p, out = tty()
    p.status("t1: pending, 0s", key="pending", phase="queued")
    p.status("t1: processing, 6s", key="processing", phase="running, step video")
    text = out.getvalue()
    assert "\n" not in text   # one line, redrawn in place
    assert "\r\033[K[skill] | 00:00  queued" in text
    assert text.endswith("\r\033[J\r\033[K[skill] | 00:00  running, step video")
    assert "\033[3" not in text and "\033[1m" not in text   # NO_COLOR: no colour at all
    p.close()
    assert out.getvalue().endswith("running, step video\n")
    p.close()   # nothing left to end
    assert out.getvalue().count("\n") == 1


def test_tty_say_and_warn_print_above_the_live_line(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(progress, "TICK", 3600)   # no redraw by the clock in between: exact output
    p, out = tty()
    p.phase("submitting")
    p.say("saved /tmp/x.png")
    p.warn("careful")
    p.close()
    lines = out.getvalue().split("\n")
    assert lines[0].endswith("\r\033[J[skill] saved /tmp/x.png")   # the live line erased first
    assert lines[1].endswith("\r\033[J[skill] warning: careful")
    assert lines[2].endswith("[skill] | 00:00  submitting") and lines[3] == ""   # redrawn below, kept at the end


def test_tty_clock_ticks_between_updates_and_shows_the_expected_time(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(progress, "TICK", 0.01)
    p, out = tty()
    p.phase("running", expected=(20, 90))
    p._started -= 65   # as if the command had started 65 s ago: the next tick shows it
    deadline = time.monotonic() + 30
    while "01:05" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    p.close()
    text = out.getvalue()
    assert "[skill] | 00:00  running  · usually 20-90 s" in text
    assert "01:05  running  · usually 20-90 s" in text   # redrawn by the ticker, no update in between
    assert progress.expected_text((20, 90), 125) == "longer than the usual 20-90 s"
    assert progress.expected_text((300, 1800), 10) == "usually 5m00s-30 min"


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    p, out = tty()
    p.phase("queued")
    p.warn("careful")
    p.close()
    assert "\033[33mwarning:\033[0m" in out.getvalue() and "\033[1m00:00\033[0m" in out.getvalue()
    plain_p, plain_out = plain()
    plain_p.warn("careful")
    assert "\033" not in plain_out.getvalue()


def test_tty_say_without_open_line_adds_no_blank_line():
    p, out = tty()
    p.say("one")
    p.say("two")
    p.close()
    assert out.getvalue() == "[skill] one\n[skill] two\n"


def test_tty_quiet_shows_only_warnings(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    p, out = tty(quiet=True)
    p.status("t1: pending", key="pending")
    p.say("x")
    p.warn("w")
    p.close()
    assert out.getvalue() == "[skill] warning: w\n"


# --------------------------------------------------------------------------- redaction

@pytest.mark.parametrize("factory", [plain, tty])
def test_registered_secrets_are_redacted_everywhere(factory):
    secret = "sk-progress-" + uuid.uuid4().hex
    register_secret(secret)
    p, out = factory()
    p.say("using key %s" % secret)
    p.warn("rejected key " + secret)
    p.status("status with %s" % secret, key="s")
    p.close()
    text = out.getvalue()
    assert secret not in text
    assert all(shown in text for shown in ("using key ***", "rejected key ***", "status with ***"))


def test_signed_url_parameters_are_masked():
    p, out = plain()
    p.say("saving https://cdn.example/a.png?Policy=abc&Signature=def&Key-Pair-Id=K1")
    assert "Signature=***" in out.getvalue() and "def" not in out.getvalue()


# --------------------------------------------------------------------------- broken streams

@pytest.mark.parametrize("factory", [plain, tty])
def test_a_stream_closed_later_never_raises(factory):
    p, out = factory()
    p.status("t1: pending", key="pending")
    out.close()
    p.say("x")
    p.warn("y")
    p.status("t1: processing", key="processing")
    p.close()


class BrokenPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_pipe_never_raises():
    p = Progress("skill", stream=BrokenPipe())
    p.say("x")
    p.warn("y")
    p.status("z")
    p.close()


def test_default_stream_is_stderr(monkeypatch):
    fake = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake)
    p = Progress("skill")
    p.say("hi")
    assert fake.getvalue() == "[skill] hi\n"


def test_no_stderr_at_all_never_raises(monkeypatch):
    # `generate_image.py run ... 2>&-` starts Python with sys.stderr = None.
    # BUG: Progress keeps None as its stream and _write() only catches OSError and
    # ValueError, so say() raises AttributeError; in the CLI this happens right after
    # a (paid) submit and the process then dies in SkillCLI._error (exit 1, no JSON).
    monkeypatch.setattr(sys, "stderr", None)
    p = Progress("skill")
    p.say("submitted task t1")
    p.warn("y")
    p.status("t1: pending", key="pending")
    p.close()


def test_a_stream_already_closed_when_progress_starts_never_raises():
    # BUG (minor): the TTY probe in __init__ calls isatty() unguarded, which raises
    # ValueError on a closed file.
    stream = io.StringIO()
    stream.close()
    p = Progress("skill", stream=stream)
    p.say("x")
    p.close()


def test_the_cli_with_stderr_closed_still_prints_its_result(image_cli, sim):
    # End to end: the same bug seen from the command line (fd 2 closed -> sys.stderr None).
    # Today the task is submitted, then the run dies with exit 1 ("task failed" in the
    # exit-code contract) and nothing on stdout.
    proc = subprocess.run([sys.executable, str(image_cli.script), "run", "--prompt", "x"],
                          env=image_cli.env, cwd=str(image_cli.cwd), stdout=subprocess.PIPE,
                          text=True, timeout=30, preexec_fn=lambda: os.close(2))
    assert len(sim.tasks("giggle")) == 1
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["status"] == "succeeded"
