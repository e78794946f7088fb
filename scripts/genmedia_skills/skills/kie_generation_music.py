"""The kie-generation-music skill: Suno on KIE AI, its request options and commands (the entry
script in skills/kie-generation-music/scripts/ only runs this)."""

from typing import Annotated, List, Optional

from ..command.options import Option
from ..validation import catalog
from ..command.cli import SkillCLI
from ..providers.kie.models_command import command
from ..providers.kie.music import CATALOG, KieMusic
from ..providers.kie.music_follow_ups import COMMANDS as FOLLOW_UPS

MODELS = "; ".join("%s: %s" % (m["const"], m["description"]) for m in catalog.param(CATALOG, "model")["oneOf"])


def music_options(
    prompt: Annotated[Optional[str], Option("--prompt", help="Simple mode: what the song is about (<= 500 characters; Suno writes the lyrics). With --custom: the lyrics, sung as written.")] = None,
    model: Annotated[Optional[str], Option("--model", help="Suno model (default V5). " + MODELS + ".")] = None,
    custom: Annotated[Optional[bool], Option("--custom/--simple", help="Custom mode: your lyrics (--prompt), --style and --title (default: simple).")] = None,
    instrumental: Annotated[Optional[bool], Option("--instrumental/--vocals", help="No vocals (custom mode then needs no --prompt).")] = None,
    style: Annotated[Optional[str], Option("--style", help="Custom mode: genre, mood, instruments (V4 200 characters, others 1000).")] = None,
    title: Annotated[Optional[str], Option("--title", help="Custom mode: the title (<= 80 characters).")] = None,
    negative_tags: Annotated[Optional[str], Option("--negative-tags", help="Styles to avoid, e.g. \"heavy metal, drums\".")] = None,
    vocal_gender: Annotated[Optional[str], Option("--vocal-gender", help="Custom mode: m or f (a preference, not a guarantee).")] = None,
    input: Annotated[Optional[List[str]], Option("--input", help="Any other field as KEY=VALUE, repeatable (styleWeight, weirdnessConstraint, audioWeight, personaId, personaModel).")] = None,
    callback_url: Annotated[Optional[str], Option("--callback-url", help="Where KIE may POST the result (env KIE_CALLBACK_URL). KIE requires one: without it https://callback.invalid/... is sent, which receives nothing. Results are polled either way.")] = None,
):
    """The request options of run and submit."""


MODELS_COMMAND = ("models", command(CATALOG), [],
                  "Print the models as JSON: each one's fields, flags, types, allowed values and defaults.")

SKILL = SkillCLI(
    "kie-generation-music",
    KieMusic(),
    music_options,
    help="Generate music with Suno on KIE AI: songs from a description (simple) or your lyrics, style and title (--custom), instrumental or with vocals; every song of a task is an output. Follow-ups: extend, lyrics, wav, vocal-removal. Models: " + catalog.allowed(CATALOG, "model") + " (default V5).",
    extra_commands=[MODELS_COMMAND] + FOLLOW_UPS,
)
