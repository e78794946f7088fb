"""Human progress on stderr.

On a terminal: a live block at the bottom of the screen, redrawn a few times a second by
a small thread, so the elapsed clock ticks between polls: a spinner, the clock, the
phase (submitting, queued, running step X, downloading n/m bytes) and the time the
model usually takes; a batch draws one line per item plus a total (`live`). Messages
(`say`, `warn`) print above it. Colour only there, never with NO_COLOR.

Elsewhere (agents, logs, pipes): none of that; plain lines when something changes (and as
a heartbeat every 30 s) so agents' logs stay short. Everything passes for_terminal()
(secrets masked, control characters removed).
"""

import os
import shutil
import sys
import threading
import time

from ..core.output_mode import can_encode, colour_allowed, is_terminal, paint
from ..core.terminal_text import for_terminal

HEARTBEAT = 30.0
TICK = 0.2   # seconds between redraws of the live block
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_SPINNER = "|/-\\"


def clock(seconds):
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return ("%d:%02d:%02d" % (hours, rest // 60, rest % 60)) if hours else "%02d:%02d" % divmod(rest, 60)


def span(seconds):
    """20 s, 1m30s, 12 min: a duration the way a person says it."""
    seconds = int(round(seconds))
    if seconds < 90:
        return "%d s" % seconds
    if seconds < 600:
        return "%dm%02ds" % divmod(seconds, 60)
    return "%d min" % round(seconds / 60.0)


def expected_text(window, elapsed):
    lo, hi = window
    text = "%d-%d s" % (round(lo), max(1, round(hi))) if hi <= 120 else "%s-%s" % (span(lo), span(hi))
    return ("usually %s" % text) if elapsed <= hi else ("longer than the usual %s" % text)


class Progress:
    def __init__(self, prefix, quiet=False, stream=None):
        self.prefix = prefix
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr   # None under `2>&-`
        self.tty = is_terminal(self.stream)
        self.colour = colour_allowed(self.stream)
        self.spinner = SPINNER if self.tty and can_encode(self.stream, SPINNER) else ASCII_SPINNER
        self._last = None
        self._last_at = 0.0
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._phase = None
        self._expected = None   # (lo, hi) wall seconds the model usually takes
        self._render = None     # live(render): the batch's lines
        self._shown = 0         # lines of the live block on screen now
        self._ticker = None
        self._stop = threading.Event()
        self._frame = 0

    def _write(self, text):
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must never break a run
            pass

    def say(self, message):
        """A line that always shows (unless --quiet)."""
        if self.quiet:
            return
        self._line("[%s] %s\n" % (self.prefix, for_terminal(message)))

    def warn(self, message):
        """Shown even with --quiet: something the user must know."""
        self._line("[%s] %s %s\n" % (self.prefix, paint("warning:", "yellow", self.colour), for_terminal(message)))

    def _line(self, text):
        with self._lock:
            self._erase()
            self._write(text)
            self._draw()

    def status(self, message, key=None, phase=None):
        """A status update. On a terminal `phase` (else `message`) becomes the live line's
        phase; elsewhere a plain line, repeated keys only as a heartbeat."""
        if self.quiet:
            return
        if self.tty:
            self.phase(phase or message)
            return
        now = time.monotonic()
        key = message if key is None else key
        if key != self._last or now - self._last_at >= HEARTBEAT:
            self._write("[%s] %s\n" % (self.prefix, for_terminal(message)))
            self._last_at = now
        self._last = key

    # -- the live block (terminals only) ----------------------------------------------------
    def phase(self, text, expected=None):
        """What the command is doing now; `expected` (lo, hi) wall seconds the task usually takes."""
        if expected is not None:
            self._expected = expected
        self._phase = text
        self._go_live()

    def live(self, render):
        """Draw `render(elapsed) -> [lines]` instead of the single phase line (a batch); the
        lines must be terminal-safe (for_terminal) already. Called from the ticker thread:
        it must only read what the caller prepared."""
        self._render = render
        self._go_live()

    def _go_live(self):
        if not self.tty or self.quiet:
            return
        if self._ticker is None:
            self._started = time.monotonic()   # the clock counts the work shown, not the start-up
        with self._lock:
            self._draw()
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()

    def _tick(self):
        while not self._stop.wait(TICK):
            with self._lock:
                if self._stop.is_set():
                    return
                self._frame += 1
                self._draw()

    def _lines(self):
        elapsed = time.monotonic() - self._started
        if self._render is not None:   # its lines are terminal-safe already (they may carry colour)
            return list(self._render(elapsed))
        if self._phase is None:
            return []
        spin = paint(self.spinner[self._frame % len(self.spinner)], "cyan", self.colour)
        line = "[%s] %s %s  %s" % (self.prefix, spin, paint(clock(elapsed), "bold", self.colour),
                                   for_terminal(self._phase))
        if self._expected:
            line += paint("  · %s" % expected_text(self._expected, elapsed), "dim", self.colour)
        return [line]

    def _draw(self):
        """Redraw the live block in place (the caller holds the lock)."""
        if not self.tty or self.quiet or self._stop.is_set():
            return
        lines = self._lines()
        width = max(20, _columns(self.stream) - 1)
        # a line longer than the terminal would wrap and break the cursor arithmetic
        lines = [_fit(line, width) for line in lines]
        self._erase()
        if lines:
            self._write("\n".join("\r\033[K" + line for line in lines))
        self._shown = len(lines)

    def _erase(self):
        """Clear the live block (the cursor sits at the end of its last line)."""
        if self._shown:
            up = "\033[%dA" % (self._shown - 1) if self._shown > 1 else ""
            self._write(up + "\r\033[J")
            self._shown = 0

    def close(self):
        """Stop the clock; the last state stays on screen, followed by a newline."""
        if self._ticker is not None:
            with self._lock:
                self._draw()
                self._stop.set()
                if self._shown:
                    self._write("\n")
                    self._shown = 0
            self._ticker.join(1.0)
            self._ticker = None


def _columns(stream):
    """The width of the terminal `stream` writes to (not stdout's: that may be a pipe)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns or shutil.get_terminal_size((100, 24)).columns


def _fit(line, width):
    """`line` cut to `width` visible characters (ANSI colour codes do not count)."""
    visible, out, i = 0, [], 0
    while i < len(line):
        if line[i] == "\033":
            end = line.find("m", i)
            if end == -1:
                break
            out.append(line[i:end + 1])
            i = end + 1
            continue
        if visible >= width:
            out.append("\033[0m" if "\033[" in line else "")
            break
        out.append(line[i])
        visible += 1
        i += 1
    return "".join(out)
