"""The giggle-generation-music skill: its request options and commands (the entry script in
skills/giggle-generation-music/scripts/ only runs this)."""

from typing import Optional

from typing import Annotated

from ..command.options import Option
from ..command.cli import SkillCLI
from ..providers.giggle.music import GiggleMusic


def music_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="A description of the music, passed verbatim (simplified or instrumental mode). Never lyrics.")] = None,
    lyrics: Annotated[Optional[str], Option("--lyrics", help="The words to sing (custom mode; needs --style and --title).")] = None,
    style: Annotated[Optional[str], Option("--style", help="Custom mode: genre and sound, e.g. 'indie folk, acoustic guitar'.")] = None,
    title: Annotated[Optional[str], Option("--title", help="Custom mode: the song title.")] = None,
    instrumental: Annotated[bool, Option("--instrumental", help="No vocals (with --prompt, or custom mode without --lyrics).")] = False,
    vocal_gender: Annotated[Optional[str], Option("--vocal-gender", help="Custom mode only: male or female.")] = None,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-music",
    GiggleMusic(),
    music_options,
    help="Generate music with giggle.pro: from a description, from your lyrics, or instrumental.",
)
