"""A KIE Market model our catalogs do not list yet: sent as given, after a warning.

Only what every Market job shares is checked (schemas/kie/market-unlisted.request.json).
The input holds the fields the options name the way Market models name them (--prompt
is `prompt`, --aspect-ratio `aspect_ratio`, ...) plus every --input KEY=VALUE, its
value read as JSON when it is JSON (5, true, ["a","b"]) and as text otherwise. Media
flags are refused: an unknown model's image field has no known name (--input
<field>=<URL> sends one).
"""

import json

from ...core.errors import UsageError
from .fields import FLAGS, KiePrepared

SCHEMA = "kie/market-unlisted.request.json"
MEDIA_FLAGS = ("image", "end_image", "video")


def _value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def prepare(model, opts, callback=None):
    """A KiePrepared for `model` (a catalog.Model the catalog does not list)."""
    data = {}
    for option, flag in FLAGS.items():
        value = opts.get(option)
        if value is None or value == [] or value is False:   # a flag not given
            continue
        if option in MEDIA_FLAGS:
            raise UsageError("%s: %s is not in the catalog, so the name of its image field is unknown; "
                             "pass a URL with --input <field>=<URL>" % (flag, model.name))
        data[option] = value.strip() if isinstance(value, str) and option != "prompt" else value
    for pair in opts.get("input") or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError("--input: %r is not KEY=VALUE" % pair)
        if key in data:
            raise UsageError("--input %s: already set%s" % (key, " by " + FLAGS[key] if key in FLAGS else ""))
        data[key] = _value(value.strip())
    if not data:
        raise UsageError("--prompt: missing; %s needs its input (--prompt, --input KEY=VALUE)" % model.name)
    body = {"model": model.name, "input": data}
    if callback:
        body["callBackUrl"] = callback
    return KiePrepared(body, schema=SCHEMA, model=model.name, uploads=[],
                       fields=list(data) + ["model", "input", "callBackUrl"], unlisted=model.warning)
