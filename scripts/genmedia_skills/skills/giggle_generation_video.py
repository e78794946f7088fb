"""The giggle-generation-video skill: its request options and commands (the entry script in
skills/giggle-generation-video/scripts/ only runs this)."""

from typing import List, Optional

from typing import Annotated

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.giggle.video import CATALOG, GiggleVideo

MODELS = catalog.param(CATALOG, "model")["oneOf"]
DURATIONS = "; ".join("%s %s" % (m["const"], "%d-%d" % (m["x-durations"][0], m["x-durations"][-1])
                                  if len(m["x-durations"]) > 4 else "/".join(map(str, m["x-durations"])))
                      for m in MODELS)


def video_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="What happens in the video (required).")] = None,
    model: Annotated[Optional[str], Option("--model", help="Model (default grok; seedance-2.0-pro with reference media): " + catalog.allowed(CATALOG, "model") + ". A newer model name is sent as given, with a warning.")] = None,
    duration: Annotated[Optional[int], Option("--duration", help="Seconds; the model decides which (default: its first): " + DURATIONS + ".")] = None,
    aspect_ratio: Annotated[Optional[str], Option("--aspect-ratio", help="One of " + catalog.allowed(CATALOG, "aspect_ratio") + " (default 16:9).")] = None,
    resolution: Annotated[Optional[str], Option("--resolution", help="One of " + catalog.allowed(CATALOG, "resolution") + " (default 720p).")] = None,
    start_frame: Annotated[Optional[List[str]], Option("--start-frame", help="First frame (makes it image-to-video): asset_id:ID, url:URL, base64:DATA or an image file path (Seedance 2.0: URL or file).")] = None,
    end_frame: Annotated[Optional[List[str]], Option("--end-frame", help="Last frame, same forms as --start-frame.")] = None,
    generating_count: Annotated[Optional[int], Option("--generating-count", help="Videos per task, 1-4 (Seedance 2.0 models only; default 1).")] = None,
    images: Annotated[Optional[List[str]], Option("--reference-image", help="Reference image for omni-video (Seedance 2.0; the default model when no --model): URL or image file; repeat, up to 9; the prompt calls them @图片1, @图片2, ...")] = None,
    audios: Annotated[Optional[List[str]], Option("--reference-audio", help="Reference audio for omni-video: URL or audio file (uploaded first); repeat; @音频1, ...")] = None,
    videos: Annotated[Optional[List[str]], Option("--reference-video", help="Reference video for omni-video: URL or video file (uploaded first); repeat; @视频1, ...")] = None,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-video",
    GiggleVideo(),
    video_options,
    help="Generate videos with giggle.pro (text-to-video, image-to-video with --start-frame/--end-frame, "
         "or omni-video with --reference-image/--reference-audio/--reference-video).",
)
