"""kie-generation-music's follow-ups: `extend` a song, `lyrics`, `wav` and `vocal-removal`."""

from typing import Optional

from ...validation import catalog
from ...command.cli import _option
from ...core.errors import UsageError
from .follow_ups import CALLBACK, INPUT, PARENT, PROMPT, RUN_OPTIONS, parent_doc, send, song_ids

AUDIO_ID = _option("audio_id", Optional[str], None, "--audio-id",
                   help="The song's id: outputs[].provider_id of the music task (default: its first song, "
                        "when its run is saved here).")
SONG_OF = _option("task_id", Optional[str], None, "--task-id",
                  help="The music task whose song to extend (to find it without --audio-id).")
MODEL = _option("model", Optional[str], None, "--model", help="Suno model of the extension (default V5).")
STYLE = _option("style", Optional[str], None, "--style", help="extend with new settings: the style.")
TITLE = _option("title", Optional[str], None, "--title", help="extend with new settings: the title.")
CONTINUE_AT = _option("continue_at", Optional[float], None, "--continue-at",
                      help="extend with new settings: seconds into the song to continue from.")
STEMS = _option("stems", Optional[str], None, "--stems",
                help="separate_vocal (vocals + instrumental, default), split_stem (up to 12 stems) or split_stem_advanced (one instrument: --input stemName=...).")
NEW_SETTINGS = ("prompt", "style", "title", "continue_at")


def _audio_id(ctx, kw, doc=None):
    """--audio-id, else the first song of the task's saved run (said on stderr)."""
    audio_id = (kw.get("audio_id") or "").strip()
    known = song_ids(doc)
    if not audio_id and known:
        ctx.progress.say("--audio-id not given: using the task's first song, %s (its songs: %s)"
                         % (known[0], ", ".join(known)))
        return known[0]
    if not audio_id:
        raise UsageError("--audio-id: missing; give outputs[].provider_id of the music task (no run of it is "
                         "saved here to read it from)")
    return audio_id


def _extend(ctx, kw):
    doc = parent_doc(ctx, kw["task_id"]) if kw.get("task_id") else None
    model = catalog.choose("kie/music-catalog.json", "model", "--model", kw.get("model")) or "V5"
    fixed = {"audioId": ("--audio-id", _audio_id(ctx, kw, doc)), "model": ("--model", model),
             "defaultParamFlag": ("--prompt", any(kw.get(k) not in (None, "") for k in NEW_SETTINGS))}
    return send(ctx, kw, ctx.adapter.follow_up("suno", "extend", "kie/suno-extend.request.json", kw, fixed))


def _lyrics(ctx, kw):
    return send(ctx, kw, ctx.adapter.follow_up("suno", "lyrics", "kie/suno-lyrics.request.json", kw, {}))


def _of_song(op, schema):
    def handler(ctx, kw):
        doc = parent_doc(ctx, kw["task_id"])
        fixed = {"taskId": ("--task-id", kw["task_id"].strip()), "audioId": ("--audio-id", _audio_id(ctx, kw, doc))}
        return send(ctx, kw, ctx.adapter.follow_up("suno", op, schema, kw, fixed))
    return handler


COMMANDS = [
    ("extend", _extend, [SONG_OF, AUDIO_ID, MODEL, PROMPT, STYLE, TITLE, CONTINUE_AT, CALLBACK, INPUT] + RUN_OPTIONS,
     "Continue a song (a new music task): with --prompt/--style/--title/--continue-at, or keeping its settings."),
    ("lyrics", _lyrics, [PROMPT, CALLBACK] + RUN_OPTIONS, "Write lyrics only (2-3 variants, text)."),
    ("wav", _of_song("wav", "kie/suno-wav.request.json"), [PARENT, AUDIO_ID, CALLBACK] + RUN_OPTIONS,
     "A WAV file of one song of a finished music task."),
    ("vocal-removal", _of_song("vocal-removal", "kie/suno-vocal-removal.request.json"),
     [PARENT, AUDIO_ID, STEMS, CALLBACK, INPUT] + RUN_OPTIONS,
     "Separate one song into stems (vocals and instrumental, or up to 12); billed on every call."),
]
