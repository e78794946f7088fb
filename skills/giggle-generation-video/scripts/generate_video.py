#!/usr/bin/env python3
"""giggle-generation-video: text-to-video and image-to-video (start/end frame) on giggle.pro.

    python skills/giggle-generation-video/scripts/generate_video.py run --simulate --prompt "waves at sunset"

Commands: run, submit, status, wait, list (see --help). Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path
from typing import List, Optional

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

import typer  # noqa: E402
from typing import Annotated  # noqa: E402

from genmedia_skills import catalog  # noqa: E402
from genmedia_skills.cli import SkillCLI  # noqa: E402
from genmedia_skills.providers.giggle.video import CATALOG, GiggleVideo  # noqa: E402

MODELS = catalog.param(CATALOG, "model")["oneOf"]
DURATIONS = "; ".join("%s %s" % (m["const"], "/".join(map(str, m["x-durations"]))) for m in MODELS)


def video_options(
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="What happens in the video (required).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model (default grok): " + catalog.allowed(CATALOG, "model") + ".")] = None,
    duration: Annotated[Optional[int], typer.Option("--duration", help="Seconds; the model decides which (default: its first): " + DURATIONS + ".")] = None,
    aspect_ratio: Annotated[Optional[str], typer.Option("--aspect-ratio", help="One of " + catalog.allowed(CATALOG, "aspect_ratio") + " (default 16:9).")] = None,
    resolution: Annotated[Optional[str], typer.Option("--resolution", help="One of " + catalog.allowed(CATALOG, "resolution") + " (default 720p).")] = None,
    start_frame: Annotated[Optional[List[str]], typer.Option("--start-frame", help="First frame (makes it image-to-video): asset_id:ID, url:URL, base64:DATA or an image file path.")] = None,
    end_frame: Annotated[Optional[List[str]], typer.Option("--end-frame", help="Last frame, same forms as --start-frame.")] = None,
):
    """The request options of run and submit."""


SKILL = SkillCLI(
    "giggle-generation-video",
    GiggleVideo(),
    video_options,
    help="Generate videos with giggle.pro (text-to-video, or image-to-video with --start-frame/--end-frame).",
)

if __name__ == "__main__":
    SKILL.main()
