"""CreatOK capabilities: fetched from the provider, validated, cached a short while per user.

Every limit the skills enforce comes from here (models, defaults, resolutions, n,
aspect ratios, durations, orientations, definitions, reference caps, pricing); when
the document cannot be fetched nothing is sent and no limit is guessed. The cache is
one file per (base URL, key) under the user's cache dir, so consecutive runs of one
user share it while a different key or server never sees it; it is skipped under
--simulate (a fresh simulator each run). What is cached is CreatOK's whole answer with its
sha256, checked again on every read: a cache of the wrong shape or with an edited price
is fetched afresh, never trusted.
"""

import copy
import hashlib
import json
import os
import time

from ...core import config
from ...core.errors import BadResponse, TransportError, UsageError
from ...core.safe_files import atomic_write, read_capped
from ...validation.schema_registry import errors as schema_errors
from .envelope import unwrap

PATH = "/api/open/skills/capabilities"
SCHEMA = "creatok/capabilities.response.json"
TTL_ENV = "GENMEDIA_CAPABILITIES_TTL"
DEFAULT_TTL = 600.0   # seconds: short, so changed limits or prices show up soon
_current = {}          # the cache file this process read or wrote
MAX_CACHE_BYTES = 4 * 1024 * 1024   # the answer is tens of kilobytes


def account(creds):
    """Who is asking where, without the key: names per-user caches (capabilities, assets)."""
    return hashlib.sha256(("%s\n%s" % (creds.base_url, creds.api_key)).encode("utf-8")).hexdigest()[:32]


def _cache_file(creds):
    return config.cache_dir() / "creatok" / ("capabilities-%s.json" % account(creds))


def _digest(answer):
    return hashlib.sha256(json.dumps(answer, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _read_cache(path):
    """The cached capabilities, checked as the answer was when it came: CreatOK's whole answer,
    unchanged since we stored it (its sha256), matching the schema and normalize(); None (so it
    is fetched again) for anything else: expired, edited, damaged or of an older shape."""
    ttl = config.float_env(TTL_ENV, DEFAULT_TTL)
    try:
        stored = json.loads(read_capped(path, MAX_CACHE_BYTES).decode("utf-8"))
        answer = stored["answer"]
        if not 0 <= time.time() - stored["fetched_at"] < ttl or stored["sha256"] != _digest(answer):
            return None
        if schema_errors(SCHEMA, answer):
            return None
        return normalize(answer["data"]["capabilities"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError, BadResponse):
        return None


def _write_cache(path, answer):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps({"fetched_at": time.time(), "answer": answer, "sha256": _digest(answer)}))
        os.chmod(str(path), 0o600)
    except OSError:
        pass  # a cache that cannot be written only costs one more GET next time


def forget():
    """Drop the cached document (the provider refused a request it had allowed)."""
    path = _current.pop("path", None)
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


def fetch(ctx):
    """The validated capabilities {image: {...}, video: {...}} for this user."""

    creds = ctx.credentials()
    path = None if creds.simulated else _cache_file(creds)
    if path is not None:
        _current["path"] = path
        cached = _read_cache(path)
        if cached is not None:
            return cached
    try:
        resp = ctx.http.get_json(PATH)
        answer = copy.deepcopy(resp.data)   # as CreatOK sent it, before normalize() adjusts it
        caps = normalize(unwrap(resp, SCHEMA, "capabilities")["capabilities"])
    except TransportError as exc:
        raise TransportError("could not fetch CreatOK capabilities (%s); nothing was sent, and limits are "
                             "never guessed: try again later" % exc.message, http_status=exc.http_status)
    except BadResponse as exc:
        raise BadResponse("CreatOK capabilities are unusable (%s); nothing was sent" % exc.message,
                          raw_body=exc.raw_body, http_status=exc.http_status)
    if path is not None:
        _write_cache(path, answer)
    return caps


def normalize(caps):
    """Checks the schema cannot express; a pricing that is not an object becomes None."""
    for kind in ("image", "video"):
        section = caps[kind]
        ids = [m["id"] for m in section["models"]]
        if section["default_model"] not in ids:
            raise BadResponse("invalid capabilities contract: %s.default_model %r is not one of its models (%s)"
                              % (kind, section["default_model"], ", ".join(ids)))
        for model in section["models"]:
            if not isinstance(model.get("pricing"), dict):
                model["pricing"] = None
    return caps


def validate(document):
    """Schema errors of a whole capabilities answer (for tests and tools)."""
    return schema_errors(SCHEMA, document)


def model_entry(section, value):
    """(entry, why): the model asked for, or the default; UsageError naming --model."""
    ids = [m["id"] for m in section["models"]]
    if value is None:
        chosen, why = section["default_model"], "CreatOK's default; no --model given"
    else:
        chosen = next((i for i in ids if i.lower() == str(value).strip().lower()), None)
        if chosen is None:
            raise UsageError("--model: %r is not offered by CreatOK; allowed: %s" % (value, ", ".join(ids)))
        why = "chosen with --model"
    return next(m for m in section["models"] if m["id"] == chosen), why


def choose(option, value, allowed, model, default):
    """`value` (case-insensitive) if the model allows it, else UsageError naming all three."""
    if value is None:
        value = default
    for candidate in allowed:
        if str(candidate).lower() == str(value).strip().lower():
            return candidate
    raise UsageError("%s: %r is not offered by %s; allowed: %s"
                     % (option, value, model, ", ".join(map(str, allowed))))
