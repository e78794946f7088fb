"""The five commands every generation skill has: run, submit, status, wait, list.

Each handler takes a RunContext plus parsed options and returns
(stdout_document, exit_code). The CLI layer prints and exits.
"""

import shutil

from . import exit_codes, result_document, task_status
from .errors import SubmitOutcomeUnknown, TransportError, UnknownTask, UsageError
from .task_runner import Job


def _submit_job(ctx, prepared, run=None):
    """A run (new unless given, e.g. a batch item's reserved run) for a request we are about to submit."""
    run = run or ctx.store.new_run(ctx.skill)
    doc = result_document.new(run, provider=ctx.adapter.provider, simulated=ctx.simulated,
                              model=prepared.model, endpoint=prepared.endpoint,
                              body=prepared.display_body(), references=[r.record for r in prepared.references])
    for note in prepared.notes:
        result_document.add_note(doc, note)
    _ask_delivery(ctx, doc)
    return Job(ctx, run, doc)


def _ask_delivery(ctx, doc):
    """--output given now: stored in the run, applied when its files are downloaded."""
    if getattr(ctx, "delivery", None):
        doc["delivery"] = ctx.delivery


def _foreign_job(ctx, task_id):
    """A new run to follow a task submitted elsewhere (indexed once the provider knows it)."""
    run = ctx.store.new_run(ctx.skill)
    doc = result_document.new(run, provider=ctx.adapter.provider, simulated=ctx.simulated,
                              model=None, endpoint=None, body=None, task_id=task_id)
    doc["submitted_at"] = None  # submitted elsewhere, time unknown
    result_document.add_note(doc, "task submitted elsewhere; this run was created to follow it")
    _ask_delivery(ctx, doc)
    return Job(ctx, run, doc, indexed=False)


def dry_run(ctx, prepared):
    document = {
        "dry_run": True,
        "skill": ctx.skill,
        "provider": ctx.adapter.provider,
        "request": {"method": prepared.method, "path": prepared.path, "body": prepared.display_body()},
        "notes": ["nothing was sent"] + prepared.notes,
    }
    if prepared.before is not None:
        first = prepared.before
        document["first_request"] = {"method": first.method, "path": first.path, "body": first.display_body()}
    return document, exit_codes.OK


def run(ctx, prepared, *, timeout, submit_only=False):
    ctx.connect()  # credentials first: a missing key is exit 3 with nothing written
    job = _submit_job(ctx, prepared)
    try:
        code = job.submit(prepared)
        if code is None:
            code = exit_codes.OK if submit_only else job.follow(timeout)
    except KeyboardInterrupt:
        code = interrupted(job)
    return job.doc, code


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


def _find_job(ctx, task_id):
    if not task_id or not task_id.strip():
        raise UsageError("--task-id: missing; give the task_id printed by run/submit")
    task_id = task_id.strip()
    run = ctx.store.find_task(ctx.skill, task_id)
    doc = run.read() if run else None
    if doc is None:
        return None
    if doc.get("simulated") and not ctx.simulated:
        ctx.simulated = True  # it only exists in the simulator: never send it to the provider
        ctx.progress.say("task %s was submitted with --simulate; following it in the simulator" % task_id)
    elif ctx.simulated and not doc.get("simulated"):
        raise UsageError("--simulate: task %s was submitted to the real provider; drop --simulate" % task_id)
    _ask_delivery(ctx, doc)
    return Job(ctx, run, doc)


def _job_for(ctx, task_id):
    job = _find_job(ctx, task_id)
    ctx.connect()
    return job or _foreign_job(ctx, task_id.strip())


def _unless_unknown(job, code):
    """An id the provider never confirmed (a typo, another account) leaves no run behind."""
    if not job.indexed and (job.doc["error"] or {}).get("kind") == UnknownTask.kind:
        shutil.rmtree(str(job.run.dir), ignore_errors=True)
        raise UnknownTask(job.doc["error"]["message"], provider_message=job.doc["error"].get("provider_message"))
    return job.doc, code


def status(ctx, task_id):
    job = _job_for(ctx, task_id)
    try:
        code = job.check()
    except TransportError as exc:  # already retried; the run records why
        code = job.fail(exc)
    except KeyboardInterrupt:
        return job.doc, interrupted(job)
    return _unless_unknown(job, exit_codes.OK if code is None else code)


def wait(ctx, task_id, *, timeout):
    job = _job_for(ctx, task_id)
    try:
        code = job.follow(timeout)
    except KeyboardInterrupt:
        code = interrupted(job)
    return _unless_unknown(job, code)


def list_runs(ctx, *, limit, status_filter=None):
    if status_filter and status_filter not in task_status.ALL:
        raise UsageError("--status: %r is not one of: %s" % (status_filter, ", ".join(task_status.ALL)))
    if limit < 1:
        raise UsageError("--limit: %r must be at least 1" % (limit,))
    rows = []
    for run in ctx.store.runs(ctx.skill):
        doc = run.read()
        if doc is None or (status_filter and doc.get("status") != status_filter):
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
    job = _job_for(ctx, task_id)
    try:
        ctx.adapter.retry(ctx.http, job.doc["task_id"], step)
    except SubmitOutcomeUnknown as exc:
        result_document.add_note(job.doc, "the retry request's answer was lost (%s); not resent" % exc.message)
    result_document.add_note(job.doc, "retry from step %s requested at %s" % (step, result_document.now_iso()))
    job.doc.update(status=task_status.RUNNING, error=None, finished_at=None)
    job.set_next()
    job.save()
    ctx.progress.say("retry from step %s requested" % step)
    try:
        code = job.follow(timeout)
    except KeyboardInterrupt:
        code = interrupted(job)
    return _unless_unknown(job, code)
