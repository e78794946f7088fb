"""The giggle-voice-clone skill: its request options and commands (the entry script in
skills/giggle-voice-clone/scripts/ only runs this)."""

from typing import Annotated, Optional

from ..command.options import Option
from ..command.cli import SkillCLI
from ..providers.giggle.voice_clone import GiggleVoiceClone


def voice_clone_options(
    sample: Annotated[Optional[str], Option("--sample", help="The voice to clone: a clear recording (MP3 or WAV), a local file or an http(s) URL (required).")] = None,
    text: Annotated[Optional[str], Option("--text", help="What the cloned voice says (required).")] = None,
    voice_id: Annotated[Optional[str], Option("--voice-id", help="A NEW id for this voice, unique in your giggle.pro account, e.g. my_voice_01 (required).")] = None,
    noise_reduction: Annotated[bool, Option("--noise-reduction/--no-noise-reduction", help="Clean background noise from the sample (default off).")] = False,
    normalize_volume: Annotated[bool, Option("--normalize-volume/--no-normalize-volume", help="Even out the sample's loudness (default off).")] = False,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-voice-clone",
    GiggleVoiceClone(),
    voice_clone_options,
    help="Clone a voice from a recording and speak a text in it, on giggle.pro.",
)
