#!/usr/bin/env python3
"""giggle-generation-image: text-to-image and image-to-image on giggle.pro.

    python skills/giggle-generation-image/scripts/generate_image.py run --simulate --prompt "a lighthouse at dusk"

Commands: run, submit, status, wait, list (see --help). Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path
from typing import List, Optional

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

import typer  # noqa: E402
from typing import Annotated  # noqa: E402

from genmedia_skills import catalog  # noqa: E402
from genmedia_skills.cli import SkillCLI  # noqa: E402
from genmedia_skills.providers.giggle.image import CATALOG, GiggleImage  # noqa: E402


def image_options(
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="What to draw (required).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model: " + catalog.allowed(CATALOG, "model") + " (default seedream45).")] = None,
    aspect_ratio: Annotated[Optional[str], typer.Option("--aspect-ratio", help="One of " + catalog.allowed(CATALOG, "aspect_ratio") + " (default 16:9).")] = None,
    resolution: Annotated[Optional[str], typer.Option("--resolution", help="Text-to-image only: " + catalog.allowed(CATALOG, "resolution") + " (default 2K).")] = None,
    generate_count: Annotated[Optional[int], typer.Option("--generate-count", help="Images per task, 1-4 (default 1).")] = None,
    reference_images: Annotated[Optional[List[str]], typer.Option("--reference-images", help="Image-to-image reference; repeat for several. A URL, an image file path, raw base64 or an asset_id (or prefix url:, file:, base64:, asset_id:).")] = None,
    watermark: Annotated[bool, typer.Option("--watermark", help="Add a watermark (image-to-image only).")] = False,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-image",
    GiggleImage(),
    image_options,
    help="Generate images with giggle.pro (text-to-image, or image-to-image with --reference-images).",
)

if __name__ == "__main__":
    SKILL.main()
