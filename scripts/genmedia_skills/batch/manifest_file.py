"""Reading a manifest file without letting the file decide how much memory or time it takes.

A manifest is a few kilobytes written by a person or an agent. Before it is parsed: a
regular file (not a FIFO or a device), at most MAX_BYTES. YAML is composed first (a
graph whose aliases share nodes, linear in the text) and refused when, with every alias
expanded, it has more than MAX_NODES nodes: a "billion laughs" file of a few hundred
bytes would otherwise become 10^9 objects during validation. Nesting deeper than the
parser's stack is refused too, as a usage error, never an internal one.
"""

import os
import stat
from pathlib import Path

from ..core.errors import UsageError

MAX_BYTES = 4 * 1024 * 1024    # a 1,000-item manifest is ~300 KB
MAX_NODES = 200_000             # values after YAML aliases are expanded (~20 per item)


def read(path):
    """The parsed manifest at `path` (JSON, or YAML when PyYAML is installed)."""
    path = Path(path)
    text = _text(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml(path, text)
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise UsageError("MANIFEST: %s is nested too deeply to be a manifest" % path.name) from None
    except ValueError as exc:
        raise UsageError("MANIFEST: %s is not valid JSON: %s" % (path.name, exc)) from None


def _text(path):
    try:   # O_NONBLOCK: opening a FIFO would otherwise wait for a writer
        with os.fdopen(os.open(str(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UsageError("MANIFEST: %s is not a regular file" % path)
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError("MANIFEST: cannot read %s: %s" % (path, exc.strerror or exc)) from None
    if len(data) > MAX_BYTES:
        raise UsageError("MANIFEST: %s is larger than %d MiB; a manifest lists items, it does not hold data"
                         % (path.name, MAX_BYTES // (1024 * 1024)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError("MANIFEST: cannot read %s: not UTF-8 text (%s)" % (path, exc.reason)) from None


def _yaml(path, text):
    try:
        import yaml
    except ImportError:
        raise UsageError("MANIFEST: %s is YAML, which needs PyYAML (pip install 'genmedia-skills[yaml]'); "
                         "or write the manifest as JSON" % path.name) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = expanded_size(node)
        if size > MAX_NODES:
            raise UsageError("MANIFEST: %s expands to more than %d values through YAML aliases (anchors "
                             "referenced many times); write the repeated parts out or use defaults"
                             % (path.name, MAX_NODES))
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise UsageError("MANIFEST: %s is not valid YAML: %s" % (path.name, " ".join(str(exc).split()))) from None
    except RecursionError:
        raise UsageError("MANIFEST: %s is nested too deeply to be a manifest" % path.name) from None
    finally:
        loader.dispose()


def expanded_size(root):
    """How many nodes the YAML graph under `root` has with every alias expanded; computed
    once per distinct node (aliases share them), iteratively (no recursion limit)."""
    sizes = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(child), 0) for child in children)
            if sizes[id(node)] > MAX_NODES:   # no need to add up the rest
                return sizes[id(node)]
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node):
    value = node.value
    if not isinstance(value, list):
        return []
    if value and isinstance(value[0], tuple):   # a mapping: (key node, value node) pairs
        return [part for pair in value for part in pair]
    return value
