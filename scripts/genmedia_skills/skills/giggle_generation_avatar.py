"""The giggle-generation-avatar skill: its request options and commands (the entry script in
skills/giggle-generation-avatar/scripts/ only runs this)."""

from typing import Annotated, Optional

from ..command.options import Option
from ..command.cli import SkillCLI, _option
from ..providers.giggle.avatar import GiggleAvatar
from ..providers.giggle.avatar_voices import voices_command


def avatar_options(
    image: Annotated[Optional[str], Option("--image", help="The portrait: a photo of one face, a local image or an http(s) URL (required).")] = None,
    script: Annotated[Optional[str], Option("--script", help="What the avatar says (up to 2700 characters; pauses as <break time=\"1.5s\"/>).")] = None,
    voice: Annotated[Optional[str], Option("--voice", help="A preset voice for --script: a name or voice_over_id from `voices`, e.g. Violet.")] = None,
    clone_sample: Annotated[Optional[str], Option("--clone-sample", help="Speak --script in a voice cloned from this recording (a local file or an http(s) URL), instead of --voice.")] = None,
    voice_speed: Annotated[Optional[float], Option("--voice-speed", help="With --clone-sample: speech rate, 0.5 to 2.0 (giggle.pro's default 1).")] = None,
    drive_audio: Annotated[Optional[str], Option("--drive-audio", help="Lip-sync to this clip instead (a local file or an http(s) URL, at most 120 s); no --script.")] = None,
):
    """The request options of run and submit."""


VOICES = ("voices", voices_command,
          [_option("country", Optional[str], None, "--country", help="Only voices of this country code, e.g. US, GB, FR."),
           _option("gender", Optional[str], None, "--gender", help="Only male or female voices."),
           _option("tag", Optional[str], None, "--tag", help="Only ugc or advertisement voices.")],
          "List the avatar's preset voices as a JSON array (bundled; no key needed).")

SKILL = SkillCLI(
    "giggle-generation-avatar",
    GiggleAvatar(),
    avatar_options,
    help="Make a talking-head video from a portrait on giggle.pro: a script in a preset or cloned voice, or lip-sync to a clip.",
    extra_commands=[VOICES],
)
