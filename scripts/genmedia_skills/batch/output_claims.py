"""Where a batch's items write, checked before anything is sent.

Containment is judged on resolved paths (symlinks followed, as the write would follow
them): an output under a symlinked folder that points outside the manifest's folder is
refused; one that points inside is used as its resolved path.

Collisions: each item claims every name its delivery may write (see delivery.plan and
_files): the output, the output with its `format` extension, each resize variant,
the numbered names of a task with several results (-1, -2, ... up to MAX_RESULTS), and,
for a folder, the downloaded names (image-1.png, audio-1.mp3, ...). A name claimed by
two items, a file claimed where another item needs a folder, or a claim on the manifest
itself is refused. Names compare casefolded: a manifest also runs on case-insensitive disks.
"""

import os

from ..core.errors import UsageError
from ..media import delivery, image_processing, media_types

MAX_RESULTS = 10   # results one task may deliver under numbered names (generate counts are 1-4)
KINDS = ("image", "video", "audio")


def resolve(folder, output, label):
    """The resolved absolute target of `output` (relative to the resolved manifest
    `folder`), a folder keeping its trailing separator; UsageError when it leaves."""
    if os.path.isabs(output) or output.startswith("~"):
        raise UsageError("%s: output: %r leaves the manifest's folder; give a path relative to the manifest, "
                         "inside its folder (e.g. assets/icon.png)" % (label, output))
    target = os.path.realpath(os.path.join(folder, output))
    if os.path.commonpath([folder, target]) != folder:
        through = "" if os.path.normpath(os.path.join(folder, output)) == target else \
            " (through a symbolic link, to %s)" % target
        raise UsageError("%s: output: %r leaves the manifest's folder%s; give a path inside its folder that "
                         "does not pass through a link to elsewhere" % (label, output, through))
    if target == folder:
        return target + os.sep
    return target + (os.sep if output.endswith(("/", os.sep)) else "")


def names(target, images, label):
    """Every file path (casefolded) an item delivering to `target` may write."""
    images = images or {}
    fmt = images.get("format")
    sizes = image_processing.parse_sizes(label + ": images.resize", images.get("resize"))
    if delivery.is_folder(target):
        bases = [os.path.join(target, "%s-%d%s" % (kind, n, ext))
                 for kind in KINDS for ext in _extensions(kind) for n in range(1, MAX_RESULTS + 1)]
    else:
        stem, ext = os.path.splitext(target)
        bases = [target] + ["%s-%d%s" % (stem, n, ext) for n in range(1, MAX_RESULTS + 1)]
    found = set()
    for base in bases:
        stem, ext = os.path.splitext(base)
        for suffix in {ext, image_processing.FORMATS[fmt] if fmt else ext}:
            found.add(stem + suffix)
            for size in sizes:
                found.add(stem + (size["name"] if size["name"].startswith("@") else "-" + size["name"]) + suffix)
    return {_key(name) for name in found}


def _extensions(kind):
    return sorted({ext for ctype, (ext, _) in media_types.TYPES.items() if ctype.startswith(kind + "/")})


def check(claims, manifest_path):
    """`claims`: [(label, output as written, target, {names})]. UsageError on the first collision."""
    manifest = _key(os.path.realpath(str(manifest_path)))
    folder = os.path.dirname(manifest)
    owner, targets, folders = {}, {}, {}
    for label, output, target, found in claims:
        key = _key(target.rstrip(os.sep))
        if key in targets:
            raise UsageError("%s: output: %s is also the output of %s" % (label, output, targets[key]))
        targets[key] = label
        for name in sorted(found, key=lambda n: (n != key, n)):   # the output itself first
            if name == manifest:
                raise UsageError("%s: output: %s would replace the manifest itself; choose another path"
                                 % (label, output))
            if name in owner and owner[name] != label:
                written = ("is also a file that" if name == key
                           else "may write %s, which" % os.path.relpath(name, folder))
                raise UsageError("%s: output: %s %s %s may write too (derived names: numbered -1, -2 for several "
                                 "results, resize and format variants, downloaded names in a folder); give the "
                                 "two items distinct names" % (label, output, written, owner[name]))
            owner[name] = label
            parent = os.path.dirname(name)
            while parent not in folders and parent != os.path.dirname(parent):
                folders[parent] = label
                parent = os.path.dirname(parent)
    if manifest in folders:
        raise UsageError("%s: output: would put files under the manifest itself; choose another path"
                         % folders[manifest])
    for name, label in owner.items():
        if name in folders and folders[name] != label:
            raise UsageError("%s: output: %s is a file that %s needs as a folder; give the two items distinct "
                             "names" % (label, os.path.relpath(name, folder), folders[name]))


def _key(path):
    return os.path.normcase(path).casefold()
