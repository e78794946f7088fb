"""Command-line options shared by giggle-generation-aimv and giggle-generation-aimv-30.

Both skills share one implementation (GiggleTrustee); only the project type
differs, so their scripts declare nothing but their name and type.
"""

from typing import Optional


from ...command.options import Option
from ...validation import catalog
from ...command.cli import TASK_ID, TIMEOUT, SkillCLI, _option, check_timeout
from .trustee import CATALOG, GiggleTrustee

from typing import Annotated


def aimv_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="Music from a description (prompt mode).")] = None,
    lyrics: Annotated[Optional[str], Option("--lyrics", help="Your lyrics (custom mode, with --style and --title).")] = None,
    style: Annotated[Optional[str], Option("--style", help="Music style (custom mode).")] = None,
    title: Annotated[Optional[str], Option("--title", help="Song title (custom mode).")] = None,
    music_asset_id: Annotated[Optional[str], Option("--music-asset-id", help="An uploaded track's asset_id (upload mode).")] = None,
    vocal_gender: Annotated[Optional[str], Option("--vocal-gender", help="Prompt mode: " + catalog.allowed(CATALOG, "vocal_gender") + " (default auto).")] = None,
    instrumental: Annotated[bool, Option("--instrumental", help="Prompt mode: no vocals.")] = False,
    reference_image: Annotated[Optional[str], Option("--reference-image", help="The reference image (required): asset_id, URL, raw base64 or a local file (prefix asset_id:, url:, base64:, file: to be explicit).")] = None,
    scene_description: Annotated[Optional[str], Option("--scene-description", help="What the video shows (up to ~200 characters works best).")] = None,
    subtitles: Annotated[bool, Option("--subtitles/--no-subtitles", help="Burn in subtitles.")] = False,
    aspect: Annotated[Optional[str], Option("--aspect", help="One of " + catalog.allowed(CATALOG, "aspect") + " (default 16:9).")] = None,
    name: Annotated[Optional[str], Option("--name", help="Project name on giggle.pro (default: from the title or prompt).")] = None,
):
    """The request options of run and submit."""


STEP = _option("step", Optional[str], None, "--step", help="Step to resume from: " + catalog.allowed(CATALOG, "step") + ".")


def _retry(ctx, kw):
    from ...command.commands import retry_step  # the task id is checked there, as for status/wait
    from ...core.errors import UsageError

    if not kw.get("step"):
        raise UsageError("--step: missing; one of " + catalog.allowed(CATALOG, "step"))
    step = catalog.choose(CATALOG, "step", "--step", kw["step"])
    return retry_step(ctx, kw["task_id"], step, timeout=check_timeout(kw["timeout"]))


def aimv_skill(name, project_type, help):
    """The whole CLI of an AIMV skill (the task_id is the project_id)."""
    skill = SkillCLI(name, GiggleTrustee(project_type), aimv_options, help,
                     yes_help="Pay when the workflow reaches its payment gate (charged once, never twice).")
    skill.extra_commands.append(("retry", _retry, [TASK_ID, STEP, TIMEOUT, skill.yes],
                                 "Resume a failed project from a step (music-generate, storyboard, shot, "
                                 "editor), then wait."))
    return skill


__all__ = ["aimv_skill", "aimv_options"]
