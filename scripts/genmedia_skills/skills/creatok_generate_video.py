"""The creatok-generate-video skill: its request options, its commands (the five plus
`models`), and the spending gate (the entry script in skills/creatok-generate-video/scripts/
only runs this)."""

from typing import Annotated, List, Optional


from ..command.options import Option
from ..command.cli import SkillCLI
from ..providers.creatok.video import CreatOKVideo
from .creatok_generate_image import YES_HELP, models_command


def video_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What happens in the video (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="A model id from `models` (default: CreatOK's default, veo-3.1-fast-exp today).")] = None,
    orientation: Annotated[Optional[str], Option("--orientation", "--aspect-ratio", help="One of the model's orientations, e.g. 9:16, 16:9 (default: the model's).")] = None,
    duration: Annotated[Optional[int], Option("--duration", "--seconds", help="Seconds, as the model allows (a list or a range; default: the model's).")] = None,
    definition: Annotated[Optional[str], Option("--definition", "--resolution", help="One of the model's definitions, e.g. 480p, 720p (default: the model's).")] = None,
    reference_images: Annotated[Optional[List[str]], Option("--reference-images", help="A local jpg/png/webp/gif (registered as a CreatOK asset, once per file) or key:<objectKey> of an asset; repeat for several, up to the model's cap.")] = None,
    reference_video: Annotated[Optional[List[str]], Option("--reference-video", help="A local mp4/mov (up to 100 MB; registered as an asset) or key:<objectKey>; repeat for several; only models whose reference_video_input allows it, within its duration/fps/size limits.")] = None,
    first_frame: Annotated[Optional[str], Option("--first-frame", help="The video's first frame: a local jpg/png/webp/gif or key:<objectKey>; models whose frame_input.first_frame is true. Not with reference media.")] = None,
    end_frame: Annotated[Optional[str], Option("--end-frame", help="The video's last frame (with --first-frame), where frame_input.end_frame is true.")] = None,
):
    """The request options of run and submit."""


ADAPTER = CreatOKVideo()
SKILL = SkillCLI(
    "creatok-generate-video",
    ADAPTER,
    video_options,
    help="Generate videos with CreatOK (veo-3.1, sora-2, seedance-2, ...): limits and prices come from CreatOK's "
         "capabilities; run/submit show CreatOK's estimate for the exact request and need --yes.",
    extra_commands=[models_command(ADAPTER)],
    yes_help=YES_HELP,
)
