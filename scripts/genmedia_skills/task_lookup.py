"""Runs across every generation skill: which skill holds a task id, and all runs newest first.

A task id is found through each skill's task index (artifact_store `.by-task`, then the per-user
task_index for runs made under another root: one hashed path each per skill), never by reading
runs, so `status` costs the same on a root with ten runs or ten thousand, and finds every task
the skills' own `status` finds. Listing reads only directory names until a run passes
the filters that need its record.
"""

import datetime
import heapq
import re
import time

from .core.errors import UnknownTask, UsageError

PROVIDERS = ("giggle", "kie", "creatok")
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def checked_filters(kw):
    """(status, provider, limit) of a listing command (list, gallery), each checked."""
    from .core import task_status

    status, provider, limit = kw.get("status_filter"), kw.get("provider"), kw.get("limit")
    if status and status not in task_status.ALL:
        raise UsageError("--status: %r is not one of: %s" % (status, ", ".join(task_status.ALL)))
    if provider and provider not in PROVIDERS:
        raise UsageError("--provider: %r is not one of: %s" % (provider, ", ".join(PROVIDERS)))
    if limit is None or limit < 1:
        raise UsageError("--limit: %r must be at least 1" % (limit,))
    return status, provider, limit


def generation_skills(only=None):
    """[(name, SkillCLI)] of the skills that submit tasks (those with an adapter)."""
    from .skills import NAMES, load

    if only is not None and only not in NAMES:
        raise UsageError("--skill: %r is not a skill of this bundle; allowed: %s"
                         % (only, ", ".join(n for n in NAMES)))
    found = []
    for name in NAMES if only is None else [only]:
        skill = load(name)
        if getattr(skill, "adapter", None) is not None:
            found.append((name, skill))
    if only is not None and not found:
        raise UsageError("--skill: %r submits no tasks; allowed: %s"
                         % (only, ", ".join(n for n, _ in generation_skills())))
    return found


def find(store, task_id, skill=None):
    """(name, SkillCLI, Run) of the one run holding `task_id`."""
    if not task_id or not task_id.strip():
        raise UsageError("--task-id: missing; give the task_id a run or submit printed")
    task_id = task_id.strip()
    hits = [(name, cli, run) for name, cli in generation_skills(skill)
            for run in [store.locate_task(name, task_id)] if run is not None]
    if len(hits) > 1:
        raise UsageError("--task-id: %s matches runs of %d skills: %s; add --skill to choose one"
                         % (task_id, len(hits), ", ".join("%s (%s)" % (n, r.dir) for n, _, r in hits)))
    if not hits:
        raise UnknownTask("no saved run has task_id %s%s; for a task submitted elsewhere use its skill's "
                          "`wait --task-id`" % (task_id, " in " + skill if skill else ""))
    return hits[0]


def since_stamp(value):
    """A run-id prefix for --since: an age (90s, 30m, 2h, 7d, 1w) or an ISO date/time (UTC)."""
    if not value:
        return None
    text = value.strip()
    match = _AGE.match(text.lower())
    if match:
        moment = time.time() - float(match.group(1)) * _SECONDS[match.group(2)]
    else:
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError("--since: %r is neither an age (90s, 30m, 2h, 7d, 1w) nor an ISO date "
                             "(2026-11-30 or 2026-11-30T12:00:00Z)" % value) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        moment = parsed.timestamp()
    ms = int(moment * 1000)
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(ms // 1000)) + "%03d" % (ms % 1000)


def generation_skill_names(only=None):
    """Names of the skills that submit tasks, without loading them (listing needs no adapter)."""
    from .skills import CROSS_SKILL, NAMES

    names = [name for name in NAMES if name not in CROSS_SKILL]
    if only is not None and only not in names:
        raise UsageError("--skill: %r %s; allowed: %s" % (
            only, "submits no tasks" if only in NAMES else "is not a skill of this bundle", ", ".join(names)))
    return names if only is None else [only]


def newest_first(store, names, since=None, status=None):
    """(name, Run) over the runs of the skills `names`, newest first, no older than `since`,
    only those the status index says have `status` (the caller checks the record)."""
    streams = [_stream(store, name, since, status) for name in names]
    for _, name, run in heapq.merge(*streams, key=lambda row: row[0], reverse=True):
        yield name, run


def _stream(store, name, since, status):
    for run in store.runs(name, status):
        if since is not None and run.run_id < since:
            return   # newest first: the rest are older still
        yield run.run_id, name, run
