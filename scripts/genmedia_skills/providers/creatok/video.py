"""CreatOK video generation: POST /tasks {prompt, model, orientation, seconds, definition,
referenceImageKeys?, referenceVideoKeys?, firstFrameKey?, endFrameKey?}, checked against the
model's capabilities before anything is sent: durations (enum or bounds), definitions,
orientations, prompt length, reference_image_input / reference_video_input / frame_input
(support, counts and every per-file constraint). Frames and reference media are not
combined (CreatOK's own skill forbids it); a frame mode whose frame_input says
uses_orientation: false is sent without orientation."""

from ...core.errors import UsageError
from . import capabilities, constraints, media_input, pricing
from .api import CreatOKGeneration
from .prepared import CreatOKPrepared

PATH = "/api/open/skills/tasks"


def check_seconds(value, entry):
    durations = entry["limits"]["durations"]
    seconds = entry["defaults"]["seconds"] if value is None else value
    allowed_enum = durations.get("enum")
    lo, hi = durations.get("min"), durations.get("max")
    if allowed_enum:
        if seconds not in allowed_enum:
            raise UsageError("--duration: %r is not offered by %s; allowed: %s seconds"
                             % (seconds, entry["id"], ", ".join(map(str, allowed_enum))))
    elif (lo is not None and seconds < lo) or (hi is not None and seconds > hi):
        span = "%s to %s" % (lo, hi) if lo is not None and hi is not None else (
            "at least %s" % lo if lo is not None else "at most %s" % hi)
        raise UsageError("--duration: %r is not offered by %s; allowed: %s seconds" % (seconds, entry["id"], span))
    return seconds


def _reference_media(entry, images, videos):
    model, limits = entry["id"], entry["limits"]
    image_spec = dict(entry.get("reference_image_input") or {})
    image_spec.setdefault("max_count", limits["max_reference_images"])
    constraints.check_all(images, image_spec, model, "reference image(s)")
    video_spec = dict(entry.get("reference_video_input") or {})
    if videos and ("reference" not in (video_spec.get("modes") or []) or not video_spec.get("max_count")):
        raise UsageError("--reference-video: %s takes no reference videos (capabilities reference_video_input); "
                         "choose a model that does, e.g. with `models`" % model)
    if limits.get("max_reference_videos") is not None:
        video_spec["max_count"] = min(video_spec.get("max_count") or 0, limits["max_reference_videos"])
    constraints.check_all(videos, video_spec, model, "reference video(s)")
    cap = limits.get("max_reference_media_items")
    if cap is not None and len(images) + len(videos) > cap:
        raise UsageError("--reference-images/--reference-video: %d media in all; %s takes at most %d"
                         % (len(images) + len(videos), model, cap))


def _frames(entry, first, end, references):
    frames = entry.get("frame_input") or {}
    model = entry["id"]
    if end is not None and first is None:
        raise UsageError("--end-frame: needs --first-frame too (CreatOK takes an end frame only after a first one)")
    if first is None:
        return
    if not frames.get("first_frame"):
        raise UsageError("--first-frame: %s takes no frame inputs (capabilities frame_input)" % model)
    if end is not None and not frames.get("end_frame"):
        raise UsageError("--end-frame: %s takes a first frame only (capabilities frame_input.end_frame)" % model)
    if frames.get("requires_both_frames") and end is None:
        raise UsageError("--end-frame: missing; %s needs both a first and an end frame "
                         "(capabilities frame_input.requires_both_frames)" % model)
    if references:
        raise UsageError("--first-frame: frames cannot be combined with --reference-images or --reference-video "
                         "in one request; choose frames or reference media")
    constraints.check_all([f for f in (first, end) if f is not None],
                          {"constraints": frames.get("constraints")}, model, "frame image(s)")


class CreatOKVideo(CreatOKGeneration):
    kind = "video"
    task_type = "video_generation"
    timing = "creatok/video-timing.json"
    output_kind = "video"
    max_download_bytes = 2 * 1024 * 1024 * 1024

    def prepare(self, opts, ctx):
        prompt = (opts.get("prompt") or "").strip()
        if not prompt:
            raise UsageError("--prompt: missing; describe the video to generate")
        images = [media_input.parse("--reference-images", raw) for raw in (opts.get("reference_images") or [])]
        videos = [media_input.parse("--reference-video", raw, "video") for raw in (opts.get("reference_video") or [])]
        first, end = (media_input.parse(option, opts[name]) if opts.get(name) else None
                      for option, name in (("--first-frame", "first_frame"), ("--end-frame", "end_frame")))
        entry, why = capabilities.model_entry(capabilities.fetch(ctx)["video"], opts.get("model"))
        limits, defaults = entry["limits"], entry["defaults"]
        longest = limits.get("max_prompt_length")
        if longest and len(prompt) > longest:
            raise UsageError("--prompt: %d characters; %s takes at most %d" % (len(prompt), entry["id"], longest))
        definition = capabilities.choose("--definition", opts.get("definition"), limits["definitions"],
                                         entry["id"], defaults["definition"])
        seconds = check_seconds(opts.get("duration"), entry)
        _frames(entry, first, end, images + videos)
        _reference_media(entry, images, videos)
        body = {"prompt": prompt, "seconds": seconds, "definition": definition, "model": entry["id"]}
        parameters = {"seconds": seconds, "definition": definition}
        if first is not None and (entry.get("frame_input") or {}).get("uses_orientation") is False:
            if opts.get("orientation") is not None:
                raise UsageError("--orientation: %s takes no orientation with frame inputs (frame_input."
                                 "uses_orientation is false); leave it out" % entry["id"])
            orientation = None
        else:
            orientation = capabilities.choose("--orientation", opts.get("orientation"), limits["orientations"],
                                              entry["id"], defaults["orientation"])
            body["orientation"] = parameters["orientation"] = orientation
        media = [(field, refs, False) for field, refs in (("referenceImageKeys", images),
                                                          ("referenceVideoKeys", videos)) if refs]
        media += [(field, [ref], True) for field, ref in (("firstFrameKey", first), ("endFrameKey", end)) if ref]
        for name, used in (("reference_videos", len(videos)), ("first_frame", first is not None),
                           ("end_frame", end is not None)):
            if used:   # only what this request uses: the gate's summary stays short
                parameters[name] = used
        estimate = pricing.estimate(entry, why, parameters, len(images),
                                    pricing.video_credits(entry, definition, seconds, orientation))
        return CreatOKPrepared(PATH, body, schema="creatok/video-task.request.json", model=entry["id"],
                               media=media, service=self.task_type, estimate=estimate, task_type=self.task_type,
                               http=ctx.http, account=capabilities.account(ctx.credentials()))

    def result_urls(self, result):
        url = result.get("video_url")
        return [url] if url else []
