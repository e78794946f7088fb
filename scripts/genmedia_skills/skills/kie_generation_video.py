"""The kie-generation-video skill: its request options and commands (the entry script in
skills/kie-generation-video/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.kie.models_command import command
from ..providers.kie.video import CATALOG, KieVideo
from ..providers.kie.video_follow_ups import COMMANDS as FOLLOW_UPS

MODELS = "; ".join("%s: %s" % (m["const"], m["description"]) for m in catalog.param(CATALOG, "model")["oneOf"])


def video_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What happens: subject, motion, camera (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model (default bytedance/v1-pro-image-to-video with --image, else bytedance/v1-pro-text-to-video). " + MODELS + ".")] = None,
    image: Annotated[Optional[List[str]], Option("--image", help="Start frame / input image: an http(s) URL or a local JPEG/PNG/WebP file (uploaded first); Veo: 1 image, 2 (first and last frame) or 1-3 references.")] = None,
    end_image: Annotated[Optional[str], Option("--end-image", help="End frame (v1-lite image-to-video, seedance-2): URL or local file.")] = None,
    duration: Annotated[Optional[str], Option("--duration", help="Seconds, typed per model: bytedance v1 and kling \"5\"/\"10\", seedance-2 4-15, sora-2 10/15, Veo 4/6/8, Runway 5/10.")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="Text-to-video ratio (sora-2: portrait or landscape); see `models`.")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="480p, 720p or 1080p (seedance-2 and Veo also 4k; Runway 720p or 1080p).")] = None,
    generation_type: Annotated[Optional[str], Option("--generation-type", help="Veo: TEXT_2_VIDEO, FIRST_AND_LAST_FRAMES_2_VIDEO or REFERENCE_2_VIDEO (default: from the images).")] = None,
    video: Annotated[Optional[str], Option("--video", help="runway-aleph: the video to transform (an http(s) URL).")] = None,
    seed: Annotated[Optional[int], Option("--seed", help="bytedance v1: -1 (random) to 2147483647.")] = None,
    camera_fixed: Annotated[Optional[bool], Option("--camera-fixed/--no-camera-fixed", help="bytedance v1: keep the camera still.")] = None,
    sound: Annotated[Optional[bool], Option("--sound/--no-sound", help="kling-2.6 sound; seedance-2 generate_audio.")] = None,
    input: Annotated[Optional[List[str]], Option("--input", help="Any other field of the model as KEY=VALUE, repeatable, typed by the model's schema (see `models`).")] = None,
    callback_url: Annotated[Optional[str], Option("--callback-url", help="Where KIE may POST the result (env KIE_CALLBACK_URL); default: none, or where KIE requires one (Runway) https://callback.invalid/..., which receives nothing. Results are polled either way.")] = None,
):
    """The request options of run and submit."""


MODELS_COMMAND = ("models", command(CATALOG), [],
                  "Print the models as JSON: each one's fields, flags, types, allowed values and defaults.")

SKILL = SkillCLI(
    "kie-generation-video",
    KieVideo(),
    video_options,
    help="Generate videos with KIE AI (text-to-video, image-to-video with --image, video-to-video with --video; extend and upgrade finished ones). Models: " + catalog.allowed(CATALOG, "model") + " (`models` prints their fields).",
    extra_commands=[MODELS_COMMAND] + FOLLOW_UPS,
)
