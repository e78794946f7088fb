"""The `models` command: a skill's catalog as JSON, so an agent can choose a model
(each model's fields with their flag, type, allowed values, limits and default)."""

from ...validation import catalog
from ...core import exit_codes
from .fields import SET_BY_US

_KEEP = ("type", "enum", "default", "minimum", "maximum", "maxLength", "maxItems", "minItems", "description")


def describe(catalog_name):
    models = []
    definition = catalog.param(catalog_name, "model")
    for entry in definition["oneOf"]:
        schema = catalog.load(entry["x-request-schema"])
        spec = schema if entry.get("x-api") else schema["properties"]["input"]   # dedicated APIs: the body
        fields = {}
        for name, prop in spec["properties"].items():
            if entry.get("x-api") and name in SET_BY_US:
                continue
            field = {k: prop[k] for k in _KEEP if k in prop}
            field["flag"] = "--input %s=..." % name if not prop.get("x-option") else \
                "--" + prop["x-option"].replace("_", "-")
            if prop.get("x-media"):
                field["accepts"] = "http(s) URL or local JPEG/PNG/WebP file (uploaded first)"
                field["max_bytes"] = prop.get("x-max-bytes")
            field["required"] = name in spec.get("required", [])
            fields[name] = field
        models.append({"model": entry["const"], "api": entry.get("x-api", "market"),
                       "description": entry.get("description"),
                       "default": entry["const"] == definition.get("default"),
                       "typical_seconds": entry.get("x-expected-seconds"), "cost": entry.get("x-cost"),
                       "needs_image": bool(entry.get("x-needs-image")), "needs_video": bool(entry.get("x-needs-video")),
                       "fields": fields})
    return models


def command(catalog_name):
    def handler(ctx, kw):
        return describe(catalog_name), exit_codes.OK
    return handler
