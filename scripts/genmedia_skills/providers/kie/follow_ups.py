"""Follow-up commands of the KIE skills: a new task made from a finished one (Veo and Runway
extend, Veo's 1080p and 4K versions; Suno extend, lyrics, WAV, vocal removal).

Each is a run like any other (intent before the request, the task id right after, `next`
to resume, outputs downloaded), created at its family's endpoint, so `wait` and `status`
resume it by its task id. The parent's run, when this machine has it, says which API
made the parent and whether it was simulated.
"""

from typing import List, Optional

from ...store import result_document
from ...command.cli import DOWNLOAD, DRY_RUN, TIMEOUT, _option, check_timeout
from ...core.errors import UsageError
from . import families

PARENT = _option("task_id", Optional[str], None, "--task-id", help="The task_id of the finished task to continue from.")
PROMPT = _option("prompt", Optional[str], None, "--prompt", help="What happens next / what to write.")
CALLBACK = _option("callback_url", Optional[str], None, "--callback-url",
                   help="Where KIE may POST the result (env KIE_CALLBACK_URL); default: none, or where KIE "
                        "requires one, https://callback.invalid/..., which receives nothing. Results are polled.")
INPUT = _option("input", Optional[List[str]], None, "--input", help="Any other field of the request as KEY=VALUE.")
RUN_OPTIONS = [TIMEOUT, DRY_RUN, DOWNLOAD]


def parent_doc(ctx, task_id):
    """The stored run of `task_id` in this skill, or None; a simulated parent is followed in
    the simulator (the real KIE never heard of it)."""
    if not task_id or not task_id.strip():
        raise UsageError("--task-id: missing; give the task_id of the finished task")
    run = ctx.store.locate_task(ctx.skill, task_id.strip())
    doc = result_document.load(run.json_path)[0] if run else None
    if doc and doc.get("simulated") and not ctx.simulated:
        ctx.simulated = True
        ctx.progress.say("task %s was made with --simulate; continuing it in the simulator" % task_id)
    elif doc and ctx.simulated and not doc.get("simulated"):
        raise UsageError("--simulate: task %s was made at KIE itself; drop --simulate" % task_id)
    return doc


def parent_family(doc, given, allowed):
    """The API family that made the parent: --api, else its run's endpoint."""
    if given:
        if given not in allowed:
            raise UsageError("--api: %r is not one of: %s" % (given, ", ".join(allowed)))
        return given
    family, _ = families.of_endpoint(((doc or {}).get("request") or {}).get("endpoint"))
    if family is None or family.name not in allowed:
        raise UsageError("--api: needed (one of: %s): %s" % (", ".join(allowed), "no run of this task is saved here"
                                                             if doc is None else "its run was not made by those APIs"))
    return family.name


def song_ids(doc):
    return [o["provider_id"] for o in (doc or {}).get("outputs") or [] if o.get("provider_id")]


def send(ctx, kw, prepared):
    """The follow-up as `run` sends one: --dry-run prints it; otherwise submit and wait."""
    from ...command.commands import dry_run, run

    prepared.check()
    if kw.get("dry_run"):
        return dry_run(ctx, prepared)
    timeout = check_timeout(kw["timeout"])
    if timeout == 0:
        raise UsageError("--timeout: 0 would stop right after the request; give the seconds to wait")
    return run(ctx, prepared, timeout=timeout)
