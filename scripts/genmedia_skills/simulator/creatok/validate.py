"""CreatOK request checks, driven by whatever capabilities the simulator serves (so a
swapped capabilities document changes what the server accepts, as it would live)."""


class Invalid(Exception):
    """A request the server answers with HTTP 400 and this message."""


def model_entry(section, model_id):
    for entry in section["models"]:
        if entry["id"] == model_id:
            return entry
    raise Invalid("model: %r is not supported; supported: %s"
                  % (model_id, ", ".join(m["id"] for m in section["models"])))


def _fields(body, required, optional):
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        raise Invalid("unknown field(s): %s" % ", ".join(unknown))
    for name in required:
        if body.get(name) in (None, ""):
            raise Invalid("%s: is required" % name)
    if not isinstance(body["prompt"], str) or not body["prompt"].strip():
        raise Invalid("prompt: must be a non-empty string")


def _int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise Invalid("%s: must be an integer, got %r" % (name, value))
    return int(value)


def _keys(name, keys, cap, uploaded):
    if keys is None:
        return []
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise Invalid("%s: must be an array of object keys" % name)
    if len(keys) > cap:
        raise Invalid("%s: at most %d reference image(s) for this model, got %d" % (name, cap, len(keys)))
    for key in keys:
        if not uploaded(key):
            raise Invalid("%s: object %r was never uploaded" % (name, key))
    return keys


def check_image(caps, body, uploaded):
    _fields(body, ("prompt", "model", "resolution", "n"), ("aspect_ratio", "imageObjectKeys"))
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
    keys = _keys("imageObjectKeys", body.get("imageObjectKeys"), limits["max_reference_images"], uploaded)
    return {"model": entry["id"], "prompt": body["prompt"], "resolution": body["resolution"], "n": n,
            "aspect_ratio": ratio or "1:1", "reference_keys": keys}


def check_video(caps, body, uploaded):
    _fields(body, ("prompt", "orientation", "seconds", "definition", "model"), ("referenceImageKeys",))
    entry = model_entry(caps["video"], body["model"])
    limits = entry["limits"]
    for name, allowed in (("definition", limits["definitions"]), ("orientation", limits["orientations"])):
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
    keys = _keys("referenceImageKeys", body.get("referenceImageKeys"), limits["max_reference_images"],
                 uploaded)
    return {"model": entry["id"], "prompt": body["prompt"], "orientation": body["orientation"],
            "seconds": seconds, "definition": body["definition"], "reference_keys": keys}
