"""A batch manifest, read and checked before anything is sent.

Every item is prepared exactly as its skill's `run` would prepare it
(`SkillCLI.prepare_request`, with the skill's RunContext when its adapter reads limits
from the provider, as CreatOK's do), with the skill's own defaults for options the
manifest leaves out; the first problem is a UsageError (exit 2) naming the item, the
field and what is allowed. An item's `hash` covers what would be sent (skill, endpoint,
body), so a re-run recognises an unchanged item and treats a changed one as new.
"""

import contextlib
import hashlib
import json
import os
import re
import reprlib
import typing
from pathlib import Path

from ..core.errors import GenmediaError, UsageError
from ..media import delivery
from ..validation import schema_registry
from . import manifest_file, output_claims

SCHEMA = "batch-manifest.schema.json"
SPACE_JOINED = ("prompt", "scene_description")   # lines of a prompt read as one sentence (as the seed does)


class Item:
    def __init__(self, index, item_id, name, skill, options, prepared, output, overwrite, images):
        self.index = index
        self.id = item_id
        self.skill_name = name
        self.skill = skill
        self.options = options
        self.prepared = prepared
        self.output = output          # as written in the manifest (relative to it)
        self.target = None            # the output resolved (absolute, symlinks followed), once checked
        self.overwrite = overwrite
        self.images = images
        self.spec = None              # the delivery request, once the batch knows what it does with the item
        body = {"skill": name, "endpoint": prepared.endpoint, "body": prepared.display_body(),
                "before": prepared.before.display_body() if prepared.before is not None else None}
        self.hash = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
        estimate = getattr(skill.adapter, "estimate", None)
        self.estimate = estimate(prepared) if estimate else None
        self.provider = skill.adapter.provider
        # a spending gate: confirm before submit (CreatOK) or pay mid-workflow (AIMV)
        self.gated = bool(getattr(skill.adapter, "confirm_before_submit", False) or hasattr(skill.adapter, "pay"))

    @property
    def label(self):
        return "items[%d] %r" % (self.index, self.id)

    def delivery(self, base, check_exists=True):
        if not self.output:
            return None
        images = self.images or {}
        return delivery.spec(self.target, overwrite=self.overwrite, resize=images.get("resize"),
                             fmt=images.get("format"), base=base, check_exists=check_exists,
                             field=self.label + ": output", resize_field=self.label + ": images.resize",
                             format_field=self.label + ": images.format",
                             overwrite_hint='set "overwrite": true on the item (or in defaults)')


def read(path):
    """The parsed manifest file (JSON, or YAML when PyYAML is installed), size-capped."""
    return manifest_file.read(path)


def load(path, context_for=None):
    """[Item] of the manifest at `path`, every one checked; UsageError on the first problem.
    `context_for(name, skill)` gives the RunContext of a skill whose prepare needs one."""
    path = Path(path).resolve()
    data = read(path)
    problems = schema_registry.errors(SCHEMA, data)
    if problems:
        raise UsageError("MANIFEST %s does not match %s: %s" % (path.name, SCHEMA, "; ".join(problems)))
    defaults = data.get("defaults") or {}
    items, seen, claims = [], {}, []
    folder = os.path.realpath(str(path.parent))
    with _cwd(path.parent):   # relative reference files are relative to the manifest
        for index, raw in enumerate(data["items"]):
            if raw["id"] in seen:
                raise UsageError("items[%d] %r: id: used twice (also items[%d]); ids must be unique"
                                 % (index, raw["id"], seen[raw["id"]]))
            seen[raw["id"]] = index
            item = _item(index, raw, defaults, context_for)
            if item.output:
                item.target = output_claims.resolve(folder, item.output, item.label)
                names = output_claims.names(item.target, item.images, item.label)
                claims.append((item.label, item.output, item.target, names))
            items.append(item)
    output_claims.check(claims, path)
    return items


@contextlib.contextmanager
def _cwd(directory):
    old = os.getcwd()
    os.chdir(str(directory))
    try:
        yield
    finally:
        os.chdir(old)


def _item(index, raw, defaults, context_for):
    from ..task_lookup import generation_skills

    label = "items[%d] %r" % (index, raw["id"])
    name = raw.get("skill") or defaults.get("skill")
    if not name:
        raise UsageError("%s: skill: missing (and no defaults.skill); allowed: %s"
                         % (label, ", ".join(n for n, _ in generation_skills())))
    try:
        [(name, skill)] = generation_skills(name)
    except UsageError as exc:
        raise UsageError("%s: skill: %s" % (label, exc.message.split(": ", 1)[1])) from None
    params = dict(defaults.get("params") or {}) if (defaults.get("skill") in (None, name)) else {}
    params.update(raw.get("params") or {})
    options = _options(label, name, skill, params)
    ctx = context_for(name, skill) if context_for is not None and skill.needs_context() else None
    try:
        prepared = skill.prepare_request(options, ctx)
    except UsageError as exc:
        raise UsageError("%s: %s" % (label, _as_param(exc.message))) from None
    except GenmediaError as exc:   # e.g. the provider's limits could not be read: its own exit code
        exc.message = "%s: %s" % (label, exc.message)
        raise
    images = dict(defaults.get("images") or {}, **(raw.get("images") or {}))
    overwrite = raw.get("overwrite", defaults.get("overwrite", False))
    return Item(index, raw["id"], name, skill, options, prepared, raw.get("output"), overwrite, images)


def _as_param(message):
    """"--aspect-ratio: ..." from an adapter reads "params.aspect_ratio: ..." in a manifest."""
    return re.sub(r"^--([a-z0-9-]+)", lambda m: "params." + m.group(1).replace("-", "_"), message)


def _options(label, name, skill, params):
    """The skill's options dict: its defaults, overridden by the manifest's params."""
    declared = {p.name: p for p in skill.options}
    options = {p.name: p.default for p in skill.options}
    for key, value in params.items():
        pyname = key.replace("-", "_")
        if pyname not in declared:
            raise UsageError("%s: params.%s: not an option of %s; allowed: %s"
                             % (label, key, name, ", ".join(sorted(declared))))
        options[pyname] = _coerce("%s: params.%s" % (label, key), pyname, value, declared[pyname].annotation)
    return options


def _base(annotation):
    """The plain type behind Annotated[Optional[X], ...]: str, int, float, bool or list."""
    while typing.get_origin(annotation) is not None:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (list, typing.List):
            return list
        annotation = next(a for a in args if a is not type(None))
    return annotation


def _coerce(field, pyname, value, annotation):
    kind = _base(annotation)
    if value is None:
        return None
    lines = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    if kind is str and lines:
        return (" " if pyname in SPACE_JOINED else "\n").join(v.strip() for v in value)
    if kind is list:
        if isinstance(value, str):
            return [value]
        if lines:
            return list(value)
        raise UsageError("%s: %s must be a string or a list of strings" % (field, reprlib.repr(value)))
    ok = {str: isinstance(value, str),
          bool: isinstance(value, bool),
          int: isinstance(value, int) and not isinstance(value, bool),
          float: isinstance(value, (int, float)) and not isinstance(value, bool)}.get(kind, True)
    if not ok:
        what = {str: "a string (or a list of lines)", bool: "true or false", int: "a whole number",
                float: "a number"}[kind]
        raise UsageError("%s: %s must be %s" % (field, reprlib.repr(value), what))
    return value
