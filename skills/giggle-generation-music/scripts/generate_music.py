#!/usr/bin/env python3
"""giggle-generation-music: songs and instrumentals on giggle.pro.

    python skills/giggle-generation-music/scripts/generate_music.py run --simulate --prompt "upbeat summer pop"

Modes: --prompt (a description, passed verbatim); --lyrics + --style + --title (your song);
--prompt + --instrumental (no vocals). Commands: run, submit, status, wait, list.
"""

import sys
from pathlib import Path
from typing import Optional

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

import typer  # noqa: E402
from typing import Annotated  # noqa: E402

from genmedia_skills.cli import SkillCLI  # noqa: E402
from genmedia_skills.providers.giggle.music import GiggleMusic  # noqa: E402


def music_options(
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="A description of the music, passed verbatim (simplified or instrumental mode). Never lyrics.")] = None,
    lyrics: Annotated[Optional[str], typer.Option("--lyrics", help="The words to sing (custom mode; needs --style and --title).")] = None,
    style: Annotated[Optional[str], typer.Option("--style", help="Custom mode: genre and sound, e.g. 'indie folk, acoustic guitar'.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Custom mode: the song title.")] = None,
    instrumental: Annotated[bool, typer.Option("--instrumental", help="No vocals (with --prompt, or custom mode without --lyrics).")] = False,
    vocal_gender: Annotated[Optional[str], typer.Option("--vocal-gender", help="Custom mode only: male or female.")] = None,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-music",
    GiggleMusic(),
    music_options,
    help="Generate music with giggle.pro: from a description, from your lyrics, or instrumental.",
)

if __name__ == "__main__":
    SKILL.main()
