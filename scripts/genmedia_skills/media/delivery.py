"""Deliver downloaded results into the user's project (`--output`, a manifest's `output`).

The request is stored in the run as `delivery` ({output, overwrite, resize, format}),
so a later `wait`/`status` (or a batch re-run) delivers what the run asked for.
Rules:
- folders are created; an existing file is never replaced unless `overwrite`
  (a file this run delivered before counts as delivered, so re-delivery only fills
  in what is missing);
- a target with a media extension takes the outputs of that kind; several get
  numbered names (icon-1.png, icon-2.png); a folder target keeps the downloaded names;
- images may be converted (`format`, or a target extension such as .webp) and resized
  to listed sizes (image_processing); each written file is recorded on its output
  under `delivered`.
"""

import mimetypes
import os
import shutil
import tempfile
from pathlib import Path

from . import image_processing
from ..core.errors import UsageError
from ..core.safe_files import UnsafePath, shared_file_mode


def spec(output, *, overwrite=False, resize=None, fmt=None, base=None, check_exists=True,
         field="--output", resize_field="--resize", format_field="--format", overwrite_hint="pass --overwrite"):
    """The stored delivery request; `output` relative to `base` (default: the cwd)."""
    if not isinstance(output, str) or not output.strip():
        raise UsageError("%s: %r is not a path" % (field, output))
    folder = output.endswith(("/", os.sep))
    path = Path(base or os.getcwd()) / Path(output).expanduser()
    sizes = image_processing.parse_sizes(resize_field, resize)
    fmt = image_processing.parse_format(format_field, fmt)
    if sizes or fmt:
        image_processing.require_pillow(resize_field if sizes else format_field)
    # resolved now (symlinks followed): the write checks that no folder on the way has
    # become a link since (see _write)
    target = os.path.realpath(str(path)) + (os.sep if folder else "")
    if base is None and not os.path.isabs(os.path.expanduser(output)):
        _refuse_inside_bundle(field, output, target)
    if check_exists and not overwrite and not is_folder(target) and os.path.exists(target):
        raise UsageError("%s: %s already exists; %s to replace it (nothing was sent)"
                         % (field, target, overwrite_hint))
    return {"output": target, "overwrite": bool(overwrite), "resize": sizes, "format": fmt, "resolved": True}


def installed_bundles():
    """Folders an installer owns and replaces on update: this bundle unless it is the project's
    development checkout, and the skill folder the running entry script sits in."""
    import sys

    from ..core import config

    found = []
    if not config.development_checkout() and (config.BUNDLE_ROOT / "skills").is_dir():
        found.append(config.BUNDLE_ROOT)
    script = Path(os.path.abspath(sys.argv[0] or "."))
    skill_dir = script.parent.parent
    if script.parent.name == "scripts" and (skill_dir / "SKILL.md").is_file() \
            and not config.development_checkout(skill_dir.parent.parent):
        found.append(skill_dir)
    return found


def _refuse_inside_bundle(field, output, target):
    for bundle in installed_bundles():
        if os.path.realpath(target).startswith(os.path.realpath(str(bundle)) + os.sep):
            raise UsageError("%s: %s would be written inside the installed skill folder %s, which updates "
                             "replace; run the command from your project's folder, or give an absolute path "
                             "(nothing was sent)" % (field, output, bundle))


def is_folder(target):
    return target.endswith(os.sep) or os.path.isdir(target) or not Path(target).suffix


def _kind_of(path):
    guess = mimetypes.guess_type("x" + Path(path).suffix.lower())[0] or ""
    return guess.split("/")[0] if guess.split("/")[0] in ("image", "video", "audio") else None


def plan(spec_, outputs):
    """[(output, destination path)] for the downloaded outputs."""
    ready = [o for o in outputs if o.get("path") and os.path.isfile(o["path"])]
    target = spec_["output"]
    if is_folder(target):
        return [(o, Path(target) / Path(o["path"]).name) for o in ready]
    kind = _kind_of(target)
    chosen = [o for o in ready if kind is None or o["kind"] == kind] or ready[:1]
    path = Path(target)
    if len(chosen) == 1:
        return [(chosen[0], path)]
    return [(o, path.with_name("%s-%d%s" % (path.stem, n, path.suffix))) for n, o in enumerate(chosen, 1)]


def _image_format(path):
    return image_processing.EXTENSION_FORMATS.get(Path(path).suffix.lower())


def _files(out, dest, spec_):
    """[(destination, format or None, size or None)] for one output."""
    if out["kind"] != "image":
        return [(dest, None, None)]
    source_fmt = _image_format(out["path"])
    fmt = spec_.get("format") or _image_format(dest) or source_fmt
    if spec_.get("format"):
        dest = dest.with_suffix(image_processing.FORMATS[fmt])
    files = [(dest, fmt if fmt != source_fmt else None, None)]
    for size in spec_.get("resize") or []:
        name = size["name"] if size["name"].startswith("@") else "-" + size["name"]
        files.append((dest.with_name(dest.stem + name + dest.suffix), fmt, size["size"]))
    return files


def missing(doc):
    """True when a file the run's delivery asks for is not on disk (e.g. deleted, or the
    output path changed since it was delivered)."""
    spec_ = doc.get("delivery")
    if not spec_:
        return False
    return any(not os.path.exists(str(path))
               for out, dest in plan(spec_, doc["outputs"]) for path, _, _ in _files(out, dest, spec_))


def deliver(doc, warn, say=None):
    """Copy/convert every downloaded output to its destination; records `delivered` and
    says each file written (`say`), so the user sees where it went, not only the run."""
    spec_ = doc.get("delivery")
    if not spec_:
        return
    for out, dest in plan(spec_, doc["outputs"]):
        done = {d["path"] for d in out.get("delivered") or [] if os.path.exists(d["path"])}
        delivered, problems = [], []
        for path, fmt, size in _files(out, dest, spec_):
            record = {"path": str(path)}
            if fmt:
                record["format"] = fmt
            if size:
                record["size"] = size
            if str(path) not in done and os.path.exists(str(path)) and not spec_.get("overwrite"):
                problems.append("%s already exists (pass --overwrite to replace it)" % path)
                continue
            if str(path) not in done:
                try:
                    _write(out["path"], path, fmt, size, resolved=spec_.get("resolved", False))
                except Exception as exc:  # the run still holds the file and its URL
                    problems.append("%s: %s" % (path, getattr(exc, "message", None) or exc))
                    continue
                if say:
                    say("delivered %s" % path)
            delivered.append(record)
        out["delivered"] = delivered
        out.pop("delivery_error", None)
        if problems:
            out["delivery_error"] = "; ".join(problems)[:500]
            warn("not delivered: " + out["delivery_error"])


def _write(source, dest, fmt, size, resolved=False):
    """Atomically write `source` to `dest` (a copy, or converted/resized by Pillow).
    `resolved`: dest was stored resolved, so a folder on the way that resolves elsewhere
    now was swapped for a link after the check (runs stored before that are not judged)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if resolved and os.path.realpath(str(dest.parent)) != str(dest.parent):
        raise UnsafePath("a folder on the way to %s became a symbolic link after the output was checked; "
                         "not written" % dest)
    fd, tmp = tempfile.mkstemp(dir=str(dest.parent), prefix="." + dest.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        if fmt or size:
            image_processing.require_pillow("--format")
            image_processing.convert(source, tmp, fmt or _image_format(source) or "png", size)
        else:
            shutil.copyfile(source, tmp)
        os.chmod(tmp, shared_file_mode())   # mkstemp's 0600 would hide it from a web server, CI, Docker
        os.replace(tmp, str(dest))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
