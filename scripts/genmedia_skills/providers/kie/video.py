"""KIE video models: bytedance v1 pro/lite, seedance-2, kling-2.6 and sora-2 on the Market
jobs API; Veo 3.1, Runway and Runway Aleph on their own APIs.

Without --model, an image makes it bytedance/v1-pro-image-to-video and no image
bytedance/v1-pro-text-to-video (both from schemas/kie/video-catalog.json).
"""

from ...validation import catalog
from .apis import KieApis

CATALOG = "kie/video-catalog.json"


class KieVideo(KieApis):
    output_kind = "video"
    max_download_bytes = 2 * 1024 * 1024 * 1024
    catalog = CATALOG
    unlisted_market = True

    def prepare(self, opts):
        model = opts.get("model")
        if model is None and (opts.get("image") or opts.get("end_image")):
            model = catalog.load(CATALOG)["x-default-model-with-image"]
        return self.prepare_named(model, opts)
