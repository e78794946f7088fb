"""Control endpoints under /__sim__/ for cross-process tests and benchmarks.

A test driving the standalone simulator (`python -m genmedia_skills.simulator`) has no Python
handle on it, so faults, outcomes and the request log are reachable over HTTP too.
No auth: the simulator only ever listens on loopback.
"""
from .routing import Response


def _bad(message):
    return Response(400, {"ok": False, "error": message})


def _object_body(req):
    ok, body = req.json()
    return body if ok and isinstance(body, dict) else None


def handle_control(sim, req):
    name = req.path[len("/__sim__/"):].strip("/")
    if req.method in ("GET", "HEAD") and name == "health":
        return Response(200, {"ok": True})
    if req.method in ("GET", "HEAD") and name == "requests":
        return Response(200, [r._asdict() for r in sim.requests])
    if req.method == "POST" and name == "faults":
        body = _object_body(req)
        if body is None or "route" not in body or "kind" not in body:
            return _bad("body must be a JSON object with route and kind")
        route, kind, times = body.pop("route"), body.pop("kind"), body.pop("times", 1)
        try:
            sim.faults.add(route, kind, times, **body)
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return Response(200, {"ok": True})
    if req.method == "POST" and name == "outcomes":
        body = _object_body(req)
        if body is None or "kind" not in body:
            return _bad("body must be a JSON object with kind")
        unknown = sorted(set(body) - {"kind", "times", "message", "duration", "count"})
        if unknown:
            return _bad("unknown outcome field(s): %s" % ", ".join(unknown))
        try:
            sim.outcomes.add(body["kind"], body.get("times", 1), body.get("message"), body.get("duration"),
                             body.get("count"))
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return Response(200, {"ok": True})
    if req.method == "POST" and name == "reset":
        sim.faults.clear()
        sim.outcomes.clear()
        sim.log.clear()
        return Response(200, {"ok": True})
    return Response(404, {"ok": False, "error": "unknown control endpoint %s %s" % (req.method, req.path)})
