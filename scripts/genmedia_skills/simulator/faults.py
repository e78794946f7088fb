"""Fault and outcome plans: what the simulator should do wrong next.

A *fault* disturbs one HTTP exchange on a route (5xx, 429, dropped connection, ...).
An *outcome* scripts how the next created task ends (fail, moderation, never, ...).
Both are FIFO queues of rules consumed one per use, guarded by a lock because the
server answers requests from many threads at once.
"""
import threading

# Faults answered before the provider handler runs: for a submit nothing is created,
# exactly like an edge/CDN or gateway rejecting the request. `not_found` is the
# provider's own 404 ("task not found"), as an eventually consistent store answers
# right after a submit.
# `code` answers with any provider error code (KIE's 402, 455, 501, 505, ...) in the
# route's own error dialect.
PRE_FAULTS = ("http_500", "html_502", "http_429", "http_401", "not_found", "code")
# Faults applied after the handler ran: for a submit the task exists but the answer is
# lost, which is how tests prove a client never blindly resubmits.
POST_FAULTS = ("drop", "hang", "malformed_json", "missing_field")
FAULT_KINDS = PRE_FAULTS + POST_FAULTS
# Parameters each fault kind understands; anything else is a typo worth reporting.
FAULT_PARAMS = {
    "http_429": ("retry_after",),
    "hang": ("seconds",),
    "missing_field": ("field",),
    "code": ("code", "message"),
}
# flaky_sub_step: a trustee project reports a transient err_msg while it keeps running;
# empty: the provider reports success with no result file (providers that support it)
OUTCOME_KINDS = ("succeed", "fail", "error", "moderation", "canceled", "never", "flaky_sub_step", "empty")
# count: how many result files a successful task returns (providers that support it)
OUTCOME_PARAMS = ("message", "duration", "count")
# Control endpoints must stay reliable so tests can always inspect and script.
UNFAULTABLE_ROUTES = ("control",)


def route_matches(pattern, route, is_submit):
    """True when rule route `pattern` covers the concrete route name `route`."""
    if route in UNFAULTABLE_ROUTES:
        return False
    if pattern == "*" or pattern == route:
        return True
    # "<provider>.submit" covers every submit endpoint of that provider.
    if pattern.endswith(".submit") and is_submit:
        return route.startswith(pattern[: -len("submit")])
    return False


class FaultRule(object):
    __slots__ = ("route", "kind", "remaining", "params")

    def __init__(self, route, kind, remaining, params):
        self.route, self.kind, self.remaining, self.params = route, kind, remaining, params

    def __repr__(self):
        return "FaultRule(%r, %r, remaining=%r, params=%r)" % (
            self.route, self.kind, self.remaining, self.params)


def _check_times(times):
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError("times must be an integer >= 1, got %r" % (times,))


class FaultPlan(object):
    """Thread-safe queue of fault rules; the first matching rule wins."""

    def __init__(self, known_routes=None):
        # known_routes: concrete route names, used to reject typos like "giggle.qeury".
        self._known = set(known_routes or ())
        self._rules = []
        self._lock = threading.Lock()

    def _valid_route(self, route):
        if route == "*" or route in self._known:
            return True
        if isinstance(route, str) and route.endswith(".submit"):
            prefix = route[: -len("submit")]
            return any(r.startswith(prefix) for r in self._known)
        return not self._known  # no registry given: accept anything

    def add(self, route, kind, times=1, **params):
        if not isinstance(route, str) or not self._valid_route(route) or route in UNFAULTABLE_ROUTES:
            allowed = sorted(self._known - set(UNFAULTABLE_ROUTES)) + ["<provider>.submit", "*"]
            raise ValueError("unknown fault route %r (allowed: %s)" % (route, ", ".join(allowed)))
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (allowed: %s)" % (kind, ", ".join(FAULT_KINDS)))
        _check_times(times)
        allowed_params = FAULT_PARAMS.get(kind, ())
        for key in params:
            if key not in allowed_params:
                raise ValueError("fault %s takes no parameter %r (allowed: %s)" % (
                    kind, key, ", ".join(allowed_params) or "none"))
        with self._lock:
            self._rules.append(FaultRule(route, kind, times, dict(params)))

    def take(self, route, is_submit=False):
        """Consume one use of the first rule matching `route`; returns (kind, params) or None."""
        with self._lock:
            for i, rule in enumerate(self._rules):
                if route_matches(rule.route, route, is_submit):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        del self._rules[i]
                    return rule.kind, dict(rule.params)
        return None

    def pending(self):
        with self._lock:
            return [FaultRule(r.route, r.kind, r.remaining, dict(r.params)) for r in self._rules]

    def clear(self):
        with self._lock:
            del self._rules[:]


class OutcomePlan(object):
    """Thread-safe queue of scripted task outcomes; empty means `succeed`."""

    def __init__(self):
        self._items = []  # [kind, remaining, message, duration, count]
        self._lock = threading.Lock()

    def add(self, kind, times=1, message=None, duration=None, count=None):
        if kind not in OUTCOME_KINDS:
            raise ValueError("unknown outcome kind %r (allowed: %s)" % (kind, ", ".join(OUTCOME_KINDS)))
        _check_times(times)
        if message is not None:
            message = str(message)
        if duration is not None:
            if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
                raise ValueError("outcome duration must be a number >= 0, got %r" % (duration,))
            duration = float(duration)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError("outcome count must be an integer >= 1, got %r" % (count,))
        with self._lock:
            self._items.append([kind, times, message, duration, count])

    def take(self):
        """Consume the next outcome: (kind, message, duration) with defaults when none queued."""
        return self.take_full()[:3]

    def take_full(self):
        """Like take(), plus the result count (None: the provider's usual number)."""
        with self._lock:
            if not self._items:
                return "succeed", None, None, None
            item = self._items[0]
            item[1] -= 1
            if item[1] <= 0:
                self._items.pop(0)
            return item[0], item[2], item[3], item[4]

    def clear(self):
        with self._lock:
            del self._items[:]


def _coerce(value):
    """Spec values are strings; numbers become int/float so `retry_after=1` is numeric."""
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def parse_spec(spec):
    """Parse `route:kind[*N][@k=v[@k=v]]` items (comma separated).

    Returns (faults, outcomes): lists of dicts ready for FaultPlan.add / OutcomePlan.add.
    Raises ValueError naming the offending item.
    """
    faults, outcomes = [], []
    for raw in (spec or "").split(","):
        item = raw.strip()
        if not item:
            continue
        head, _, tail = item.partition("@")
        route, sep, kindpart = head.partition(":")
        route, kindpart = route.strip(), kindpart.strip()
        if not sep or not route or not kindpart:
            raise ValueError("bad fault spec %r: expected route:kind[*N][@k=v...]" % item)
        kind, star, count = kindpart.partition("*")
        kind = kind.strip()
        times = 1
        if star:
            try:
                times = int(count)
            except ValueError:
                raise ValueError("bad fault spec %r: count after '*' must be an integer" % item)
            if times < 1:
                raise ValueError("bad fault spec %r: count must be >= 1" % item)
        params = {}
        for pair in tail.split("@") if tail else ():
            key, eq, value = pair.partition("=")
            if not eq or not key.strip():
                raise ValueError("bad fault spec %r: parameter %r is not k=v" % (item, pair))
            params[key.strip()] = _coerce(value.strip())
        entry = {"kind": kind, "times": times}
        if route == "task":
            if kind not in OUTCOME_KINDS:
                raise ValueError("bad fault spec %r: unknown outcome %r (allowed: %s)" % (
                    item, kind, ", ".join(OUTCOME_KINDS)))
            for key in params:
                if key not in OUTCOME_PARAMS:
                    raise ValueError("bad fault spec %r: outcome takes no parameter %r" % (item, key))
            entry.update(params)
            outcomes.append(entry)
        else:
            if kind not in FAULT_KINDS:
                raise ValueError("bad fault spec %r: unknown fault kind %r (allowed: %s)" % (
                    item, kind, ", ".join(FAULT_KINDS)))
            entry["route"] = route
            entry["params"] = params
            faults.append(entry)
    return faults, outcomes


def apply_spec(spec, fault_plan, outcome_plan):
    """Parse `spec` and load it into the plans; validation errors name the item."""
    faults, outcomes = parse_spec(spec)
    for f in faults:
        try:
            fault_plan.add(f["route"], f["kind"], f["times"], **f["params"])
        except ValueError as exc:
            raise ValueError("bad fault spec item %s:%s: %s" % (f["route"], f["kind"], exc))
    for o in outcomes:
        outcome_plan.add(**o)
