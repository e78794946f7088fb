"""Model and parameter tables, read as plain JSON (no jsonschema import: --help stays fast).

A catalog is a JSON Schema file whose $defs describe each parameter: `enum` or
`oneOf` of `const`s for the allowed values, `default`, `minimum`/`maximum`,
and for models `x-expected-seconds` (typical generation time).
"""

import json
import re

from ..core.config import SCHEMAS_DIR
from ..core.errors import UsageError

_cache = {}


def load(name):
    found = _cache.get(name)
    if found is None:
        found = _cache[name] = json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))
    return found


def param(name, key):
    return load(name)["$defs"][key]


def choices(definition):
    """Allowed values of a parameter definition, in catalog order."""
    if "enum" in definition:
        return list(definition["enum"])
    return [option["const"] for option in definition.get("oneOf", [])]


def allowed(name, key):
    """The allowed values of catalog `name`'s parameter `key`, for help texts."""
    return ", ".join(map(str, choices(param(name, key))))


def option(definition, value):
    """The oneOf entry describing `value` (descriptions, expected seconds), or {}."""
    for entry in definition.get("oneOf", []):
        if entry.get("const") == value:
            return entry
    return {}


def choose(name, key, option_name, value):
    """`value` checked against catalog `name`'s allowed values for `key` (case-insensitive),
    or the catalog default when None; UsageError naming the option otherwise."""
    definition = param(name, key)
    allowed = choices(definition)
    if value is None:
        return definition.get("default")
    for candidate in allowed:
        if str(candidate).lower() == str(value).strip().lower():
            return candidate
    raise UsageError("%s: %r is not one of: %s" % (option_name, value, ", ".join(map(str, allowed))))


def text(name, key, option_name, value, what):
    """A required text `value` within catalog `name`'s maxLength for `key`; UsageError naming
    the option when it is blank (`what` says what to give) or too long."""
    value = value or ""
    limit = param(name, key).get("maxLength")
    if not value.strip():
        raise UsageError("%s: missing; give %s" % (option_name, what))
    if limit is not None and len(value) > limit:
        raise UsageError("%s: %d characters; the limit is %d" % (option_name, len(value), limit))
    return value


# What a model name may look like when the catalog does not know it yet (giggle's
# "seedance-2.0-pro", KIE's "bytedance/seedance-2-fast"): no spaces, no quotes, no control.
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,99}$")


class Model:
    """The model a request asks for: `name` as sent, `entry` its catalog entry ({} when the
    catalog does not list it), `warning` the line to show for an unlisted one."""

    def __init__(self, name, entry, warning=None):
        self.name = name
        self.entry = entry
        self.warning = warning

    @property
    def known(self):
        return self.warning is None


def choose_model(name, option_name, value, key="model"):
    """The model for `value`: a catalog model (case-insensitive; None gives the default),
    or, when the catalog does not list it, the name as given with a warning: providers
    ship models before any catalog knows them, and the provider decides. A value that
    cannot be a model name at all is a UsageError."""
    definition = param(name, key)
    known = choices(definition)
    if value is None:
        return Model(definition.get("default"), option(definition, definition.get("default")))
    text = str(value).strip()
    for candidate in known:
        if candidate.lower() == text.lower():
            return Model(candidate, option(definition, candidate))
    if not _MODEL_NAME.match(text):
        raise UsageError("%s: %r is not a model name; known models: %s" % (option_name, value, ", ".join(known)))
    import difflib   # only for an unlisted model: every command imports this module

    close = difflib.get_close_matches(text, known, n=1, cutoff=0.75)
    return Model(text, {}, "%s: %r is not in this skill's catalog%s; it is sent as given with only the "
                           "common fields checked here (the provider decides; known: %s)"
                 % (option_name, text, " (did you mean %s?)" % close[0] if close else "", ", ".join(known)))


def expected_seconds(name, model=None):
    """Typical generation time [lo, hi]: the model's, else the catalog's, else a generic window."""
    if model is not None and "model" in load(name)["$defs"]:
        found = option(param(name, "model"), model).get("x-expected-seconds")
        if found:
            return found
    return load(name).get("x-expected-seconds", (20, 120))
