"""The result as a person at a terminal reads it: a few lines instead of the JSON document.

It keeps what an agent would need too (the task id, the `next` command, where the files
are), so nothing is lost when an agent happens to run in a pseudo-terminal; `--json`
brings the document back. Provider text passes for_terminal (keys masked, control
characters removed), like every other line we print.
"""

import os
from pathlib import Path

from ..core.output_mode import paint
from ..core.terminal_text import for_terminal
from ..store.result_document import cost_text

_MARK = {"succeeded": ("done", "green"), "failed": ("failed", "red"), "canceled": ("canceled", "red"),
         "rejected": ("not submitted", "red"), "unknown": ("unknown", "yellow"),
         "needs_confirmation": ("needs your confirmation", "yellow"),
         "awaiting_payment": ("waiting for payment", "yellow")}


def shown_path(path, cwd=None):
    """A path as short as it stays unambiguous: relative below the working folder, ~ below home."""
    path = os.path.abspath(str(path))
    cwd = os.path.abspath(cwd or os.getcwd())
    if path.startswith(cwd + os.sep):
        return os.path.relpath(path, cwd)
    home = str(Path.home())
    if home != os.sep and path.startswith(home + os.sep):
        return "~" + path[len(home):]
    return path


def gallery_command(invocation=None, script=None):
    """The command that writes and opens the gallery of every run, started the way this
    command was: `<console> generation-tasks gallery --open`, or the generation-tasks
    script beside this skill's folder; None when neither is there (a folder copied alone)."""
    import shlex
    import sys

    if invocation:
        return " ".join(shlex.quote(part) for part in [invocation[0], "generation-tasks", "gallery", "--open"])
    script = Path(os.path.abspath(script or sys.argv[0] or "."))
    tasks = script.parent.parent.parent / "generation-tasks" / "scripts" / "tasks.py"
    if not tasks.is_file():
        return None
    from .run_context import python_command

    return " ".join(shlex.quote(part) for part in [python_command(), str(tasks), "gallery", "--open"])


class Summary:
    def __init__(self, colour=False, gallery=None):
        self.colour = colour
        self.gallery = gallery   # the command that opens the gallery of every run, if known
        self.lines = []

    def field(self, name, value, width=8):
        if value not in (None, ""):
            self.lines.append("  %s %s" % (paint(for_terminal(name).ljust(width), "dim", self.colour),
                                           for_terminal(str(value))))

    def head(self, status, what):
        word, style = _MARK.get(status, (status.replace("_", " ") if status else "?", "cyan"))
        self.lines.append("%s  %s" % (paint(word, style, self.colour), for_terminal(what)))

    def text(self):
        return "\n".join(self.lines) + "\n"


def render(document, *, colour=False, gallery=None):
    """Text for stdout, or None when the document has no human form (the caller prints the JSON)."""
    summary = Summary(colour, gallery)
    if isinstance(document, list):
        return _rows(document, summary) if all(isinstance(r, dict) and "run_id" in r for r in document) else None
    if not isinstance(document, dict):
        return None
    if document.get("kind") == "batch":
        return _batch(document, summary)
    if "run_id" in document and "outputs" in document:
        return _run(document, summary)
    if "gallery" in document and "runs" in document:
        s.head("succeeded", "gallery of %d runs (%s)" % (document["runs"], ", ".join(
            "%d %s" % (n, kind) for kind, n in sorted(document.get("media", {}).items())) or "no local media"))
        s.field("page", shown_path(document["gallery"]))
        s.field("open", "opened in the browser" if document.get("opened") else document.get("url"))
        return s.text()
    if document.get("status") == "needs_confirmation":
        return _confirmation(document, summary)
    if set(document) <= {"skill", "error", "exit_code"} and document.get("error"):
        return ""   # the error line on stderr says it once
    return None


def _run(doc, s):
    what = " · ".join(str(part) for part in (doc.get("skill"), doc.get("model")) if part)
    if doc.get("simulated"):
        what += " (simulated)"
    s.head(doc.get("status"), what)
    s.field("task", doc.get("task_id") or "none")
    if doc.get("status") not in ("succeeded", "failed", "canceled", "rejected", "unknown") and doc.get("progress"):
        progress = doc["progress"]
        s.field("progress", "%s%%" % progress["percent"] if progress.get("percent") is not None
                else "step %s" % (progress.get("current_step") or "-"))
    for label, out in _numbered(doc.get("outputs") or []):
        s.field(label, _where(out))
    error = doc.get("error")
    if error:
        s.field("error", "%s: %s" % (error.get("kind"), error.get("message")))
    s.field("cost", cost_text(doc))
    md = (doc.get("artifacts") or {}).get("md")
    if md and os.path.exists(md):
        s.field("preview", shown_path(md))
        s.field("gallery", s.gallery)
    s.field("next", doc.get("next"))
    return s.text()


def _numbered(outputs):
    seen = {}
    for out in outputs:
        kind = out.get("kind") or "file"
        seen[kind] = seen.get(kind, 0) + 1
        yield "%s %d" % (kind, seen[kind]), out


def _where(out):
    """Where a result is: the delivered file, else the run's copy, else its link."""
    delivered = [d["path"] for d in out.get("delivered") or [] if d.get("path")]
    if delivered:
        return ", ".join(shown_path(p) for p in delivered)
    if out.get("path"):
        return shown_path(out["path"])
    reason = out.get("download_error")
    return "%s%s" % (out.get("url"), " (not downloaded: %s)" % reason if reason else "")


def _batch(doc, s):
    counts = ", ".join("%d %s" % (n, k.replace("_", " ")) for k, n in (doc.get("counts") or {}).items())
    s.head(doc.get("status"), "generation-batch · %d items: %s%s" % (len(doc.get("items") or []), counts,
                                                                     " (simulated)" if doc.get("simulated") else ""))
    rows = doc.get("items") or []
    width = min(24, max([8] + [len(row["id"]) for row in rows]))
    for row in rows:
        where = ", ".join(_where(out) for out in row.get("outputs") or [])
        if row.get("error"):
            where = (where + "; " if where else "") + (row["error"].get("message") or row["error"].get("kind"))
        s.field(row["id"][:width], "%s %s" % (row.get("status"), where), width)
    s.field("cost", cost_text(doc))
    md = (doc.get("artifacts") or {}).get("md")
    if md:
        s.field("report", shown_path(md))
    s.field("next", doc.get("next"))
    return s.text()


def _confirmation(doc, s):
    s.head("needs_confirmation", "%s: nothing was sent" % doc.get("skill"))
    for line in doc.get("summary") or []:
        s.lines.append("  " + for_terminal(line))
    s.field("next", doc.get("next"))
    return s.text()


def _rows(rows, s):
    if not rows:
        return "no runs\n"
    for row in rows:
        created = (row.get("created_at") or "")[:19].replace("T", " ")
        prompt = " ".join(str(row.get("prompt") or "").split())[:40]
        status = row.get("status") or "damaged"
        s.lines.append(for_terminal("%s  %s  %-10s %s  %s" % (created, row.get("skill") or "", status,
                                                              row.get("task_id") or "-", prompt)))
    return s.text()
