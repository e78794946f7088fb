"""Flux Kontext (contracts/kie-more.md section 4): generate, or edit one input image.

An inputImage selects edit mode, where safetyTolerance is 0-2 (generation 0-6; KIE fails
an out-of-range value only later, as errorCode 500). Polled at flux/kontext/record-info:
integer successFlag; the result is one string, response.resultImageUrl.
"""

from ...core import task_status
from ...core.errors import UsageError
from .dedicated import Family, Operation, flag_status, snapshot

SCHEMA = "kie/flux-kontext-generate.request.json"


class FluxKontext(Family):
    name = "flux-kontext"
    operations = (Operation("generate", "/api/v1/flux/kontext/generate", "/api/v1/flux/kontext/record-info",
                            "kie/flux-kontext-record-info.response.json", "image", (15, 90)),)

    def check(self, body, model):
        from ...validation import catalog

        edit_max = catalog.load(SCHEMA)["properties"]["safetyTolerance"]["x-edit-maximum"]
        tolerance = body.get("safetyTolerance")
        if body.get("inputImage") and isinstance(tolerance, int) and tolerance > edit_max:
            raise UsageError("--input safetyTolerance: %d is out of range for an edit (--image given); %s edits "
                             "allow 0 to %d (generation 0 to 6)" % (tolerance, model, edit_max))

    def read(self, data, op):
        status, word = flag_status(data.get("successFlag"))
        url = ((data.get("response") or {}).get("resultImageUrl") or "").strip()
        return snapshot(self, status, word, [(url, "image")] if url and status == task_status.SUCCEEDED else [], data)


FAMILY = FluxKontext()
