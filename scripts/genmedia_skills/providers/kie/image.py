"""KIE image models: nano-banana-pro and siblings on the Market jobs API, 4o Image and
Flux Kontext on their own APIs.

The model table is data: schemas/kie/image-catalog.json lists the models and the API
family of each, and each model's fields, types, limits and defaults are its own request schema.
"""

from .apis import KieApis

CATALOG = "kie/image-catalog.json"


class KieImage(KieApis):
    output_kind = "image"
    max_download_bytes = 64 * 1024 * 1024
    catalog = CATALOG
    unlisted_market = True
