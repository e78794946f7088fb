"""A provider's published prices as catalog data (schemas/<provider>/prices.json: x-models,
x-source, x-date; x- keys so the schema tools pass them by).

Each table names its source and date. A lookup gives an estimate only, labelled so
wherever it is shown; it never stands in for the provider's own figure, and a model
the table does not list is unknown (None), never guessed.
"""

from . import catalog


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


def lookup(name, model, fields):
    """(credits, basis) for `model` with request `fields` (a dict), from table `name`;
    credits is None when the table has no price for it (basis says why)."""
    table = catalog.load(name)
    entry = (table.get("x-models") or {}).get(model)
    label = "%s published prices of %s (schemas/%s)" % (table.get("x-provider", name), table.get("x-date", "undated"),
                                                           name)
    if entry is None:
        return None, "%s lists no price for %s" % (label, model)
    credits = entry.get("credits")
    if isinstance(credits, dict):   # priced by one field, e.g. resolution
        field = entry.get("by")
        value = fields.get(field) if isinstance(fields, dict) else None
        value = entry.get("default") if value is None else value
        found = _number(credits.get(str(value)))
        if found is None:
            return None, "%s lists no price for %s at %s %s" % (label, model, field, value)
        return found, "%s: %s at %s %s" % (label, model, field, value)
    found = _number(credits)
    return (found, "%s: %s" % (label, model)) if found is not None else (None, "%s: no price for %s" % (label, model))
