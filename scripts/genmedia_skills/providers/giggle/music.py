"""giggle.pro music: simplified, custom and instrumental modes of one endpoint.

The options keep the modes apart: `--prompt` is a description (passed verbatim),
`--lyrics` are the words to sing (custom mode, with `--style` and `--title`). The
original script read custom lyrics from `--prompt`; here a description can never
be sung by mistake, and a combination that would silently drop input is refused.
"""

from ...validation import catalog
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration

CATALOG = "giggle/music-catalog.json"
PATH = "/api/v1/generation/generate-music"
SCHEMA = "giggle/generate-music.request.json"


def _text(opts, key):
    value = opts.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


class GiggleMusic(GiggleGeneration):
    models_catalog = CATALOG   # `models` prints it
    output_kind = "audio"
    max_download_bytes = 256 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG))

    def prepare(self, opts):
        prompt, lyrics = _text(opts, "prompt"), _text(opts, "lyrics")
        style, title = _text(opts, "style"), _text(opts, "title")
        instrumental = bool(opts.get("instrumental"))
        custom = [name for name, value in (("--lyrics", lyrics), ("--style", style), ("--title", title)) if value]
        if custom:
            if prompt:
                raise UsageError("--prompt: cannot be combined with %s; in custom mode the words to sing go "
                                 "in --lyrics and the sound in --style" % ", ".join(custom))
            for name, value in (("--style", style), ("--title", title)):
                if not value:
                    raise UsageError("%s: missing; custom mode (%s given) needs --style and --title"
                                     % (name, ", ".join(custom)))
            if lyrics and instrumental:
                raise UsageError("--lyrics: an instrumental has no lyrics; drop --lyrics or --instrumental")
            if not lyrics and not instrumental:
                raise UsageError("--lyrics: missing; give the lyrics, or --instrumental for a track without vocals")
            body = {"style": style, "title": title, "instrumental": instrumental}
            if lyrics:
                body["lyrics"] = lyrics
            gender = opts.get("vocal_gender")
            if gender is not None:
                if instrumental:
                    raise UsageError("--vocal-gender: %r makes no sense with --instrumental" % (gender,))
                body["vocal_gender"] = catalog.choose(CATALOG, "vocal_gender", "--vocal-gender", gender)
            mode = "custom"
        else:
            if not prompt:
                raise UsageError("--prompt: missing; describe the music (or use --lyrics, --style and --title "
                                 "for your own song)")
            if opts.get("vocal_gender") is not None:
                raise UsageError("--vocal-gender: only for custom mode (--lyrics, --style, --title)")
            body = {"prompt": prompt, "instrumental": instrumental}
            mode = "instrumental" if instrumental else "simplified"
        return Prepared(PATH, body, schema=SCHEMA, model=None, notes=["mode: " + mode])
