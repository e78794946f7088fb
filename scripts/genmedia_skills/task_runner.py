"""The life of one task: intent -> submit -> task_id -> polls -> outputs.

Every state change is written to the run before the next step, so a crash at
any point leaves a run that `status`/`wait --task-id` can continue:
- the intent (status `unknown`, no task_id) before the submit POST;
- the task_id right after it; every poll result; every download.
A submit is never repeated here: its outcome is either a task_id, a clear
rejection, or `unknown` with the reason.
"""

import datetime
import os
import random
import time

from . import exit_codes, result_document, result_markdown, task_status
from .downloads import download
from .errors import (AuthError, BadResponse, ConfirmationRequired, GenmediaError, SubmitOutcomeUnknown,
                     TransportError, UnknownTask)

MAX_QUERY_FAILURES = 3   # consecutive failed queries (each already retried) before giving up


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


class Job:
    """A run directory and its result document, kept in step."""

    def __init__(self, ctx, run, doc, indexed=True):
        self.ctx = ctx
        self.run = run
        self.doc = doc
        self.indexed = indexed   # False for a foreign task until the provider confirms it

    def save(self):
        with self.run.locked():
            self._write()

    def _write(self):
        """Write the document; the caller holds the run lock."""
        if "payment" in self.doc:  # payment facts only accumulate: never drop another process's
            stored = (self.run.read() or {}).get("payment") or {}
            for key, value in stored.items():
                if value is not None and self.doc["payment"].get(key) is None:
                    self.doc["payment"][key] = value
        self.doc["updated_at"] = result_document.now_iso()
        result_document.check(self.doc)
        self.run.write(self.doc, result_markdown.render(self.doc))

    def fail(self, exc, status=None):
        """Record an error (and optionally a status), save, return its exit code."""
        if isinstance(exc, BadResponse) and exc.raw_body is not None:
            path = self.run.save_raw("response-%d.txt" % (self.doc["polls"] + 1), exc.raw_body)
            result_document.set_error(self.doc, exc)
            self.doc["error"]["raw_body"] = str(path)
        else:
            result_document.set_error(self.doc, exc)
        if status:
            self.doc["status"] = status
        self.set_next()
        self.save()
        return exc.exit_code if isinstance(exc, GenmediaError) else exit_codes.PROVIDER

    def set_next(self):
        resumable = self.doc["task_id"] and self.doc["status"] not in task_status.TERMINAL
        gate = self.doc["status"] == task_status.AWAITING_PAYMENT and not self._pay_requested()
        self.doc["next"] = self.ctx.resume_command(self.doc["task_id"], yes=gate) if resumable else None

    def _pay_requested(self):
        return bool((self.doc.get("payment") or {}).get("requested_at"))

    # -- submit ---------------------------------------------------------------------------
    def submit(self, prepared):
        """Send the request once; returns an exit code if it did not produce a task."""
        ctx = self.ctx
        self.save()  # the intent, before anything leaves the machine
        try:
            task_id = ctx.adapter.submit(ctx.http, prepared, self.record_task_id)
        except (SubmitOutcomeUnknown, BadResponse) as exc:  # lost, or "success" we cannot read
            result_document.add_note(self.doc, "nothing was resubmitted: a second submit could be charged "
                                               "twice; check the provider's dashboard before trying again")
            return self.fail(exc, task_status.UNKNOWN)
        except GenmediaError as exc:  # rejected: no task was started
            if self.doc["task_id"]:
                result_document.add_note(self.doc, "the provider created %s but refused to start it"
                                         % self.doc["task_id"])
            return self.fail(exc, task_status.FAILED)
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
        self.ctx.store.remember_task(self.run, task_id)
        self.indexed = True
        self.save()

    # -- polling --------------------------------------------------------------------------
    def check(self, since_submit=None, may_pay=False):
        """One query; updates the document. Returns an exit code when polling must stop.

        `may_pay`: at a spending gate, pay (once, ever) if the user said --yes."""
        ctx = self.ctx
        try:
            snap = ctx.adapter.query(ctx.http, self.doc["task_id"])
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
        self.save()
        return None

    def _apply(self, snap):
        doc = self.doc
        doc["status"], doc["provider_status"] = snap.status, snap.provider_status
        result_document.add_note(doc, snap.note)
        found = snap.outputs or [(url, self.ctx.adapter.output_kind) for url in snap.urls]
        if found:
            old = {_url_key(o["url"]): o for o in doc["outputs"]}
            outputs = []
            for url, kind in found:
                entry = dict(old.get(_url_key(url), {}))  # keep the downloaded file, refresh the URL
                entry.update(url=url, kind=kind)
                outputs.append(entry)
            doc["outputs"] = outputs
        if snap.progress is not None:
            doc["progress"] = snap.progress
        if snap.payment is not None:
            doc["payment"] = dict(doc.get("payment") or {}, pay_status=snap.payment.get("pay_status"))
        doc["error"] = snap.error.to_dict() if snap.error else None
        self.set_next()

    # -- the spending gate -------------------------------------------------------------------
    def _claim_payment(self):
        """Record the pay intent, unless another process already did: check and write under
        the run lock, so two concurrent `wait --yes` can never both pay."""
        with self.run.locked():
            stored = (self.run.read() or {}).get("payment") or {}
            if stored.get("requested_at"):
                self.doc["payment"] = dict(stored, pay_status=self.doc["payment"].get("pay_status"))
                self._write()
                return False
            self.doc["payment"].update(requested_at=result_document.now_iso(), outcome=None)
            self.set_next()
            self._write()   # the intent, before the pay POST: a crash after this never pays twice
            return True

    def _payment_gate(self, may_pay):
        """At `awaiting_payment`: stop with exit 6, or pay once if --yes; None = keep polling."""
        ctx, doc = self.ctx, self.doc
        payment = doc.setdefault("payment", {"pay_status": "pending"})
        if self._pay_requested():  # asked before (maybe by a killed process): never again
            self.save()
            return None
        if not (may_pay and ctx.yes):
            doc["error"] = ConfirmationRequired(
                "%s is waiting for payment before it continues; rerun with --yes to pay "
                "(credits are charged once)" % ctx.adapter.provider).to_dict()
            self.set_next()
            self.save()
            return exit_codes.NEEDS_CONFIRMATION
        if not self._claim_payment():
            return None
        try:
            paid = ctx.adapter.pay(ctx.http, doc["task_id"])
        except (SubmitOutcomeUnknown, BadResponse) as exc:
            payment["outcome"] = "answer_lost"
            result_document.add_note(doc, "the pay request's answer was lost (%s); it is never resent: if the "
                                          "provider still shows payment pending, pay in its dashboard" % exc.message)
            self.save()
            return None
        except GenmediaError as exc:
            payment["outcome"] = "rejected"
            result_document.add_note(doc, "the pay request was refused; it is not sent again automatically")
            return self.fail(exc)
        payment.update(order_id=str(paid["order_id"]), price=paid.get("price"), outcome="paid")
        ctx.progress.say("paid: order %s, %s credits" % (payment["order_id"], payment["price"]))
        self.save()
        return None

    def _finish(self, snap):
        self.doc["finished_at"] = self.doc["finished_at"] or result_document.now_iso()
        if self.doc["status"] == task_status.SUCCEEDED:
            if self.ctx.download:
                self.save()
                self.download_outputs()
            self.save()
            return exit_codes.OK
        self.save()
        return exit_codes.TASK_FAILED

    def download_outputs(self):
        ctx = self.ctx
        numbers = {}
        for out in self.doc["outputs"]:
            n = numbers[out["kind"]] = numbers.get(out["kind"], 0) + 1   # video-1, image-1 (its thumbnail)
            if out.get("path") and os.path.isfile(out["path"]):
                continue
            try:
                got = download(ctx.http, out["url"], self.run.outputs_dir, "%s-%d" % (out["kind"], n),
                               kind=out["kind"], max_bytes=ctx.adapter.max_download_bytes)
            except Exception as exc:  # the signed URL is still the deliverable
                message = getattr(exc, "message", None) or "%s: %s" % (type(exc).__name__, exc)
                out["download_error"] = message[:300]
                ctx.progress.warn("could not download %s %d: %s" % (out["kind"], n, message))
                continue
            out.pop("download_error", None)
            out.update(got)
            ctx.progress.say("saved %s" % got["path"])
        if self.doc.get("delivery"):   # --output: into the user's project (imported only then: cold start)
            from .delivery import deliver

            deliver(self.doc, ctx.progress.warn)

    def _status_key(self):
        step = (self.doc.get("progress") or {}).get("current_step")
        return (self.doc["provider_status"], step)

    def _status_line(self, seconds):
        doc = self.doc
        line = "%s: %s" % (doc["task_id"], doc["provider_status"] or doc["status"])
        progress = doc.get("progress")
        if progress:
            line += ", step %s (done: %s)" % (progress.get("current_step") or "-",
                                              ", ".join(progress.get("completed_steps") or []) or "none")
        return line + ", %ds" % seconds

    def follow(self, timeout):
        """Poll until terminal or `timeout` wall seconds; returns the exit code."""
        ctx = self.ctx
        start = time.monotonic()
        schedule = ctx.adapter.schedule(self.doc.get("model"))
        submitted = _epoch(self.doc.get("submitted_at"))
        scale = ctx.poll_scale
        failures = 0
        rng = random.Random()
        while True:
            since = (time.time() - submitted) / scale if submitted else None
            try:
                code = self.check(since, may_pay=True)
                failures = 0
            except TransportError as exc:
                failures += 1
                if failures >= MAX_QUERY_FAILURES:
                    return self.fail(exc)
                ctx.progress.warn("query failed (%s); will try again" % exc.message)
                code = None
            if code is not None:
                return code
            ctx.progress.status(self._status_line(time.monotonic() - start), key=self._status_key())
            remaining = timeout - (time.monotonic() - start)
            if remaining <= 0:
                self.doc["error"] = None
                self.set_next()
                self.save()
                ctx.progress.say("still %s after %ds; resume with: %s"
                                 % (self.doc["status"], timeout, self.doc["next"]))
                return exit_codes.STILL_RUNNING
            elapsed = (time.time() - submitted if submitted else time.monotonic() - start) / scale
            time.sleep(min(remaining, schedule.delay(elapsed, rng) * scale))
