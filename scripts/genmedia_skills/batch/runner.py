"""`generation-batch run MANIFEST`: check everything, confirm spending once, submit and
poll every item from one scheduler, report the batch; a re-run resumes (what it does with
each item it has seen: item_plan). One run of a manifest at a time (report.held); each
item's run is reserved and named in the batch record before anything is sent.
"""

import os
import shlex
import time
from pathlib import Path

from ..command import simulation
from ..command.commands import new_job
from ..command.progress import Progress, clock
from ..command.run_context import RunContext, script_invocation
from ..core import config, exit_codes, task_status
from ..core.errors import ConfirmationRequired
from ..jobs import spending_gate
from ..jobs.task_runner import Job
from ..media import delivery
from ..store.artifact_store import ArtifactStore
from . import budget_plan, item_plan, manifest, report
from .scheduler import Entry, Scheduler

SAVE_EVERY = 1.0   # seconds between batch record writes while tasks run (item runs are saved always)


class Options:
    def __init__(self, kw):
        self.simulate = kw.get("simulate", False)
        self.artifacts_dir = kw.get("artifacts_dir")
        self.yes = kw.get("yes", False)
        self.timeout = kw.get("timeout")
        self.retry_failed = kw.get("retry_failed", False)
        self.resubmit_unknown = kw.get("resubmit_unknown", False)
        self.as_new = kw.get("as_new", False)
        self.quiet = kw.get("quiet", False)
        self.max_credits = kw.get("max_credits")              # the budget (batch/budget_plan.py)
        self.yes_unknown_price = kw.get("yes_unknown_price", False)
        self.invocation = kw.get("invocation")   # how the batch was started, for `next`


def _credits(item):
    credits = (item.estimate or {}).get("credits")
    return credits if isinstance(credits, (int, float)) and not isinstance(credits, bool) else None


def estimate(planned):
    """The batch's total of what its submits will cost where providers price them (CreatOK);
    items with an estimate but no listed price are named, never guessed."""
    sent = [item for item, action, _, _ in planned if action == "submit"]
    priced = [_credits(item) for item in sent if _credits(item) is not None]
    return {"credits": sum(priced) if priced else None, "priced": len(priced),
            "unpriced": [item.id for item in sent if item.estimate and _credits(item) is None],
            "submits": len(sent),
            # which figures the total adds up: the providers' own estimates, or local price lists
            "sources": sorted({item.estimate["source"] for item in sent
                               if item.estimate and item.estimate.get("source")})}


def resume_command(path, opts, yes=False):
    argv = list(opts.invocation or script_invocation()) + ["run", str(path)]   # runs from any folder
    argv += ["--yes"] if opts.yes or yes else []
    argv += ["--as-new"] if opts.as_new else []
    argv += ["--simulate"] if opts.simulate else []
    argv += ["--artifacts-dir", str(opts.artifacts_dir)] if opts.artifacts_dir else []
    return " ".join(shlex.quote(a) for a in argv)


class BatchRun:
    def __init__(self, path, opts, validate_only=False):
        self.path = Path(path).resolve()
        self.opts = opts
        self.validate_only = validate_only
        self.store = ArtifactStore(config.artifacts_root(opts.artifacts_dir))
        self.progress = Progress("generation-batch", opts.quiet)
        self.contexts = {}
        self.simulator = None

    def context_for(self, name, skill):
        """One RunContext per skill, all sharing one simulator under --simulate."""
        ctx = self.contexts.get(name)
        if ctx is None:
            if self.opts.simulate and self.simulator is None:
                self.simulator = simulation.start(self.store.root)
            ctx = self.contexts[name] = RunContext(
                name, skill.adapter, simulate=self.opts.simulate,
                artifacts_dir=self.opts.artifacts_dir, quiet=True, yes=self.opts.yes, simulator=self.simulator)
        return ctx

    def context(self, item):
        return self.context_for(item.skill_name, item.skill)

    def close(self):
        for ctx in self.contexts.values():
            ctx.close()
        if self.simulator is not None:
            self.simulator.stop()
        self.progress.close()

    def execute(self):
        items = manifest.load(self.path, self.context_for)  # exit 2 here: nothing sent
        if self.validate_only:
            return self._prepare(items, None, self._peek_previous())
        with report.held(self.store, self.path):             # before the record is found or made
            run, previous, moved = report.open_batch(
                self.store, self.path, lambda: item_plan.moved_from(items, self.store, self.path))
            return self._prepare(items, run, previous, moved)

    def _prepare(self, items, run, previous, moved=None):
        found = item_plan.plan(items, previous, self.store, self.opts, self.path)
        planned, notes = found.planned, found.notes
        if moved:
            notes.insert(0, "the manifest was at %s (moved or renamed): its batch record and items' runs follow it; "
                            "nothing already made is paid again" % moved)
        planned, self.held, self.budget = budget_plan.apply(planned, self.opts)   # before any send
        if self.held:
            notes.append(budget_plan.stop_line(self.budget))
        for item, action, _, _ in planned:                  # delivery targets, before any send
            item.spec = item.delivery(self.path.parent, check_exists=action == "submit")
        cost = estimate(planned)
        gated = [item.id for item, action, _, _ in planned if action == "submit" and item.gated]
        if self.validate_only:
            return self._plan_document(planned, cost, notes), exit_codes.OK
        if (gated or found.repaid) and not self.opts.yes:
            why = ["%d item(s) have a spending gate (%s)" % (len(gated), ", ".join(gated[:10]))] if gated else []
            why += ["%d item(s) another manifest's batch already made would be generated and paid again (%s)"
                    % (len(found.repaid), ", ".join(found.repaid[:10]))] if found.repaid else []
            exc = ConfirmationRequired("%s%s; rerun with --yes to confirm the whole batch"
                                       % ("; ".join(why), self._cost_text(cost)))
            doc = self._plan_document(planned, cost, notes)
            doc.update(error=exc.to_dict(), next=resume_command(self.path, self.opts, yes=True))
            self.progress.say("not submitted: %s" % exc.message)
            return doc, exc.exit_code
        if cost["credits"] is not None:
            self.progress.say("estimated cost%s" % self._cost_text(cost))
        return self._drive(run, previous, planned, cost, notes)

    def _peek_previous(self):
        found = self.store.find_task(report.SKILL, "manifest:" + str(self.path))
        return found.read() if found else None

    @staticmethod
    def _cost_text(cost):
        if cost["credits"] is None:
            return ""
        sources = " (%s)" % " and ".join(cost["sources"]) if cost.get("sources") else ""
        return ": %s credits for %d priced item(s)%s" % (cost["credits"], cost["priced"], sources)

    def _plan_document(self, planned, cost, notes):
        return {"dry_run": True, "manifest": str(self.path), "estimate": cost, "budget": self.budget,
                "notes": ["nothing was sent"] + notes,
                "items": [{"id": i.id, "skill": i.skill_name, "provider": i.provider, "hash": i.hash,
                           "action": action, "gated": i.gated, "estimate": i.estimate,
                           "request": {"endpoint": i.prepared.endpoint, "body": i.prepared.display_body()}}
                          for i, action, _, _ in planned]}

    def _drive(self, run, previous, planned, cost, notes):
        for note in notes:
            self.progress.say(note)
        for item, _, _, _ in planned:
            self.context(item).connect()                    # every key first: exit 3 before any send
        entries, jobs = [], {}
        for item, action, item_run, doc in planned:
            ctx = self.context(item)
            if action == "submit":
                job = new_job(ctx, item.prepared, run=item_run)
                ctx.store.remember_task(job.run, item_plan.identity(item))   # found again by what it is
                job.doc["batch"] = {"item_id": item.id, "hash": item.hash, "manifest": str(self.path)}
                if item.estimate and spending_gate.applies(item.skill.adapter):   # as `run --yes` records it
                    job.doc["confirmation"] = spending_gate.confirmation(item.estimate, "--yes")
                if item.spec:
                    job.doc["delivery"] = item.spec
                entries.append(Entry(item, ctx, job, submit=True))
            elif doc is not None:
                job = Job(ctx, item_run, doc)
                job.doc["batch"] = {"item_id": item.id, "hash": item.hash, "manifest": str(self.path)}
                if item.spec:
                    job.doc["delivery"] = item.spec
                if action == "poll":
                    entries.append(Entry(item, ctx, job))
                elif action == "done":
                    self._redeliver(job)
            else:
                job = None
            jobs[item.id] = (item, action, job, job.run if job else item_run)
        self.state = (run, previous, jobs, cost, notes)
        self._save(force=True)                              # item runs reserved: a crash loses nothing
        scheduler = Scheduler(on_change=lambda entry: self._changed())
        for entry in entries:
            scheduler.add(entry, due=0.0)
        self._changed()
        deadline = time.monotonic() + self.opts.timeout
        try:
            left = scheduler.run(deadline)
        except KeyboardInterrupt:
            self._save(force=True)
            self.progress.say("interrupted; the batch is saved: run the same command again to resume")
            return self._saved, exit_codes.INTERRUPTED
        for entry in left:
            entry.job.set_next()
            entry.job.save()
        self._save(force=True)
        self.progress.say(report.summary_line(self._saved["items"]))
        if self.held:
            self.progress.say(budget_plan.stop_line(self.budget))
        return self._saved, self._exit_code(self._saved["items"])

    def _redeliver(self, job):
        """A finished item: fetch/deliver again only what is missing on disk."""
        outs = job.doc["outputs"]
        if any(not (o.get("path") and os.path.isfile(o["path"])) for o in outs) or delivery.missing(job.doc):
            job.download_outputs()
            job.save()

    def _changed(self):
        rows = self._rows()
        line = report.summary_line(rows)
        if self.progress.tty:   # one line per item and a total, redrawn in place; plain lines for logs
            items, total = report.live_lines(rows, self.progress.colour), "%s %s" % (report.bar(rows), line)
            self.progress.live(lambda elapsed: items + ["%s  %s" % (clock(elapsed), total)])
        self.progress.status(line, key=tuple(sorted(report.counts(rows).items())))
        self._save()

    def _rows(self):
        run, previous, jobs, cost, notes = self.state
        rows = [report.item_row(item, job.doc if job and (action != "submit" or job.doc["status"] != task_status.UNKNOWN
                                                           or job.run.json_path.exists()) else None, action, run)
                for item, action, job, run in jobs.values()]
        for row in rows:
            if row["id"] in self.held:
                row["held"] = self.held[row["id"]]
        return rows

    def _save(self, force=False):
        now = time.monotonic()
        if not force and now - getattr(self, "_saved_at", 0.0) < SAVE_EVERY:
            return
        self._saved_at = now
        run, previous, jobs, cost, notes = self.state
        rows = self._rows()
        pending = any(row["status"] in task_status.PENDING or row["status"] in ("not_submitted", "submitting")
                      for row in rows)
        doc = report.document(run, self.path, rows, simulated=self.opts.simulate, estimate=cost, notes=notes,
                              previous=previous, next_command=resume_command(self.path, self.opts) if pending else None)
        if self.budget is not None:
            doc["budget"] = dict(self.budget, spent=report.spent(rows))
        report.save(run, doc)
        self._saved = doc

    @staticmethod
    def _exit_code(rows):
        statuses = [row["status"] for row in rows]
        if any(row.get("held") for row in rows) and not any(s in task_status.PENDING for s in statuses):
            return exit_codes.NEEDS_CONFIRMATION   # stopped at its budget: a larger one resumes it
        if any(s in task_status.PENDING or s in ("not_submitted", "submitting") for s in statuses):
            if any(row["status"] == task_status.AWAITING_PAYMENT and (row.get("error") or {}).get("kind")
                   == ConfirmationRequired.kind for row in rows):
                return exit_codes.NEEDS_CONFIRMATION
            return exit_codes.STILL_RUNNING
        return exit_codes.OK if all(s == task_status.SUCCEEDED for s in statuses) else exit_codes.TASK_FAILED
