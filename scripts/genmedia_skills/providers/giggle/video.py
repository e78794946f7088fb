"""giggle.pro text-to-video and image-to-video requests.

The 13 models, their duration tables and defaults are data in
schemas/giggle/video-catalog.json (x-durations, x-default-duration); the endpoint
is image-to-video exactly when a start or end frame is given.
"""

from ...validation import catalog
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration
from .upload import reference

CATALOG = "giggle/video-catalog.json"
T2V_PATH = "/api/v1/generation/text-to-video"
I2V_PATH = "/api/v1/generation/image-to-video"


def _duration(model, value):
    entry = catalog.option(catalog.param(CATALOG, "model"), model)
    allowed = entry["x-durations"]
    if value is None:
        return entry["x-default-duration"]
    if value not in allowed:
        raise UsageError("--duration: %r is not offered by %s; allowed: %s (seconds)"
                         % (value, model, ", ".join(map(str, allowed))))
    return value


class GiggleVideo(GiggleGeneration):
    models_catalog = CATALOG   # `models` prints it
    output_kind = "video"
    max_download_bytes = 2 * 1024 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG, model))

    def prepare(self, opts):
        prompt = (opts.get("prompt") or "").strip()
        if not prompt:
            raise UsageError("--prompt: missing; describe the video to generate")
        model = catalog.choose(CATALOG, "model", "--model", opts.get("model"))
        body = {"prompt": prompt, "model": model, "duration": _duration(model, opts.get("duration")),
                "aspect_ratio": catalog.choose(CATALOG, "aspect_ratio", "--aspect-ratio", opts.get("aspect_ratio")),
                "resolution": catalog.choose(CATALOG, "resolution", "--resolution", opts.get("resolution"))}
        frames = []
        for key, option in (("start_frame", "--start-frame"), ("end_frame", "--end-frame")):
            value = opts.get(key)
            if isinstance(value, (list, tuple)):  # repeated on the command line: never drop one silently
                if len(value) > 1:
                    raise UsageError("%s: given %d times; a video has one %s" % (option, len(value),
                                                                                  key.replace("_", " ")))
                value = value[0] if value else None
            if value is not None:
                frame = reference(option, value)
                body[key] = frame.payload()
                frames.append(frame)
        if not frames:
            return Prepared(T2V_PATH, body, schema="giggle/text-to-video.request.json", model=model)
        return Prepared(I2V_PATH, body, schema="giggle/image-to-video.request.json", model=model,
                        references=frames)
