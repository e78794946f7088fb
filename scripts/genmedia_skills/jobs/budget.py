"""The spending budget (--max-credits N, or $GENMEDIA_MAX_CREDITS): checked before anything
is sent, so an agent in a loop cannot spend past what the person allowed.

A request whose known price (the provider's estimate, else the published price table:
run_cost.price) is above what is left of the budget is refused with exit 6 naming both
figures. A request whose price is unknown is refused too unless the user accepted unknown
prices explicitly (--yes-unknown-price). The check never sends, and never resubmits.
"""

from ..core.errors import OverBudget
from ..store import run_cost

UNKNOWN_FLAG = "--yes-unknown-price"


def verdict(price, budget, spent=0, accept_unknown=False):
    """None when `price` fits the budget; else the OverBudget error saying why."""
    if budget is None:
        return None
    left = budget - spent
    if price["credits"] is None:
        if accept_unknown:
            return None
        return OverBudget("the price of this request is unknown (%s) and a budget of %g credits is set "
                          "(%g left): rerun with %s to accept an unknown cost; nothing was sent"
                          % (price["detail"], budget, left, UNKNOWN_FLAG))
    if price["credits"] > left:
        return OverBudget("this request costs %g credits (%s: %s), more than the %g left of a budget of %g; "
                          "raise --max-credits (or GENMEDIA_MAX_CREDITS) or choose a cheaper request; nothing was "
                          "sent" % (price["credits"], price["source"], price["detail"], left, budget))
    return None


def check(ctx, prepared):
    """(price, stop): `stop` is the document to print with exit 6 when the budget refuses."""
    price = run_cost.price(ctx.adapter, prepared)
    error = verdict(price, ctx.max_credits, accept_unknown=ctx.yes_unknown_price)
    if error is None:
        if ctx.max_credits is not None:
            ctx.progress.say("price: %s; budget: %g credits" % (run_cost.describe(price), ctx.max_credits))
        return price, None
    ctx.progress.say("not submitted: " + error.message)
    from .spending_gate import confirm_command

    return price, {
        "skill": ctx.skill, "provider": ctx.adapter.provider, "simulated": ctx.simulated,
        "status": "over_budget", "task_id": None, "cost": price, "max_credits": ctx.max_credits,
        "request": {"method": prepared.method, "path": prepared.path, "body": prepared.display_body()},
        "error": error.to_dict(), "exit_code": error.exit_code,
        "next": confirm_command(ctx, UNKNOWN_FLAG) if price["credits"] is None else None,
    }
