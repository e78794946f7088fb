"""Every JSON Schema under schemas/, loaded once, one cached validator each.

Schemas are named by their path below schemas/ ("giggle/task-query.response.json");
each file carries an `$id` under SCHEMA_BASE so cross-file `$ref`s resolve through
one immutable `referencing.Registry` without ever touching the network.
jsonschema is imported only when an instance is not proven valid by
schema_precheck (so `--help` and the common valid path never pay for it).
"""

import json

from ..core.config import SCHEMAS_DIR

SCHEMA_BASE = "https://genmedia-skills.dev/schemas/"
_registry = None
_validators = {}
_prover = None


def schema_files():
    return sorted(p for p in SCHEMAS_DIR.rglob("*.json") if p.is_file())


def load_schema(name):
    """The parsed schema document `name` (a path below schemas/)."""
    _load()
    return _registry.contents(SCHEMA_BASE + name)


def _load():
    global _registry
    if _registry is None:
        from referencing import Registry, Resource

        resources = [(uri, Resource.from_contents(doc)) for uri, doc in _documents().items()]
        _registry = Registry().with_resources(resources)
    return _registry


def validator(name):
    """The cached validator for schema `name`."""
    found = _validators.get(name)
    if found is None:
        from jsonschema.validators import validator_for

        schema = load_schema(name)
        cls = validator_for(schema)
        found = _validators[name] = cls(schema, registry=_registry)
    return found


def _documents():
    docs = {}
    for path in schema_files():
        doc = json.loads(path.read_text(encoding="utf-8"))
        expected = SCHEMA_BASE + path.relative_to(SCHEMAS_DIR).as_posix()
        if doc.get("$id") != expected:  # a mismatch would make $refs resolve elsewhere
            raise ValueError("%s: $id must be %s" % (path, expected))
        docs[expected] = doc
    return docs


def _loose_validator(name, loose):
    """A validator of schema `name` whose top-level properties `loose` take any scalar:
    the fields a provider judges for a model our catalog does not list yet."""
    key = (name, loose)
    found = _validators.get(key)
    if found is None:
        import copy

        from jsonschema.validators import validator_for

        schema = copy.deepcopy(load_schema(name))
        for field in loose:
            if field in schema.get("properties", {}):
                schema["properties"][field] = {"type": ["string", "integer", "number", "boolean"]}
        found = _validators[key] = validator_for(schema)(schema, registry=_registry)
    return found


def errors(name, instance, limit=5, loose=()):
    """Validation errors of `instance` against `name`, as '$.path: message' lines;
    `loose`: top-level fields checked for their kind only (see _loose_validator)."""
    global _prover
    try:
        if loose:
            check = _loose_validator(name, tuple(sorted(loose)))
        else:
            if _prover is None:
                from .schema_precheck import Prover

                _prover = Prover(_documents())
            if _prover.proves_valid(SCHEMA_BASE + name, instance):
                return []
            check = validator(name)
        found = sorted(check.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    except RecursionError:   # a hostile depth that still parsed: it matches no schema of ours
        return ["$: nested too deeply to check"]
    return ["%s: %s" % (e.json_path, _short(e.message)) for e in found[:limit]]


def _short(message, width=200):
    return message if len(message) <= width else message[: width - 3] + "..."
