"""callBackUrl: where KIE would POST a task's result. Results arrive here by polling.

Suno, its follow-ups and Runway require a callBackUrl. Other clients fill it with a
relay of their own (felores: https://proxy.kie.ai/mcp-callback), which hands every
result to a third party. We send the user's URL when given (--callback-url, else
KIE_CALLBACK_URL), and otherwise, only where KIE requires one, a URL that can receive
nothing: the .invalid top-level domain never resolves (RFC 6761).
"""

import os

from ...core.errors import UsageError

ENV = "KIE_CALLBACK_URL"
NOWHERE = "https://callback.invalid/genmedia-skills-polls-instead"


def url_for(opts, required):
    """The callBackUrl to send (None: send none)."""
    given, source = opts.get("callback_url"), "--callback-url"
    if not given:
        given, source = os.environ.get(ENV, "").strip(), "environment %s" % ENV
    if given:
        given = given.strip()
        if not given.startswith(("https://", "http://")) or any(c.isspace() for c in given):
            raise UsageError("%s: %r is not an http(s) URL" % (source, given[:80]))
        return given
    return NOWHERE if required else None
