"""giggle trustee (project) requests: body validation for create, mv/submit, pay and retry.

Allowed values come from schemas/giggle/aimv-catalog.json, the tables the CLI validates
against, so the simulator and the client cannot drift apart. Errors name the field first
("<field>: <reason>"), like giggle_validate, because that is what a client shows a person.
"""
import base64
import binascii
import hashlib
import json
import re
import threading
from ...core.config import SCHEMAS_DIR

CATALOG_PATH = SCHEMAS_DIR / "giggle" / "aimv-catalog.json"
# project/create also makes drama projects (contracts/giggle.md 3.1); the catalog only lists
# the MV types because those are the only ones mv/submit accepts.
DRAMA_TYPES = ("director", "narration", "short-film")
NAME_MAX = 200

_catalog = None
_catalog_lock = threading.Lock()


def catalog():
    """The AIMV value tables, loaded once on first use."""
    global _catalog
    with _catalog_lock:
        if _catalog is None:
            defs = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))["$defs"]
            _catalog = {
                "mv_types": list(defs["project_type"]["enum"]),
                "aspects": list(defs["aspect"]["enum"]),
                "music_types": [m["const"] for m in defs["music_generate_type"]["oneOf"]],
                "vocal_genders": list(defs["vocal_gender"]["enum"]),
                "vocal_default": defs["vocal_gender"].get("default", "auto"),
                "steps": list(defs["step"]["enum"]),
                "scene_max": defs["scene_description"].get("maxLength", 2000),
            }
        return _catalog


class Invalid(Exception):
    """A 400: str(exc) is "<field>: <reason>"."""


def _text(body, field, allow_empty=False, max_len=None):
    if field not in body:
        raise Invalid("%s: is required" % field)
    value = body[field]
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise Invalid("%s: must be a %sstring" % (field, "" if allow_empty else "non-empty "))
    if max_len is not None and len(value) > max_len:
        raise Invalid("%s: must be at most %d characters (got %d)" % (field, max_len, len(value)))
    return value


def _one_of(body, field, allowed, default=None):
    if field not in body and default is not None:
        return default
    if field not in body:
        raise Invalid("%s: is required" % field)
    value = body[field]
    if not isinstance(value, str) or value not in allowed:
        raise Invalid("%s: must be one of %s (got %s)" % (field, ", ".join(allowed), json.dumps(value)))
    return value


def _bool(body, field, default=None):
    if field not in body and default is not None:
        return default
    if field not in body:
        raise Invalid("%s: is required" % field)
    if not isinstance(body[field], bool):
        raise Invalid("%s: must be a boolean (got %s)" % (field, json.dumps(body[field])))
    return body[field]


def validate_create(body):
    cat = catalog()
    return {
        "name": _text(body, "name", max_len=NAME_MAX),
        "type": _one_of(body, "type", cat["mv_types"] + list(DRAMA_TYPES)),
        "aspect": _one_of(body, "aspect", cat["aspects"]),
        "mode": _one_of(body, "mode", ["trustee"]),
    }


def _reference(body):
    """The one reference image, as the record keeps it (never raw base64)."""
    has_asset, has_url = "reference_image" in body, "reference_image_url" in body
    if has_asset and has_url:
        raise Invalid("reference_image: reference_image and reference_image_url are mutually exclusive")
    if has_asset:
        return {"asset_id": _text(body, "reference_image")}
    if not has_url:
        raise Invalid("reference_image: one of reference_image (asset_id) or reference_image_url is required")
    value = _text(body, "reference_image_url")
    if value.startswith(("http://", "https://")):
        if not re.match(r"^https?://[^\s/]+\S*$", value):
            raise Invalid("reference_image_url: must be an http(s) URL or raw base64")
        return {"url": value}
    # Anything else is base64, which giggle wants raw: a data: URI prefix is rejected.
    try:
        if value.startswith("data:"):
            raise ValueError
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        if not raw:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise Invalid("reference_image_url: invalid base64 reference")
    return {"base64_sha256": hashlib.sha256(raw).hexdigest(), "base64_length": len(value)}


def validate_submit(body):
    """Normalized mv/submit fields, or Invalid naming the first bad field."""
    cat = catalog()
    fields = {
        "project_id": _text(body, "project_id"),
        "aspect": _one_of(body, "aspect", cat["aspects"]),
        "music_generate_type": _one_of(body, "music_generate_type", cat["music_types"]),
        "scene_description": _text(body, "scene_description", allow_empty=True, max_len=cat["scene_max"]),
        "subtitle_enabled": _bool(body, "subtitle_enabled"),
        "reference": _reference(body),
    }
    mode = fields["music_generate_type"]
    if mode == "prompt":
        fields["prompt"] = _text(body, "prompt")
        fields["vocal_gender"] = _one_of(body, "vocal_gender", cat["vocal_genders"], cat["vocal_default"])
        fields["instrumental"] = _bool(body, "instrumental", False)
    elif mode == "custom":
        for field in ("lyrics", "style", "title"):
            fields[field] = _text(body, field)
    else:  # upload
        fields["music_asset_id"] = _text(body, "music_asset_id")
    return fields


def validate_project_ref(body):
    """pay: {project_id}."""
    return _text(body, "project_id")


def validate_retry(body):
    """retry: (project_id, current_step)."""
    return _text(body, "project_id"), _one_of(body, "current_step", catalog()["steps"])
