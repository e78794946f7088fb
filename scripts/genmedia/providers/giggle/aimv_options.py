"""Command-line options shared by giggle-generation-aimv and giggle-generation-aimv-30.

Both skills share one implementation (GiggleTrustee); only the project type
differs, so their scripts declare nothing but their name and type.
"""

from typing import Optional

import typer

from ... import catalog
from ...cli import SkillCLI, _option
from .trustee import CATALOG, GiggleTrustee

try:
    from typing import Annotated
except ImportError:  # pragma: no cover
    from typing_extensions import Annotated


def _allowed(key):
    return ", ".join(catalog.choices(catalog.param(CATALOG, key)))


def aimv_options(
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="Music from a description (prompt mode).")] = None,
    lyrics: Annotated[Optional[str], typer.Option("--lyrics", help="Your lyrics (custom mode, with --style and --title).")] = None,
    style: Annotated[Optional[str], typer.Option("--style", help="Music style (custom mode).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Song title (custom mode).")] = None,
    music_asset_id: Annotated[Optional[str], typer.Option("--music-asset-id", help="An uploaded track's asset_id (upload mode).")] = None,
    vocal_gender: Annotated[Optional[str], typer.Option("--vocal-gender", help="Prompt mode: " + _allowed("vocal_gender") + " (default auto).")] = None,
    instrumental: Annotated[bool, typer.Option("--instrumental", help="Prompt mode: no vocals.")] = False,
    reference_image: Annotated[Optional[str], typer.Option("--reference-image", help="The reference image (required): asset_id, URL, raw base64 or a local file (prefix asset_id:, url:, base64:, file: to be explicit).")] = None,
    scene_description: Annotated[Optional[str], typer.Option("--scene-description", help="What the video shows (up to ~200 characters works best).")] = None,
    subtitles: Annotated[bool, typer.Option("--subtitles/--no-subtitles", help="Burn in subtitles.")] = False,
    aspect: Annotated[Optional[str], typer.Option("--aspect", help="One of " + _allowed("aspect") + " (default 16:9).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Project name on giggle.pro (default: from the title or prompt).")] = None,
):
    """The request options of run and submit."""


STEP = _option("step", Optional[str], None, "--step", help="Step to resume from: " + _allowed("step") + ".")
TASK_ID = _option("task_id", Optional[str], None, "--task-id", help="The project_id printed by run/submit.")
TIMEOUT = _option("timeout", float, 540.0, "--timeout",
                  help="Wall-clock seconds to wait before exiting 5 with a resume command.")
YES = _option("yes", bool, False, "--yes", help="Pay when the workflow reaches its payment gate (charged once).")


def _retry(ctx, kw):
    from ...commands import retry_step
    from ...errors import UsageError

    if not kw.get("step"):
        raise UsageError("--step: missing; one of " + _allowed("step"))
    step = catalog.choose(CATALOG, "step", "--step", kw["step"])
    if not kw["timeout"] >= 0:
        raise UsageError("--timeout: %r must be a number of seconds >= 0" % (kw["timeout"],))
    if not kw.get("task_id"):
        raise UsageError("--task-id: missing; give the project_id printed by run/submit")
    return retry_step(ctx, kw["task_id"], step, timeout=kw["timeout"])


def aimv_skill(name, project_type, help):
    """The whole CLI of an AIMV skill."""
    retry = ("retry", _retry, [TASK_ID, STEP, TIMEOUT, YES],
             "Resume a failed project from a step (music-generate, storyboard, shot, editor), then wait.")
    return SkillCLI(name, GiggleTrustee(project_type), aimv_options, help, extra_commands=[retry],
                    yes_help="Pay when the workflow reaches its payment gate (charged once, never twice).")


__all__ = ["aimv_skill", "aimv_options"]
