"""giggle trustee v2 (drama) double: submit-v2, query-v2, pay with three models, ai_style/list.

contracts/giggle-more.md 5. Projects are made by the shared project/create (types director,
narration, short-film) and live in the same store as MV projects; they walk the drama
steps of trustee_workflow with the payment gate before `shot`. The pay names the models
that make the shots and images, and its price follows them and the video's length. The
query answers like mv/query (the official v2 client reads the same fields).
"""
import json
import re

from .generation import envelope
from .trustee import Rejected, trustee_error
from .trustee_validate import DRAMA_TYPES, Invalid, _one_of, _text, catalog
from .trustee_workflow import TYPES
from .validate import catalog_file, is_int
from ..routing import Response, Route

SUBMIT_PATH = "/api/v1/trustee_mode/submit-v2"
QUERY_PATH = "/api/v1/trustee_mode/query-v2"
PAY_PATH = "/api/v1/trustee_mode/pay"
STYLES_PATH = "/api/v1/ai_style/list"
DURATIONS = ("auto", "30", "60", "120", "180", "240", "300")
LANGUAGES = ("zh", "en")
PAY_MODELS = (("video_first_model", "video-catalog.json"), ("video_second_model", "video-catalog.json"),
              ("image_first_model", "image-catalog.json"))
PREMIUM = ("sora2-pro", "veo31", "veo31-no-audio", "sora2-pro-fast")   # cost twice as much per shot
# (id, category, English name, Chinese name, description); 142 is the official example id
STYLES = (
    (101, "realistic", "Cinematic Realism", "电影写实", "film-like lighting and real actors"),
    (117, "anime", "Japanese Anime", "日式动漫", "cel-shaded anime look"),
    (128, "3d", "3D Cartoon", "3D卡通", "rounded 3D characters, bright colours"),
    (142, "illustration", "Watercolor Storybook", "水彩绘本", "soft watercolour picture-book frames"),
    (156, "retro", "Retro Film", "复古胶片", "grainy 1980s film stock"),
    (163, "ink", "Chinese Ink", "水墨国风", "ink-wash painting with negative space"),
)


def _models(field, catalog_name):
    return [m["const"] for m in catalog_file(catalog_name)["$defs"]["model"]["oneOf"]]


def validate_submit_v2(body):
    fields = {"project_id": _text(body, "project_id"), "diy_story": _text(body, "diy_story"),
              "aspect": _one_of(body, "aspect", catalog()["aspects"]),
              "video_duration": _one_of(body, "video_duration", list(DURATIONS)),
              "language": _one_of(body, "language", list(LANGUAGES))}
    if "style_id" in body:
        if not is_int(body["style_id"]) or body["style_id"] not in [s[0] for s in STYLES]:
            raise Invalid("style_id: unknown style %s" % json.dumps(body["style_id"]))
        fields["style_id"] = body["style_id"]
    if "character_info" in body:
        chars = body["character_info"]
        if not isinstance(chars, list) or not chars:
            raise Invalid("character_info: must be a non-empty array of {name, url}")
        for i, item in enumerate(chars):
            if not isinstance(item, dict) or set(item) != {"name", "url"}:
                raise Invalid("character_info[%d]: must be {\"name\": ..., \"url\": ...}" % i)
            _text(item, "name")
            if not isinstance(item["url"], str) or not re.match(r"^https?://\S+$", item["url"]):
                raise Invalid("character_info[%d].url: must be an http(s) URL" % i)
        fields["character_info"] = chars
    return fields


def validate_pay(body):
    terms = {"project_id": _text(body, "project_id")}
    for field, catalog_name in PAY_MODELS:
        value = _text(body, field)
        if value not in _models(field, catalog_name):
            raise Invalid("%s: unknown model %s" % (field, json.dumps(value)))
        terms[field] = value
    return terms


def drama_price(record, terms):
    """Credits for the project: its type's price per 60 s of video, doubled by a premium
    first video model."""
    seconds = record.get("video_seconds") or 60
    base = TYPES[record["type"]]["price"]
    return int(round(base * seconds / 60.0 * (2 if terms["video_first_model"] in PREMIUM else 1)))


def drama_routes(trustee):
    def submit_v2(req):
        fields, bad = trustee._checked(req, validate_submit_v2)
        if bad:
            return bad
        project_id = fields.pop("project_id")

        def change(record):
            trustee.require_type(record, DRAMA_TYPES, SUBMIT_PATH)
            if fields["aspect"] != record["aspect"]:
                raise Rejected(400, "aspect: %s differs from the project's %s" % (fields["aspect"], record["aspect"]))
            trustee.start(record, fields)
            if fields["video_duration"] != "auto":
                record["video_seconds"] = int(fields["video_duration"])
            return True, {"project_id": project_id, "task_id": project_id}

        return trustee._change(project_id, change)

    def query_v2(req):
        return trustee.answer_query(req, DRAMA_TYPES, "mv/query")

    def pay(req):
        terms, bad = trustee._checked(req, validate_pay)
        if bad:
            return bad
        project_id = terms.pop("project_id")
        record = trustee.projects.get(project_id)
        if record is not None and record["type"] not in DRAMA_TYPES:
            return trustee_error(400, "project_id: a %s project is paid with mv/pay" % record["type"])
        return trustee.take_payment(project_id, lambda rec: drama_price(rec, terms), terms)

    def styles(req):
        key = req.headers.get("x-auth")
        if key is None or key not in trustee.sim.accept_keys.get("giggle", ()):
            return trustee_error(401)
        language = req.query.get("language") or "zh"
        if language not in LANGUAGES:
            return trustee_error(400, "language: must be one of zh, en (got %s)" % json.dumps(language))
        try:
            page, size = int(req.query.get("page") or 1), int(req.query.get("page_size") or 20)
            if page < 1 or not 1 <= size <= 999:
                raise ValueError
        except ValueError:
            return trustee_error(400, "page, page_size: must be integers, page >= 1, 1 <= page_size <= 999")
        rows = [{"id": i, "name": en if language == "en" else zh, "category": cat, "description": desc}
                for i, cat, en, zh, desc in STYLES]
        chunk = rows[(page - 1) * size: page * size]
        return Response(200, envelope({"list": chunk, "pagination": {"total": len(rows), "page": page,
                                                                     "page_size": size}}))

    return [
        Route("POST", re.escape(SUBMIT_PATH), "giggle.drama-submit", submit_v2, submit=True,
              errors=trustee_error, missing_field="project_id"),
        Route("GET", re.escape(QUERY_PATH), "giggle.drama-query", query_v2, errors=trustee_error,
              missing_field="status"),
        Route("POST", re.escape(PAY_PATH), "giggle.drama-pay", pay, errors=trustee_error, missing_field="order_id"),
        Route("GET", re.escape(STYLES_PATH), "giggle.ai-styles", styles, errors=trustee_error, missing_field="list"),
    ]
