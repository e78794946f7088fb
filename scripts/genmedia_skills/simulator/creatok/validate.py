"""CreatOK request checks, driven by whatever capabilities the simulator serves (so a
swapped capabilities document changes what the server accepts, as it would live).
The same checks serve a generation submit and a credits-estimate of it (there the prompt
is optional: the official CLI estimates with its options object alone). Media keys must
be formal assets of the right type (assets.Assets.require)."""


class Invalid(Exception):
    """A request the server answers with HTTP 400 and this message."""


def model_entry(section, model_id):
    for entry in section["models"]:
        if entry["id"] == model_id:
            return entry
    raise Invalid("model: %r is not supported; supported: %s"
                  % (model_id, ", ".join(m["id"] for m in section["models"])))


def _fields(body, required, optional, estimate):
    unknown = sorted(set(body) - set(required) - set(optional) - {"prompt"})
    if unknown:
        raise Invalid("unknown field(s): %s" % ", ".join(unknown))
    for name in required:
        if body.get(name) in (None, ""):
            raise Invalid("%s: is required" % name)
    if estimate and "prompt" not in body:
        return
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        raise Invalid("prompt: must be a non-empty string")


def _int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise Invalid("%s: must be an integer, got %r" % (name, value))
    return int(value)


def _keys(name, keys, cap, assets, kind):
    if keys is None:
        return []
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise Invalid("%s: must be an array of object keys" % name)
    if len(keys) > cap:
        raise Invalid("%s: at most %d for this model, got %d" % (name, cap, len(keys)))
    return [assets.require(name, key, kind) for key in keys]


def check_image(caps, body, assets, estimate=False):
    _fields(body, ("model", "resolution", "n"), ("aspect_ratio", "quality", "imageObjectKeys"), estimate)
    entry = model_entry(caps["image"], body["model"])
    limits = entry["limits"]
    if body["resolution"] not in limits["resolutions"]:
        raise Invalid("resolution: %r is not supported by %s; supported: %s"
                      % (body["resolution"], entry["id"], ", ".join(limits["resolutions"])))
    n = _int("n", body["n"])
    if not limits["n"]["min"] <= n <= limits["n"]["max"]:
        raise Invalid("n: %d is out of range %d-%d" % (n, limits["n"]["min"], limits["n"]["max"]))
    ratio = body.get("aspect_ratio")
    if ratio is not None and limits.get("aspect_ratios") and ratio not in limits["aspect_ratios"]:
        raise Invalid("aspect_ratio: %r is not supported by %s" % (ratio, entry["id"]))
    qualities = (entry.get("pricing") or {}).get("quality_options") or []
    quality = body.get("quality")
    if quality is None and qualities:
        raise Invalid("quality: is required for %s; one of %s" % (entry["id"], ", ".join(qualities)))
    if quality is not None and quality not in qualities:
        raise Invalid('"quality" is not supported by model %r and must be omitted' % entry["id"] if not qualities
                      else "quality: %r is not one of %s" % (quality, ", ".join(qualities)))
    keys = _keys("imageObjectKeys", body.get("imageObjectKeys"), limits["max_reference_images"], assets, "image")
    return {"model": entry["id"], "prompt": body.get("prompt"), "resolution": body["resolution"], "n": n,
            "aspect_ratio": ratio or "1:1", "quality": quality,
            "reference_keys": [k["asset"]["object_key"] for k in keys]}


def _frames(body, entry, assets):
    frames = entry.get("frame_input") or {}
    first, end = body.get("firstFrameKey"), body.get("endFrameKey")
    if first is None and end is None:
        return []
    if end is not None and first is None:
        raise Invalid('"firstFrameKey" is required when "endFrameKey" is %r' % end)
    if not frames.get("first_frame") or (end is not None and not frames.get("end_frame")):
        raise Invalid("%s: %s does not take %s" % ("endFrameKey" if end is not None and frames.get("first_frame")
                                                    else "firstFrameKey", entry["id"],
                                                    "an end frame" if frames.get("first_frame") else "frame inputs"))
    if frames.get("requires_both_frames") and end is None:
        raise Invalid("endFrameKey: %s needs both a first and an end frame" % entry["id"])
    if any(body.get(k) for k in ("referenceImageKeys", "referenceVideoKeys")):
        raise Invalid("firstFrameKey: frame inputs cannot be combined with reference images or videos")
    if frames.get("uses_orientation") is False and "orientation" in body:
        raise Invalid("orientation: must be omitted with frame inputs for %s" % entry["id"])
    return [assets.require(name, key, "image") for name, key in (("firstFrameKey", first), ("endFrameKey", end))
            if key is not None]


def _reference_videos(body, entry, assets):
    spec = entry.get("reference_video_input") or {}
    keys = body.get("referenceVideoKeys")
    if keys and "reference" not in (spec.get("modes") or []):
        raise Invalid("referenceVideoKeys: %s does not take reference videos" % entry["id"])
    records = _keys("referenceVideoKeys", keys, spec.get("max_count") or 0, assets, "video")
    limit = (spec.get("constraints") or {}).get("max_total_duration")
    total = sum((r["meta"] or {}).get("duration") or 0 for r in records)
    if limit is not None and total > limit:
        raise Invalid("referenceVideoKeys: %.1f s of reference video in all; at most %s s" % (total, limit))
    return records, total


def check_video(caps, body, assets, estimate=False):
    entry = model_entry(caps["video"], body.get("model"))
    frameless_orientation = (entry.get("frame_input") or {}).get("uses_orientation") is False and (
        body.get("firstFrameKey") or body.get("endFrameKey"))
    required = ("seconds", "definition", "model") if frameless_orientation else (
        "orientation", "seconds", "definition", "model")
    _fields(body, required, ("orientation", "referenceImageKeys", "referenceVideoKeys", "firstFrameKey",
                             "endFrameKey", "avatars", "referenceImages"), estimate)
    limits = entry["limits"]
    checks = [("definition", limits["definitions"])] + (
        [] if frameless_orientation else [("orientation", limits["orientations"])])
    for name, allowed in checks:
        if body[name] not in allowed:
            raise Invalid("%s: %r is not supported by %s; supported: %s"
                          % (name, body[name], entry["id"], ", ".join(allowed)))
    seconds = _int("seconds", body["seconds"])
    durations = limits["durations"]
    if durations.get("enum") and seconds not in durations["enum"]:
        raise Invalid("seconds: %d is not one of %s" % (seconds, durations["enum"]))
    if durations.get("min") is not None and seconds < durations["min"]:
        raise Invalid("seconds: %d is below the minimum %d" % (seconds, durations["min"]))
    if durations.get("max") is not None and seconds > durations["max"]:
        raise Invalid("seconds: %d is above the maximum %d" % (seconds, durations["max"]))
    longest = limits.get("max_prompt_length")
    if longest and len(body.get("prompt") or "") > longest:
        raise Invalid("prompt: %d characters; %s takes at most %d" % (len(body["prompt"]), entry["id"], longest))
    frames = _frames(body, entry, assets)
    image_cap = (entry.get("reference_image_input") or {}).get("max_count", limits["max_reference_images"])
    images = _keys("referenceImageKeys", body.get("referenceImageKeys"), image_cap, assets, "image")
    videos, video_seconds = _reference_videos(body, entry, assets)
    media_cap = limits.get("max_reference_media_items")
    if media_cap is not None and len(images) + len(videos) > media_cap:
        raise Invalid("referenceImageKeys + referenceVideoKeys: at most %d media items" % media_cap)
    avatars = body.get("avatars") or []
    if any(a not in (body.get("referenceImageKeys") or []) for a in avatars):
        raise Invalid('"avatars" keys must also appear in "referenceImageKeys"')
    return {"model": entry["id"], "prompt": body.get("prompt"), "orientation": body.get("orientation"),
            "seconds": seconds, "definition": body["definition"],
            "reference_keys": [r["asset"]["object_key"] for r in images],
            "reference_video_keys": [r["asset"]["object_key"] for r in videos],
            "reference_video_seconds": video_seconds,
            "frame_keys": [r["asset"]["object_key"] for r in frames]}
