"""What a CreatOK request costs by the capabilities' price list: the gate's fallback when
CreatOK's own estimate (estimate.py) cannot be had.

Image: by_resolution[resolution] x n. Video: the exact (definition, seconds,
orientation) entry. Anything not priced is "unknown" (never a guess).
"""

UNKNOWN = "unknown"


def image_credits(entry, resolution, n):
    price = ((entry.get("pricing") or {}).get("by_resolution") or {}).get(resolution)
    if isinstance(price, bool) or not isinstance(price, (int, float)):
        return UNKNOWN, "no price for %s at %s" % (entry["id"], resolution)
    return price * n, "%g per %s image x %d" % (price, resolution, n)


def video_credits(entry, definition, seconds, orientation):
    if orientation is None:
        return UNKNOWN, "no price listed for %s without an orientation (a frame mode)" % entry["id"]
    for row in (entry.get("pricing") or {}).get("estimates") or []:
        if (row.get("definition"), row.get("seconds"), row.get("orientation")) == (definition, seconds, orientation):
            return row["credits"], "price list entry %s, %d s, %s" % (definition, seconds, orientation)
    return UNKNOWN, "no price listed for %s at %s, %d s, %s" % (entry["id"], definition, seconds, orientation)


def estimate(entry, why, parameters, references, credits):
    """The gate's summary: what will be sent and what it costs."""
    amount, basis = credits
    currency = (entry.get("pricing") or {}).get("currency") or "credits"
    return {"model": entry["id"], "model_label": entry.get("label"), "why_this_model": why,
            "parameters": parameters, "reference_images": references, "credits": amount,
            "currency": currency, "basis": basis}
