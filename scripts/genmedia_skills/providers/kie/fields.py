"""Command-line options -> one model's request body, typed and checked by its request schema.

A Market model's fields are the `input` of schemas/kie/<model>.request.json; a dedicated
API's (Veo, Suno, ...) are the body itself (prepare_flat). Each field may carry
`x-option` (the flag that fills it) and `x-media: image` (a URL or a local file,
uploaded before the create). Any field can also be set with `--input KEY=VALUE`, typed
by the schema. Every problem is a UsageError naming the flag, the value and what the
model allows.
"""

import copy
import json

from ...validation import catalog, schema_registry
from ...core.errors import UsageError
from ...http.prepared_request import Prepared
from .media_input import parse_media

FLAGS = {"prompt": "--prompt", "aspect_ratio": "--aspect-ratio", "resolution": "--resolution",
         "output_format": "--output-format", "image": "--image", "end_image": "--end-image",
         "duration": "--duration", "seed": "--seed", "camera_fixed": "--camera-fixed", "sound": "--sound",
         "quality": "--quality", "generation_type": "--generation-type", "video": "--video",
         "custom": "--custom", "instrumental": "--instrumental", "style": "--style", "title": "--title",
         "negative_tags": "--negative-tags", "vocal_gender": "--vocal-gender", "continue_at": "--continue-at",
         "stems": "--stems"}
SET_BY_US = ("model", "callBackUrl")   # dedicated bodies: from the catalog and callback.url_for
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


class KiePrepared(Prepared):
    """A createTask body whose local files are placeholders until upload.resolve() runs."""

    def __init__(self, body, *, schema, model, uploads, fields, path="/api/v1/jobs/createTask", **kw):
        super().__init__(path, body, schema=schema, model=model, **kw)
        self.uploads = uploads      # LocalFile objects, in field order
        self.fields = fields        # the model's input field names (to read KIE's 422 messages)

    def with_urls(self, urls):
        """The body with each placeholder replaced by urls[placeholder]."""
        def swap(node):
            if isinstance(node, dict):
                return {k: swap(v) for k, v in node.items()}
            if isinstance(node, list):
                return [swap(v) for v in node]
            return urls.get(node, node) if isinstance(node, str) else node
        return swap(copy.deepcopy(self.body))

    def check(self):
        sample = {f.placeholder: "https://upload.invalid/%s" % f.sha256 for f in self.uploads}
        problems = schema_registry.errors(self.schema, self.with_urls(sample))
        if problems:
            raise UsageError("request body does not match %s: %s" % (self.schema, "; ".join(problems)))
        return self


def flag_of(field, spec):
    option = spec.get("x-option")
    return FLAGS[option] if option else "--input %s" % field


def _allowed(spec):
    if "enum" in spec:
        return ", ".join(map(str, spec["enum"]))
    if "minimum" in spec and "maximum" in spec:
        return "%s to %s" % (spec["minimum"], spec["maximum"])
    if "exclusiveMinimum" in spec:
        return "more than %s" % spec["exclusiveMinimum"]
    return spec.get("type", "a value")


def _scalar(flag, model, spec, value):
    kind = spec.get("type")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in _TRUE + _FALSE:
            return str(value).strip().lower() in _TRUE
        raise UsageError("%s: %r is not true or false" % (flag, value))
    if kind == "integer":
        try:
            value = int(str(value).strip())
        except ValueError:
            raise UsageError("%s: %r is not a whole number; %s allows %s" % (flag, value, model, _allowed(spec))) from None
    elif kind == "number":
        try:
            value = float(str(value).strip())
        except ValueError:
            raise UsageError("%s: %r is not a number; %s allows %s" % (flag, value, model, _allowed(spec))) from None
    elif kind == "string":
        value = str(value).strip() if spec.get("x-option") != "prompt" else str(value)
        for option in spec.get("enum", []):
            if option.lower() == value.lower():
                return option
    return value


def _check(flag, model, spec, value):
    if "enum" in spec and value not in spec["enum"]:
        raise UsageError("%s: %r is not offered by %s; allowed: %s" % (flag, value, model, _allowed(spec)))
    if isinstance(value, str):
        if spec.get("minLength") and not value.strip():
            raise UsageError("%s: empty; %s needs a value" % (flag, model))
        if len(value) > spec.get("maxLength", float("inf")):
            raise UsageError("%s: %d characters; %s allows at most %d" % (flag, len(value), model, spec["maxLength"]))
        if spec.get("pattern", "").startswith("^https?") and not value.startswith(("http://", "https://")):
            raise UsageError("%s: %r is not an http(s) URL" % (flag, value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = spec.get("minimum", float("-inf")), spec.get("maximum", float("inf"))
        if not low <= value <= high or value <= spec.get("exclusiveMinimum", float("-inf")):
            raise UsageError("%s: %r is out of range for %s; allowed %s" % (flag, value, model, _allowed(spec)))
    if isinstance(value, list):
        if len(value) > spec.get("maxItems", float("inf")):
            raise UsageError("%s: %d given; %s takes at most %d" % (flag, len(value), model, spec["maxItems"]))
        if len(value) < spec.get("minItems", 0):
            raise UsageError("%s: %s needs at least %d" % (flag, model, spec["minItems"]))
        for item in value:
            _check(flag, model, spec.get("items", {}), item)


def _value(flag, model, field, spec, raw, uploads, references):
    """One flag's raw value(s) -> the field's typed value (media fields: URLs or placeholders)."""
    if spec.get("x-media"):
        items = raw if isinstance(raw, list) else [raw]
        if spec.get("type") == "string" and len(items) > 1:
            raise UsageError("%s: given %d times; %s takes one image in %s" % (flag, len(items), model, field))
        parsed = []
        for item in items:
            ref, local = parse_media(flag, item, spec.get("x-max-bytes"), model,
                                     (spec.get("x-min-side"), spec.get("x-max-side")))
            references.append(ref)
            if local is not None:
                uploads.append(local)
            parsed.append(ref.value if local is None else local.placeholder)
        return parsed if spec.get("type") == "array" else parsed[0]
    if spec.get("type") == "array":
        items = raw if isinstance(raw, list) else [raw]
        return [_scalar(flag, model, spec.get("items", {}), i) for i in items]
    if isinstance(raw, list):
        if len(raw) > 1:
            raise UsageError("%s: given %d times; %s takes one value" % (flag, len(raw), field))
        raw = raw[0]
    return _scalar(flag, model, spec, raw)


def _input_pairs(model, props, pairs):
    """--input KEY=VALUE (repeatable) -> {field: raw value or list of raw values}."""
    found = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError("--input: %r is not KEY=VALUE" % pair)
        if key not in props:
            raise UsageError("--input: %s has no field %r; its fields: %s" % (model, key, ", ".join(props)))
        if value.strip().startswith("[") and props[key].get("type") == "array":
            try:
                value = json.loads(value)
            except ValueError:
                raise UsageError("--input %s: %r is not a JSON array" % (key, value)) from None
        if props[key].get("type") == "array" or props[key].get("x-media"):
            found.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        elif key in found:
            raise UsageError("--input %s: given twice" % key)
        else:
            found[key] = value
    return found


def _collect(model, spec, opts, skip=()):
    """(data, uploads, references): the fields of `spec` (an object schema) from the options."""
    props = {f: p for f, p in spec["properties"].items() if f not in skip}
    by_option = {p["x-option"]: f for f, p in props.items() if p.get("x-option")}
    raw = {}
    for option, flag in FLAGS.items():
        value = opts.get(option)
        if value is None or value == []:
            continue
        if option not in by_option:
            raise UsageError("%s: %s does not take it; its fields: %s (see the `models` command)"
                             % (flag, model, ", ".join(props)))
        raw[by_option[option]] = (flag, value)
    for field, value in _input_pairs(model, props, opts.get("input")).items():
        if field in raw:
            raise UsageError("--input %s: already set by %s" % (field, raw[field][0]))
        raw[field] = ("--input %s" % field, value)
    uploads, references, data = [], [], {}
    for field, p in props.items():   # schema order: the body reads like the docs
        if field in raw:
            flag, value = raw[field]
            data[field] = _value(flag, model, field, p, value, uploads, references)
            _check(flag, model, p, data[field] if not p.get("x-media") else _sample(data[field]))
        elif "default" in p:
            data[field] = p["default"]
    for field in spec.get("required", []):
        if field not in data and field in props:
            p = props[field]
            raise UsageError("%s: required by %s%s" % (flag_of(field, p), model,
                             "; allowed: " + _allowed(p) if "enum" in p or "minimum" in p else ""))
    return data, uploads, references


def _upload_notes(uploads):
    return ["local file %s is uploaded to KIE's upload host first; its URL replaces %s" % (f.path, f.placeholder)
            for f in uploads]


def prepare(catalog_name, model, opts, callback=None):
    """A checked KiePrepared for Market `model` from the skill's options."""
    entry = catalog.option(catalog.param(catalog_name, "model"), model)
    schema_name = entry["x-request-schema"]
    spec = catalog.load(schema_name)["properties"]["input"]
    data, uploads, references = _collect(model, spec, opts)
    body = {"model": model, "input": data}
    if callback:
        body["callBackUrl"] = callback
    return KiePrepared(body, schema=schema_name, model=model, uploads=uploads,
                       fields=list(spec["properties"]) + ["model", "input", "callBackUrl"], references=references,
                       notes=_upload_notes(uploads))


def prepare_flat(schema_name, model, opts, path, fixed=None):
    """A checked KiePrepared for a dedicated API whose request schema is the body itself.
    `fixed`: {field: (flag, value)} the command sets, not --input (model, taskId, callBackUrl)."""
    schema = catalog.load(schema_name)
    fixed = {f: fv for f, fv in (fixed or {}).items() if fv[1] is not None}
    data, uploads, references = _collect(model, schema, opts, skip=tuple(fixed) + SET_BY_US)
    for field, (flag, value) in fixed.items():
        _check(flag, model, schema["properties"][field], value)
    body = {f: fixed[f][1] if f in fixed else data[f] for f in schema["properties"] if f in fixed or f in data}
    for field in schema.get("required", []):
        if field not in body:
            flag = fixed[field][0] if field in fixed else flag_of(field, schema["properties"][field])
            raise UsageError("%s: required by %s" % (flag, model))
    return KiePrepared(body, schema=schema_name, model=model, uploads=uploads, fields=list(schema["properties"]),
                       references=references, notes=_upload_notes(uploads), path=path)


def _sample(value):
    """Placeholders stand in for URLs during the checks."""
    if isinstance(value, list):
        return [_sample(v) for v in value]
    return "https://upload.invalid/x" if isinstance(value, str) and value.startswith("<local file") else value
