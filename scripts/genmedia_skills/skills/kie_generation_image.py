"""The kie-generation-image skill: its request options and commands (the entry script in
skills/kie-generation-image/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.kie.image import CATALOG, KieImage
from ..providers.kie.models_command import command

MODELS = "; ".join("%s: %s" % (m["const"], m["description"]) for m in catalog.param(CATALOG, "model")["oneOf"])


def image_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What to draw (required). Explicit hex colours, composition, render style, what to exclude.")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model (default nano-banana-pro). " + MODELS + ".")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="Aspect ratio; the model decides which (see `models`), e.g. 1:1, 16:9, 9:16, auto; gpt4o-image: its size 1:1, 3:2 or 2:3.")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="nano-banana: 1K, 2K or 4K.")] = None,
    output_format: Annotated[Optional[str], Option("--output-format", help="png or jpg (google/nano-banana and flux-kontext: png or jpeg).")] = None,
    quality: Annotated[Optional[str], Option("--quality", help="seedream 4.5 (required there): basic (2K) or high (4K).")] = None,
    image: Annotated[Optional[List[str]], Option("--image", help="Reference/input image, repeatable: an http(s) URL or a local JPEG/PNG/WebP file (uploaded first); gpt4o-image up to 5, flux-kontext one (edit mode).")] = None,
    input: Annotated[Optional[List[str]], Option("--input", help="Any other field of the model as KEY=VALUE, repeatable, typed by the model's schema (see `models`).")] = None,
    callback_url: Annotated[Optional[str], Option("--callback-url", help="Where KIE may POST the result (env KIE_CALLBACK_URL); default: none. Results are polled either way.")] = None,
):
    """The request options of run and submit."""


MODELS_COMMAND = ("models", command(CATALOG), [],
                  "Print the models as JSON: each one's fields, flags, types, allowed values and defaults.")

SKILL = SkillCLI(
    "kie-generation-image",
    KieImage(),
    image_options,
    help="Generate images with KIE AI (text-to-image, or edits with --image). Models: " + catalog.allowed(CATALOG, "model") + " (default nano-banana-pro; `models` prints their fields).",
    extra_commands=[MODELS_COMMAND],
)
