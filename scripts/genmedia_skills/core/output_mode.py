"""Who reads this command's output: a person at a terminal, or a program (an agent, a pipe).

stdout gets the one JSON document whenever it is not a terminal, with `--json`, or with
GENMEDIA_OUTPUT=json; at a terminal a person gets a short summary instead
(human_summary). Colour is used only on a terminal and never when NO_COLOR is set
(https://no-color.org: any non-empty value).
"""

import os
import sys

from .errors import UsageError

ENV = "GENMEDIA_OUTPUT"
MODES = ("auto", "json", "human")
JSON_FLAG = "--json"


def is_terminal(stream):
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


def env_mode():
    """GENMEDIA_OUTPUT: auto (default), json or human; anything else is a usage error."""
    raw = (os.environ.get(ENV) or "").strip().lower()
    if raw and raw not in MODES:
        raise UsageError("environment %s=%r: expected one of %s" % (ENV, os.environ.get(ENV), ", ".join(MODES)))
    return raw or "auto"


def human(force_json=False, stream=None):
    """True when stdout should get the human summary instead of the JSON document."""
    if force_json:
        return False
    try:
        mode = env_mode()
    except UsageError:
        return False   # the command reports the bad variable; its document stays machine-readable
    if mode != "auto":
        return mode == "human"
    return is_terminal(sys.stdout if stream is None else stream)


def argv_forces_json(argv):
    """`--json` anywhere before a `--` (typer also accepts it as an option, for --help)."""
    args = list(argv)
    return JSON_FLAG in (args[:args.index("--")] if "--" in args else args)


def colour_allowed(stream):
    if not is_terminal(stream) or os.environ.get("NO_COLOR"):
        return False
    return os.environ.get("TERM", "") != "dumb"


_STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def paint(text, style, enabled):
    """`text` in ANSI `style` (bold, dim, red, green, yellow, cyan) when `enabled`."""
    if not enabled or not style:
        return text
    return "\033[%sm%s\033[0m" % (_STYLES[style], text)


def can_encode(stream, text):
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
        return True
    except (UnicodeEncodeError, LookupError):
        return False
