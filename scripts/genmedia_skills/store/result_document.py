"""The result object: what stdout prints and result.json stores.

Built and updated here only; validated against schemas/result.schema.json
before every write, so a run's record can always be trusted by `wait`.
"""

import json
import time

from ..validation import schema_registry
from ..core import task_status
from . import run_cost
from ..core.errors import GenmediaError
from ..core.safe_files import read_capped
from .artifact_store import MAX_RECORD_BYTES

SCHEMA = "result.schema.json"


def now_iso():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def new(run, *, provider, simulated, model, endpoint, body, references=None, task_id=None):
    stamp = now_iso()
    request = {"endpoint": endpoint, "body": body}
    if references:
        request["references"] = references
    return {
        "schema_version": 1,
        "run_id": run.run_id,
        "skill": run.skill,
        "provider": provider,
        "simulated": bool(simulated),
        "task_id": task_id,
        "status": task_status.UNKNOWN if task_id is None else task_status.QUEUED,
        "provider_status": None,
        "model": model,
        "request": request,
        "outputs": [],
        "error": None,
        "artifacts": {"dir": str(run.dir), "json": str(run.json_path), "md": str(run.md_path)},
        "next": None,
        "notes": [],
        "polls": 0,
        "created_at": stamp,
        "updated_at": stamp,
        "submitted_at": stamp if task_id else None,
        "finished_at": None,
        "cost": run_cost.unknown("not known before the run" if task_id is None else "submitted elsewhere"),
    }


def add_note(doc, note):
    if note and note not in doc["notes"]:
        doc["notes"].append(note)


def merge_stored(doc, stored, polls_base):
    """Another process may have polled since `doc` was read (the caller holds the run lock):
    add our polls since then (doc polls - polls_base) to the stored count and keep its
    notes and payment facts (they only accumulate), so concurrent commands on one run
    lose no update."""
    if not isinstance(stored, dict):
        return
    if "payment" in doc and isinstance(stored.get("payment"), dict):
        for key, value in stored["payment"].items():
            if value is not None and doc["payment"].get(key) is None:
                doc["payment"][key] = value
    if run_cost.better(stored.get("cost"), doc.get("cost")):   # another process learnt the provider's figure
        doc["cost"] = stored["cost"]
    polls, notes = stored.get("polls"), stored.get("notes")
    if isinstance(polls, int) and not isinstance(polls, bool) and polls >= 0:
        doc["polls"] = polls + max(0, doc["polls"] - polls_base)
    if isinstance(notes, list):
        doc["notes"] = [n for n in notes if isinstance(n, str)] + [n for n in doc["notes"] if n not in notes]


def set_error(doc, exc):
    doc["error"] = exc.to_dict() if isinstance(exc, GenmediaError) else {"kind": "internal", "message": str(exc) or type(exc).__name__}


def load(path):
    """(document, None) for a stored result.json, (None, why) when it is missing, not JSON
    or the wrong shape: callers flag or repair the run instead of tripping over it."""
    try:
        doc = json.loads(read_capped(path, MAX_RECORD_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:   # a symlink, a device, a runaway size: never followed or read whole
        return None, "not a readable file (%s)" % (exc.strerror or type(exc).__name__)
    except (ValueError, RecursionError) as exc:
        return None, "not readable JSON (%s)" % type(exc).__name__
    problems = schema_registry.errors(SCHEMA, doc)
    return (None, "does not match the result schema: " + "; ".join(problems)) if problems else (doc, None)


def check(doc):
    """Raise if `doc` does not match the result schema (a bug, reported as exit 4)."""
    problems = schema_registry.errors(SCHEMA, doc)
    if problems:
        raise GenmediaError("internal error: result.json would not match its schema: " + "; ".join(problems))
    return doc


PROMPT_KEYS = ("prompt", "text")          # what the user asked for, in the request body
SUMMARY_KEYS = ("title", "lyrics")        # what stands for it when there is no prompt
HIDDEN_KEYS = ("model", "callBackUrl", "callback_url")   # shown elsewhere, or of no interest to a reader


def prompt_and_parameters(doc):
    """(prompt or None, {parameter: value}) of a run's request, whatever the provider's body
    looks like (KIE's jobs API nests the input under `input`)."""
    body = (doc.get("request") or {}).get("body") or {}
    flat = {}
    for key, value in body.items():
        if key == "input" and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    used = next((k for k in PROMPT_KEYS + SUMMARY_KEYS if flat.get(k)), None)
    params = {k: v for k, v in flat.items()
              if k != used and k not in HIDDEN_KEYS and v is not None and v != [] and v != {}}
    return (flat[used] if used else None), params


def cost_text(doc):
    """What the run cost or was estimated to cost, as the run records it; None if it does not."""
    cost = doc.get("cost")
    if isinstance(cost, dict):
        amount = cost.get("credits", cost.get("amount"))
        if amount is not None:
            return "%s %s" % (amount, cost.get("currency") or cost.get("unit") or "credits")
    elif isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return "%g credits" % cost
    credits = doc.get("credits")
    if isinstance(credits, dict) and credits:
        return ", ".join("%s %s" % (k, v) for k, v in sorted(credits.items()) if v is not None)
    est = (doc.get("confirmation") or {}).get("estimate") or doc.get("estimate") or {}
    if isinstance(est, dict) and est.get("credits") not in (None, "unknown"):
        return "%s %s (estimate)" % (est["credits"], est.get("currency") or "credits")
    return None


