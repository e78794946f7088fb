"""KIE music: Suno's models on the Suno API (schemas/kie/music-catalog.json)."""

from .apis import KieApis

CATALOG = "kie/music-catalog.json"


class KieMusic(KieApis):
    output_kind = "audio"
    max_download_bytes = 256 * 1024 * 1024
    catalog = CATALOG
