"""Result links that expire (KIE keeps results about 24 h): when each link stops working,
and what to tell the user once it has.

An adapter declares `result_ttl_seconds`; the expiry is counted from the provider's
completion time when it reports one (Snapshot.completed_at), else from the first poll
that saw the result. A download refused after that moment is reported as an expired
link, with the local file when the run has one, never as a bare HTTP 403.
"""

import datetime
import math
import time

from . import result_document

EARLIEST = 1577836800.0          # 2020-01-01: no provider of this bundle finished a task before
FUTURE_SLACK = 24 * 3600.0        # clocks disagree, but not by more than a day


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".%03dZ" % int((epoch % 1) * 1000)


def _epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def plausible(epoch, now=None):
    """`epoch` when it can be a moment a task ended (a number between 2020 and a day from now),
    else None: a provider's time in micro- or nanoseconds, negative or 1e300 is not a date."""
    now = time.time() if now is None else now
    ok = isinstance(epoch, (int, float)) and not isinstance(epoch, bool) and math.isfinite(epoch)
    return epoch if ok and EARLIEST <= epoch <= now + FUTURE_SLACK else None


def stamp(outputs, ttl, completed_at=None, now=None):
    """Give every output without one an `expires_at`; returns a note when the provider's
    completion time cannot be a date (then it is ignored and the expiry counts from now)."""
    if not ttl:
        return None
    now = time.time() if now is None else now
    start = plausible(completed_at, now) if completed_at is not None else None
    for out in outputs:
        out.setdefault("expires_at", _iso((now if start is None else start) + ttl))
    if completed_at is not None and start is None:
        return ("the provider's completion time %r cannot be a date (it is ignored); the result links' "
                "expiry is counted from the first poll that saw them" % (completed_at,))
    return None


def expired(out, now=None):
    return bool(out.get("expires_at")) and (time.time() if now is None else now) >= _epoch(out["expires_at"])


def review(doc, now=None):
    """Mark outputs whose links have expired; note where their local copies are."""
    gone = [out for out in doc["outputs"] if expired(out, now)]
    for out in gone:
        out["expired"] = True
    if gone:
        kept = [out["path"] for out in gone if out.get("path")]
        result_document.add_note(doc, "the provider's result link(s) expired at %s; %s" % (
            gone[0]["expires_at"], "local file(s): " + ", ".join(kept) if kept
            else "no local copy was saved (it was run with --no-download)"))


def download_failure(out, message, now=None):
    """The message to keep for a failed download: an expired link says so."""
    if expired(out, now):
        out["expired"] = True
        return "the link expired at %s (results are kept only for a limited time); %s" % (
            out["expires_at"], "no local copy was saved" if not out.get("path") else "local file: " + out["path"])
    return message
