"""The giggle-generation-image skill: its request options and commands (the entry script in
skills/giggle-generation-image/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.giggle.image import CATALOG, GiggleImage


def image_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What to draw (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model: " + catalog.allowed(CATALOG, "model") + " (default seedream45). A newer model name is sent as given, with a warning.")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="One of " + catalog.allowed(CATALOG, "aspect_ratio") + " (default 16:9; each model takes its own: auto only gpt-image-2-fast).")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="Text-to-image only: " + catalog.allowed(CATALOG, "resolution") + " (default 2K; gpt-image-2-fast: 1K or 2K).")] = None,
    generate_count: Annotated[Optional[int], Option("--generate-count", help="Images per task, 1-4 (default 1).")] = None,
    reference_images: Annotated[Optional[List[str]], Option("--reference-images", help="Image-to-image reference; repeat for several (gpt-image-2-fast: one). A URL, an image file path (over 4 MB: uploaded first), raw base64 or an asset_id (or prefix url:, file:, base64:, asset_id:).")] = None,
    watermark: Annotated[bool, Option("--watermark", help="Add a watermark (image-to-image only).")] = False,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-image",
    GiggleImage(),
    image_options,
    help="Generate images with giggle.pro (text-to-image, or image-to-image with --reference-images).",
)
