"""Model and parameter tables, read as plain JSON (no jsonschema import: --help stays fast).

A catalog is a JSON Schema file whose $defs describe each parameter: `enum` or
`oneOf` of `const`s for the allowed values, `default`, `minimum`/`maximum`,
and for models `x-expected-seconds` (typical generation time).
"""

import json

from .config import SCHEMAS_DIR

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


def option(definition, value):
    """The oneOf entry describing `value` (descriptions, expected seconds), or {}."""
    for entry in definition.get("oneOf", []):
        if entry.get("const") == value:
            return entry
    return {}
