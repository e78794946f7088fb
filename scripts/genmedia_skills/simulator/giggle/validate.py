"""giggle image requests: the model/parameter catalog and body validation.

The tables come from schemas/giggle/image-catalog.json, the same data the CLI validates
against, so the simulator and the client can never disagree about allowed values. Errors
name the field first ("<field>: <reason>"), the shape a client shows to a person. The
small field checkers here are shared with giggle_media_validate (video, music, speech).
"""
import base64
import binascii
import functools
import hashlib
import json
import re
from ...core.config import SCHEMAS_DIR

SCHEMA_DIR = SCHEMAS_DIR / "giggle"


@functools.lru_cache(maxsize=None)
def catalog_file(name):
    """A parsed schemas/giggle/<name>, read once per process. A racing first call may
    parse twice, which is harmless: the result is the same immutable data."""
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def catalog():
    """The image catalog's value tables."""
    defs = catalog_file("image-catalog.json")["$defs"]
    count = defs.get("generate_count", {})
    return {
        "models": [m["const"] for m in defs["model"]["oneOf"]],
        "expected": {m["const"]: m.get("x-expected-seconds") for m in defs["model"]["oneOf"]},
        "model_default": defs["model"].get("default"),
        "aspect_ratios": list(defs["aspect_ratio"]["enum"]),
        "aspect_default": defs["aspect_ratio"].get("default", "16:9"),
        "resolutions": list(defs["resolution"]["enum"]),
        "resolution_default": defs["resolution"].get("default"),
        "count_min": count.get("minimum", 1),
        "count_max": count.get("maximum", 4),
        # each model's own tables (what giggle.pro checks per model)
        "per_model": {m["const"]: {"ratios": m["x-aspect-ratios"], "resolutions": m["x-resolutions"],
                                   "max_refs": m.get("x-max-references"),
                                   "forms": tuple(m.get("x-reference-forms", ("url", "base64", "asset_id")))}
                      for m in defs["model"]["oneOf"]},
    }


class Invalid(Exception):
    """A 400: str(exc) is "<field>: <reason>"."""


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def required_text(body, field):
    """A required non-blank string field."""
    if field not in body:
        raise Invalid("%s: is required" % field)
    value = body[field]
    if not isinstance(value, str) or not value.strip():
        raise Invalid("%s: must be a non-empty string" % field)
    return value


def one_of(body, field, allowed, default):
    if field not in body:
        return default
    value = body[field]
    if not isinstance(value, str) or value not in allowed:
        raise Invalid("%s: must be one of %s (got %s)" % (field, ", ".join(allowed), json.dumps(value)))
    return value


def model_of(body, models, default, new_models):
    """The body's model: one of `models`, or one the simulated provider shipped after our
    catalog (Simulator.new_models); anything else is refused as giggle.pro refuses it."""
    model = body.get("model", default)
    if isinstance(model, str) and model in new_models:
        return model
    return one_of(body, "model", models, default)


def free_text(body, field, default):
    """A field a new model judges itself: any non-empty string."""
    value = body.get(field, default)
    if not isinstance(value, str) or not value.strip():
        raise Invalid("%s: must be a non-empty string (got %s)" % (field, json.dumps(value)))
    return value


def reference(where, ref, forms=("url", "base64", "asset_id")):
    """Validate one reference object (`where` names it in errors, e.g. "start_frame");
    return what the record keeps (never raw base64)."""
    if not isinstance(ref, dict):
        raise Invalid("%s: must be an object" % where)
    if len(ref) != 1 or next(iter(ref)) not in forms:
        raise Invalid("%s: must have exactly one of %s" % (where, ", ".join(forms)))
    key, value = next(iter(ref.items()))
    if key == "url":
        if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
            raise Invalid("%s.url: must be an http(s) URL" % where)
        return {"url": value}
    if key == "asset_id":
        if not isinstance(value, str) or not value.strip():
            raise Invalid("%s.asset_id: must be a non-empty string" % where)
        return {"asset_id": value}
    # giggle wants raw base64; a data: URI prefix is rejected like any other bad payload.
    try:
        if not isinstance(value, str) or value.startswith("data:"):
            raise ValueError
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        if not raw:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise Invalid("%s.base64: invalid base64 reference" % where)
    return {"base64_sha256": hashlib.sha256(raw).hexdigest(), "base64_length": len(value)}


def validate(body, image_to_image, new_models=()):
    """Normalized request fields, or Invalid naming the first bad field."""
    cat = catalog()
    prompt = required_text(body, "prompt")
    count = body.get("generate_count", 1)
    if not is_int(count) or not cat["count_min"] <= count <= cat["count_max"]:
        raise Invalid("generate_count: must be an integer from %d to %d (got %s)" % (
            cat["count_min"], cat["count_max"], json.dumps(count)))
    model = model_of(body, cat["models"], cat["model_default"], new_models)
    own = cat["per_model"].get(model)
    fields = {"prompt": prompt, "generate_count": count, "model": model}
    if own is None:   # a model newer than the catalog: it judges its own ratios
        fields["aspect_ratio"] = free_text(body, "aspect_ratio", cat["aspect_default"])
    else:
        fields["aspect_ratio"] = one_of(body, "aspect_ratio", own["ratios"], cat["aspect_default"])
    if not image_to_image:
        fields["resolution"] = (free_text(body, "resolution", cat["resolution_default"]) if own is None else
                                one_of(body, "resolution", own["resolutions"], cat["resolution_default"]))
        return fields
    own = own or {"max_refs": None, "forms": ("url", "base64", "asset_id")}
    refs = body.get("reference_images")
    if "reference_images" not in body:
        raise Invalid("reference_images: is required")
    if not isinstance(refs, list) or not refs:
        raise Invalid("reference_images: must be a non-empty array")
    if own["max_refs"] is not None and len(refs) > own["max_refs"]:
        raise Invalid("reference_images: %s takes at most %d (got %d)" % (model, own["max_refs"], len(refs)))
    fields["reference_images"] = [reference("reference_images[%d]" % i, ref, own["forms"])
                                  for i, ref in enumerate(refs)]
    watermark = body.get("watermark", False)
    if not isinstance(watermark, bool):
        raise Invalid("watermark: must be a boolean (got %s)" % json.dumps(watermark))
    fields["watermark"] = watermark
    return fields

