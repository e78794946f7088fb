"""giggle.pro drama (trustee v2): project/create (director, narration, short-film), submit-v2,
query-v2, pay with three models, ai_style/list (contracts/giggle-more.md 5).

The workflow is AIMV's (GiggleTrustee: the project_id is the task_id, recorded before the
submit; failure judged from status and failed sub-steps, never from a stray err_msg;
success only when status is completed with a video); what differs is the request, the
paths and the pay: v2 pays with the models that make the shots (`pay_terms`, chosen at
submit, kept in the run, sent with the one pay the payment gate allows).
"""

from ...validation import catalog
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import unwrap
from .media_source import media_input
from .trustee import CREATE_PATH, PENDING_PROJECT, GiggleTrustee

CATALOG = "giggle/drama-catalog.json"
SUBMIT_PATH = "/api/v1/trustee_mode/submit-v2"
QUERY_PATH = "/api/v1/trustee_mode/query-v2"
PAY_PATH = "/api/v1/trustee_mode/pay"
STYLES_PATH = "/api/v1/ai_style/list"
# pay field -> (option, catalog whose models it may name)
PAY_MODELS = (("video_first_model", "--video-model", "giggle/video-catalog.json"),
              ("video_second_model", "--fallback-video-model", "giggle/video-catalog.json"),
              ("image_first_model", "--image-model", "giggle/image-catalog.json"))


def pay_terms(opts):
    """The three models the pay names: the catalog defaults (giggle's own workflow's) unless
    chosen; only models the catalogs know, since a refused pay is never sent again."""
    terms = {}
    for field, option, models in PAY_MODELS:
        terms[field] = (catalog.choose(models, "model", option, opts.get(field)) if opts.get(field)
                        else catalog.param(CATALOG, field)["default"])
    return terms


def characters(values):
    """--character NAME=URL|FILE (repeatable) -> (character_info, local files to upload)."""
    found, uploads = [], []
    for value in values or ():
        name, sep, url = (value or "").partition("=")
        if not sep or not name.strip():
            raise UsageError("--character: %r: write NAME=URL, e.g. \"Xiao Ming=https://example.com/ming.jpg\""
                             % (value or "")[:60])
        image, local = media_input("--character", url, "the character's image", "image")
        found.append({"name": name.strip(), "url": image})
        uploads += [local] if local else []
    limit = catalog.param(CATALOG, "character_info")["maxItems"]
    if len(found) > limit:
        raise UsageError("--character: %d given; at most %d" % (len(found), limit))
    return found, uploads


class GiggleDrama(GiggleTrustee):
    """giggle-generation-drama: the task_id is the project_id."""

    query_path, pay_path = QUERY_PATH, PAY_PATH
    query_schema = "giggle/drama-query.response.json"
    what = "drama"
    default_pay_terms = {field: catalog.param(CATALOG, field)["default"] for field, _, _ in PAY_MODELS}

    def __init__(self):   # the project type is chosen per run (--mode)
        self.project_type = None

    def schedule(self, model):
        return PollSchedule(catalog.expected_seconds(CATALOG))

    def prepare(self, opts):
        story = catalog.text(CATALOG, "diy_story", "--story", (opts.get("story") or "").strip(),
                             "the story or script to film")
        mode = catalog.choose(CATALOG, "project_type", "--mode", opts.get("mode"))
        aspect = catalog.choose(CATALOG, "aspect", "--aspect", opts.get("aspect"))
        duration = opts.get("duration")
        body = {"project_id": PENDING_PROJECT, "diy_story": story, "aspect": aspect,
                "video_duration": catalog.choose(CATALOG, "video_duration", "--duration",
                                                 None if duration is None else str(duration).strip().rstrip("s")),
                "language": catalog.choose(CATALOG, "language", "--language", opts.get("language"))}
        if opts.get("style_id") is not None:
            if opts["style_id"] < 1:
                raise UsageError("--style-id: %r: give an id from the `styles` command" % opts["style_id"])
            body["style_id"] = opts["style_id"]
        cast, uploads = characters(opts.get("character"))
        if cast:
            body["character_info"] = cast
        name = (opts.get("name") or "").strip() or story[:60]
        create = Prepared(CREATE_PATH, {"name": name[:200], "type": mode, "aspect": aspect, "mode": "trustee"},
                          schema="giggle/project-create.request.json", model=None)
        prepared = Prepared(SUBMIT_PATH, body, schema="giggle/drama-submit.request.json", model=None,
                            before=create, notes=["mode: %s" % mode], references=uploads)
        prepared.pay_terms = pay_terms(opts)
        return prepared

    def pay_body(self, project_id, terms):
        return dict(self.default_pay_terms, **(terms or {}), project_id=project_id)

    def retry(self, http, project_id, step):   # v2 has no retry endpoint (contract 5.7)
        raise UsageError("retry: giggle.pro's drama workflow has no retry; start a new project")

    def styles(self, http, language=None):
        resp = http.get_json(STYLES_PATH, params={"page": 1, "page_size": 999, "language": language or "en"})
        return unwrap(resp, "giggle/ai-style-list.response.json", "style list")["list"]


def styles_command(ctx, kw):
    """`styles`: giggle.pro's video styles (id for --style-id), a free GET; filter by category."""
    from ...core import exit_codes

    language = catalog.choose(CATALOG, "language", "--language", kw.get("language"))
    found = ctx.adapter.styles(ctx.connect(), language)
    want = (kw.get("category") or "").strip().lower()
    kept = [s for s in found if not want or str(s.get("category") or "").lower() == want]
    if want and not kept:
        ctx.progress.warn("no style in category %r; categories: %s" % (
            kw["category"], ", ".join(sorted({str(s.get("category")) for s in found if s.get("category")}))))
    return kept, exit_codes.OK
