"""The kie-generation-video skill: its request options and commands (the entry script in
skills/kie-generation-video/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.kie.models_command import command
from ..providers.kie.video import CATALOG, KieVideo

MODELS = "; ".join("%s: %s" % (m["const"], m["description"]) for m in catalog.param(CATALOG, "model")["oneOf"])


def video_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What happens: subject, motion, camera (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model (default bytedance/v1-pro-image-to-video with --image, else bytedance/v1-pro-text-to-video). " + MODELS + ".")] = None,
    image: Annotated[Optional[List[str]], Option("--image", help="Start frame / input image: an http(s) URL or a local JPEG/PNG/WebP file (uploaded first).")] = None,
    end_image: Annotated[Optional[str], Option("--end-image", help="End frame (v1-lite image-to-video, seedance-2): URL or local file.")] = None,
    duration: Annotated[Optional[str], Option("--duration", help="Seconds, typed per model: bytedance v1 and kling \"5\"/\"10\", seedance-2 4-15, sora-2 10/15.")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="Text-to-video ratio (sora-2: portrait or landscape); see `models`.")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="480p, 720p or 1080p (seedance-2 also 4k).")] = None,
    seed: Annotated[Optional[int], Option("--seed", help="bytedance v1: -1 (random) to 2147483647.")] = None,
    camera_fixed: Annotated[Optional[bool], Option("--camera-fixed/--no-camera-fixed", help="bytedance v1: keep the camera still.")] = None,
    sound: Annotated[Optional[bool], Option("--sound/--no-sound", help="kling-2.6 sound; seedance-2 generate_audio.")] = None,
    input: Annotated[Optional[List[str]], Option("--input", help="Any other field of the model as KEY=VALUE, repeatable, typed by the model's schema (see `models`).")] = None,
):
    """The request options of run and submit."""


MODELS_COMMAND = ("models", command(CATALOG), [],
                  "Print the models as JSON: each one's fields, flags, types, allowed values and defaults.")

SKILL = SkillCLI(
    "kie-generation-video",
    KieVideo(),
    video_options,
    help="Generate videos with KIE AI (text-to-video, or image-to-video with --image). Models: " + catalog.allowed(CATALOG, "model") + " (`models` prints their fields).",
    extra_commands=[MODELS_COMMAND],
)
