"""The spending gate: before a paid submit, show what it will do and cost, and get a yes.

An adapter opts in with `confirm_before_submit = True` and `estimate(prepared, upload)
-> dict` (model, why this model, parameters, reference count, credits or "unknown", and
`source`: "server estimate" when the provider priced this exact request, "local
estimate" when its own price list had to stand in). With `upload` (run/submit, not
--dry-run) the adapter may first turn local inputs into what the request will carry
(CreatOK: registered assets, free and remembered per file), so the estimate covers
exactly the request that will be sent. Nothing paid is sent until the user says yes:
`--yes` on the command line, or "y" at a prompt on a terminal. Without a terminal and
without --yes the command stops with exit 6, the estimate and the `next` command that
carries --yes. The confirmation is recorded in the run with the estimate and its source.
"""

import shlex
import sys

from ..store import result_document
from ..core.errors import ConfirmationRequired


def applies(adapter):
    return bool(getattr(adapter, "confirm_before_submit", False)) and hasattr(adapter, "estimate")


def estimate(ctx, prepared, upload=False):
    """The adapter's estimate for `prepared`, or None when it has no gate."""
    return ctx.adapter.estimate(prepared, upload=upload) if applies(ctx.adapter) else None


def confirmation(est, confirmed_by):
    """What the run records: the estimate confirmed, its source, by whom and when."""
    record = {"estimate": est, "confirmed_by": confirmed_by, "confirmed_at": result_document.now_iso()}
    if est.get("source"):
        record["source"] = est["source"]
    return record


def describe(est):
    """Lines a person reads before saying yes."""
    credits = est.get("credits")
    cost = ("%g %s" % (credits, est.get("currency") or "credits")) if isinstance(credits, (int, float)) \
        else "unknown (no price listed)"
    params = ", ".join("%s %s" % (k, v) for k, v in (est.get("parameters") or {}).items())
    source = " (%s)" % est["source"] if est.get("source") else ""
    return ["model: %s (%s)" % (est.get("model"), est.get("why_this_model")),
            "parameters: %s" % params,
            "reference images: %d" % (est.get("reference_images") or 0),
            "estimated cost: %s%s%s" % (cost, source, " [%s]" % est["basis"] if est.get("basis") else "")]


def confirm_command(ctx, flag="--yes"):
    """This very command with `flag` (--yes) added (keys are never in argv, so this is safe
    to show), started the way this one was (absolute script path or console command), so it
    works from any folder."""
    args = [a for a in (ctx.argv if ctx.argv is not None else sys.argv[1:]) if a != flag]
    return " ".join(shlex.quote(part) for part in ctx.invocation + args + [flag])


def _ask(progress, lines):
    try:
        if not (sys.stdin and sys.stdin.isatty() and sys.stderr and sys.stderr.isatty()):
            return None
        if progress.quiet:  # --quiet hides progress, never what the user is asked to pay
            sys.stderr.write("".join(line + "\n" for line in lines))
        sys.stderr.write("Submit this paid request? [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return None
    return answer.strip().lower() in ("y", "yes")


def check(ctx, prepared):
    """(record, stop): `record` goes into the run (None without a gate); `stop` is the
    document to print, with exit 6, when the user has not confirmed."""
    est = estimate(ctx, prepared, upload=True)
    if est is None:
        return None, None
    lines = describe(est)
    for line in lines:
        ctx.progress.say(line)
    if ctx.yes:
        return confirmation(est, "--yes"), None
    answer = _ask(ctx.progress, lines)
    if answer:
        return confirmation(est, "prompt"), None
    reason = ("declined at the prompt" if answer is False else
              "this request costs credits and needs confirmation: ask the user, then rerun with --yes")
    error = ConfirmationRequired("%s; nothing paid was sent" % reason)
    ctx.progress.say("not submitted: %s" % reason)
    return None, {
        "skill": ctx.skill, "provider": ctx.adapter.provider, "simulated": ctx.simulated,
        "status": "needs_confirmation", "task_id": None, "estimate": est,
        "summary": describe(est),
        "request": {"method": prepared.method, "path": prepared.path, "body": prepared.display_body()},
        "error": error.to_dict(), "next": confirm_command(ctx), "exit_code": error.exit_code,
    }
