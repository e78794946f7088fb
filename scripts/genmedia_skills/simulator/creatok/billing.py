"""What a simulated CreatOK task costs: the capabilities' own price list (contract A5),
so the figure a client estimates from capabilities is the figure the workspace is charged.
A request the list does not price costs UNLISTED credits (the live price is not published)."""

from .validate import model_entry

UNLISTED = 5


def task_credits(capabilities, kind, fields):
    pricing = model_entry(capabilities[kind], fields["model"]).get("pricing") or {}
    if kind == "image":
        price = (pricing.get("by_resolution") or {}).get(fields.get("resolution"))
        return price * fields.get("n", 1) if isinstance(price, (int, float)) else UNLISTED
    for row in pricing.get("estimates") or []:
        if (row.get("definition"), row.get("seconds"), row.get("orientation")) == (
                fields.get("definition"), fields.get("seconds"), fields.get("orientation")):
            return row["credits"]
    return UNLISTED
