"""A batch under a budget (--max-credits N, or $GENMEDIA_MAX_CREDITS): decided before anything
is sent, item by item in manifest order.

The batch's recorded spend is what its items' runs already cost (each run's `cost`: the
provider's figure, else the estimate it was submitted with). An item is submitted only
while that spend plus its price stays within N; the first one that would cross it stops
submitting: it and every later item are held (no run, nothing sent) and submitted by a
later run of the manifest given a larger budget. Items already submitted are polled to
the end either way. An item of unknown price is held unless --yes-unknown-price.
"""

from ..core import config
from ..jobs import budget
from ..store import run_cost


def _recorded(doc):
    return run_cost.number(((doc or {}).get("cost") or {}).get("credits")) or 0


def apply(planned, opts):
    """(planned with held items' action "held", {item id: why}, budget summary or None)."""
    max_credits = config.max_credits(opts.max_credits)
    if max_credits is None:
        return planned, {}, None
    spent = sum(_recorded(doc) for _, action, _, doc in planned if action != "submit")
    summary = {"max_credits": max_credits, "spent_before": spent, "unknown_price": [], "held": []}
    held, out, stopped = {}, [], None
    for item, action, run, doc in planned:
        if action != "submit":
            out.append((item, action, run, doc))
            continue
        price = run_cost.price(item.skill.adapter, item.prepared)
        refused = stopped or budget.verdict(price, max_credits, spent, accept_unknown=opts.yes_unknown_price)
        if refused is None:
            spent += price["credits"] or 0
            if price["credits"] is None:
                summary["unknown_price"].append(item.id)
            out.append((item, action, run, doc))
            continue
        if stopped is None and price["credits"] is not None:   # the budget is reached: stop submitting here
            stopped = refused
        held[item.id] = refused.message
        summary["held"].append(item.id)
        out.append((item, "held", None, None))
    summary["committed"] = spent
    return out, held, summary


def stop_line(summary):
    """What a person reads when items were held."""
    return ("budget: %d item(s) held (%s); %g of %g credits recorded or committed; run the manifest again with a "
            "larger --max-credits (or --yes-unknown-price) to submit them"
            % (len(summary["held"]), ", ".join(summary["held"][:10]), summary["committed"], summary["max_credits"]))
