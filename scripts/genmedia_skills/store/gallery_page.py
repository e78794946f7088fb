"""The gallery: one self-contained HTML page of saved runs, for a person to look through.

Each run is a card: its images as thumbnails, its videos and audio playable from the local
files, the prompt, model, parameters, status, cost, task id, created time, links to
result.md, result.json and every file, and the resume command of an unfinished run.

Everything that came from a provider or the user is escaped (html.escape, quotes too), only
http(s) URLs become links, media load only from local files (never from a provider's URL:
opening the page sends nothing anywhere), and the page runs no script: its
Content-Security-Policy says so, so even a mistake in escaping could not run code.
"""

import html
import os
from urllib.parse import quote

from ..core.markdown_text import link_target, short_url
from .result_document import cost_text, prompt_and_parameters

CSP = ("default-src 'none'; img-src 'self' file:; media-src 'self' file:; style-src 'unsafe-inline'; "
       "script-src 'none'; base-uri 'none'; form-action 'none'")
STATUS_COLOUR = {"succeeded": "#1a7f37", "failed": "#cf222e", "canceled": "#cf222e", "rejected": "#cf222e",
                 "unknown": "#9a6700", "awaiting_payment": "#9a6700"}
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
header{padding:16px 24px;background:#fff;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 4px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px;padding:24px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;overflow:hidden}
.card h2{font-size:14px;margin:0 0 6px;display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.status{color:#fff;border-radius:10px;padding:0 8px;font-size:12px}
.media img,.media video{max-width:100%;max-height:240px;display:block;margin:4px 0;border-radius:4px}
.media audio{width:100%;margin:4px 0}
.prompt{white-space:pre-wrap;margin:6px 0}
table{border-collapse:collapse;font-size:12px;width:100%}
td{border-top:1px solid #eaeef2;padding:2px 4px;vertical-align:top;word-break:break-word}
td:first-child{color:#59636e;white-space:nowrap}
code{font-size:12px;background:#f6f8fa;padding:1px 3px;border-radius:3px;word-break:break-all}
.links a{margin-right:8px}
.error{color:#cf222e}
.tag{font-size:12px;color:#59636e}
"""


def esc(value):
    return html.escape(str(value), quote=True)


def _href(path, base):
    """A relative, percent-encoded link from the page's folder to a local file."""
    return esc(quote(os.path.relpath(str(path), str(base)).replace(os.sep, "/"), safe="/._-~"))


def _remote(url, label=None):
    target = link_target(url)
    if target is None:
        return esc(label or url)
    return '<a href="%s" rel="noreferrer noopener">%s</a>' % (esc(target), esc(label or short_url(url)))


def _media(out, base):
    """The player or thumbnail of one output from its local file, or None without one."""
    path = out.get("path")
    if not path or not os.path.isfile(path):
        return None
    src = _href(path, base)
    kind = out.get("kind")
    if kind == "image":
        return '<a href="%s"><img src="%s" alt="%s" loading="lazy"></a>' % (src, src, esc(os.path.basename(path)))
    if kind in ("video", "audio"):
        return '<%s controls preload="metadata" src="%s"></%s>' % (kind, src, kind)
    return None


def _value(value):
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join("%s %s" % (k, _value(v)) for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def card(skill, doc, run_dir, base):
    status = doc.get("status") or "unknown"
    prompt, params = prompt_and_parameters(doc)
    parts = ['<article class="card" data-skill="%s" data-status="%s">' % (esc(skill), esc(status)),
             '<h2><span class="status" style="background:%s">%s</span> %s%s</h2>'
             % (STATUS_COLOUR.get(status, "#0969da"), esc(status), esc(skill),
                ' <span class="tag">simulated</span>' if doc.get("simulated") else "")]
    media = [m for m in (_media(out, base) for out in doc.get("outputs") or []) if m]
    if media:
        parts.append('<div class="media">%s</div>' % "".join(media))
    if prompt:
        parts.append('<div class="prompt">%s</div>' % esc(prompt))
    rows = [("model", doc.get("model")), ("task id", doc.get("task_id")), ("created", doc.get("created_at")),
            ("cost", cost_text(doc)), ("provider", doc.get("provider"))]
    rows += [(key, _value(value)) for key, value in params.items()]
    batch = doc.get("batch") or {}
    if batch.get("item_id"):
        rows.append(("batch item", "%s (%s)" % (batch["item_id"], os.path.basename(batch.get("manifest") or ""))))
    parts.append("<table>%s</table>" % "".join("<tr><td>%s</td><td>%s</td></tr>" % (esc(k), esc(v))
                                              for k, v in rows if v not in (None, "")))
    error = doc.get("error")
    if error:
        parts.append('<p class="error">%s: %s</p>' % (esc(error.get("kind")), esc(error.get("message"))))
    links = []
    for name in ("result.md", "result.json"):
        if os.path.isfile(os.path.join(str(run_dir), name)):
            links.append('<a href="%s">%s</a>' % (_href(os.path.join(str(run_dir), name), base), name))
    for n, out in enumerate(doc.get("outputs") or [], 1):
        label = "%s %d" % (out.get("kind") or "file", n)
        if out.get("path") and os.path.isfile(out["path"]):
            links.append('<a href="%s">%s file</a>' % (_href(out["path"], base), esc(label)))
        for delivered in out.get("delivered") or []:
            if os.path.isfile(delivered.get("path", "")):
                links.append('<a href="%s">%s</a>' % (_href(delivered["path"], base),
                                                       esc(os.path.basename(delivered["path"]))))
        if out.get("url"):
            links.append(_remote(out["url"], "%s link%s" % (label, " (expired)" if out.get("expired") else "")))
    parts.append('<p class="links">%s</p>' % " ".join(links))
    if doc.get("next"):
        parts.append("<p>Resume: <code>%s</code></p>" % esc(doc["next"]))
    parts.append("</article>")
    return "\n".join(parts)


def render(entries, *, base, title, subtitle):
    """The whole page; `entries` are (skill, doc, run_dir), newest first; `base` the page's folder."""
    cards = [card(skill, doc, run_dir, base) for skill, doc, run_dir in entries]
    return "\n".join([
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP,
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title><style>%s</style></head><body>" % (esc(title), STYLE),
        "<header><h1>%s</h1><div class=\"tag\">%s</div></header>" % (esc(title), esc(subtitle)),
        '<main class="grid">',
    ] + (cards or ["<p>No runs match.</p>"]) + ["</main></body></html>", ""])
