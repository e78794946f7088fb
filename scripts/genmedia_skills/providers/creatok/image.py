"""CreatOK image generation: POST /image-generation {prompt, model, resolution, n,
aspect_ratio?, quality?, imageObjectKeys?}, every value checked against the model's limits
in the capabilities (aspect ratio included, which the original client never checked;
quality only where the model's pricing lists quality_options). Reference images go as
registered assets (assets.py)."""

from ...core.errors import UsageError
from . import capabilities, media_input, pricing
from .api import CreatOKGeneration
from .prepared import CreatOKPrepared

PATH = "/api/open/skills/image-generation"


def check_count(value, entry):
    bounds = entry["limits"]["n"]
    n = entry["defaults"]["n"] if value is None else value
    if not bounds["min"] <= n <= bounds["max"]:
        raise UsageError("--generate-count: %r is not offered by %s; allowed: %d to %d"
                         % (n, entry["id"], bounds["min"], bounds["max"]))
    return n


def check_references(option, refs, entry):
    cap = entry["limits"]["max_reference_images"]
    if len(refs) > cap:
        raise UsageError("%s: %d given; %s takes at most %d reference image(s)" % (option, len(refs), entry["id"], cap))


def check_quality(value, entry):
    """A model with quality_options needs one (CreatOK's own CLI refuses the request without)."""
    offered = (entry.get("pricing") or {}).get("quality_options") or []
    if value is None:
        if offered:
            raise UsageError("--quality: missing; %s needs one of %s" % (entry["id"], ", ".join(offered)))
        return None
    if not offered:
        raise UsageError("--quality: %r: %s offers no quality options; leave it out" % (value, entry["id"]))
    return capabilities.choose("--quality", value, offered, entry["id"], None)


class CreatOKImage(CreatOKGeneration):
    kind = "image"
    task_type = "image_generation"
    timing = "creatok/image-timing.json"
    output_kind = "image"
    max_download_bytes = 64 * 1024 * 1024

    def prepare(self, opts, ctx):
        prompt = (opts.get("prompt") or "").strip()
        if not prompt:
            raise UsageError("--prompt: missing; describe the image to generate")
        refs = [media_input.parse("--reference-images", raw) for raw in (opts.get("reference_images") or [])]
        entry, why = capabilities.model_entry(capabilities.fetch(ctx)["image"], opts.get("model"))
        limits = entry["limits"]
        resolution = capabilities.choose("--resolution", opts.get("resolution"), limits["resolutions"],
                                         entry["id"], entry["defaults"]["resolution"])
        n = check_count(opts.get("generate_count"), entry)
        body = {"prompt": prompt, "model": entry["id"], "resolution": resolution, "n": n}
        ratio = opts.get("aspect_ratio")
        if ratio is not None:
            allowed = limits.get("aspect_ratios") or []
            if not allowed:
                raise UsageError("--aspect-ratio: %r: CreatOK lists no aspect ratios for %s; leave it out"
                                 % (ratio, entry["id"]))
            body["aspect_ratio"] = capabilities.choose("--aspect-ratio", ratio, allowed, entry["id"], None)
        quality = check_quality(opts.get("quality"), entry)
        if quality is not None:
            body["quality"] = quality
        check_references("--reference-images", refs, entry)
        parameters = {"resolution": resolution, "n": n, "aspect_ratio": body.get("aspect_ratio", "model default")}
        if quality is not None:
            parameters["quality"] = quality
        estimate = pricing.estimate(entry, why, parameters, len(refs), pricing.image_credits(entry, resolution, n))
        return CreatOKPrepared(PATH, body, schema="creatok/image-generation.request.json", model=entry["id"],
                               media=[("imageObjectKeys", refs, False)] if refs else [],
                               service=self.task_type, estimate=estimate, task_type=self.task_type,
                               http=ctx.http, account=capabilities.account(ctx.credentials()))

    def result_urls(self, result):
        return [img.get("url") or img.get("object_key") for img in (result.get("images") or [])
                if isinstance(img, dict) and (img.get("url") or img.get("object_key"))]
