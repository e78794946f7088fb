"""The generation-tasks skill: list, show, check and resume any saved task, whichever skill made it.

`status`/`wait` find the run through the task index of every generation skill, then hand
over to that skill's own command (same provider, same --simulate, same delivery), so a
task id alone is enough.
"""

import sys
from typing import Optional

from ..core import exit_codes, output_mode
from ..command.cli import (
    ARTIFACTS,
    DELIVERY,
    DOWNLOAD,
    LIMIT,
    QUIET,
    SIMULATE,
    STATUS,
    TASK_ID,
    TIMEOUT,
    SkillCLI,
    _option,
)

SKILL_FILTER = _option("skill", Optional[str], None, "--skill",
                       help="Only this skill (list), or the skill to use when a task id matches two (status/wait/show).")
PROVIDER = _option("provider", Optional[str], None, "--provider", help="Only runs of this provider: giggle, kie, creatok.")
SINCE = _option("since", Optional[str], None, "--since",
                help="Only runs created since: an age (90s, 30m, 2h, 7d, 1w) or an ISO date/time (UTC).")
YES = _option("yes", bool, False, "--yes", help="Confirm the task's spending gate, if its skill has one.")
SIMULATED = _option("include_simulated", bool, False, "--include-simulated",
                    help="Count --simulate runs too (they cost nothing real; left out by default).")
PROVIDERS = ("giggle", "kie", "creatok")


class _Context:
    """generation-tasks itself opens nothing: the routed skill's own context does the work."""

    def __init__(self, kw):
        from ..core import config
        from ..store.artifact_store import ArtifactStore

        self.artifacts_dir = kw.get("artifacts_dir")
        self.store = ArtifactStore(config.artifacts_root(self.artifacts_dir))

    def unreadable(self, exc):
        from ..command.run_context import unreadable_root

        return unreadable_root(self.artifacts_dir, self.store.root, exc)

    def close(self):
        pass


def _list(ctx, kw):
    from ..command.commands import run_summary
    from ..store import run_index
    from ..task_lookup import checked_filters, generation_skill_names, newest_first, since_stamp

    status, provider, limit = checked_filters(kw)
    names = [name for name in generation_skill_names(kw["skill"])   # skills are named <provider>-...
             if not provider or name.split("-")[0] == provider]
    rows = []
    try:
        for name, run in newest_first(ctx.store, names, since_stamp(kw["since"]), status):
            doc = run.read()
            if doc is None:
                continue
            if status and doc.get("status") != status:
                run_index.record(run.dir.parent, run.run_id, doc.get("status"))   # a stale marker: moved
                continue
            if provider and doc.get("provider") != provider:
                continue
            rows.append(dict(run_summary(run, doc), skill=name, provider=doc.get("provider")))
            if len(rows) >= limit:
                break
    except OSError as exc:
        raise ctx.unreadable(exc) from None
    _table(rows, kw.get("quiet") or output_mode.human(kw.get("json_output")))
    return rows, exit_codes.OK


def _spend(ctx, kw):
    from ..core.errors import UsageError
    from ..store.spend_report import report
    from ..task_lookup import generation_skills, since_stamp

    if kw["provider"] and kw["provider"] not in PROVIDERS:
        raise UsageError("--provider: %r is not one of: %s" % (kw["provider"], ", ".join(PROVIDERS)))
    document = report(ctx.store.root, generation_skills(kw["skill"]), since_stamp(kw["since"]),
                      provider=kw["provider"], include_simulated=kw["include_simulated"])
    if not kw.get("quiet"):
        sys.stderr.write("%s: %s\n" % (TASKS.name, document["summary"]))
    return document, exit_codes.OK


def _table(rows, quiet):
    """A readable table on stderr at a terminal while stdout carries the JSON (`| jq`); with a
    terminal on stdout too, the summary there is the table."""
    try:
        if quiet or not sys.stderr.isatty():
            return
    except (AttributeError, ValueError):
        return
    lines = ["%-19s %-26s %-10s %-38s %s" % ("created", "skill", "status", "task_id", "prompt")]
    for row in rows:
        prompt = " ".join(str(row.get("prompt") or "").split())
        lines.append("%-19s %-26s %-10s %-38s %s" % ((row["created_at"] or "")[:19].replace("T", " "), row["skill"],
                                                    row["status"], row["task_id"] or "-", prompt[:40]))
    sys.stderr.write("\n".join(lines) + "\n")


BATCH = _option("batch", Optional[str], None, "--batch",
                help="Only the items of this batch manifest (its path).")
GALLERY_OUT = _option("out", Optional[str], None, "--out",
                      help="Where to write the page (default: gallery.html in the artifact root).")
OPEN = _option("open_page", bool, False, "--open", help="Open the page in the web browser.")
GALLERY_LIMIT = _option("limit", int, 200, "--limit", help="At most this many runs (newest first).")


def _gallery(ctx, kw):
    from ..gallery import write_gallery

    return write_gallery(ctx.store, kw), exit_codes.OK


def _show(ctx, kw):
    from ..task_lookup import find

    name, skill, run = find(ctx.store, kw["task_id"], kw["skill"])
    doc = run.read()
    if doc is None:
        from ..core.errors import GenmediaError

        raise GenmediaError("the run of task %s (%s) has no readable result.json" % (kw["task_id"], run.dir))
    return doc, exit_codes.OK


def _routed(command):
    """status/wait through the skill that holds the task."""

    def handler(ctx, kw):
        from ..task_lookup import find

        name, skill, run = find(ctx.store, kw["task_id"], kw["skill"])
        inner = skill.make_context(kw)
        inner.progress.prefix = "%s > %s" % (TASKS.name, name)
        try:
            return getattr(skill, command)(inner, kw)
        finally:
            inner.close()

    return handler


class TasksCLI(SkillCLI):
    def __init__(self):
        super().__init__("generation-tasks", None, lambda: None,
                         help="Find, check and resume any saved generation task, whichever skill made it.")

    def make_context(self, kw):
        return _Context(kw)

    def commands(self):
        common = [SIMULATE, ARTIFACTS, QUIET]
        return [
            ("list", _list, [SKILL_FILTER, PROVIDER, STATUS, SINCE, LIMIT, ARTIFACTS, QUIET],
             "Runs of every skill, newest first (JSON on stdout; a table on stderr at a terminal)."),
            ("show", _show, [TASK_ID, SKILL_FILTER, ARTIFACTS, QUIET], "The saved record of a task; nothing is sent."),
            ("status", _routed("cmd_status"), [TASK_ID, SKILL_FILTER, DOWNLOAD] + DELIVERY + common,
             "Ask once how a task is doing, through the skill that made it."),
            ("wait", _routed("cmd_wait"), [TASK_ID, SKILL_FILTER, TIMEOUT, YES, DOWNLOAD] + DELIVERY + common,
             "Resume waiting for a task until it finishes or --timeout, through the skill that made it."),
            ("gallery", _gallery, [SKILL_FILTER, PROVIDER, STATUS, SINCE, BATCH, GALLERY_LIMIT, GALLERY_OUT, OPEN,
                                   ARTIFACTS, QUIET],
             "Write one HTML page of the runs (images, playable video and audio, prompts, costs, resume "
             "commands); --open opens it. Nothing is sent."),
            ("spend", _spend, [SINCE, SKILL_FILTER, PROVIDER, SIMULATED, ARTIFACTS, QUIET],
             "What your runs on this machine cost, by provider, skill, day and batch; unknown costs counted."),
        ]


TASKS = SKILL = TasksCLI()
