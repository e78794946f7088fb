"""Prove an instance valid without importing jsonschema (a fast path, never the judge).

Importing jsonschema costs ~30 ms, more than the rest of a `status` call, while
nearly every document we check is valid. This checker knows the handful of
keywords our schemas use and answers True only when it can prove validity; it
answers False for anything else, including keywords it does not know. Only
True is trusted: False sends the instance to jsonschema, which is the
authority and writes the error messages. It is deliberately stricter than the
spec (e.g. 1.0 is not an integer here, True never equals 1), so a shortcut can
only ever skip work, never accept an invalid document. tests/test_schema_precheck.py
cross-checks it against jsonschema.
"""

import re
from urllib.parse import urldefrag, urljoin

_ANNOTATIONS = frozenset(("$schema", "$id", "$defs", "$comment", "title", "description", "default",
                          "examples"))
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_patterns = {}


class _Unknown(Exception):
    """A keyword or reference this checker does not handle."""


def _same(a, b):
    return type(a) is type(b) and a == b


def _pointer(doc, fragment):
    for part in [p for p in fragment.lstrip("/").split("/") if p]:
        doc = doc[part.replace("~1", "/").replace("~0", "~")]
    return doc


class Prover:
    def __init__(self, documents):
        self.documents = documents   # $id -> schema document

    def proves_valid(self, uri, instance):
        try:
            return self._valid(self._resolve(uri, ""), instance)
        except (_Unknown, KeyError, TypeError, re.error):
            return False

    def _resolve(self, ref, base):
        url, fragment = urldefrag(urljoin(base, ref))
        if url not in self.documents:
            raise _Unknown(ref)
        return _pointer(self.documents[url], fragment), url

    def _valid(self, located, inst):
        schema, base = located
        if schema is True or schema is False:
            return schema
        if not isinstance(schema, dict):
            raise _Unknown(schema)
        base = schema.get("$id", base)
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            check = getattr(self, "_kw_" + key.lstrip("$"), None)
            if check is None:
                raise _Unknown(key)
            if not check(value, inst, schema, base):
                return False
        return True

    def _sub(self, schema, inst, base):
        return self._valid((schema, base), inst)

    def _kw_ref(self, ref, inst, schema, base):
        return self._valid(self._resolve(ref, base), inst)

    def _kw_type(self, types, inst, schema, base):
        return any(_TYPES[t](inst) for t in ([types] if isinstance(types, str) else types))

    def _kw_enum(self, values, inst, schema, base):
        return any(_same(v, inst) for v in values)

    def _kw_const(self, value, inst, schema, base):
        return _same(value, inst)

    def _kw_properties(self, props, inst, schema, base):
        if not isinstance(inst, dict):
            return True
        return all(self._sub(props[k], v, base) for k, v in inst.items() if k in props)

    def _kw_required(self, names, inst, schema, base):
        return not isinstance(inst, dict) or all(n in inst for n in names)

    def _kw_additionalProperties(self, extra, inst, schema, base):
        if not isinstance(inst, dict):
            return True
        if "patternProperties" in schema:
            raise _Unknown("patternProperties")
        known = schema.get("properties", {})
        return all(self._sub(extra, v, base) for k, v in inst.items() if k not in known)

    def _kw_items(self, items, inst, schema, base):
        return not isinstance(inst, list) or all(self._sub(items, v, base) for v in inst)

    def _kw_oneOf(self, options, inst, schema, base):
        return sum(1 for option in options if self._sub(option, inst, base)) == 1

    def _kw_anyOf(self, options, inst, schema, base):
        return any(self._sub(option, inst, base) for option in options)

    def _kw_allOf(self, options, inst, schema, base):
        return all(self._sub(option, inst, base) for option in options)

    def _kw_pattern(self, pattern, inst, schema, base):
        if not isinstance(inst, str):
            return True
        if pattern not in _patterns:
            _patterns[pattern] = re.compile(pattern)
        return _patterns[pattern].search(inst) is not None

    def _kw_minLength(self, n, inst, schema, base):
        return not isinstance(inst, str) or len(inst) >= n

    def _kw_maxLength(self, n, inst, schema, base):
        return not isinstance(inst, str) or len(inst) <= n

    def _kw_minItems(self, n, inst, schema, base):
        return not isinstance(inst, list) or len(inst) >= n

    def _kw_maxItems(self, n, inst, schema, base):
        return not isinstance(inst, list) or len(inst) <= n

    def _kw_minProperties(self, n, inst, schema, base):
        return not isinstance(inst, dict) or len(inst) >= n

    def _kw_maxProperties(self, n, inst, schema, base):
        return not isinstance(inst, dict) or len(inst) <= n

    def _kw_minimum(self, n, inst, schema, base):
        return not _TYPES["number"](inst) or inst >= n

    def _kw_maximum(self, n, inst, schema, base):
        return not _TYPES["number"](inst) or inst <= n
