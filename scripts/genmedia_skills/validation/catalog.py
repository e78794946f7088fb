"""Model and parameter tables, read as plain JSON (no jsonschema import: --help stays fast).

A catalog is a JSON Schema file whose $defs describe each parameter: `enum` or
`oneOf` of `const`s for the allowed values, `default`, `minimum`/`maximum`,
and for models `x-expected-seconds` (typical generation time).
"""

import json

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


def expected_seconds(name, model=None):
    """Typical generation time [lo, hi]: the model's, else the catalog's, else a generic window."""
    if model is not None and "model" in load(name)["$defs"]:
        found = option(param(name, "model"), model).get("x-expected-seconds")
        if found:
            return found
    return load(name).get("x-expected-seconds", (20, 120))
