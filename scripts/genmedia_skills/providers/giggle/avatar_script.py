"""The talking-head script rules giggle.pro states (contracts/giggle-more.md 6.1, 6.3): at most
2700 characters, pauses written `<break time="Xs"/>` with X from 0.1 to 99.9 and at most one
decimal. Checked here so a script giggle.pro would refuse is never sent (and never paid).
A `<break` that is not a whole, well-formed tag is refused too: giggle.pro would speak it.
"""

import re

from ...validation import catalog
from ...core.errors import UsageError

CATALOG = "giggle/avatar-catalog.json"
_NUMBER = re.compile(r"^\d+(\.\d)?$")
_EXAMPLE = '<break time="1.5s"/>'


def check_script(option, text):
    """The script as sent (stripped), or UsageError naming the option and the offending part."""
    script = (text or "").strip()
    limit = catalog.param(CATALOG, "tts_script")["maxLength"]
    if not script:
        raise UsageError("%s: missing; give the words the avatar speaks" % option)
    if len(script) > limit:
        raise UsageError("%s: %d characters; the limit is %d (pause tags count too)" % (option, len(script), limit))
    tag = re.compile(catalog.load(CATALOG)["x-break-tag"], re.I)
    low, high = catalog.load(CATALOG)["x-break-seconds"]
    for start in (m.start() for m in re.finditer(r"<\s*break\b", script, re.I)):
        found = tag.match(script, start)
        if not found:
            raise UsageError("%s: %r is not a pause tag giggle.pro reads; write pauses as %s"
                             % (option, script[start:start + 30], _EXAMPLE))
        value = found.group(1).strip()
        number = value[:-1].strip() if value.lower().endswith("s") else None
        if number is None or not _NUMBER.match(number) or not low <= float(number) <= high:
            raise UsageError("%s: %s: a pause is %g to %g seconds with at most one decimal, ending in s, "
                             "e.g. %s" % (option, found.group(0), low, high, _EXAMPLE))
    return script
