"""`models` for the giggle.pro skills: the skill's catalog (schemas/giggle/*-catalog.json) as
JSON, in the shape KIE's `models` prints: each model with its description, typical time,
durations where they differ per model, and the options every model of the skill takes
(allowed values, limits, default; the option is the name with dashes: aspect_ratio is
--aspect-ratio)."""

from ...validation import catalog

_KEEP = ("type", "default", "minimum", "maximum", "maxLength", "pattern", "examples", "description")


def _field(name, definition):
    field = {k: definition[k] for k in _KEEP if k in definition}
    values = catalog.choices(definition)
    if values:
        field["allowed"] = values
    return field


def describe(catalog_name):
    table = catalog.load(catalog_name)
    defs = table["$defs"]
    fields = {name: _field(name, definition) for name, definition in defs.items() if name != "model"}
    if "model" not in defs:   # one model behind the skill (music, speech, music video)
        return [{"model": None, "description": table.get("title"), "default": True,
                 "typical_seconds": table.get("x-expected-seconds"), "fields": fields}]
    models = []
    for entry in defs["model"]["oneOf"]:
        model = {"model": entry["const"], "description": entry.get("description"),
                 "default": entry["const"] == defs["model"].get("default"),
                 "typical_seconds": entry.get("x-expected-seconds") or table.get("x-expected-seconds"),
                 "fields": fields}
        for key, shown in (("x-durations", "durations"), ("x-default-duration", "default_duration")):
            if key in entry:
                model[shown] = entry[key]
        models.append(model)
    return models

