"""result.md: the run as a person reads it (request, status, links, previews).

Everything that came from the provider or the user is escaped (markdown_text):
result.md is opened in viewers that render HTML and follow links.
"""

import os

from . import run_cost
from ..core.markdown_text import code_block, link, link_target, local_link, short_url, text
from .result_document import prompt_and_parameters

_STATUS_LINE = {
    "succeeded": "Succeeded",
    "failed": "Failed",
    "canceled": "Canceled",
    "queued": "Queued at the provider",
    "running": "Still running at the provider",
    "awaiting_payment": "Waiting for payment confirmation",
    "unknown": "Unknown: the submit's answer never arrived",
    "rejected": "Not submitted: the provider refused the request or was never reached (no task exists)",
}


def _cell(value):
    return text(value)


class _Links:
    """Reference-style links: the text says what a link is, and the long signed URLs wait
    at the end of the file (`[1]: https://...`), verbatim, out of the reader's way."""

    def __init__(self):
        self.targets = []

    def __call__(self, label, url):
        target = link_target(url)
        if target is None:
            return link(label, url)   # not a web link: shown as inert text
        if target not in self.targets:
            self.targets.append(target)
        return "[%s][%d]" % (text(label), self.targets.index(target) + 1)

    def definitions(self):
        return ["[%d]: %s" % (n, target) for n, target in enumerate(self.targets, 1)]


def render(doc):
    links = _Links()
    prompt, params = prompt_and_parameters(doc)
    lines = ["# %s: %s" % (text(doc["skill"]), text(_STATUS_LINE.get(doc["status"], doc["status"]))), ""]
    if doc.get("simulated"):
        lines += ["> Simulated run (built-in simulator): no provider was called and nothing was charged.", ""]
    lines += ["| field | value |", "|---|---|"]
    rows = [("status", doc["status"] + (" (provider: %s)" % doc["provider_status"] if doc.get("provider_status") else "")),
            ("task_id", doc.get("task_id") or "none"), ("provider", doc["provider"]),
            ("model", doc.get("model") or "")]
    if prompt:
        rows.append(("prompt", prompt))
    rows += [(key, _compact(value)) for key, value in params.items()]
    confirmation = doc.get("confirmation")
    if confirmation:  # the spending gate the user passed
        est = confirmation["estimate"]
        source = " (%s)" % confirmation["source"] if confirmation.get("source") else ""
        rows.append(("estimated cost", "%s %s%s, confirmed by %s" % (est.get("credits"), est.get("currency") or "credits",
                                                                    source, confirmation["confirmed_by"])))
    if doc.get("cost"):
        rows.append(("cost", run_cost.describe(doc["cost"])))
    rows += [("run", doc["run_id"]), ("created", doc["created_at"]), ("updated", doc["updated_at"])]
    lines += ["| %s | %s |" % (k, _cell(v)) for k, v in rows]
    refs = (doc.get("request") or {}).get("references") or []
    if refs:
        lines += ["", "## References", ""]
        for ref in refs:
            value = ref.get("value")
            shown = value if value and not link_target(value) else ref.get("path") or ref.get("object_key")
            shown = _cell(shown) if shown else links(short_url(value), value) if value else "inline base64"
            if ref.get("path") and ref.get("object_key"):
                shown += " (uploaded as %s)" % ref["object_key"]
            extra = " (sha256 %s…, %d bytes)" % (ref["sha256"][:12], ref["bytes"]) if "sha256" in ref else ""
            if ref.get("uploaded_url"):
                extra += ", uploaded%s: %s" % (" (reused)" if ref.get("reused_upload") else "",
                                               links(short_url(ref["uploaded_url"]), ref["uploaded_url"]))
            lines.append("- %s: %s%s" % (text(ref["type"]), shown, extra))
    progress, payment = doc.get("progress"), doc.get("payment")
    if doc.get("credits"):
        lines += ["", "Credits: %s" % text(", ".join("%s %s" % (k, v) for k, v in sorted(doc["credits"].items())
                                                     if v is not None))]
    if progress and progress.get("percent") is not None:
        lines += ["", "Progress: %s%%" % text(str(progress["percent"]))]
    elif progress:
        lines += ["", "## Progress", "", "- current step: %s" % text(progress.get("current_step") or "-"),
                  "- completed: %s" % text(", ".join(progress.get("completed_steps") or []) or "none")]
        for failed in progress.get("failed_steps") or []:
            lines.append("- failed: %s (%s)" % (text(failed["step"]), text(failed.get("error") or "no reason given")))
    if payment:
        lines += ["", "## Payment", "", "| field | value |", "|---|---|"]
        for key in ("pay_status", "requested_at", "order_id", "price", "outcome"):
            if payment.get(key) is not None:
                lines.append("| %s | %s |" % (key, _cell(payment[key])))
        for key, value in sorted((payment.get("terms") or {}).items()):
            lines.append("| %s | %s |" % (_cell(key), _cell(value)))
    if doc.get("outputs"):
        lines += ["", "## Results", ""]
        expiring = sorted(o["expires_at"] for o in doc["outputs"] if o.get("expires_at"))
        if expiring:
            lines += ["**The provider deletes these links at %s (UTC)**: keep the local files, or download "
                      "them before then." % expiring[0], ""]
        seen = {}
        for out in doc["outputs"]:
            seen[out["kind"]] = seen.get(out["kind"], 0) + 1
            label = "%s %d" % (out["kind"], seen[out["kind"]])
            expiry = ""
            if out.get("expires_at"):
                expiry = ", expired at %s" % out["expires_at"] if out.get("expired") else ", expires %s" % out["expires_at"]
            lines.append("- " + links("%s (signed link%s)" % (label, expiry or ", expires"), out["url"]))
            facts = ["%s %s" % (key.replace("_", " "), out[key]) for key in ("title", "provider_id", "duration")
                     if out.get(key) not in (None, "")]
            if facts:   # e.g. a song's title and the audioId its follow-ups take
                lines.append("  - %s" % text(", ".join(facts)))
            if out.get("path"):
                rel = os.path.relpath(out["path"], doc["artifacts"]["dir"])
                lines.append("  - local file: %s (%d bytes, sha256 %s…)"
                             % (local_link(rel, rel), out.get("bytes", 0), text(out.get("sha256", "")[:12])))
                if out["kind"] == "image":
                    lines += ["", "  " + local_link(label, rel, image=True), ""]
            elif out.get("download_error"):
                lines.append("  - not downloaded: %s" % text(out["download_error"]))
    for n, item in enumerate(doc.get("texts") or [], 1):
        lines += ["", "## Text %d: %s" % (n, text(item["title"] or "untitled")), ""]
        lines += ["> %s  " % text(line) for line in item["text"].splitlines()]
    if doc.get("error"):
        err = doc["error"]
        lines += ["", "## Error", "", "**%s**: %s" % (text(err["kind"]), text(err["message"]))]
        if err.get("provider_message") and err["provider_message"] not in err["message"]:
            lines += ["", "Provider said: %s" % text(err["provider_message"])]
    if doc.get("next"):
        lines += ["", "## Resume", ""] + code_block(doc["next"])
    if doc.get("notes"):
        lines += ["", "## Notes", ""] + ["- " + text(n) for n in doc["notes"]]
    if links.targets:
        lines += [""] + links.definitions()
    return "\n".join(lines) + "\n"


def _compact(value):
    """A parameter as one table cell: lists joined, long values cut (the JSON has them whole)."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join("%s %s" % (k, v) for k, v in value.items())
    value = str(value)
    return value if len(value) <= 160 else value[:159] + "…"
