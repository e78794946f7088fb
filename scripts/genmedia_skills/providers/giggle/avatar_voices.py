"""The talking-head avatar's preset voices (voice_over_id): a bundled catalogue, not an endpoint.

giggle.pro lists these voices through no endpoint we know; the official skill ships a
snapshot of 88 of them (schemas/giggle/avatar-voices.json says where from). So `voices`
reads that file, needs no key and sends nothing, and a voice_over_id outside it is still
sent, with a warning: the service has more voices than the snapshot.
"""

import re

from ...core import exit_codes
from ...validation import catalog
from ...core.errors import UsageError

VOICES = "giggle/avatar-voices.json"
FILTERS = (("country", "country"), ("gender", "gender"), ("tag", "tag"))


def all_voices():
    return [dict(v) for v in catalog.load(VOICES)["x-voices"]]


def resolve(option, value):
    """(voice_over_id, note or None) for an id or a voice name (any case)."""
    text = (value or "").strip()
    voices = all_voices()
    for voice in voices:
        if text == voice["voice_over_id"]:
            return text, None
    named = [v for v in voices if v["name"].lower() == text.lower()]
    if len(named) == 1:
        return named[0]["voice_over_id"], None
    if len(text) >= 16 and re.match(catalog.param("giggle/avatar-catalog.json", "voice_over_id")["pattern"], text):
        return text, ("voice_over_id %s is not in the bundled catalogue of %d voices; sent as given "
                      "(giggle.pro has more)" % (text, len(voices)))
    raise UsageError("%s: %r is neither a voice name nor a voice_over_id; list them with `voices` "
                     "(e.g. Violet or zeeTdrCqbhpVKOucLtOKdhytM7rbJx5t)" % (option, text[:60]))


def voices_command(ctx, kw):
    """`voices`: the catalogue as a JSON array, filtered (any case) by country, gender, tag."""
    every = all_voices()

    def keep(voice):
        return all(not kw.get(opt) or str(voice[key]).lower() == kw[opt].strip().lower()
                   for opt, key in FILTERS)

    found = [v for v in every if keep(v)]
    if not found:
        def values(key):
            return ", ".join(sorted({v[key] for v in every}))
        ctx.progress.warn("no voice matches; countries: %s; genders: %s; tags: %s"
                          % (values("country"), values("gender"), values("tag")))
    return found, exit_codes.OK
