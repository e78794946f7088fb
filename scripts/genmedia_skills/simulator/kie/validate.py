"""KIE's per-model input validation, from the same request schemas the client uses.

Stdlib only (the simulator never imports jsonschema): required fields, types, enums,
lengths, item counts and numeric ranges, answered the way KIE does (code 422 and a
message naming the field). Unknown input fields are ignored, as the live API does.
"""
import functools
import json

from ...core.config import SCHEMAS_DIR

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
}


class Invalid(Exception):
    pass


@functools.lru_cache(maxsize=None)
def _load(name):
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def models():
    """{model: (request schema, (lo, hi) seconds, media kind)} of both KIE catalogs' Market models."""
    found = {}
    for catalog, kind in (("kie/image-catalog.json", "image"), ("kie/video-catalog.json", "video")):
        for entry in _load(catalog)["$defs"]["model"]["oneOf"]:
            if entry.get("x-api"):   # a dedicated API's model: not on the Market
                continue
            found[entry["const"]] = (_load(entry["x-request-schema"]), tuple(entry["x-expected-seconds"]), kind)
    return found


@functools.lru_cache(maxsize=None)
def transparent_results():
    """Models whose result is a PNG with a transparent background (x-transparent-result)."""
    return frozenset(entry["const"] for entry in _load("kie/image-catalog.json")["$defs"]["model"]["oneOf"]
                     if entry.get("x-transparent-result"))


def _check_value(field, spec, value):
    kind = spec.get("type")
    if kind and not _TYPES[kind](value):
        raise Invalid("%s must be of type %s" % (field, kind))
    if "enum" in spec and value not in spec["enum"]:
        raise Invalid("%s is not within the range of allowed options (%s)" % (field, ", ".join(map(str, spec["enum"]))))
    if isinstance(value, str):
        if len(value) > spec.get("maxLength", float("inf")):
            raise Invalid("%s exceeds the maximum length of %d characters" % (field, spec["maxLength"]))
        if spec.get("minLength") and not value.strip():
            raise Invalid("%s cannot be empty" % field)
        if spec.get("pattern", "").startswith("^https?") and not value.startswith(("http://", "https://")):
            raise Invalid("%s must be a valid http(s) URL" % field)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < spec.get("minimum", float("-inf")) or value > spec.get("maximum", float("inf")):
            raise Invalid("%s must be between %s and %s" % (field, spec.get("minimum"), spec.get("maximum")))
    if isinstance(value, list):
        if len(value) > spec.get("maxItems", float("inf")):
            raise Invalid("%s accepts at most %d items" % (field, spec["maxItems"]))
        if len(value) < spec.get("minItems", 0):
            raise Invalid("%s requires at least %d item(s)" % (field, spec["minItems"]))
        for item in value:
            _check_value(field, spec.get("items", {}), item)


# a model KIE serves that no catalog of ours lists (Simulator.new_models): its input is its own
NEW_MODEL = ({"properties": {"input": {"properties": {}, "required": []}}}, (15.0, 90.0))


def validate(body, new_models=()):
    """(model, input, seconds window, media kind) of a valid createTask body; Invalid otherwise."""
    if not isinstance(body, dict):
        raise Invalid("request body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise Invalid("model is required")
    if model in new_models and model not in models():
        data = body.get("input")
        if not isinstance(data, dict) or not data:
            raise Invalid("input is required and must be an object")
        return model, data, NEW_MODEL[1], "video" if "video" in model else "image"
    if model not in models():
        raise Invalid("model %s is not supported" % model)
    schema, seconds, kind = models()[model]
    data = body.get("input")
    if not isinstance(data, dict):
        raise Invalid("input is required and must be an object")
    spec = schema["properties"]["input"]
    for field in spec.get("required", []):
        if field not in data or data[field] is None:
            raise Invalid("%s is required" % field)
    for field, value in data.items():
        if field in spec["properties"] and value is not None:
            _check_value(field, spec["properties"][field], value)
    callback = body.get("callBackUrl")
    if callback is not None and not (isinstance(callback, str) and callback.startswith(("http://", "https://"))):
        raise Invalid("callBackUrl must be a valid URL")
    return model, data, seconds, kind


def url_fields(model, data):
    """Every URL the task's input asks KIE to download."""
    spec = models().get(model, NEW_MODEL)[0]["properties"]["input"]["properties"]
    urls = []
    for field, value in data.items():
        if spec.get(field, {}).get("x-media") or field.endswith(("_url", "_urls")):
            urls += value if isinstance(value, list) else [value]
    return [u for u in urls if isinstance(u, str)]
