"""The spending gate (AIMV pay): stop for --yes, pay once ever, or say the task is blocked.

Pay once, ever, from this machine: before the pay POST the intent is claimed in the
per-user pay ledger (pay_ledger, shared by every artifact root) and written to the
run, both under their locks. Whoever finds a claim (in the run or in the ledger, from
any root, even with result.json lost or edited) never sends pay again. A pay whose
answer is lost, or answered 429, is never resent. giggle.pro saying "already paid" is
the outcome we wanted. If the provider still shows payment pending a while after our
pay, the task cannot move on its own: that is reported as `blocked` (exit 4), never as
"still running" (exit 5), so an agent following `next` does not loop forever.
"""

import datetime
import re
import time

from ..core import config, exit_codes
from ..store import result_document
from ..core.errors import (
    BadResponse,
    Blocked,
    ConfirmationRequired,
    GenmediaError,
    SubmitOutcomeUnknown,
)
from .pay_ledger import LedgerUnavailable, PayLedger

# Provider seconds a requested pay may take to show as paid (scaled by the poll scale).
PAY_SETTLE_SECONDS = 120.0
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def seconds_since(iso, scale):
    """Provider seconds since one of our ISO stamps (None: unknown)."""
    if not isinstance(iso, str) or not _ISO.match(iso):
        return None
    then = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    return (time.time() - then) / scale


def _ledger_key(ctx):
    return ctx.adapter.provider + ("-simulated" if ctx.simulated else "")


def _adopt(job, record, ledger):
    """Take a claim found in the ledger (another root, or a run that lost its payment
    block) into this run: from now on it is "requested" here too."""
    payment = job.doc["payment"]
    if record is None or payment.get("requested_at"):
        return
    stamp = record.get("requested_at")
    payment["requested_at"] = stamp if isinstance(stamp, str) and _ISO.match(stamp) else result_document.now_iso()
    if isinstance(record.get("order_id"), str):
        payment["order_id"] = record["order_id"]
    if isinstance(record.get("price"), (int, float)) and not isinstance(record.get("price"), bool):
        payment["price"] = record["price"]
    if record.get("outcome") in ("paid", "already_paid", "answer_lost", "rejected"):
        payment["outcome"] = record["outcome"]
    where = record.get("run_dir")
    by = " by run %s" % where if isinstance(where, str) else ""
    result_document.add_note(job.doc, "pay was already requested for this project at %s%s (pay ledger %s); it is "
                                      "never sent again" % (payment["requested_at"], by, ledger.dir))


def _claim(job, ledger, key):
    """Record the pay intent unless any process, from any root, did: True = ours to send."""
    doc = job.doc
    with job.run.locked():
        stored = (job.run.read() or {}).get("payment") or {}
        if stored.get("requested_at"):
            doc["payment"] = dict(stored, pay_status=doc["payment"].get("pay_status"))
            job._write()
            return False
        now = result_document.now_iso()
        claimed, record = ledger.claim(key, doc["task_id"], {"requested_at": now, "skill": doc["skill"],
                                                              "run_dir": str(job.run.dir)})
        if claimed:
            doc["payment"].update(requested_at=now, outcome=None)
        else:
            _adopt(job, record, ledger)
        job.set_next()
        job._write()   # the intent, before the pay POST: a crash after this never pays twice
        return claimed


def _settled_or_blocked(job):
    """After a pay was requested: keep polling (None) while the provider may still be
    catching up, then report the blocked state (exit 4)."""
    ctx, doc = job.ctx, job.doc
    payment = doc["payment"]
    waited = seconds_since(payment.get("requested_at"), ctx.poll_scale)
    if waited is not None and waited < PAY_SETTLE_SECONDS:
        job.save()
        return None
    outcome = payment.get("outcome") or "unknown (the process that sent it did not record the answer)"
    exc = Blocked("%s still shows payment pending for %s although pay was requested at %s (outcome: %s); the "
                  "project will not continue on its own and pay is never sent twice from here: check the project "
                  "in the %s dashboard (pay there if it is still unpaid), then run `next`"
                  % (ctx.adapter.provider, doc["task_id"], payment.get("requested_at"), outcome,
                     ctx.adapter.provider))
    ctx.progress.warn("blocked: " + exc.message)
    return job.fail(exc)


def _terms_text(terms):
    """What the pay buys, in the gate's message (the price is giggle's, known once paid)."""
    if not terms:
        return ""
    return ("; the pay uses %s; the price is set by the provider for these and shown once paid"
            % ", ".join("%s %s" % (k, v) for k, v in sorted(terms.items())))


def at_gate(job, may_pay):
    """At `awaiting_payment`: exit 6 without --yes, pay once with it, exit 4 when blocked;
    None = keep polling."""
    ctx, doc = job.ctx, job.doc
    payment = doc.setdefault("payment", {"pay_status": "pending"})
    ledger, key = PayLedger(config.state_dir()), _ledger_key(ctx)
    unavailable = None
    try:
        _adopt(job, ledger.get(key, doc["task_id"]), ledger)
    except LedgerUnavailable as exc:   # matters only if we are about to pay
        unavailable = exc
    if job._pay_requested():   # asked before, here or from any root: never again
        job.set_next()
        return _settled_or_blocked(job)
    terms = payment.get("terms") or getattr(ctx.adapter, "default_pay_terms", None)
    if not (may_pay and ctx.yes):
        doc["error"] = ConfirmationRequired(
            "%s is waiting for payment before it continues; rerun with --yes to pay "
            "(credits are charged once)%s" % (ctx.adapter.provider, _terms_text(terms))).to_dict()
        job.set_next()
        job.save()
        return exit_codes.NEEDS_CONFIRMATION
    try:
        if unavailable:
            raise unavailable
        if not _claim(job, ledger, key):
            return _settled_or_blocked(job)
    except LedgerUnavailable as exc:
        return job.fail(exc)
    try:
        if terms and not payment.get("terms"):   # a run that did not choose (a foreign project)
            payment["terms"] = dict(terms)
        paid = ctx.adapter.pay(ctx.http, doc["task_id"], terms)
    except (SubmitOutcomeUnknown, BadResponse) as exc:
        payment["outcome"] = "answer_lost"
        result_document.add_note(doc, "the pay request's answer was lost (%s); it is never resent: if the "
                                      "provider still shows payment pending, pay in its dashboard" % exc.message)
        ledger.update(key, doc["task_id"], {"outcome": "answer_lost"})
        job.save()
        return None
    except GenmediaError as exc:
        payment["outcome"] = "rejected"
        ledger.update(key, doc["task_id"], {"outcome": "rejected"})
        result_document.add_note(doc, "the pay request was refused; it is not sent again automatically")
        return job.fail(exc)
    if paid.get("already_paid"):
        payment["outcome"] = "already_paid"
        result_document.add_note(doc, "%s answered that the project is already paid: treated as paid"
                                 % ctx.adapter.provider)
        ctx.progress.say("already paid at %s" % ctx.adapter.provider)
    else:
        payment.update(order_id=str(paid["order_id"]), price=paid.get("price"), outcome="paid")
        ctx.progress.say("paid: order %s, %s credits" % (payment["order_id"], payment["price"]))
    ledger.update(key, doc["task_id"], {k: payment.get(k) for k in ("outcome", "order_id", "price")})
    job.save()
    return None
