"""The MV trustee step timeline: where a project is, derived from its record and the clock.

Like task_store.phase, nothing here is stored as "current state": a project record keeps
only events (submitted, paid, retried) and the view is computed from them at query time,
so every process reading the same record agrees on the answer. Durations are real
seconds (provider seconds already multiplied by the time scale at submit).

    music-generate -> storyboard -> [payment gate] -> shot -> editor -> completed

Drama projects (trustee v2: director, narration, short-film) walk their own steps, the
ones giggle's director notes show, with the gate at the same place (before the shots,
which is where the cost lies):

    script -> character -> storyboard -> [payment gate] -> shot -> video -> export

The gate holds the project until pay is called; the shot step is measured from the pay
time (or from the retry time when a retry starts at or after it).
"""
import hashlib

# (step, share of the total duration, sub-steps). The step names are the catalog's
# `$defs.step.enum`; tests check that the two lists agree.
PLAN = (
    ("music-generate", 0.25, ("lyrics", "audio")),
    ("storyboard", 0.25, ("script", "storyboard")),
    ("shot", 0.35, ("image", "video")),
    ("editor", 0.15, ("compose", "export")),
)
STEPS = tuple(p[0] for p in PLAN)
DRAMA_PLAN = (
    ("script", 0.1, ("outline", "script")),
    ("character", 0.15, ("design", "portrait")),
    ("storyboard", 0.15, ("scenes", "storyboard")),
    ("shot", 0.35, ("image", "video")),
    ("video", 0.15, ("voice", "compose")),
    ("export", 0.1, ("render", "upload")),
)
GATE_BEFORE = "shot"
PENDING_SHARE = 0.05    # the first 5% of a fresh run still reads as "pending"
FAIL_POINT = 0.5        # failures strike half-way through their step (its 2nd sub-step)
FAIL_STEP = "shot"      # where the fail/error/moderation outcomes strike
FLAKY_SUB_STEP = 1      # music-generate's "audio" sub-step reports the transient err_msg

# Per project type: total provider seconds (min, max), price in credits, video seconds.
TYPES = {
    "mv": {"seconds": (600, 1200), "price": 580, "video": (60, 180)},
    "aimv-30": {"seconds": (300, 600), "price": 290, "video": (30, 30)},
    # drama: the price is the base for a 60 s video (see drama_price)
    "director": {"seconds": (900, 1800), "price": 600, "video": (30, 300), "plan": DRAMA_PLAN},
    "narration": {"seconds": (600, 1200), "price": 300, "video": (30, 300), "plan": DRAMA_PLAN},
    "short-film": {"seconds": (900, 1800), "price": 450, "video": (30, 300), "plan": DRAMA_PLAN},
}


def plan_of(project_type):
    return TYPES[project_type].get("plan", PLAN)


FAIL_MSG = "shot generation failed"
MODERATION_MSG = "The content contains sensitive information, please modify and try again"
FLAKY_MSG = "retrying upstream: timeout"


def _fraction(project_id, salt):
    digest = hashlib.sha256((salt + "|" + project_id).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) / float(0xFFFFFFFF)


def provider_seconds(project_id, project_type):
    lo, hi = TYPES[project_type]["seconds"]
    return lo + _fraction(project_id, "duration") * (hi - lo)


def video_seconds(project_id, project_type):
    lo, hi = TYPES[project_type]["video"]
    return int(round(lo + _fraction(project_id, "video") * (hi - lo)))


def shot_count(project_id, project_type, seconds=None):
    return max(1, (seconds or video_seconds(project_id, project_type)) // 5)  # ~5 s per shot


def plan_outcome(kind, message):
    """OutcomePlan entry -> (trustee outcome, message). `flaky_sub_step` succeeds but
    reports a transient err_msg during music-generate (the original client aborted on it)."""
    if kind == "flaky_sub_step":
        return "flaky", message or FLAKY_MSG
    if kind in ("fail", "error", "canceled"):
        return "fail", message or FAIL_MSG
    if kind == "moderation":
        return "fail", message or MODERATION_MSG
    if kind == "never":
        return "never", None
    return "succeed", None


def _subs(names, status_of_index, error_at=None, error=""):
    return [{"step": n, "status": status_of_index(i), "error": error if i == error_at else ""}
            for i, n in enumerate(names)]


def _done(name_subs):
    return _subs(name_subs, lambda i: "completed")


def view(record, now, pay_lag=0.0):
    """The project as the query endpoint describes it (without URLs).

    Keys: status, pay_status, current_step, completed (list), err_msg, steps (list of
    {step, status, sub_steps}), failed_step (name or None), shot_count.
    """
    steps = [{"step": name, "status": "pending", "sub_steps": _subs(subs, lambda i: "pending")}
             for name, _, subs in plan_of(record["type"])]
    out = {"status": "pending", "pay_status": "paid" if _paid_at(record, now, pay_lag) is not None else None,
           "current_step": None, "completed": [], "err_msg": "", "steps": steps,
           "failed_step": None, "shot_count": None}
    if record.get("submitted_at") is not None:  # else: created only, nothing has started
        _walk(record, now, out, steps, pay_lag)
    if "storyboard" in out["completed"]:
        out["shot_count"] = shot_count(record["project_id"], record["type"], record.get("video_seconds"))
    return out


def _paid_at(record, now, pay_lag):
    """When the payment shows in queries, or None while it does not (yet): a taken pay
    can show `pay_lag` seconds late (Simulator.pay_visible_after)."""
    if record.get("paid_at") is None:
        return None
    shows_at = float(record["paid_at"]) + max(0.0, float(pay_lag))
    return shows_at if now >= shows_at else None


def _walk(record, now, out, steps, pay_lag):
    total = float(record["duration"])
    run_at, start = float(record["run"]["at"]), int(record["run"]["from"])
    paid_at = _paid_at(record, now, pay_lag)
    outcome = record.get("outcome", "succeed")
    plan = plan_of(record["type"])
    t = run_at
    for idx, (name, share, subs) in enumerate(plan):
        if idx < start:
            _complete(out, steps[idx], subs)
            continue
        if name == GATE_BEFORE:
            if paid_at is None:  # the loop only gets here once the earlier steps are done
                out.update(status="processing", current_step="pay", pay_status="pending")
                return
            t = max(t, float(paid_at))
        length = float("inf") if (outcome == "never" and idx == 0) else share * total
        out["current_step"] = name
        if record.get("fail_step") == name and now >= t + length * FAIL_POINT:
            failed_at = min(len(subs) - 1, int(FAIL_POINT * len(subs)))
            message = record.get("message") or FAIL_MSG
            steps[idx].update(status="failed", sub_steps=_subs(
                subs, lambda i: "completed" if i < failed_at else ("failed" if i == failed_at else "pending"),
                error_at=failed_at, error=message))
            out.update(status="failed", err_msg=message, failed_step=name)
            return
        if now < t + length:
            _running(out, steps[idx], subs, (now - t) / length if length else 0.0,
                     fresh=(idx == 0 and start == 0 and now - t < PENDING_SHARE * total),
                     flaky=(outcome == "flaky" and idx == 0), message=record.get("message"))
            return
        _complete(out, steps[idx], subs)
        t += length
    out.update(status="completed", current_step=plan[-1][0])


def _complete(out, step, subs):
    step.update(status="completed", sub_steps=_done(subs))
    out["completed"].append(step["step"])


def _running(out, step, subs, fraction, fresh, flaky, message):
    if fresh:  # accepted but not yet picked up by a worker
        out["current_step"] = step["step"]
        return
    k = min(len(subs) - 1, int(fraction * len(subs)))
    step.update(status="processing", sub_steps=_subs(
        subs, lambda i: "completed" if i < k else ("processing" if i == k else "pending")))
    out["status"] = "processing"
    if flaky and k == FLAKY_SUB_STEP:
        # Only the top-level err_msg carries the upstream retry notice; the sub-step
        # itself keeps going, and the step completes normally afterwards.
        out["err_msg"] = message or FLAKY_MSG
