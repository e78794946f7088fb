"""giggle.pro text-to-image and image-to-image requests.

The model table, ratios, resolutions and count limits are data in
schemas/giggle/image-catalog.json; this module turns command-line options into
a validated request (text-to-image when no reference is given).
"""

from ...validation import catalog
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration
from .upload import reference

CATALOG = "giggle/image-catalog.json"
T2I_PATH = "/api/v1/generation/text-to-image"
I2I_PATH = "/api/v1/generation/image-to-image"


def _choice(option_name, key, value):
    return catalog.choose(CATALOG, key, option_name, value)


class GiggleImage(GiggleGeneration):
    models_catalog = CATALOG   # `models` prints it
    output_kind = "image"
    max_download_bytes = 64 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG, model))

    def prepare(self, opts):
        prompt = (opts.get("prompt") or "").strip()
        if not prompt:
            raise UsageError("--prompt: missing; describe the image to generate")
        model = _choice("--model", "model", opts.get("model"))
        ratio = _choice("--aspect-ratio", "aspect_ratio", opts.get("aspect_ratio"))
        count_def = catalog.param(CATALOG, "generate_count")
        count = opts.get("generate_count")
        count = count_def["default"] if count is None else count
        if not count_def["minimum"] <= count <= count_def["maximum"]:
            raise UsageError("--generate-count: %r is out of range; allowed %d to %d"
                             % (count, count_def["minimum"], count_def["maximum"]))
        refs = [reference("--reference-images", raw) for raw in (opts.get("reference_images") or [])]
        if not refs:
            if opts.get("watermark"):
                raise UsageError("--watermark: applies to image-to-image only; add --reference-images")
            body = {"prompt": prompt, "generate_count": count, "model": model, "aspect_ratio": ratio,
                    "resolution": _choice("--resolution", "resolution", opts.get("resolution"))}
            return Prepared(T2I_PATH, body, schema="giggle/text-to-image.request.json", model=model)
        if opts.get("resolution") is not None:
            raise UsageError("--resolution: %r cannot be used with --reference-images; the "
                             "image-to-image API takes no resolution" % (opts["resolution"],))
        body = {"prompt": prompt, "reference_images": [r.payload() for r in refs],
                "generate_count": count, "model": model, "aspect_ratio": ratio,
                "watermark": bool(opts.get("watermark"))}
        return Prepared(I2I_PATH, body, schema="giggle/image-to-image.request.json", model=model,
                        references=refs)
