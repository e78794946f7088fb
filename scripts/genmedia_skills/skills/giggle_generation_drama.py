"""The giggle-generation-drama skill: its request options and commands (the entry script in
skills/giggle-generation-drama/scripts/ only runs this)."""

from typing import Annotated, List, Optional

from ..validation import catalog
from ..command.options import Option
from ..command.cli import SkillCLI, _option
from ..providers.giggle.drama import CATALOG, GiggleDrama, styles_command


def drama_options(
    story: Annotated[Optional[str], Option("--story", help="The story or script to film (required).")] = None,
    mode: Annotated[Optional[str], Option("--mode", help="director (episodes, default), narration or short-film.")] = None,
    aspect: Annotated[Optional[str], Option("--aspect", help="16:9 (default) or 9:16.")] = None,
    duration: Annotated[Optional[str], Option("--duration", help="Video length: " + catalog.allowed(CATALOG, "video_duration") + " seconds (default auto).")] = None,
    language: Annotated[Optional[str], Option("--language", help="Language of the film: en (default) or zh.")] = None,
    style_id: Annotated[Optional[int], Option("--style-id", help="A visual style's id from the `styles` command (optional).")] = None,
    character: Annotated[Optional[List[str]], Option("--character", help="A character's look: NAME=IMAGE (a local image or an http(s) URL; repeatable).")] = None,
    name: Annotated[Optional[str], Option("--name", help="Project name on giggle.pro (default: the story's start).")] = None,
    video_first_model: Annotated[Optional[str], Option("--video-model", help="The pay's video model (default grok).")] = None,
    video_second_model: Annotated[Optional[str], Option("--fallback-video-model", help="The pay's fallback video model (default seedance15-pro).")] = None,
    image_first_model: Annotated[Optional[str], Option("--image-model", help="The pay's image model (default seedream45).")] = None,
):
    """The request options of run and submit."""


STYLES = ("styles", styles_command,
          [_option("language", Optional[str], None, "--language", help="Style names in en (default) or zh."),
           _option("category", Optional[str], None, "--category", help="Only styles of this category.")],
          "List giggle.pro's video styles as a JSON array (ids for --style-id).")

SKILL = SkillCLI(
    "giggle-generation-drama",
    GiggleDrama(),
    drama_options,
    help="Turn a story into a short drama, narrated video or short film on giggle.pro (trustee v2, with a payment gate).",
    extra_commands=[STYLES],
    yes_help="Pay when the workflow reaches its payment gate (charged once, never twice).",
)
