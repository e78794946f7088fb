"""The batch record: result.json (what an agent reads) and result.md (a table a person reads).

The batch directory is one per manifest (found again through the artifact store's
index under the key "manifest:<absolute path>", re-keyed when the manifest moves), so a
re-run updates the same record; it follows batch-result.schema.json ("kind": "batch").
Each item's own run stays the source of truth; these rows summarise it.
"""

import contextlib
import hashlib
import json
import os

try:
    import fcntl
except ImportError:  # Windows: no second-process guard
    fcntl = None

from ..core import task_status
from ..core.errors import GenmediaError, RunNotSaved, UsageError
from ..core.safe_files import open_lock, real_dir
from ..store import result_document
from ..store.artifact_store import RUN_ID, Run
from ..validation import schema_registry

SKILL = "generation-batch"
SCHEMA = "batch-result.schema.json"   # named by the record's "kind": "batch"
ORDER = ("succeeded", "running", "queued", "awaiting_payment", "submitting", "failed", "rejected", "canceled", "unknown",
         "not_submitted")
DONE = task_status.TERMINAL | {task_status.UNKNOWN}   # nothing left to poll


def open_batch(store, manifest_path, moved_from=lambda: None):
    """(Run, previous document or None, old path or None) of this manifest's batch; call it
    holding `held`. A manifest that moved (`moved_from()`: where its items' batch was, a
    path that no longer exists) takes that batch's record along: one record per manifest."""
    key = "manifest:" + str(manifest_path)
    run = store.find_task(SKILL, key)
    if run is not None:
        return run, run.read(), None
    old = moved_from()
    run = store.find_task(SKILL, "manifest:" + old) if old else None
    if run is not None:
        store.remember_task(run, key)
        store.forget_task(run, "manifest:" + old)
        return run, run.read(), old
    run = store.new_run(SKILL)
    store.remember_task(run, key)
    return run, None, None


@contextlib.contextmanager
def held(store, manifest_path):
    """One `run` of a manifest at a time (per artifact root). Taken before the batch record
    is found or created: two runs started together would otherwise each make a record
    and submit every item. The second exits 2 at once, having sent nothing."""
    digest = hashlib.sha256(str(manifest_path).encode("utf-8")).hexdigest()[:40]
    try:
        folder = real_dir(store.root / SKILL / ".manifest-locks")
        fd = open_lock(folder / (digest + ".lock"))
    except OSError as exc:
        raise RunNotSaved.of(store.root / SKILL, exc) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise UsageError("MANIFEST: another `run` of this manifest is in progress (%s); wait for it to "
                                 "finish, then run again (nothing was sent)" % manifest_path) from None
        yield
    finally:
        os.close(fd)   # releases the lock


def item_row(item, doc, action, run=None):
    """One item as the batch reports it, from its run's document (None: never submitted).
    A run reserved for the item is named before anything is sent, so a re-run after a
    crash finds it (and its task_id) instead of submitting again."""
    row = {"id": item.id, "skill": item.skill_name, "provider": item.provider, "hash": item.hash,
           "output": item.output, "action": action, "run_id": run.run_id if run else None, "task_id": None,
           "status": "not_submitted", "outputs": [], "error": None, "run_dir": str(run.dir) if run else None}
    if doc:
        row.update(run_id=doc["run_id"], task_id=doc["task_id"], status=doc["status"], error=doc["error"],
                   run_dir=doc["artifacts"]["dir"], next=doc.get("next"))
        if action == "submit" and doc["status"] == task_status.UNKNOWN and not doc["error"]:
            row["status"] = "submitting"   # its intent is saved and the POST under way, not a lost submit
        row["outputs"] = [{key: out[key] for key in ("url", "kind", "path", "delivered", "delivery_error")
                           if key in out} for out in doc["outputs"]]
        if doc.get("cost"):
            row["cost"] = doc["cost"]
    if item.estimate:
        row["estimate"] = item.estimate
    return row


def spent(rows):
    """The batch's recorded spend: each item run's known cost (reported, else its estimate)."""
    return sum((row.get("cost") or {}).get("credits") or 0 for row in rows)


def counts(rows):
    found = {}
    for row in rows:
        found[row["status"]] = found.get(row["status"], 0) + 1
    return {status: found[status] for status in ORDER if status in found}


def summary_line(rows):
    total = counts(rows)
    return "%d items: %s" % (len(rows), ", ".join("%d %s" % (n, s.replace("_", " ")) for s, n in total.items()))


def bar(rows, width=20):
    """`[#####---------------] 5/20` for a terminal: items with nothing left to poll
    (succeeded, failed, canceled, submit outcome unknown) over all items."""
    done = sum(1 for row in rows if row["status"] in DONE)
    filled = width * done // len(rows) if rows else width
    return "[%s%s] %d/%d" % ("#" * filled, "-" * (width - filled), done, len(rows))


_STYLE = {"succeeded": "green", "failed": "red", "rejected": "red", "canceled": "red", "unknown": "yellow"}


def live_lines(rows, colour=False):
    """One terminal line per item (the live progress of a batch at a terminal)."""
    from ..command.human_summary import shown_path
    from ..core.output_mode import paint
    from ..core.terminal_text import for_terminal

    lines = []
    for row in rows:
        status = row["status"].replace("_", " ")
        detail = ", ".join(shown_path(_local(out)) for out in row["outputs"] if _local(out)) \
            if row["status"] == "succeeded" else ""
        if row.get("error"):
            detail = row["error"].get("message") or row["error"].get("kind") or ""
        lines.append("  %s %s %s  %s" % (for_terminal(row["id"])[:24].ljust(24), row["skill"][:24].ljust(24),
                                          paint(status.ljust(12), _STYLE.get(row["status"], "cyan"), colour),
                                          for_terminal(detail)))
    return lines


def overall(rows):
    statuses = {row["status"] for row in rows}
    if statuses <= {task_status.SUCCEEDED}:
        return task_status.SUCCEEDED
    if statuses & task_status.PENDING:
        return task_status.RUNNING
    return task_status.FAILED


def document(run, manifest_path, rows, *, simulated, estimate, notes, previous, next_command):
    stamp = result_document.now_iso()
    return {
        "schema_version": 1,
        "kind": "batch",
        "run_id": run.run_id,
        "skill": SKILL,
        "manifest": str(manifest_path),
        "simulated": simulated,
        "status": overall(rows),
        "counts": counts(rows),
        "estimate": estimate,
        "items": rows,
        "notes": notes,
        "next": next_command,
        "artifacts": {"dir": str(run.dir), "json": str(run.json_path), "md": str(run.md_path)},
        "created_at": (previous or {}).get("created_at") or stamp,
        "updated_at": stamp,
    }


def save(run, doc):
    """Write the record, checked against its own schema like every result.json."""
    problems = schema_registry.errors(SCHEMA, doc)
    if problems:
        raise GenmediaError("internal error: the batch record would not match %s: %s"
                            % (SCHEMA, "; ".join(problems)))
    run.write(doc, render(doc, run.dir))


def _cell(value):
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _local(out):
    delivered = out.get("delivered") or []
    return delivered[0]["path"] if delivered else out.get("path")


def render(doc, base):
    lines = ["# generation-batch: %s" % doc["status"], ""]
    if doc["simulated"]:
        lines += ["> Simulated (built-in simulator): no provider was called and nothing was charged.", ""]
    lines += ["Manifest: `%s`  " % doc["manifest"], summary_line(doc["items"]), ""]
    if doc["estimate"] and doc["estimate"].get("credits") is not None:
        lines += ["Estimated cost: %s credits (%d items priced)" % (doc["estimate"]["credits"],
                                                                    doc["estimate"]["priced"]), ""]
    lines += ["| item | skill | status | link | local file | preview |", "|---|---|---|---|---|---|"]
    for row in doc["items"]:
        outs = row["outputs"] or [{}]
        for n, out in enumerate(outs):
            local = _local(out) if out else None
            link = "[%s](%s)" % (out.get("kind", "file"), out["url"]) if out.get("url") else ""
            preview = ""
            if local and out.get("kind") == "image" and os.path.exists(local):
                preview = '<img src="%s" width="64">' % os.path.relpath(local, str(base))
            status = row["status"] + (": " + row["error"]["message"][:80] if row.get("error") else "")
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                _cell(row["id"]) if n == 0 else "", _cell(row["skill"]) if n == 0 else "",
                _cell(status) if n == 0 else "", link, _cell(local), preview))
    if doc["notes"]:
        lines += ["", "## Notes", ""] + ["- " + _cell(note) for note in doc["notes"]]
    if doc["next"]:
        lines += ["", "Resume: `%s`" % doc["next"]]
    return "\n".join(lines) + "\n"


def read_run(store, skill, run_id):
    """An item's run and its document (None when the run was reserved but never submitted)."""
    if not RUN_ID.fullmatch(str(run_id)):
        return None, None
    run = Run(store.root, skill, run_id)
    return run, (run.read() if run.dir.is_dir() else None)


def dumps(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False)
