"""Result links that expire (KIE keeps results about 24 h): when each link stops working,
and what to tell the user once it has.

An adapter declares `result_ttl_seconds`; the expiry is counted from the provider's
completion time when it reports one (Snapshot.completed_at), else from the first poll
that saw the result. A download refused after that moment is reported as an expired
link, with the local file when the run has one, never as a bare HTTP 403.
"""

import datetime
import time

from . import result_document


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".%03dZ" % int((epoch % 1) * 1000)


def _epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def stamp(outputs, ttl, completed_at=None, now=None):
    """Give every output without one an `expires_at`."""
    if not ttl:
        return
    start = completed_at if completed_at is not None else (time.time() if now is None else now)
    for out in outputs:
        out.setdefault("expires_at", _iso(start + ttl))


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
