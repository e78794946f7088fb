"""`generation-tasks spend`: what the runs on this machine cost, by provider, skill, day and batch.

Every artifact root the user's task index knows (task_index: one entry per task, naming
its root) and the current one are read; each run counts once. A run's cost is its
recorded `cost` (run_cost), brought up to date from the run's own fields for runs saved
before costs were recorded. Unknown costs are counted, never hidden or guessed, and
provider figures are kept apart from estimates. Simulated runs cost nothing real: they
are left out unless asked for, and the count of those left out is shown.
"""

import json

from ..core import config
from . import run_cost
from .artifact_store import ArtifactStore


def _bucket():
    return {"runs": 0, "credits_known": 0, "credits_reported": 0, "credits_estimated": 0, "unknown_cost_runs": 0}


def _add(bucket, cost):
    bucket["runs"] += 1
    credits = cost.get("credits")
    if credits is None:
        bucket["unknown_cost_runs"] += 1
        return
    bucket["credits_known"] += credits
    key = "credits_estimated" if cost.get("source") in run_cost.ESTIMATES else "credits_reported"
    bucket[key] += credits


def _runs(store, skills, since):
    """(skill name, SkillCLI, Run) of every run of `skills` in `store` no older than `since` (a run-id prefix)."""
    for name, cli in skills:
        for run in store.runs(name):
            if since is not None and run.run_id < since:
                break   # newest first: the rest are older still
            yield name, cli, run


def known_roots(current):
    """The current artifact root and every root the per-user task index names."""
    roots = [current]
    index = config.user_data_dir() / "task-index"
    if index.is_dir():
        for entry in index.glob("*/*"):
            try:
                root = json.loads(entry.read_text(encoding="utf-8")).get("root")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(root, str) and root not in map(str, roots):
                roots.append(root)
    return roots


def summary_line(total):
    line = "%d runs, %g credits known" % (total["runs"], total["credits_known"])
    if total["credits_estimated"]:
        line += " (%g reported by the providers, %g estimated before the run)" % (
            total["credits_reported"], total["credits_estimated"])
    return line + ", %d runs of unknown cost" % total["unknown_cost_runs"]


def report(current_root, skills, since=None, provider=None, include_simulated=False):
    total, groups = _bucket(), {"provider": {}, "skill": {}, "day": {}, "batch": {}}
    seen, left_out, roots = set(), 0, []
    for root in known_roots(current_root):
        store = ArtifactStore(root)
        if not store.root.is_dir():
            continue
        roots.append(str(store.root))
        for name, cli, run in _runs(store, skills, since):
            where = str(run.dir.resolve())
            if where in seen:
                continue
            seen.add(where)
            doc = run.read()
            if not isinstance(doc, dict) or (provider and doc.get("provider") != provider):
                continue
            if doc.get("simulated") and not include_simulated:
                left_out += 1
                continue
            cost = run_cost.settle(dict(doc), cli.adapter)   # runs saved before costs were recorded
            _add(total, cost)
            keys = {"provider": doc.get("provider"), "skill": name, "day": (doc.get("created_at") or "")[:10],
                    "batch": ((doc.get("batch") or {}).get("manifest"))}
            for group, key in keys.items():
                if key:
                    _add(groups[group].setdefault(key, _bucket()), cost)
    return {"summary": summary_line(total), "total": total,
            "by_provider": groups["provider"], "by_skill": groups["skill"], "by_day": groups["day"],
            "by_batch": groups["batch"], "simulated_runs_left_out": left_out, "roots": roots,
            "note": "credits_reported: the providers' own figures after the run; credits_estimated: prices known "
                    "before the run (a provider's estimate or its published price table); unknown_cost_runs: "
                    "runs whose cost no one reported (counted, never guessed)"}
