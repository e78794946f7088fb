"""KIE image models (nano-banana-pro and siblings) on the jobs API.

The model table is data: schemas/kie/image-catalog.json lists the models, and each
model's input fields, types, limits and defaults are its own request schema.
"""

from ...validation import catalog
from .api import KieJobs
from .fields import prepare

CATALOG = "kie/image-catalog.json"


class KieImage(KieJobs):
    output_kind = "image"
    max_download_bytes = 64 * 1024 * 1024
    catalog = CATALOG

    def prepare(self, opts):
        model = catalog.choose(CATALOG, "model", "--model", opts.get("model"))
        return prepare(CATALOG, model, opts)
