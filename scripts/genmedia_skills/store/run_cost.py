"""What a run cost, and where that figure comes from (result.json `cost`).

Sources, best first; a better one always replaces a weaker one, never the reverse:
- `reported`: the provider's own number after the run (KIE creditsConsumed, a giggle pay price);
- `provider_estimate`: the provider's price before the run (CreatOK's estimate the user confirmed);
- `table_estimate`: our published-price table (price_table), an estimate and labelled so;
- `none_created`: the submit was refused or never reached the provider, so no task exists;
- `unknown`: nobody said; never filled in with a guess.

Adapter hooks (both optional): `price(prepared) -> {credits, source, basis}` before the
submit, and `reported_cost(doc) -> (credits, detail) | None` after a query; without the
latter the runtime reads the provider-neutral fields every adapter fills (`credits.consumed`
from a query, `payment.price` from a pay answer).
"""

from ..core import task_status

REPORTED, PROVIDER_ESTIMATE, TABLE_ESTIMATE = "reported", "provider_estimate", "table_estimate"
NONE_CREATED, UNKNOWN = "none_created", "unknown"
SOURCES = (REPORTED, PROVIDER_ESTIMATE, TABLE_ESTIMATE, NONE_CREATED, UNKNOWN)
ESTIMATES = (PROVIDER_ESTIMATE, TABLE_ESTIMATE)
_RANK = {REPORTED: 4, NONE_CREATED: 3, PROVIDER_ESTIMATE: 2, TABLE_ESTIMATE: 1, UNKNOWN: 0}


def number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


def unknown(detail):
    return {"credits": None, "currency": "credits", "source": UNKNOWN, "detail": detail}


def price(adapter, prepared):
    """The price of `prepared` before it is sent: {credits (None: unknown), currency, source, detail}."""
    hook = getattr(adapter, "price", None)
    found = hook(prepared) if hook else None
    if not found or number(found.get("credits")) is None:
        why = (found or {}).get("basis") or "%s publishes no price for this request" % adapter.provider
        return unknown(why)
    source = found.get("source") if found.get("source") in ESTIMATES else TABLE_ESTIMATE
    return {"credits": found["credits"], "currency": found.get("currency") or "credits", "source": source,
            "detail": found.get("basis") or source}


def describe(cost):
    """One line a person reads: the figure and where it comes from."""
    if not cost or cost.get("credits") is None:
        return "unknown (%s)" % ((cost or {}).get("detail") or "not reported")
    amount = "%g %s" % (cost["credits"], cost.get("currency") or "credits")
    if cost["source"] == REPORTED:
        return "%s, reported by the provider (%s)" % (amount, cost.get("detail"))
    if cost["source"] == NONE_CREATED:
        return "%s: %s" % (amount, cost.get("detail"))
    return "about %s, an estimate before the run (%s), not the provider's final figure" % (amount, cost.get("detail"))


def _reported(adapter, doc):
    hook = getattr(adapter, "reported_cost", None)
    if hook is not None:
        return hook(doc)
    consumed = number((doc.get("credits") or {}).get("consumed"))
    if consumed is not None:
        return consumed, "credits consumed, as %s reported for the task" % doc["provider"]
    payment = doc.get("payment") or {}
    price_paid = number(payment.get("price"))
    if price_paid is not None and payment.get("outcome") in ("paid", "already_paid"):
        return price_paid, "the pay price %s answered (order %s)" % (doc["provider"], payment.get("order_id"))
    return None


def better(candidate, current):
    """True when cost `candidate` comes from a stronger source than `current`."""
    if not isinstance(candidate, dict) or candidate.get("source") not in _RANK:
        return False
    return _RANK[candidate["source"]] > _RANK.get((current or {}).get("source"), -1)


def settle(doc, adapter):
    """Bring doc["cost"] up to date from what the run now knows (called on every save)."""
    current = doc.get("cost") or unknown("not reported")
    found = None
    reported = _reported(adapter, doc) if adapter is not None else None
    if reported is not None and number(reported[0]) is not None:
        found = {"credits": reported[0], "currency": current.get("currency") or "credits", "source": REPORTED,
                 "detail": reported[1]}
    elif doc.get("status") == task_status.REJECTED and not doc.get("task_id"):
        found = {"credits": 0, "currency": current.get("currency") or "credits", "source": NONE_CREATED,
                 "detail": "no task was created, so nothing was charged"}
    if found is not None and _RANK[found["source"]] >= _RANK.get(current.get("source"), 0):
        current = found
    doc["cost"] = current
    return current
