"""kie-generation-music's follow-ups: `extend` a song, `lyrics`, `wav` and `vocal-removal`."""

from typing import Optional

from ... import catalog
from ...cli import _option
from ...errors import UsageError
from .follow_ups import CALLBACK, INPUT, PARENT, PROMPT, RUN_OPTIONS, parent_doc, send, song_ids

AUDIO_ID = _option("audio_id", Optional[str], None, "--audio-id",
                   help="The song's id: outputs[].provider_id of the music task.")
MODEL = _option("model", Optional[str], None, "--model", help="Suno model of the extension (default V5).")
STYLE = _option("style", Optional[str], None, "--style", help="extend with new settings: the style.")
TITLE = _option("title", Optional[str], None, "--title", help="extend with new settings: the title.")
CONTINUE_AT = _option("continue_at", Optional[float], None, "--continue-at",
                      help="extend with new settings: seconds into the song to continue from.")
STEMS = _option("stems", Optional[str], None, "--stems",
                help="separate_vocal (vocals + instrumental, default) or split_stem (up to 12 stems).")
NEW_SETTINGS = ("prompt", "style", "title", "continue_at")


def _audio_id(kw, doc=None):
    audio_id = (kw.get("audio_id") or "").strip()
    if not audio_id:
        known = song_ids(doc)
        raise UsageError("--audio-id: missing%s" % ("; the songs of that task: " + ", ".join(known) if known
                                                    else "; give outputs[].provider_id of the music task"))
    return audio_id


def _extend(ctx, kw):
    model = catalog.choose("kie/music-catalog.json", "model", "--model", kw.get("model")) or "V5"
    fixed = {"audioId": ("--audio-id", _audio_id(kw)), "model": ("--model", model),
             "defaultParamFlag": ("--prompt", any(kw.get(k) not in (None, "") for k in NEW_SETTINGS))}
    return send(ctx, kw, ctx.adapter.follow_up("suno", "extend", "kie/suno-extend.request.json", kw, fixed))


def _lyrics(ctx, kw):
    return send(ctx, kw, ctx.adapter.follow_up("suno", "lyrics", "kie/suno-lyrics.request.json", kw, {}))


def _of_song(op, schema):
    def handler(ctx, kw):
        doc = parent_doc(ctx, kw["task_id"])
        fixed = {"taskId": ("--task-id", kw["task_id"].strip()), "audioId": ("--audio-id", _audio_id(kw, doc))}
        return send(ctx, kw, ctx.adapter.follow_up("suno", op, schema, kw, fixed))
    return handler


COMMANDS = [
    ("extend", _extend, [AUDIO_ID, MODEL, PROMPT, STYLE, TITLE, CONTINUE_AT, CALLBACK, INPUT] + RUN_OPTIONS,
     "Continue a song (a new music task): with --prompt/--style/--title/--continue-at, or keeping its settings."),
    ("lyrics", _lyrics, [PROMPT, CALLBACK] + RUN_OPTIONS, "Write lyrics only (2-3 variants, text)."),
    ("wav", _of_song("wav", "kie/suno-wav.request.json"), [PARENT, AUDIO_ID, CALLBACK] + RUN_OPTIONS,
     "A WAV file of one song of a finished music task."),
    ("vocal-removal", _of_song("vocal-removal", "kie/suno-vocal-removal.request.json"),
     [PARENT, AUDIO_ID, STEMS, CALLBACK] + RUN_OPTIONS,
     "Separate one song into stems (vocals and instrumental, or up to 12); billed on every call."),
]
