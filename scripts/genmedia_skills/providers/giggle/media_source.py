"""Media giggle.pro must fetch itself (voice samples, portraits, driving audio, character
images): the endpoints that take them accept `{"url": ...}` only (contracts/giggle-more.md
3.1, 5.2, 6.1), so each value given on the command line becomes one http(s) URL: a URL as
given, or a local file uploaded to giggle.pro's asset service at submit time (private;
its signed file_url is sent; upload.py, cached by digest so nothing goes up twice).
"""

import re

from ...core.errors import UsageError
from ...media.references import local_file
from .upload import LocalFile

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def extension(text):
    """The lower-case extension of a URL's path or a file name ('' when none)."""
    path = text.split("?", 1)[0].split("#", 1)[0]
    found = _EXTENSION.search(path)
    return found.group(1).lower() if found else ""


def media_input(option, value, what, media):
    """(what the field receives, LocalFile or None): an http(s) URL as given, or for a local
    file of kind `media` (image, audio) the placeholder its uploaded link replaces at submit.
    UsageError naming `option` otherwise; `what` says what the option is."""
    text = (value or "").strip().strip("`").strip()   # agents paste URLs in backticks
    if not text:
        raise UsageError("%s: missing; give %s as an http(s) URL or a local file" % (option, what))
    if text.lower().startswith("url:"):
        text = text[4:]
    if text.startswith(("http://", "https://")):
        if re.search(r"\s", text):
            raise UsageError("%s: %r: a URL cannot contain spaces (encode them as %%20)" % (option, text[:60]))
        return text, None
    path = local_file(text)
    if path is not None:
        local = LocalFile(option, path, media=media, want="url")
        return local.placeholder, local
    raise UsageError("%s: %r is neither an http(s) URL nor an existing file; give %s" % (option, text[:60], what))
