"""The runtime's layers: every import (module level or inside a function) goes down the
stack or sideways within a layer, and no module imports itself back through others.

The stack, lowest first, is written in scripts/genmedia_skills/__init__.py; this test reads
the code, so a new upward import or circle fails here before it confuses a reader.
"""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "scripts" / "genmedia_skills"

# Rank of each part of the package; a module may import only modules of equal or lower rank.
RANKS = [
    ("genmedia_skills", 0),             # the package root: version and User-Agent
    ("genmedia_skills.core", 1),
    ("genmedia_skills.validation", 2),
    ("genmedia_skills.simulator", 3),   # the provider double stands on core and validation only
    ("genmedia_skills.store", 4),
    ("genmedia_skills.media", 5),
    ("genmedia_skills.http", 6),
    ("genmedia_skills.jobs", 7),
    ("genmedia_skills.command", 8),
    ("genmedia_skills.providers", 9),
    ("genmedia_skills.skills:registry", 10),
    ("genmedia_skills.task_lookup", 11),
    ("genmedia_skills.batch", 11),
    ("genmedia_skills.gallery", 11),      # generation-tasks gallery: picks runs through task_lookup
    ("genmedia_skills.skills", 12),
    ("genmedia_skills.console", 13),
    ("genmedia_skills.completion", 13),   # the console script's shell completion: reads every skill
]


def module_name(path):
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path.name == "__init__.py"


MODULES = {module_name(p)[0]: p for p in PKG.rglob("*.py")}


def rank(name):
    if name == "genmedia_skills.skills":
        return 10
    best = None
    for prefix, value in RANKS:
        if ":" not in prefix and (name == prefix or name.startswith(prefix + ".")):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, value)
    return best[1]


def imports_of(name):
    """Every runtime module `name` imports, at module level or inside a function."""
    path = MODULES[name]
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                here = base[: len(base) - (node.level - 1)]
                source = ".".join(here + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("genmedia_skills"):
                continue
            for alias in node.names:
                sub = source + "." + alias.name
                found.add(sub if sub in MODULES else source)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("genmedia_skills"))
    found.discard(name)
    return {m for m in found if m in MODULES}


GRAPH = {name: imports_of(name) for name in MODULES}


def test_every_module_has_a_rank():
    assert all(rank(name) is not None for name in MODULES)


def test_imports_only_go_down_the_layers():
    upward = sorted("%s (%d) imports %s (%d)" % (m, rank(m), t, rank(t))
                    for m, targets in GRAPH.items() for t in targets if rank(t) > rank(m))
    assert upward == []


def test_no_import_circles():
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):   # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert circles == []


@pytest.mark.parametrize("layer", ["core", "validation", "store", "media", "http", "jobs", "command"])
def test_each_layer_says_what_lives_there(layer):
    doc = ast.get_docstring(ast.parse((PKG / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "imports:" in doc.lower() and len(doc.splitlines()) >= 2
