"""kie-generation-video's follow-ups: `extend` (Veo or Runway) and `upgrade` (Veo 1080p / 4K)."""

from typing import Optional

from ...command.cli import _option
from ...core.errors import UsageError
from .follow_ups import CALLBACK, INPUT, PARENT, PROMPT, RUN_OPTIONS, parent_doc, parent_family, send

API = _option("api", Optional[str], None, "--api",
              help="The API that made the task: veo or runway (default: read from its saved run).")
EXTEND_MODEL = _option("model", Optional[str], None, "--model", help="Veo extend: fast (default), quality or lite.")
SEED = _option("seed", Optional[int], None, "--seed", help="Veo extend: 10000-99999.")
QUALITY = _option("resolution", Optional[str], None, "--resolution",
                  help="Runway extend: 720p (default) or 1080p. upgrade: 1080p or 4k.")
INDEX = _option("index", Optional[int], None, "--index", help="Which video of the task (0 = the first).")


def _extend(ctx, kw):
    doc = parent_doc(ctx, kw["task_id"])
    family = parent_family(doc, kw.get("api"), ("veo", "runway"))
    task_id = kw["task_id"].strip()
    if family == "veo":
        if kw.get("resolution"):
            raise UsageError("--resolution: Veo extend keeps the video's; use `upgrade` for 1080p or 4k")
        fixed = {"taskId": ("--task-id", task_id)}
        if kw.get("model"):
            fixed["model"] = ("--model", kw["model"].strip().lower())
        prepared = ctx.adapter.follow_up("veo", "extend", "kie/veo-extend.request.json", kw, fixed)
    else:
        for name in ("model", "seed"):
            if kw.get(name) is not None:
                raise UsageError("--%s: Veo extend only; Runway extend takes --prompt and --resolution" % name)
        prepared = ctx.adapter.follow_up("runway", "extend", "kie/runway-extend.request.json", kw,
                                         {"taskId": ("--task-id", task_id)})
    return send(ctx, kw, prepared)


def _upgrade(ctx, kw):
    doc = parent_doc(ctx, kw["task_id"])
    parent_family(doc, "veo" if doc is None else None, ("veo",))
    size = (kw.get("resolution") or "").strip().lower()
    if size not in ("1080p", "4k"):
        raise UsageError("--resolution: %r; upgrade makes 1080p or 4k" % (kw.get("resolution") or ""))
    fixed = {"taskId": ("--task-id", kw["task_id"].strip()), "index": ("--index", kw.get("index"))}
    opts = {"callback_url": kw.get("callback_url")}   # --resolution picks the operation, it is no field
    if size == "1080p":
        prepared = ctx.adapter.follow_up("veo", "1080p", "kie/veo-1080p.request.json", opts, fixed)
    else:
        prepared = ctx.adapter.follow_up("veo", "4k", "kie/veo-4k.request.json", opts, fixed)
    return send(ctx, kw, prepared)


COMMANDS = [
    ("extend", _extend, [PARENT, PROMPT, API, EXTEND_MODEL, SEED, QUALITY, CALLBACK, INPUT] + RUN_OPTIONS,
     "Continue a finished Veo or Runway video (a new task; waits like run)."),
    ("upgrade", _upgrade, [PARENT, QUALITY, INDEX, CALLBACK] + RUN_OPTIONS,
     "The 1080p or 4K version of a finished Veo video (1080p: 1-3 min; 4k: a new paid task, 5-10 min)."),
]
