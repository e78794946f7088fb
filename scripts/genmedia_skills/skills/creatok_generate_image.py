"""The creatok-generate-image skill: its request options, its commands (the five plus
`models`), and the spending gate (the entry script in skills/creatok-generate-image/scripts/
only runs this)."""

from typing import Annotated, List, Optional


from ..command.options import Option
from ..command.cli import SkillCLI
from ..providers.creatok.image import CreatOKImage

YES_HELP = ("Confirm the estimated credits (CreatOK's own estimate for this exact request) and submit (ask the user "
            "first; without it run/submit stop with exit 6).")


def image_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What to draw (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="A model id from `models` (default: CreatOK's default, nano-banana-2 today).")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="One of the model's resolutions, e.g. 1K, 2K, 4K (default: the model's).")] = None,
    generate_count: Annotated[Optional[int], Option("--generate-count", "-n", help="Images in this task, within the model's range (default: the model's, usually 1). Each is charged.")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="One of the model's aspect ratios, e.g. 1:1, 16:9, 9:16 (default: the model's).")] = None,
    quality: Annotated[Optional[str], Option("--quality", help="One of the model's quality options (pricing.quality_options in `models`, e.g. low, medium, high for gpt-image-2); only where the model offers them.")] = None,
    reference_images: Annotated[Optional[List[str]], Option("--reference-images", help="A local jpg/png/webp/gif (uploaded and registered as a CreatOK asset, once per file) or key:<objectKey> of an asset; repeat for several, up to the model's cap.")] = None,
):
    """The request options of run and submit."""


def models_command(adapter):
    def handler(ctx, kw):
        return adapter.models(ctx), 0
    return ("models", handler, [], "The models, their limits and prices, as CreatOK reports them now (JSON).")


ADAPTER = CreatOKImage()
SKILL = SkillCLI(
    "creatok-generate-image",
    ADAPTER,
    image_options,
    help="Generate images with CreatOK (nano-banana-2, nano-banana-pro, seedream-5.0-lite, ...): limits and prices "
         "come from CreatOK's capabilities; run/submit show CreatOK's estimate for the exact request and need --yes.",
    extra_commands=[models_command(ADAPTER)],
    yes_help=YES_HELP,
)
