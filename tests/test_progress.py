"""genmedia_skills.command.progress.Progress on plain and TTY-like streams."""

import io
import json
import os
import subprocess
import sys
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

def test_tty_status_rewrites_one_line_and_close_ends_it():
    p, out = tty()
    p.status("t1: pending, 0s", key="pending")
    p.status("t1: pending, 3s", key="pending")     # a TTY shows every update in place
    p.status("t1: processing, 6s", key="processing")
    assert "\n" not in out.getvalue()
    assert out.getvalue() == ("\r\033[K[skill] t1: pending, 0s"
                              "\r\033[K[skill] t1: pending, 3s"
                              "\r\033[K[skill] t1: processing, 6s")
    p.close()
    assert out.getvalue().endswith("processing, 6s\n")
    p.close()   # nothing left to end
    assert out.getvalue().count("\n") == 1


def test_tty_say_and_warn_end_the_open_line_first():
    p, out = tty()
    p.status("t1: processing", key="processing")
    p.say("saved /tmp/x.png")
    p.status("t1: done", key="done")
    p.warn("careful")
    p.close()
    assert out.getvalue() == ("\r\033[K[skill] t1: processing\n"
                              "[skill] saved /tmp/x.png\n"
                              "\r\033[K[skill] t1: done\n"
                              "[skill] warning: careful\n")


def test_tty_say_without_open_line_adds_no_blank_line():
    p, out = tty()
    p.say("one")
    p.say("two")
    p.close()
    assert out.getvalue() == "[skill] one\n[skill] two\n"


def test_tty_quiet_shows_only_warnings():
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
    assert secret not in text and text.count("***") == 3


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
