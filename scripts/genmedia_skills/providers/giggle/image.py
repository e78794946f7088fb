"""giggle.pro text-to-image and image-to-image requests.

The model table, ratios, resolutions, count limits and each model's own tables
(x-aspect-ratios, x-resolutions, x-max-references, x-reference-forms) are data in
schemas/giggle/image-catalog.json; this module turns command-line options into a
validated request (text-to-image when no reference is given). A model the catalog
does not list yet is sent as given, with only the endpoint's common fields checked.
"""

from ...core.errors import UsageError
from ...http.prepared_request import Prepared
from ...jobs.poll_schedule import PollSchedule
from ...validation import catalog
from .api import GiggleGeneration
from .upload import reference

CATALOG = "giggle/image-catalog.json"
T2I_PATH = "/api/v1/generation/text-to-image"
I2I_PATH = "/api/v1/generation/image-to-image"
ALL_FORMS = ("url", "base64", "asset_id")
UNLISTED_LOOSE = ("model", "aspect_ratio", "resolution")   # the provider judges these for a new model


def pick(option_name, value, allowed, default, model):
    """`value` matched case-insensitively against a model's own table, or its default."""
    if value is None:
        return default
    for candidate in allowed:
        if candidate.lower() == str(value).strip().lower():
            return candidate
    raise UsageError("%s: %r is not offered by %s; allowed: %s" % (option_name, value, model, ", ".join(allowed)))


def given(value, default):
    """An option for a model the catalog does not know: as given (trimmed), else the endpoint default."""
    return default if value is None or not str(value).strip() else str(value).strip()


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
        model = catalog.choose_model(CATALOG, "--model", opts.get("model"))
        entry, name = model.entry, model.name
        ratio_default = catalog.param(CATALOG, "aspect_ratio")["default"]
        if model.known:
            ratios = entry["x-aspect-ratios"]
            ratio = pick("--aspect-ratio", opts.get("aspect_ratio"), ratios,
                         ratio_default if ratio_default in ratios else ratios[0], name)
        else:
            ratio = given(opts.get("aspect_ratio"), ratio_default)
        count_def = catalog.param(CATALOG, "generate_count")
        count = opts.get("generate_count")
        count = count_def["default"] if count is None else count
        if not count_def["minimum"] <= count <= count_def["maximum"]:
            raise UsageError("--generate-count: %r is out of range; allowed %d to %d"
                             % (count, count_def["minimum"], count_def["maximum"]))
        forms = tuple(entry.get("x-reference-forms", ALL_FORMS))
        refs = [reference("--reference-images", raw, takes=forms) for raw in (opts.get("reference_images") or [])]
        most = entry.get("x-max-references")
        if most is not None and len(refs) > most:
            raise UsageError("--reference-images: %d given; %s takes at most %d reference image%s"
                             % (len(refs), name, most, "" if most == 1 else "s"))
        extra = dict(unlisted=model.warning, loose=() if model.known else UNLISTED_LOOSE)
        if not refs:
            if opts.get("watermark"):
                raise UsageError("--watermark: applies to image-to-image only; add --reference-images")
            res_default = entry.get("x-default-resolution") or catalog.param(CATALOG, "resolution")["default"]
            resolution = (pick("--resolution", opts.get("resolution"), entry["x-resolutions"], res_default, name)
                          if model.known else given(opts.get("resolution"), res_default))
            body = {"prompt": prompt, "generate_count": count, "model": name, "aspect_ratio": ratio,
                    "resolution": resolution}
            return Prepared(T2I_PATH, body, schema="giggle/text-to-image.request.json", model=name, **extra)
        if opts.get("resolution") is not None:
            raise UsageError("--resolution: %r cannot be used with --reference-images; the "
                             "image-to-image API takes no resolution" % (opts["resolution"],))
        body = {"prompt": prompt, "reference_images": [r.payload() for r in refs],
                "generate_count": count, "model": name, "aspect_ratio": ratio,
                "watermark": bool(opts.get("watermark"))}
        return Prepared(I2I_PATH, body, schema="giggle/image-to-image.request.json", model=name,
                        references=refs, **extra)
