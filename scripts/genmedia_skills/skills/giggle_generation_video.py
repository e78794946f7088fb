"""The giggle-generation-video skill: its request options and commands (the entry script in
skills/giggle-generation-video/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.giggle.video import CATALOG, GiggleVideo

MODELS = catalog.param(CATALOG, "model")["oneOf"]
DURATIONS = "; ".join("%s %s" % (m["const"], "/".join(map(str, m["x-durations"]))) for m in MODELS)


def video_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What happens in the video (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model (default grok): " + catalog.allowed(CATALOG, "model") + ".")] = None,
    duration: Annotated[Optional[int], Option("--duration", help="Seconds; the model decides which (default: its first): " + DURATIONS + ".")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="One of " + catalog.allowed(CATALOG, "aspect_ratio") + " (default 16:9).")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="One of " + catalog.allowed(CATALOG, "resolution") + " (default 720p).")] = None,
    start_frame: Annotated[Optional[List[str]], Option("--start-frame", help="First frame (makes it image-to-video): asset_id:ID, url:URL, base64:DATA or an image file path.")] = None,
    end_frame: Annotated[Optional[List[str]], Option("--end-frame", help="Last frame, same forms as --start-frame.")] = None,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-video",
    GiggleVideo(),
    video_options,
    help="Generate videos with giggle.pro (text-to-video, or image-to-video with --start-frame/--end-frame).",
)
