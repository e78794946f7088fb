"""Provider text and URLs made inert for Markdown (result.md).

A status word, an error message or a result URL comes from the provider; written
into Markdown raw it could add HTML (`<img onerror=…>`), a `javascript:` link or a
fake section. So text is escaped (HTML-special characters as entities, Markdown
punctuation backslashed, one line), and only http(s) URLs become links, with every
character that could end the link destination percent-encoded.
"""

import re
from urllib.parse import quote, urlsplit

from .terminal_text import strip_controls

# what could start a link, an image, a code span or end a table cell; with [ ] escaped,
# ( ) are plain text; text never starts a line, so # - + . stay; _ ~ (emphasis at worst)
# stay readable
_PUNCTUATION = re.compile(r"([\\`*\[\]!|])")
# what may stay as-is in a link destination: RFC 3986 unreserved + reserved, minus ( )
_URL_SAFE = "-._~:/?#[]@!$&'*+,;=%"


def text(value):
    """`value` as one line of literal Markdown text."""
    line = " ".join(strip_controls(str(value), " ").split())
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCTUATION.sub(r"\\\1", line)


def link_target(url):
    """`url` as a safe link destination, or None when it must not be a link (not http/https)."""
    url = str(url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https") or not url.lower().startswith(scheme + "://"):
        return None
    return quote(url, safe=_URL_SAFE)


def link(label, url):
    """A Markdown link when `url` is http(s); otherwise the label and the URL as plain text."""
    target = link_target(url)
    if target is None:
        return "%s (not a web link: %s)" % (text(label), text(url))
    return "[%s](%s)" % (text(label), target)


def short_url(url, width=48):
    """A long signed URL as a person needs to see it: host/…/file name."""
    rest = str(url).split("://", 1)[-1].split("?", 1)[0]
    host, _, path = rest.partition("/")
    name = path.rsplit("/", 1)[-1]
    text = "%s/%s%s" % (host, "…/" if "/" in path else "", name)
    return text if len(text) <= width else text[:width - 1] + "…"


def local_link(label, relative_path, image=False):
    """A link (or an inline image) to a file of the run, by its relative path."""
    return "%s[%s](%s)" % ("!" if image else "", text(label), quote(str(relative_path), safe="/._-~"))


def code_block(content):
    """A fenced block that no backtick run inside `content` can close early."""
    content = strip_controls(str(content), " ")
    longest = max([len(run) for run in re.findall(r"`+", content)] + [2])
    fence = "`" * (longest + 1)
    return [fence, content, fence]
