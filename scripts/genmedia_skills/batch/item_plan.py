"""What a batch run does with each item, decided before anything is sent.

An item is found again by what it is, not only by where its manifest lies:
1. the row of this manifest's batch record with the same id and request hash;
2. else the run indexed under the item's identity (`batch-item:<sha256(skill, id, hash)>`
   in its skill's task index, which the per-user index shares across artifact roots),
   so a moved or renamed project folder, or a copy of the manifest, finds its items;
3. else, for runs made before that index existed, a row with the same id and hash in any
   batch record of this artifact root.
`--as-new` skips 2 and 3 for runs that belong to another manifest.

Then, from the item's run:
- no result.json (reserved, nothing sent) -> submit, into the same run;
- a task_id, whatever its status -> succeeded: done (missing files delivered again);
  failed/canceled: reported, submitted again only with --retry-failed; anything else
  (queued, running, awaiting payment, unknown): polled by that task_id;
- no task_id: rejected/failed -> reported, or submitted with --retry-failed (no task
  exists); an intent still marked unsent (unsent.py) -> submitted, into the same run;
  otherwise the create may have gone out: `unknown`, reported, submitted again only
  with --resubmit-unknown.
"""

import hashlib
import json
import os

from ..core import task_status
from ..store.artifact_store import RUN_ID
from . import report, unsent


def identity(item):
    """The key an item's run is indexed under: what the item is, not where it lies."""
    what = json.dumps([item.skill_name, item.id, item.hash], ensure_ascii=False)
    return "batch-item:" + hashlib.sha256(what.encode("utf-8")).hexdigest()


class Plan:
    def __init__(self):
        self.planned = []     # (item, action, run or None, doc or None)
        self.notes = []
        self.repaid = []      # ids of items finished under another manifest, submitted again (--as-new)


def moved_from(items, store, manifest):
    """The path this manifest had before a move: where the batch of its items' runs was,
    if that manifest no longer exists (a copy elsewhere still does: then None)."""
    for item in items:
        run = store.find_task(item.skill_name, identity(item))
        manifest_then = (((run.read() or {}).get("batch") or {}).get("manifest")) if run is not None else None
        if isinstance(manifest_then, str) and manifest_then != str(manifest):
            return None if os.path.exists(manifest_then) else manifest_then
    return None


def plan(items, previous, store, opts, manifest):
    """A Plan for `items` of the manifest at `manifest` (its batch record: `previous`)."""
    rows = {row.get("id"): row for row in (previous or {}).get("items") or [] if isinstance(row, dict)}
    finder = _Finder(store, str(manifest), opts)
    result = Plan()
    for item in items:
        run, doc, elsewhere = finder.find(item, rows.get(item.id))
        if run is None and item.id in rows and rows[item.id].get("hash") != item.hash:
            result.notes.append("item %r changed (its request differs from the last run): submitted as a new item"
                                % item.id)
        if elsewhere and opts.as_new:
            result.notes.append("item %r: --as-new: generated again, although the batch of %s has the same "
                                "request" % (item.id, elsewhere))
            result.repaid.append(item.id)
            result.planned.append((item, "submit", None, None))
            continue
        if elsewhere:
            result.notes.append("item %r is the same request (id and parameters) as in the batch of %s: its run "
                                "there is used, nothing is sent for it again (--as-new generates it anew)"
                                % (item.id, elsewhere))
        result.planned.append((item,) + _decide(item, run, doc, opts, result.notes))
    return result


def _decide(item, run, doc, opts, notes):
    """(action, run, doc) for an item whose earlier run is `run` (None: never seen)."""
    if run is None:
        return "submit", None, None
    if doc is None:
        return "submit", run, None                     # reserved, never sent
    status = doc.get("status")
    retry = ("submit", None, None) if opts.retry_failed else ("report", run, doc)
    if doc.get("task_id"):
        if status == task_status.SUCCEEDED:
            return "done", run, doc
        if status in (task_status.FAILED, task_status.CANCELED):
            return retry
        return "poll", run, doc                        # whatever else: the task exists, ask about it
    if status in (task_status.FAILED, task_status.CANCELED, task_status.REJECTED):
        return retry
    if not doc.get("error") and unsent.holds(run):
        notes.append("item %r: the last run stopped before its request was sent; it is sent now" % item.id)
        return "submit", run, None
    if opts.resubmit_unknown:
        notes.append("item %r: its earlier submit's outcome is unknown; resubmitted (--resubmit-unknown)" % item.id)
        return "submit", None, None
    if not doc.get("error"):
        notes.append("item %r: the last run stopped while its request was being sent; the task may exist at the "
                     "provider (check its dashboard); --resubmit-unknown sends it again" % item.id)
    return "report", run, doc


class _Finder:
    def __init__(self, store, manifest, opts):
        self.store = store
        self.manifest = manifest
        self.opts = opts
        self._rows = None     # (id, hash) -> (row, manifest) from every batch record of the root, when needed

    def find(self, item, row):
        """(run, doc, other manifest or None) of the item's earlier run, or (None, None, None)."""
        if row is not None and row.get("hash") == item.hash:
            run, doc = _by_row(self.store, item, row)
            if run is not None:
                return run, doc, None
        run = self.store.locate_task(item.skill_name, identity(item))
        if run is not None:
            doc = run.read()
            return run, doc, self._elsewhere(doc)
        for old, manifest in self._legacy().get((item.id, item.hash), []):
            run, doc = _by_row(self.store, item, old)
            if run is not None:
                return run, doc, manifest if manifest != self.manifest else None
        return None, None, None

    def _elsewhere(self, doc):
        manifest = ((doc or {}).get("batch") or {}).get("manifest")
        return manifest if isinstance(manifest, str) and manifest != self.manifest else None

    def _legacy(self):
        if self._rows is None:
            self._rows = {}
            for record in self.store.runs(report.SKILL):
                doc = record.read()
                if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
                    continue
                for row in doc["items"]:
                    if isinstance(row, dict) and row.get("run_id"):
                        self._rows.setdefault((row.get("id"), row.get("hash")), []).append(
                            (row, str(doc.get("manifest"))))
        return self._rows


def _by_row(store, item, row):
    run_id = row.get("run_id")
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id) or row.get("skill") != item.skill_name:
        return None, None
    run, doc = report.read_run(store, item.skill_name, run_id)
    return (run, doc) if run.dir.is_dir() else (None, None)
