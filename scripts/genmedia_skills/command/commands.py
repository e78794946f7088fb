"""The five commands every generation skill has: run, submit, status, wait, list.

Each handler takes a RunContext plus parsed options and returns
(stdout_document, exit_code). The CLI layer prints and exits.
"""

import os
import shutil

from ..core import exit_codes, task_status
from ..store import result_document, run_cost
from ..jobs import budget, spending_gate
from ..store import run_index
from ..store.artifact_store import ArtifactStore
from ..core.errors import GenmediaError, ProviderError, RunNotSaved, SubmitOutcomeUnknown, UnknownTask, UsageError
from ..jobs.task_runner import Job


def _created(ctx, make):
    """A new run and its first write; an artifact root we cannot write (a file, read-only,
    full) is one error naming the setting, raised before anything is sent."""
    try:
        job = make()
        job.save()
    except (OSError, RunNotSaved) as exc:
        raise ctx.unwritable(exc) from None
    return job


def _settle(job, step):
    """Run `step` (-> exit code). Once a job exists, whatever goes wrong, stdout still gets
    the result object (task_id, next) and the run records why when the disk lets it."""
    try:
        try:
            return step()
        except KeyboardInterrupt:
            return interrupted(job)
        except RunNotSaved:
            raise
        except Exception as exc:  # a provider error escaping an adapter, or a bug: recorded, not lost
            return _recorded(job, exc)
    except RunNotSaved as exc:
        return _not_saved(job, exc)


def _recorded(job, exc):
    """job.fail(exc); should even that fail (a bug), stdout still gets the document with its
    task_id, `next` and the first error, and stderr says the record is behind."""
    try:
        return job.fail(exc)
    except RunNotSaved:
        raise
    except Exception as second:
        result_document.set_error(job.doc, exc)
        job.set_next()
        job.ctx.progress.warn("the run's record could not be updated (%s: %s)%s" % (
            type(second).__name__, getattr(second, "message", second),
            "; task %s still exists: resume with `next`" % job.doc["task_id"] if job.doc["task_id"] else ""))
        return exc.exit_code if isinstance(exc, GenmediaError) else exit_codes.PROVIDER


def _not_saved(job, exc):
    """The disk refused the run, but the task may exist: the task_id still reaches the user."""
    doc, ctx = job.doc, job.ctx
    job.set_next()
    message = exc.message
    if doc["task_id"]:
        message += ("; task %s exists at %s but this run could not be saved: keep the task_id and "
                    "resume with `next` once the artifact root is writable" % (doc["task_id"], doc["provider"]))
    doc["error"] = dict(exc.to_dict(), message=message)
    ctx.progress.warn(message)
    return exc.exit_code


def new_job(ctx, prepared, run=None, price=None):
    """A run (new unless given, e.g. a batch item's reserved run) for a request we are about
    to submit (its intent written), with its price before the run (run_cost.price)."""
    def make():
        job_run = run or ctx.store.new_run(ctx.skill)
        doc = result_document.new(job_run, provider=ctx.adapter.provider, simulated=ctx.simulated,
                                  model=prepared.model, endpoint=prepared.endpoint, body=prepared.display_body(),
                                  references=[r.record for r in prepared.references])
        for note in prepared.notes:
            result_document.add_note(doc, note)
        if getattr(prepared, "pay_terms", None):   # what a later pay buys (drama's models)
            doc["payment"] = {"pay_status": None, "terms": dict(prepared.pay_terms)}
        doc["cost"] = price or run_cost.price(ctx.adapter, prepared)   # the price before the run, labelled so
        _ask_delivery(ctx, doc)
        return Job(ctx, job_run, doc)
    if prepared.unlisted:
        ctx.progress.warn(prepared.unlisted)
    return _created(ctx, make)


def _ask_delivery(ctx, doc):
    """--output given now: stored in the run, applied when its files are downloaded."""
    if getattr(ctx, "delivery", None):
        doc["delivery"] = ctx.delivery


def _foreign_doc(ctx, run, task_id, note):
    doc = result_document.new(run, provider=ctx.adapter.provider, simulated=ctx.simulated,
                              model=None, endpoint=None, body=None, task_id=task_id)
    doc["submitted_at"] = None  # submitted elsewhere, time unknown
    result_document.add_note(doc, note)
    _ask_delivery(ctx, doc)
    return doc


def _foreign_job(ctx, task_id):
    """A new run to follow a task submitted elsewhere. The caller holds the skill lock and
    has re-checked the index, so racing processes share one run; `indexed=False` until the
    provider confirms the id (an unknown one leaves no run behind)."""
    def make():
        run = ctx.store.new_run(ctx.skill)
        return Job(ctx, run, _foreign_doc(ctx, run, task_id, "task submitted elsewhere; this run was "
                                                             "created to follow it"), indexed=False)
    job = _created(ctx, make)
    try:
        ctx.store.remember_task(job.run, task_id)
    except OSError as exc:
        raise ctx.unwritable(exc) from None
    return job


def _repaired(ctx, run, task_id, problem):
    """A run whose result.json is damaged: keep the damaged file beside it, start the
    document afresh from the task_id; the next query fills it in from the provider."""
    with run.locked():
        kept = run.json_path.with_name("result.damaged-%s.json" % result_document.now_iso().replace(":", ""))
        if run.json_path.exists():
            os.replace(str(run.json_path), str(kept))
    note = "result.json was damaged (%s); kept as %s and rebuilt from the provider" % (problem, kept.name)
    ctx.progress.warn("%s: %s" % (run.json_path, note))
    return Job(ctx, run, _foreign_doc(ctx, run, task_id, note))


def dry_run(ctx, prepared):
    if prepared.unlisted:
        ctx.progress.warn(prepared.unlisted)
    document = {
        "dry_run": True,
        "skill": ctx.skill,
        "provider": ctx.adapter.provider,
        "request": {"method": prepared.method, "path": prepared.path, "body": prepared.display_body()},
        "notes": ["nothing was sent"] + prepared.notes,
    }
    price = run_cost.price(ctx.adapter, prepared)
    document["cost"] = price
    refused = budget.verdict(price, ctx.max_credits, accept_unknown=ctx.yes_unknown_price)
    if ctx.max_credits is not None:
        document["max_credits"] = ctx.max_credits
        document["notes"].append("the budget would refuse it: " + refused.message if refused
                                 else "within the budget of %g credits" % ctx.max_credits)
    est = spending_gate.estimate(ctx, prepared)
    if est is not None:  # what the gate would ask about
        document.update(estimate=est, summary=spending_gate.describe(est))
    if getattr(prepared, "pay_terms", None):   # what the payment gate will pay with
        document["pay_terms"] = dict(prepared.pay_terms)
    if prepared.before is not None:
        first = prepared.before
        document["first_request"] = {"method": first.method, "path": first.path, "body": first.display_body()}
    return document, exit_codes.OK


def run(ctx, prepared, *, timeout, submit_only=False):
    http = ctx.connect()  # credentials first: a missing key is exit 3 with nothing written
    price, stop = budget.check(ctx, prepared)
    if stop is not None:  # over the budget (or of unknown price under one): no run, nothing sent
        return stop, exit_codes.NEEDS_CONFIRMATION
    confirmation, stop = spending_gate.check(ctx, prepared)
    if stop is not None:  # not confirmed: no run, nothing sent
        return stop, exit_codes.NEEDS_CONFIRMATION
    if confirmation is not None:   # the gate's figure (the provider's own, where it gave one) is the better price
        price, stop = budget.check(ctx, prepared)
        if stop is not None:
            return stop, exit_codes.NEEDS_CONFIRMATION
    if not submit_only:
        http.start_deadline(timeout)   # --timeout counts from here (a person may have answered a prompt)
    job = new_job(ctx, prepared, price=price)
    if confirmation is not None:
        job.doc["confirmation"] = confirmation

    def step():
        code = job.submit(prepared)
        if code is None:
            code = exit_codes.OK if submit_only else job.follow(timeout)
        return code
    return job.doc, _settle(job, step)


def balance(ctx):
    """The account's remaining credits from the provider's balance endpoint, or a plain
    "unknown" (nothing sent, no key needed) for a provider that has none we know of."""
    document = {"skill": ctx.skill, "provider": ctx.adapter.provider, "simulated": ctx.simulated,
                "balance": None, "currency": "credits"}
    hook = getattr(ctx.adapter, "balance", None)
    if hook is None:
        document["message"] = ("%s has no balance endpoint that we know of: see your credits in its dashboard; "
                               "`generation-tasks spend` sums what your runs here cost" % ctx.adapter.provider)
        return document, exit_codes.OK
    answer = hook(ctx.connect())
    document.update(balance=answer["credits"], endpoint=answer["endpoint"], checked_at=result_document.now_iso())
    ctx.progress.say("%s balance: %g credits" % (ctx.adapter.provider, answer["credits"]))
    return document, exit_codes.OK


def interrupted(job):
    if job.doc["task_id"] is None and job.doc["status"] == task_status.UNKNOWN:
        job.fail(SubmitOutcomeUnknown("interrupted while the submit was in flight; the task may exist "
                                      "at the provider"))
    else:
        job.set_next()
        job.save()
    job.ctx.progress.say("interrupted; the run is saved" + (": resume with " + job.doc["next"]
                                                            if job.doc["next"] else ""))
    return exit_codes.INTERRUPTED


def checked_task_id(task_id):
    if not task_id or not task_id.strip():
        raise UsageError("--task-id: missing; give the task_id printed by run/submit")
    try:
        task_id.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in argv arrive as surrogates
        raise UsageError("--task-id: %s is not valid UTF-8; give the task_id printed by run/submit"
                         % ascii(task_id)) from None
    return task_id.strip()


def _find_job(ctx, task_id):
    run = ctx.store.locate_task(ctx.skill, task_id)
    if run is not None and run.root != ctx.store.root:   # made under another root: continue it there
        ctx.store = ArtifactStore(run.root)
    if run is None:
        return None
    doc, problem = result_document.load(run.json_path)
    if problem:
        return _repaired(ctx, run, task_id, problem)
    if doc.get("simulated") and not ctx.simulated:
        ctx.simulated = True  # it only exists in the simulator: never send it to the provider
        ctx.progress.say("task %s was submitted with --simulate; following it in the simulator" % task_id)
    elif ctx.simulated and not doc.get("simulated"):
        raise UsageError("--simulate: task %s was submitted to the real provider; drop --simulate" % task_id)
    _ask_delivery(ctx, doc)
    return Job(ctx, run, doc)


def _job_for(ctx, task_id, timeout=None):
    task_id = checked_task_id(task_id)
    job = _find_job(ctx, task_id)
    http = ctx.connect()
    if timeout is not None:
        http.start_deadline(timeout)
    if job:
        return job
    try:
        with ctx.store.locked(ctx.skill):  # one run per task, however many processes race here
            return _find_job(ctx, task_id) or _foreign_job(ctx, task_id)
    except OSError as exc:
        raise ctx.unwritable(exc) from None


def _unless_unknown(job, code):
    """An id the provider never confirmed (a typo, another account) leaves no run behind."""
    if not job.indexed and (job.doc["error"] or {}).get("kind") == UnknownTask.kind:
        job.ctx.store.forget_task(job.run, job.doc["task_id"])
        shutil.rmtree(str(job.run.dir), ignore_errors=True)
        raise UnknownTask(job.doc["error"]["message"], provider_message=job.doc["error"].get("provider_message"))
    return job.doc, code


def status(ctx, task_id):
    job = _job_for(ctx, task_id)

    def step():
        try:
            code = job.check()
        except ProviderError as exc:  # already retried; the run records why
            code = job.fail(exc)
        return exit_codes.OK if code is None else code
    return _unless_unknown(job, _settle(job, step))


def wait(ctx, task_id, *, timeout):
    job = _job_for(ctx, task_id, timeout)
    return _unless_unknown(job, _settle(job, lambda: job.follow(timeout)))


_ROW_KEYS = ("run_id", "task_id", "status", "model", "simulated", "created_at", "updated_at",
             "prompt", "outputs", "dir", "next")


def list_runs(ctx, *, limit, status_filter=None):
    if status_filter and status_filter not in task_status.ALL:
        raise UsageError("--status: %r is not one of: %s" % (status_filter, ", ".join(task_status.ALL)))
    if limit < 1:
        raise UsageError("--limit: %r must be at least 1" % (limit,))
    rows = []
    try:
        runs = ctx.store.runs(ctx.skill, status_filter)
    except OSError as exc:
        raise ctx.unreadable(exc) from None
    for run in runs:
        doc, problem = result_document.load(run.json_path)
        if status_filter and not problem and doc.get("status") != status_filter:
            run_index.record(run.dir.parent, run.run_id, doc.get("status"))   # a stale marker: moved
        if problem and not status_filter and run.json_path.exists():  # flagged, the rest still listed
            rows.append(dict({key: None for key in _ROW_KEYS}, run_id=run.run_id, dir=str(run.dir),
                             damaged="%s: %s" % (run.json_path, problem)))
        if problem or (status_filter and doc.get("status") != status_filter):
            if len(rows) >= limit:
                break
            continue
        rows.append(run_summary(run, doc))
        if len(rows) >= limit:
            break
    return rows, exit_codes.OK


def run_summary(run, doc):
    """One `list` row: what the run is and where it stands."""
    body = (doc.get("request") or {}).get("body") or {}
    row = {key: doc.get(key) for key in ("run_id", "task_id", "status", "model", "simulated",
                                         "created_at", "updated_at")}
    nested = body.get("input") if isinstance(body.get("input"), dict) else {}   # jobs APIs nest it
    summary = (body.get("prompt") or body.get("text") or body.get("title") or body.get("lyrics")
               or nested.get("prompt"))
    row.update(prompt=summary, outputs=len(doc.get("outputs") or []), dir=str(run.dir), next=doc.get("next"))
    return row


def retry_step(ctx, task_id, step, *, timeout):
    """`retry`: ask the provider to resume a failed multi-step task from `step`, then wait.

    The retry POST is sent once; if its answer is lost we keep polling (the provider
    shows whether it restarted) instead of sending it again."""
    job = _job_for(ctx, task_id, timeout)
    try:
        ctx.adapter.retry(ctx.http, job.doc["task_id"], step)
    except SubmitOutcomeUnknown as exc:
        result_document.add_note(job.doc, "the retry request's answer was lost (%s); not resent" % exc.message)
    result_document.add_note(job.doc, "retry from step %s requested at %s" % (step, result_document.now_iso()))
    job.doc.update(status=task_status.RUNNING, error=None, finished_at=None)
    job.set_next()
    job.save()
    ctx.progress.say("retry from step %s requested" % step)
    return _unless_unknown(job, _settle(job, lambda: job.follow(timeout)))
