"""The CreatOK double's input endpoints: image and video presign, asset registration and
the credits estimate, as the official CLI calls them (contracts/creatok-cli.md section 2).

credits-estimate {service, params} checks `params` exactly as the submit would (an
unregistered temporary key is 41003 there too) and answers {service, credits, currency}
from pricing.py, the same prices the capabilities list."""
import re

from ..routing import Response, Route
from . import pricing
from .assets import BusinessError
from .storage import Invalid as StorageInvalid
from .validate import Invalid, check_image, check_video, model_entry

GENERATION = {"image_generation": ("image", check_image, pricing.image_credits),
              "video_generation": ("video", check_video, pricing.video_credits)}
PROCESSING = ("image_upscale", "video_upscale", "video_subtitle_removal", "video_watermark_removal")


class InputRoutes(object):
    def __init__(self, api, error):
        self.api = api          # the CreatOK double: auth, capabilities, storage, assets
        self.error = error

    def routes(self, base):
        return [
            Route("POST", re.escape(base + "/upload/image/presigned"), "creatok.presign",
                  lambda req: self.presign(req, "image"), errors=self.error, missing_field="objectKey"),
            Route("POST", re.escape(base + "/upload/video/presigned"), "creatok.presign-video",
                  lambda req: self.presign(req, "video"), errors=self.error, missing_field="objectKey"),
            Route("POST", re.escape(base + "/assets"), "creatok.assets", self.register,
                  errors=self.error, missing_field="asset"),
            Route("POST", re.escape(base + "/credits-estimate"), "creatok.estimate", self.estimate,
                  errors=self.error, missing_field="credits"),
        ]

    def _answer(self, req, handle):
        if not self.api.authorized(req):
            return self.error(401)
        ok, body = req.json()
        if not ok or not isinstance(body, dict):
            return self.error(400, "body: must be a JSON object")
        try:
            return Response(200, {"code": 0, "msg": "success", "data": handle(body)})
        except BusinessError as exc:
            return self.error(exc.code, str(exc))
        except (Invalid, StorageInvalid, ValueError) as exc:
            return self.error(400, str(exc))

    def presign(self, req, kind):
        return self._answer(req, lambda body: self.api.storage.presign(req.base_url, body, kind))

    def register(self, req):
        return self._answer(req, lambda body: {"asset": self.api.assets.register(body)})

    def estimate(self, req):
        return self._answer(req, self._credits)

    def _credits(self, body):
        unknown = sorted(set(body) - {"service", "params"})
        if unknown:
            raise ValueError("unknown field(s): %s" % ", ".join(unknown))
        service, params = body.get("service"), body.get("params")
        if not isinstance(params, dict):
            raise ValueError("params: must be a JSON object")
        if service in GENERATION:
            kind, check, price = GENERATION[service]
            fields = check(self.api.capabilities, params, self.api.assets, estimate=True)
            credits = price(model_entry(self.api.capabilities[kind], fields["model"]), fields)
        elif service in PROCESSING:
            credits = pricing.processing_credits(service, params)
        else:
            raise ValueError("service: %r is not one of %s" % (service, ", ".join(list(GENERATION) + list(PROCESSING))))
        return {"service": service, "credits": credits, "currency": "credits"}
