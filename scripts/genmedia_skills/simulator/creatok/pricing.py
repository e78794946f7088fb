"""What the CreatOK double charges, the answer of POST /api/open/skills/credits-estimate.

Consistent with the capabilities it serves: where the price list has the exact entry
(image by_resolution x n; a video's (definition, seconds, orientation) row), that is the
figure. Beyond the list the server still prices, as the live one does for models it lists
no price for (gpt-image-2 by quality): videos at the listed per-second rate of the same
definition, rounded up, plus that rate for every second of reference video (V2V).
"""

import math

GPT_IMAGE_CREDITS = {"low": 1, "medium": 2, "high": 4}   # per 1K image; 2K doubles
FLAT_SERVICES = {"video_upscale": 10, "video_subtitle_removal": 8, "video_watermark_removal": 8}
IMAGE_UPSCALE_CREDITS = 2


def image_credits(entry, fields):
    listed = ((entry.get("pricing") or {}).get("by_resolution") or {}).get(fields["resolution"])
    if isinstance(listed, (int, float)) and not isinstance(listed, bool):
        return listed * fields["n"]
    per_image = GPT_IMAGE_CREDITS.get(fields.get("quality") or "medium", 2)
    return per_image * fields["n"] * (2 if fields["resolution"] != "1K" else 1)


def _rate(rows, definition):
    same = [r for r in rows if r.get("definition") == definition] or rows
    rates = [r["credits"] / float(r["seconds"]) for r in same if r.get("seconds")]
    return max(rates) if rates else 1.0


def video_credits(entry, fields):
    rows = (entry.get("pricing") or {}).get("estimates") or []
    base = None
    for row in rows:
        if (row.get("definition"), row.get("seconds"), row.get("orientation")) == (
                fields["definition"], fields["seconds"], fields["orientation"]):
            base = row["credits"]
    rate = _rate(rows, fields["definition"])
    if base is None:
        base = math.ceil(rate * fields["seconds"])
    return base + math.ceil(rate * fields.get("reference_video_seconds", 0))


def processing_credits(service, params):
    """The four processing services: a flat price (image upscale: per image)."""
    if service == "image_upscale":
        keys = params.get("image_object_keys")
        count = len(keys) if isinstance(keys, list) else params.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1 or (
                "count" in params and "image_object_keys" in params):
            raise ValueError("params: image_upscale takes count or image_object_keys (one of them)")
        return IMAGE_UPSCALE_CREDITS * count
    return FLAT_SERVICES[service]
