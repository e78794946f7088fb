#!/usr/bin/env python3
"""giggle-generation-speech: text-to-speech on giggle.pro.

    python skills/giggle-generation-speech/scripts/generate_speech.py voices --simulate --language en
    python skills/giggle-generation-speech/scripts/generate_speech.py run --simulate --text "Hello there" --voice-id Calm_Woman

Commands: run, submit, status, wait, list, voices. Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path
from typing import Optional

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

import typer  # noqa: E402
from typing import Annotated  # noqa: E402

from genmedia_skills.cli import SkillCLI, _option  # noqa: E402
from genmedia_skills.providers.giggle.speech import GiggleSpeech, voices_command  # noqa: E402


def speech_options(
    text: Annotated[Optional[str], typer.Option("--text", help="The text to speak (required).")] = None,
    voice_id: Annotated[Optional[str], typer.Option("--voice-id", help="A voice from the `voices` command, e.g. Calm_Woman (required).")] = None,
    emotion: Annotated[Optional[str], typer.Option("--emotion", help="e.g. joy, sad, neutral, angry, surprise (optional).")] = None,
    speed: Annotated[Optional[float], typer.Option("--speed", help="0.5 to 2.0 (default 1.0).")] = None,
):
    """The request options of run and submit."""


VOICES = ("voices", voices_command,
          [_option("language", Optional[str], None, "--language", help="Only voices in this language, e.g. en, zh."),
           _option("gender", Optional[str], None, "--gender", help="Only male or female voices.")],
          "List the preset voices as a JSON array (filter with --language, --gender).")

SKILL = SkillCLI(
    "giggle-generation-speech",
    GiggleSpeech(),
    speech_options,
    help="Turn text into speech with giggle.pro voices (list them with `voices`).",
    extra_commands=[VOICES],
)

if __name__ == "__main__":
    SKILL.main()
