"""giggle.pro text-to-video, image-to-video and omni-video requests.

The models, their duration tables, resolutions, generating_count and reference rules are
data in schemas/giggle/video-catalog.json. The endpoint follows the inputs: frames
(--start-frame/--end-frame) make it image-to-video; reference media
(--reference-image/-audio/-video) make it omni-video, for the models that take them
(Seedance 2.0; the default model when references come without --model); neither is
text-to-video. A model the catalog does not list yet is sent as given, with only the
endpoint's common fields checked.
"""

import re

from ...core.errors import UsageError
from ...http.prepared_request import Prepared
from ...jobs.poll_schedule import PollSchedule
from ...validation import catalog
from .api import GiggleGeneration
from .image import given, pick
from .upload import reference

CATALOG = "giggle/video-catalog.json"
T2V_PATH = "/api/v1/generation/text-to-video"
I2V_PATH = "/api/v1/generation/image-to-video"
OMNI_PATH = "/api/v1/generation/omni-video"
ALL_FORMS = ("url", "base64", "asset_id")
UNLISTED_LOOSE = ("model", "duration", "aspect_ratio", "resolution")
# (option, body field, media kind, forms the field takes, prompt tag that numbers them)
MEDIA = (("--reference-image", "images", "image", ("url", "base64"), "图片"),
         ("--reference-audio", "audios", "audio", ("url",), "音频"),
         ("--reference-video", "videos", "video", ("url",), "视频"))


def _one(option, value):
    """A frame option given once (repeated on the command line: never drop one silently)."""
    if isinstance(value, (list, tuple)):
        if len(value) > 1:
            raise UsageError("%s: given %d times; a video has one %s"
                             % (option, len(value), option[2:].replace("-", " ")))
        value = value[0] if value else None
    return value


def _models_with(flag):
    return ", ".join(m["const"] for m in catalog.param(CATALOG, "model")["oneOf"] if m.get(flag))


def _duration(model, value):
    if not model.known:
        return catalog.load(CATALOG)["x-unlisted-default-duration"] if value is None else value
    allowed = model.entry["x-durations"]
    if value is None:
        return model.entry["x-default-duration"]
    if value not in allowed:
        shown = ("%d to %d" % (allowed[0], allowed[-1]) if allowed == list(range(allowed[0], allowed[-1] + 1))
                 and len(allowed) > 3 else ", ".join(map(str, allowed)))
        raise UsageError("--duration: %r is not offered by %s; allowed: %s (seconds)" % (value, model.name, shown))
    return value


def _count(model, value):
    """generating_count: sent for the models that take it (always, as giggle's own client
    does), and for an unlisted model only when given."""
    limits = catalog.param(CATALOG, "generating_count")
    most = model.entry.get("x-max-generating-count", limits["maximum"])
    if model.known and "x-max-generating-count" not in model.entry:
        if value is not None:
            raise UsageError("--generating-count: %s does not take it; models that do: %s"
                             % (model.name, _models_with("x-max-generating-count")))
        return None
    if value is None:
        return limits["default"] if model.known else None
    if not limits["minimum"] <= value <= most:
        raise UsageError("--generating-count: %r is out of range for %s; allowed %d to %d"
                         % (value, model.name, limits["minimum"], most))
    return value


def _media(opts, prompt):
    """{field: [references]} of the omni-video reference options, checked."""
    found = {}
    for option, field, media, forms, tag in MEDIA:
        refs = [reference(option, raw, media=media, takes=forms) for raw in (opts.get(field) or [])]
        if refs:
            found[field] = refs
        # the prompt names them as @图片1, @视频2, ... in the order given (giggle's Seedance guide)
        named = [int(n) for n in re.findall("@%s(\\d+)" % tag, prompt)]
        if named and max(named) > len(refs):
            raise UsageError("--prompt: names @%s%d but %d %s given; pass each with %s, in that order"
                             % (tag, max(named), len(refs), "was" if len(refs) == 1 else "were", option))
    most = catalog.param(CATALOG, "omni")["x-max-images"]
    if len(found.get("images", [])) > most:
        raise UsageError("--reference-image: %d given; omni-video takes at most %d images"
                         % (len(found["images"]), most))
    return found


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
        media = _media(opts, prompt)
        frames_given = {key: _one(option, opts.get(key)) for key, option in
                        (("start_frame", "--start-frame"), ("end_frame", "--end-frame"))}
        frames_given = {k: v for k, v in frames_given.items() if v is not None}
        if media and frames_given:
            raise UsageError("--reference-image/--reference-audio/--reference-video cannot be combined with "
                             "--start-frame/--end-frame: references go to omni-video, frames to image-to-video")
        wanted = opts.get("model")
        if wanted is None and media:
            wanted = catalog.load(CATALOG)["x-default-model-with-references"]
        model = catalog.choose_model(CATALOG, "--model", wanted)
        entry, name = model.entry, model.name
        if media and model.known and not entry.get("x-omni"):
            raise UsageError("%s: %s takes no reference media; models that do: %s"
                             % ("/".join(MEDIA[i][0] for i, m in enumerate(MEDIA) if m[1] in media), name,
                                _models_with("x-omni")))
        ratio_def, res_def = catalog.param(CATALOG, "aspect_ratio"), catalog.param(CATALOG, "resolution")
        if model.known:
            ratio = catalog.choose(CATALOG, "aspect_ratio", "--aspect-ratio", opts.get("aspect_ratio"))
            resolutions = entry.get("x-resolutions") or catalog.choices(res_def)
            resolution = pick("--resolution", opts.get("resolution"), resolutions,
                              res_def["default"] if res_def["default"] in resolutions else resolutions[-1], name)
        else:
            ratio = given(opts.get("aspect_ratio"), ratio_def["default"])
            resolution = given(opts.get("resolution"), res_def["default"])
        body = {"prompt": prompt, "model": name, "duration": _duration(model, opts.get("duration")),
                "aspect_ratio": ratio, "resolution": resolution}
        count = _count(model, opts.get("generating_count"))
        if count is not None:
            body["generating_count"] = count
        extra = dict(unlisted=model.warning, loose=() if model.known else UNLISTED_LOOSE)
        if media:
            refs = []
            for field, items in media.items():
                body[field] = [r.payload() for r in items]
                refs += items
            return Prepared(OMNI_PATH, body, schema="giggle/omni-video.request.json", model=name, references=refs,
                            **extra)
        if not frames_given:
            return Prepared(T2V_PATH, body, schema="giggle/text-to-video.request.json", model=name, **extra)
        if entry.get("x-needs-start-frame") and "start_frame" not in frames_given:
            raise UsageError("--end-frame: %s needs a --start-frame too (an end frame alone is not taken)" % name)
        forms = tuple(entry.get("x-frame-forms", ALL_FORMS))
        frames = []
        for key, value in frames_given.items():
            frame = reference("--" + key.replace("_", "-"), value, takes=forms)
            body[key] = frame.payload()
            frames.append(frame)
        return Prepared(I2V_PATH, body, schema="giggle/image-to-video.request.json", model=name,
                        references=frames, **extra)
