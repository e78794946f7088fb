"""Text that is safe to print on a terminal: secrets masked, control characters gone.

Provider words (a status, a task_id, an error message) reach stderr; an escape
sequence among them could rewrite the screen or hide a line, so every C0/C1
control character and every bidirectional override is removed before printing.
"""

import re

from .redaction import redact

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text, replacement=""):
    return _CONTROLS.sub(replacement, str(text))


def for_terminal(text):
    """One printable line: secrets masked, whitespace runs (newlines, tabs) as one
    space, other control characters removed."""
    return strip_controls(" ".join(redact(str(text)).split()))
