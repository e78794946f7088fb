"""The giggle-generation-speech skill: its request options and commands (the entry script in
skills/giggle-generation-speech/scripts/ only runs this)."""

from typing import Optional

from typing import Annotated

from ..command.options import Option
from ..command.cli import SkillCLI, _option
from ..providers.giggle.speech import GiggleSpeech, voices_command


def speech_options(
    text: Annotated[Optional[str], Option("--text", help="The text to speak (required).")] = None,
    voice_id: Annotated[Optional[str], Option("--voice-id", help="A voice from the `voices` command, e.g. Calm_Woman (required).")] = None,
    emotion: Annotated[Optional[str], Option("--emotion", help="e.g. joy, sad, neutral, angry, surprise (optional).")] = None,
    speed: Annotated[Optional[float], Option("--speed", help="0.5 to 2.0 (default 1.0).")] = None,
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
