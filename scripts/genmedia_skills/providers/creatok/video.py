"""CreatOK video generation: POST /tasks {prompt, orientation, seconds, definition, model,
referenceImageKeys?}, checked against the model's limits in the capabilities
(durations as an enum or bounds)."""

from ...core.errors import UsageError
from . import capabilities, pricing, upload
from .api import CreatOKGeneration, CreatOKPrepared
from .image import check_references

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
        refs = [upload.parse("--reference-images", raw) for raw in (opts.get("reference_images") or [])]
        entry, why = capabilities.model_entry(capabilities.fetch(ctx)["video"], opts.get("model"))
        limits, defaults = entry["limits"], entry["defaults"]
        orientation = capabilities.choose("--orientation", opts.get("orientation"), limits["orientations"],
                                          entry["id"], defaults["orientation"])
        definition = capabilities.choose("--definition", opts.get("definition"), limits["definitions"],
                                         entry["id"], defaults["definition"])
        seconds = check_seconds(opts.get("duration"), entry)
        check_references("--reference-images", refs, entry)
        body = {"prompt": prompt, "orientation": orientation, "seconds": seconds, "definition": definition,
                "model": entry["id"]}
        parameters = {"orientation": orientation, "seconds": seconds, "definition": definition}
        estimate = pricing.estimate(entry, why, parameters, len(refs),
                                    pricing.video_credits(entry, definition, seconds, orientation))
        return CreatOKPrepared(PATH, body, schema="creatok/video-task.request.json", model=entry["id"],
                               references=refs, keys_field="referenceImageKeys", estimate=estimate,
                               task_type=self.task_type)

    def result_urls(self, result):
        url = result.get("video_url")
        return [url] if url else []
