"""`generation-tasks gallery`: pick the runs (skill, provider, status, since, batch), write
the page (gallery_page) atomically, open it on request. Reads the runs; sends nothing."""

import os
from pathlib import Path

from .core.errors import UsageError
from .core.safe_files import atomic_write


def _checked(kw):
    from .task_lookup import checked_filters

    status, provider, limit = checked_filters(kw)
    batch = kw.get("batch")
    if batch:
        batch = os.path.abspath(os.path.expanduser(batch))
        if not os.path.isfile(batch):
            raise UsageError("--batch: %s is not a manifest file (give the path the batch ran)" % batch)
    return status, provider, limit, batch


def select(store, kw):
    """[(skill, doc, run_dir)] of the runs that pass the filters, newest first."""
    from .task_lookup import generation_skill_names, newest_first, since_stamp

    status, provider, limit, batch = _checked(kw)
    found = []
    for name, run in newest_first(store, generation_skill_names(kw.get("skill")), since_stamp(kw.get("since")),
                                  status):
        doc = run.read()
        if doc is None or (status and doc.get("status") != status) or (provider and doc.get("provider") != provider):
            continue
        if batch and (doc.get("batch") or {}).get("manifest") != batch:
            continue
        found.append((name, doc, run.dir))
        if len(found) >= limit:
            break
    return found


def write_gallery(store, kw):
    """Write the page; the document says where, how many runs and media it shows."""
    from .store import gallery_page

    entries = select(store, kw)
    target = Path(os.path.abspath(os.path.expanduser(kw.get("out") or str(store.root / "gallery.html"))))
    if target.is_dir():
        target = target / "gallery.html"
    filters = {key: kw.get(name) for key, name in (("skill", "skill"), ("provider", "provider"),
                                                   ("status", "status_filter"), ("since", "since"),
                                                   ("batch", "batch")) if kw.get(name)}
    shown = ", ".join("%s %s" % item for item in filters.items()) or "all runs"
    page = gallery_page.render(entries, base=target.parent, title="genmedia-skills gallery",
                               subtitle="%d runs (%s) from %s" % (len(entries), shown, store.root))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, page.encode("utf-8"))
    except OSError as exc:
        raise UsageError("--out: cannot write %s (%s)" % (target, exc.strerror or exc)) from None
    media = {}
    for _, doc, _ in entries:
        for out in doc.get("outputs") or []:
            if out.get("path") and os.path.isfile(out["path"]):
                media[out["kind"]] = media.get(out["kind"], 0) + 1
    doc = {"gallery": str(target), "url": target.as_uri(), "runs": len(entries), "media": media,
           "filters": filters, "opened": False}
    if kw.get("open_page"):
        import webbrowser

        doc["opened"] = bool(webbrowser.open(target.as_uri()))
    return doc
