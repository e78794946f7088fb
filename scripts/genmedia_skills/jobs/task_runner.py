"""The life of one task: intent -> submit -> task_id -> polls -> outputs.

Every state change is written to the run before the next step, so a crash at
any point leaves a run that `status`/`wait --task-id` can continue:
- the intent (status `unknown`, no task_id) before the submit POST;
- the task_id right after it; every poll result; every download.
A submit is never repeated here: its outcome is either a task_id, a clear
rejection, or `unknown` with the reason.
"""

import datetime
import random
import time

from ..core import exit_codes, task_status
from . import payment_gate
from ..store import result_document, result_expiry, result_markdown, run_cost
from ..media.downloads import fetch_outputs, unusable_url
from ..core.errors import (
    AuthError,
    BadResponse,
    Blocked,
    GenmediaError,
    OutOfTime,
    ProviderError,
    RunNotSaved,
    SubmitOutcomeUnknown,
    TransportError,
    UnknownTask,
    UsageError,
)
from ..core.safe_files import UnsafePath

MAX_QUERY_FAILURES = 3   # consecutive failed queries (each already retried) before giving up
MAX_OUTPUTS = 100        # results kept per task: real tasks give 1-10; a runaway list must not eat --timeout
NEVER_STARTED_SECONDS = 300.0   # provider seconds a task may sit queued-but-never-started (Snapshot.stalled)


def _epoch(iso):
    """Seconds since the epoch of one of our ISO stamps, milliseconds included (at a
    small poll scale a truncated second would look like minutes of provider time).
    Not time.strptime: it loads locale tables and compiles a large regex (~3 ms)."""
    if not iso:
        return None
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _url_key(url):
    """An output's identity across polls: its path (signatures change, and a --simulate
    resume talks to a simulator on another port)."""
    rest = url.split("?", 1)[0].split("://", 1)[-1]
    return rest[rest.find("/"):] if "/" in rest else rest


def _refusal(exc):
    """The provider answered the submit with a refusal (not a key, credit or network problem);
    a "not found" answer to a submit is one too (giggle's envelope reads it as an unknown task)."""
    if isinstance(exc, (UsageError, UnknownTask)):
        return True
    return (isinstance(exc, ProviderError) and not isinstance(exc, TransportError)
            and exc.kind in ("rejected", "invalid_input"))


class _SendWatch:
    """The HTTP client an adapter submits through, calling `before_send()` once, before
    the first POST to the request's own path (or to the request it needs first, e.g. a
    project create): the moment a task may start to exist."""

    def __init__(self, http, prepared, before_send):
        self._http = http
        self._paths = {prepared.path} | ({prepared.before.path} if prepared.before is not None else set())
        self._before_send = before_send

    def submit_json(self, path, *args, **kw):
        if path in self._paths and self._before_send is not None:
            callback, self._before_send = self._before_send, None
            callback()
        return self._http.submit_json(path, *args, **kw)

    def __getattr__(self, name):
        return getattr(self._http, name)


class Job:
    """A run directory and its result document, kept in step."""

    def __init__(self, ctx, run, doc, indexed=True):
        self.ctx = ctx
        self.run = run
        self.doc = doc
        self.indexed = indexed   # False for a foreign task until the provider confirms it
        self.polls_base = doc["polls"]    # polls already on disk: others' polls are added, not lost
        self.downloads_cut_short = False  # --timeout ran out mid-download: `wait` fetches the rest

    def save(self):
        try:
            with self.run.locked():
                self._write()
        except OSError as exc:  # full, read-only, gone: say so, never "internal error"
            raise RunNotSaved.of(self.run.dir, exc) from None

    def _write(self):
        """Write the document; the caller holds the run lock."""
        result_document.merge_stored(self.doc, self.run.read(), self.polls_base)
        run_cost.settle(self.doc, self.ctx.adapter)
        self.doc["updated_at"] = result_document.now_iso()
        result_document.check(self.doc)
        self.run.write(self.doc, result_markdown.render(self.doc))
        self.polls_base = self.doc["polls"]

    def fail(self, exc, status=None):
        """Record an error (and optionally a status), save, return its exit code."""
        result_document.set_error(self.doc, exc)
        if isinstance(exc, BadResponse) and exc.raw_body is not None:
            try:
                self.doc["error"]["raw_body"] = str(self.run.save_raw(
                    "response-%d.txt" % (self.doc["polls"] + 1), exc.raw_body))
            except (UnsafePath, OSError) as not_kept:   # the error itself must still be recorded
                message = getattr(not_kept, "message", None) or str(not_kept)
                result_document.add_note(self.doc, "the answer was not kept: " + message)
                self.ctx.progress.warn("the answer was not kept: " + message)
        if status:
            self.doc["status"] = status
        self.set_next()
        self.save()
        return exc.exit_code if isinstance(exc, GenmediaError) else exit_codes.PROVIDER

    def set_next(self):
        resumable = self.doc["task_id"] and (self.doc["status"] not in task_status.TERMINAL
                                             or self.downloads_cut_short)
        gate = self.doc["status"] == task_status.AWAITING_PAYMENT and not self._pay_requested()
        self.doc["next"] = self.ctx.resume_command(self.doc["task_id"], yes=gate) if resumable else None
        if self.doc["status"] == task_status.REJECTED and (self.doc["error"] or {}).get("kind") == OutOfTime.kind:
            self.doc["next"] = self.ctx.this_command()   # --timeout ran out before anything was sent

    def _pay_requested(self):
        return bool((self.doc.get("payment") or {}).get("requested_at"))

    # -- submit ---------------------------------------------------------------------------
    def submit(self, prepared, before_send=None):
        """Send the request once; returns an exit code if it did not produce a task.
        `before_send()` runs just before the POST that can create the task (not before
        uploads or rate-limit waits); if it raises, nothing is sent."""
        ctx = self.ctx
        self.save()  # the intent, before anything leaves the machine
        ctx.progress.phase("submitting")
        http = ctx.http if before_send is None else _SendWatch(ctx.http, prepared, before_send)
        try:
            task_id = ctx.adapter.submit(http, prepared, self.record_task_id)
        except (SubmitOutcomeUnknown, BadResponse) as exc:  # lost, or "success" we cannot read
            result_document.add_note(self.doc, "nothing was resubmitted: a second submit could be charged "
                                               "twice; check the provider's dashboard before trying again")
            return self.fail(exc, task_status.UNKNOWN)
        except GenmediaError as exc:  # refused, or never reached the provider
            if prepared.unlisted and not self.doc["task_id"] and _refusal(exc):
                exc = UsageError("%s refused model %r: %s" % (self.doc["provider"], prepared.model,
                                                              exc.provider_message or exc.message),
                                 kind="model_refused", provider_message=exc.provider_message,
                                 http_status=exc.http_status)
            if self.doc["task_id"]:   # a task exists (multi-step submit): it failed at the provider
                result_document.add_note(self.doc, "the provider created %s but refused to start it"
                                         % self.doc["task_id"])
                return self.fail(exc, task_status.FAILED)
            return self.fail(exc, task_status.REJECTED)   # no task: not a task that failed
        self.doc["request"]["body"] = prepared.display_body()  # e.g. uploaded references' keys filled in
        if self.doc["task_id"] != task_id:
            self.record_task_id(task_id)
        self.doc["status"] = task_status.QUEUED
        self.save()
        model = self.doc.get("model")
        ctx.progress.say("submitted task %s%s" % (task_id, " (%s)" % model if model else ""))
        return None

    def record_task_id(self, task_id):
        """Persist the provider's id the moment it is known (for multi-step submits, before
        the next POST), so no crash can lose a task that exists."""
        self.doc.update(task_id=task_id, submitted_at=result_document.now_iso())
        self.set_next()
        try:
            self.ctx.store.remember_task(self.run, task_id)
        except OSError as exc:
            raise RunNotSaved.of(self.run.dir, exc) from None
        self.indexed = True
        self.save()

    # -- polling --------------------------------------------------------------------------
    def check(self, since_submit=None, may_pay=False):
        """One query; updates the document. Returns an exit code when polling must stop.

        `may_pay`: at a spending gate, pay (once, ever) if the user said --yes."""
        ctx = self.ctx
        try:
            by_run = getattr(ctx.adapter, "query_for_run", None)   # adapters whose poll depends on the run
            snap = by_run(ctx.http, self.doc) if by_run else ctx.adapter.query(ctx.http, self.doc["task_id"])
        except UnknownTask as exc:
            grace = ctx.adapter.schedule(self.doc.get("model")).grace
            if since_submit is not None and since_submit < grace:
                self.doc["polls"] += 1
                self.save()
                return None  # not visible yet right after submit
            return self.fail(exc)
        except (BadResponse, AuthError) as exc:
            return self.fail(exc)
        self.doc["polls"] += 1
        if not self.indexed:
            ctx.store.remember_task(self.run, self.doc["task_id"])
            self.indexed = True
        self._apply(snap)
        if self.doc["status"] in task_status.TERMINAL:
            return self._finish(snap)
        if self.doc["status"] == task_status.AWAITING_PAYMENT:
            return self._payment_gate(may_pay)
        if snap.stalled and self.doc["status"] == task_status.QUEUED:
            code = self._never_started(snap.stalled)
            if code is not None:
                return code
        self.save()
        return None

    def _apply(self, snap):
        doc = self.doc
        doc["status"], doc["provider_status"] = snap.status, snap.provider_status
        result_document.add_note(doc, snap.note)
        found = snap.outputs or [(url, self.ctx.adapter.output_kind) for url in snap.urls]
        if len(found) > MAX_OUTPUTS:
            result_document.add_note(doc, "the provider listed %d results; the first %d are kept (a task gives "
                                          "a handful: the rest looks like a runaway answer)"
                                     % (len(found), MAX_OUTPUTS))
            found = found[:MAX_OUTPUTS]
        if found:
            old = {_url_key(o["url"]): o for o in doc["outputs"]}
            outputs = []
            for url, kind, *facts in found:
                entry = dict(old.get(_url_key(url), {}))  # keep the downloaded file, refresh the URL
                entry.update(url=url, kind=kind, **(facts[0] if facts else {}))
                outputs.append(entry)
            doc["outputs"] = outputs
            ttl = snap.result_ttl or getattr(self.ctx.adapter, "result_ttl_seconds", None)
            result_document.add_note(doc, result_expiry.stamp(outputs, ttl and ttl * self.ctx.poll_scale,
                                                              snap.completed_at))
        if snap.texts:
            doc["texts"] = snap.texts
        if snap.credits:
            doc["credits"] = snap.credits
        if snap.progress is not None:
            doc["progress"] = snap.progress
        if snap.payment is not None:
            doc["payment"] = dict(doc.get("payment") or {}, pay_status=snap.payment.get("pay_status"))
        doc["error"] = snap.error.to_dict() if snap.error else None
        self.set_next()

    # -- states that need the user ----------------------------------------------------------
    def _payment_gate(self, may_pay):
        """At `awaiting_payment`: see payment_gate (pay once, ever, across roots)."""
        return payment_gate.at_gate(self, may_pay)

    def _never_started(self, reason):
        """A queued task the provider says may never start: blocked (exit 4) once it has
        stayed so for NEVER_STARTED_SECONDS since we submitted or began following it."""
        since = self.doc.get("submitted_at") or self.doc["created_at"]
        if (time.time() - _epoch(since)) / self.ctx.poll_scale < NEVER_STARTED_SECONDS:
            return None
        provider = self.ctx.adapter.provider
        exc = Blocked("%s still shows %s as %s (%s) since %s; it will not start on its own: check it in the %s "
                      "dashboard; if it runs there, run `next`, if it never started, submit again"
                      % (provider, self.doc["task_id"], self.doc["provider_status"], reason, since, provider))
        self.ctx.progress.warn("blocked: " + exc.message)
        return self.fail(exc)

    def _finish(self, snap):
        self.doc["finished_at"] = self.doc["finished_at"] or result_document.now_iso()
        if self.doc["status"] == task_status.SUCCEEDED:
            for out in self.doc["outputs"]:   # known without downloading: no web URL
                problem = unusable_url(out["url"])
                if problem:
                    out["unusable"] = problem
            if self.ctx.download:
                self.save()
                self.download_outputs()
            if self.doc["outputs"] and all(out.get("unusable") for out in self.doc["outputs"]):
                return self._nothing_usable()
            result_expiry.review(self.doc)
            self.set_next()
            self.save()
            self.ctx.progress.phase(self._phase())   # the live line ends on the outcome, not the download
            return exit_codes.STILL_RUNNING if self.downloads_cut_short else exit_codes.OK
        self.save()
        return exit_codes.TASK_FAILED

    def _nothing_usable(self):
        """A "success" whose every result is unusable produced nothing: the run failed, with why."""
        reasons = sorted({out["unusable"] for out in self.doc["outputs"]})
        result_document.set_error(self.doc, ProviderError(
            "%s reported success but none of its %d result(s) is usable: %s"
            % (self.ctx.adapter.provider, len(self.doc["outputs"]), "; ".join(reasons)[:400]), kind="unusable_result"))
        self.doc["status"] = task_status.FAILED
        self.set_next()
        self.save()
        return exit_codes.TASK_FAILED

    def download_outputs(self):
        """Fetch what is missing; --timeout running out leaves the rest for `wait`."""
        ctx = self.ctx
        refresh = getattr(ctx.adapter, "refresh_link", None)   # a fresh link for one that stopped working
        self.downloads_cut_short = not fetch_outputs(ctx.http, self.doc["outputs"], self.run.outputs_dir,
                                                     ctx.adapter.max_download_bytes, ctx.progress,
                                                     refresh=refresh and (lambda url: refresh(ctx.http, self.doc, url)))
        if self.doc.get("delivery"):   # --output: into the user's project (imported only then: cold start)
            from ..media.delivery import deliver

            deliver(self.doc, ctx.progress.warn, ctx.progress.say)

    def _status_key(self):
        step = (self.doc.get("progress") or {}).get("current_step")
        return (self.doc["provider_status"], step)

    def _status_line(self, seconds):
        doc = self.doc
        line = "%s: %s" % (doc["task_id"], doc["provider_status"] or doc["status"])
        progress = doc.get("progress")
        if progress and progress.get("percent") is not None:
            line += ", %d%%" % progress["percent"]
        elif progress:
            line += ", step %s (done: %s)" % (progress.get("current_step") or "-",
                                              ", ".join(progress.get("completed_steps") or []) or "none")
        return line + ", %ds" % seconds

    def _phase(self):
        """The live line's phase: queued, running, running step X, 40%."""
        doc = self.doc
        text = doc["status"].replace("_", " ")
        if doc.get("provider_status") and doc["provider_status"] != doc["status"]:
            text += " (%s)" % doc["provider_status"]
        progress = doc.get("progress") or {}
        if progress.get("percent") is not None:
            text += ", %s%%" % progress["percent"]
        elif progress.get("current_step"):
            text += ", step %s" % progress["current_step"]
        return text

    def provider_elapsed(self):
        """Provider seconds since the submit (None before it): the poll schedule's clock."""
        submitted = _epoch(self.doc.get("submitted_at"))
        return (time.time() - submitted) / self.ctx.poll_scale if submitted else None

    def follow(self, timeout):
        """Poll until terminal or the deadline (the HTTP client's, so requests, retries and
        downloads end with it; set here unless the command did); returns the exit code."""
        ctx = self.ctx
        start = time.monotonic()
        if ctx.http.deadline is None:
            ctx.http.deadline = start + timeout
        deadline = ctx.http.deadline
        schedule = ctx.adapter.schedule(self.doc.get("model"))
        submitted = _epoch(self.doc.get("submitted_at"))
        scale = ctx.poll_scale
        ctx.progress.phase("waiting for %s" % self.doc["task_id"],
                           expected=tuple(ctx.time_scale * s for s in schedule.expected))
        failures = 0
        rng = random.Random()
        since = (time.time() - submitted) / scale if submitted else None
        if since is not None and since < schedule.first:
            # Just submitted: the schedule's first check (a few seconds in) is the earliest a
            # query can tell anything; one at once would only read "queued" (poll_bench counts this).
            time.sleep(max(0.0, min(deadline - time.monotonic(), (schedule.first - since) * scale)))
        while True:
            since = (time.time() - submitted) / scale if submitted else None
            out_of_time = None
            try:
                code = self.check(since, may_pay=True)
                failures = 0
            except OutOfTime as exc:  # a retry the deadline leaves no room for: stop, resumable
                code, out_of_time = None, exc.message
            except ProviderError as exc:  # a failed query (transport, or a business error in a 200)
                failures += 1
                if failures >= MAX_QUERY_FAILURES:
                    return self.fail(exc)
                ctx.progress.warn("query failed (%s); will try again" % exc.message)
                code = None
            if code is not None:
                return code
            ctx.progress.status(self._status_line(time.monotonic() - start), key=self._status_key(),
                                phase=self._phase())
            remaining = deadline - time.monotonic()
            if remaining <= 0 or out_of_time:
                self.doc["error"] = None
                self.set_next()
                self.save()
                ctx.progress.say("still %s after %ds%s; resume with: %s"
                                 % (self.doc["status"], time.monotonic() - start,
                                    " (%s)" % out_of_time if out_of_time else "", self.doc["next"]))
                return exit_codes.STILL_RUNNING
            elapsed = (time.time() - submitted if submitted else time.monotonic() - start) / scale
            time.sleep(min(remaining, schedule.delay(elapsed, rng) * scale))
