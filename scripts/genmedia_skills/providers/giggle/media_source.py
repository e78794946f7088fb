"""Media giggle.pro must fetch itself (voice samples, portraits, driving audio, character
images): the endpoints that take them accept `{"url": ...}` only (contracts/giggle-more.md
3.1, 5.2, 6.1), so each value given on the command line becomes one http(s) URL.
"""

import os
import re

from ...core.errors import UsageError

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def extension(text):
    """The lower-case extension of a URL's path or a file name ('' when none)."""
    path = text.split("?", 1)[0].split("#", 1)[0]
    found = _EXTENSION.search(path)
    return found.group(1).lower() if found else ""


def media_url(option, value, what):
    """`value` as the URL giggle.pro fetches; UsageError naming `option` otherwise.
    `what` says what the option is, e.g. "the voice sample (an MP3 or WAV)"."""
    text = (value or "").strip().strip("`").strip()   # agents paste URLs in backticks
    if not text:
        raise UsageError("%s: missing; give %s as an http(s) URL" % (option, what))
    if text.lower().startswith("url:"):
        text = text[4:]
    if text.startswith(("http://", "https://")):
        if re.search(r"\s", text):
            raise UsageError("%s: %r: a URL cannot contain spaces (encode them as %%20)" % (option, text[:60]))
        return text
    if os.path.exists(os.path.expanduser(text)):
        raise UsageError("%s: %s is a local file; giggle.pro fetches %s from a URL: give an http(s) "
                         "URL of it" % (option, text, what))
    raise UsageError("%s: %r is not an http(s) URL; give %s as an http(s) URL" % (option, text[:60], what))
