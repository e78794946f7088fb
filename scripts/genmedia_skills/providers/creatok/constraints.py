"""A model's per-input constraints from the capabilities (reference_image_input,
reference_video_input, frame_input: allowed_types, max_file_size_bytes, min/max_dimension,
min/max_aspect_ratio, min/max_pixels, min/max_duration, max_total_duration, min/max_fps),
checked on local files before anything is sent. A limit the file's header cannot tell is
left to the server (as CreatOK's own CLI does); an `key:` asset is the server's to judge."""

from ...core.errors import UsageError

# constraint -> (what the file has, compare, unit shown)
_BOUNDS = (
    ("max_file_size_bytes", "size", max, "bytes"),
    ("min_dimension", "short side", min, "px"),
    ("max_dimension", "long side", max, "px"),
    ("min_pixels", "pixels", min, ""),
    ("max_pixels", "pixels", max, ""),
    ("min_aspect_ratio", "aspect ratio (width/height)", min, ""),
    ("max_aspect_ratio", "aspect ratio (width/height)", max, ""),
    ("min_duration", "duration", min, "s"),
    ("max_duration", "duration", max, "s"),
    ("min_fps", "frame rate", min, "fps"),
    ("max_fps", "frame rate", max, "fps"),
)


def _facts(ref):
    meta = ref.metadata()
    facts = {"size": len(ref.data)}
    width, height = meta.get("width"), meta.get("height")
    if width and height:
        facts.update({"short side": min(width, height), "long side": max(width, height), "pixels": width * height,
                      "aspect ratio (width/height)": round(width / float(height), 4)})
    if meta.get("duration") is not None:
        facts["duration"] = meta["duration"]
    if meta.get("fps") is not None:
        facts["frame rate"] = meta["fps"]
    return facts


def check_file(ref, constraints, model):
    """UsageError naming the option, the file, its value and the model's limit."""
    if ref.kind != "upload" or not constraints:
        return
    allowed = constraints.get("allowed_types")
    if allowed and ref.content_type not in allowed:
        raise UsageError("%s: %s is %s; %s takes %s" % (ref.option, ref.path.name, ref.content_type, model,
                                                         ", ".join(allowed)))
    facts = _facts(ref)
    for name, fact, side, unit in _BOUNDS:
        limit = constraints.get(name)
        value = facts.get(fact)
        if limit is None or value is None:
            continue
        if (side is max and value > limit) or (side is min and value < limit):
            raise UsageError("%s: %s has %s %g%s; %s allows %s %g%s (capabilities %s)"
                             % (ref.option, ref.path.name, fact, value, unit and " " + unit, model,
                                "at most" if side is max else "at least", limit, unit and " " + unit, name))


def check_all(refs, spec, model, what):
    """Count (spec.max_count), each file's constraints, and max_total_duration of `refs`."""
    spec = spec or {}
    if not refs:
        return
    cap = spec.get("max_count")
    if cap is not None and len(refs) > cap:
        raise UsageError("%s: %d given; %s takes at most %d %s" % (refs[0].option, len(refs), model, cap, what))
    constraints = spec.get("constraints") or {}
    for ref in refs:
        check_file(ref, constraints, model)
    total_cap = constraints.get("max_total_duration")
    durations = [ref.metadata().get("duration") for ref in refs if ref.kind == "upload"]
    if total_cap is not None and all(d is not None for d in durations) and sum(durations) > total_cap:
        raise UsageError("%s: %g s of %s in all; %s allows at most %g s (capabilities max_total_duration)"
                         % (refs[0].option, sum(durations), what, model, total_cap))
