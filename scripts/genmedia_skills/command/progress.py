"""Human progress on stderr: one updating line on a TTY, plain lines otherwise.

Plain lines are printed when something changes (and as a heartbeat every 30 s)
so agents' logs stay short. Everything passes for_terminal() (secrets masked, control characters removed).
"""

import sys
import time

from ..core.terminal_text import for_terminal

HEARTBEAT = 30.0


class Progress:
    def __init__(self, prefix, quiet=False, stream=None):
        self.prefix = prefix
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr   # None under `2>&-`
        try:
            self.tty = bool(self.stream is not None and self.stream.isatty())
        except (OSError, ValueError, AttributeError):
            self.tty = False
        self._last = None
        self._last_at = 0.0
        self._open_line = False

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
        self._end_line()
        self._write("[%s] %s\n" % (self.prefix, for_terminal(message)))

    def warn(self, message):
        """Shown even with --quiet: something the user must know."""
        self._end_line()
        self._write("[%s] warning: %s\n" % (self.prefix, for_terminal(message)))

    def status(self, message, key=None):
        """A status update; repeated keys only show as a heartbeat."""
        if self.quiet:
            return
        now = time.monotonic()
        key = message if key is None else key
        if self.tty:
            self._write("\r\033[K[%s] %s" % (self.prefix, for_terminal(message)))
            self._open_line = True
        elif key != self._last or now - self._last_at >= HEARTBEAT:
            self._write("[%s] %s\n" % (self.prefix, for_terminal(message)))
            self._last_at = now
        self._last = key

    def _end_line(self):
        if self._open_line:
            self._write("\n")
            self._open_line = False

    def close(self):
        self._end_line()
