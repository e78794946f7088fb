"""The spending gate: before a paid submit, show what it will do and cost, and get a yes.

An adapter opts in with `confirm_before_submit = True` and `estimate(prepared) -> dict`
(model, why this model, parameters, reference count, credits or "unknown"). `run` and
`submit` then send nothing (beyond what prepare needed to read) until the user says
yes: `--yes` on the command line, or "y" at a prompt on a terminal. Without a terminal
and without --yes the command stops with exit 6, the estimate and the `next` command
that carries --yes. The confirmation is recorded in the run with the estimate.
"""

import shlex
import sys

from ..store import result_document
from ..core.errors import ConfirmationRequired


def applies(adapter):
    return bool(getattr(adapter, "confirm_before_submit", False)) and hasattr(adapter, "estimate")


def estimate(ctx, prepared):
    """The adapter's estimate for `prepared`, or None when it has no gate."""
    return ctx.adapter.estimate(prepared) if applies(ctx.adapter) else None


def describe(est):
    """Lines a person reads before saying yes."""
    credits = est.get("credits")
    cost = ("%g %s" % (credits, est.get("currency") or "credits")) if isinstance(credits, (int, float)) \
        else "unknown (no price listed)"
    params = ", ".join("%s %s" % (k, v) for k, v in (est.get("parameters") or {}).items())
    return ["model: %s (%s)" % (est.get("model"), est.get("why_this_model")),
            "parameters: %s" % params,
            "reference images: %d" % (est.get("reference_images") or 0),
            "estimated cost: %s%s" % (cost, " [%s]" % est["basis"] if est.get("basis") else "")]


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
    est = estimate(ctx, prepared)
    if est is None:
        return None, None
    lines = describe(est)
    for line in lines:
        ctx.progress.say(line)
    if ctx.yes:
        return {"estimate": est, "confirmed_by": "--yes", "confirmed_at": result_document.now_iso()}, None
    answer = _ask(ctx.progress, lines)
    if answer:
        return {"estimate": est, "confirmed_by": "prompt", "confirmed_at": result_document.now_iso()}, None
    reason = ("declined at the prompt" if answer is False else
              "this request costs credits and needs confirmation: ask the user, then rerun with --yes")
    error = ConfirmationRequired("%s; nothing was sent" % reason)
    ctx.progress.say("not submitted: %s" % reason)
    return None, {
        "skill": ctx.skill, "provider": ctx.adapter.provider, "simulated": ctx.simulated,
        "status": "needs_confirmation", "task_id": None, "estimate": est,
        "summary": describe(est),
        "request": {"method": prepared.method, "path": prepared.path, "body": prepared.display_body()},
        "error": error.to_dict(), "next": confirm_command(ctx), "exit_code": error.exit_code,
    }
