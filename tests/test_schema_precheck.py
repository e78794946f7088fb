"""schema_precheck may only ever say "valid" when jsonschema agrees (soundness), and
must prove our real documents valid so the fast path is actually taken."""

import copy
import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from genmedia_skills.validation import schema_registry
from genmedia_skills.validation.schema_precheck import Prover

PROVER = Prover(schema_registry._documents())
NAMES = [p.relative_to(schema_registry.SCHEMAS_DIR).as_posix() for p in schema_registry.schema_files()]

RESULT = {
    "schema_version": 1, "run_id": "20261121T120804184Z-685fec", "skill": "giggle-generation-image",
    "provider": "giggle", "simulated": False, "task_id": "t-1", "status": "succeeded",
    "provider_status": "completed", "model": "seedream45",
    "request": {"endpoint": "POST /x", "body": {"prompt": "p"},
                "references": [{"type": "file", "path": "/a.png", "sha256": "a" * 64, "bytes": 3}]},
    "outputs": [{"url": "https://x/y.png?Signature=s", "kind": "image", "path": "/o.png",
                 "sha256": "b" * 64, "bytes": 10, "content_type": "image/png"}],
    "error": None, "artifacts": {"dir": "/d", "json": "/d/result.json", "md": "/d/result.md"},
    "next": None, "notes": ["n"], "polls": 3, "created_at": "2026-11-21T12:08:04.184Z",
    "updated_at": "2026-11-21T12:08:04.184Z", "submitted_at": None, "finished_at": "2026-11-21T12:08:05Z",
}
VALID = {
    "result.schema.json": RESULT,
    "giggle/task-query.response.json": {"code": 200, "msg": "success", "uuid": "u", "data": {
        "task_id": "t", "status": "completed", "urls": ["https://a/b.png"], "err_msg": ""}},
    "giggle/submit.response.json": {"code": 200, "msg": "success", "data": {"task_id": "t"}},
    "giggle/text-to-image.request.json": {"prompt": "p", "generate_count": 2, "model": "midjourney",
                                          "aspect_ratio": "1:1", "resolution": "4K"},
    "giggle/image-to-image.request.json": {"prompt": "p", "generate_count": 1, "model": "seedream45",
                                           "aspect_ratio": "1:1", "watermark": False,
                                           "reference_images": [{"url": "https://a"}, {"asset_id": "x"},
                                                                {"base64": "iVBORw0KGgoAAAA="}]},
}


def jsonschema_valid(name, instance):
    return not list(schema_registry.validator(name).iter_errors(instance))


def test_every_schema_uses_only_keywords_the_precheck_knows():
    known = {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples", "$ref"}
    known |= {name[4:] for name in dir(Prover) if name.startswith("_kw_")}

    def walk(schema):
        if not isinstance(schema, dict):
            return
        for key, value in schema.items():
            assert key in known or key.startswith("x-"), key
            if key in ("properties", "$defs"):
                for sub in value.values():
                    walk(sub)
            elif key in ("items", "additionalProperties"):
                walk(value)
            elif key in ("oneOf", "anyOf", "allOf"):
                for sub in value:
                    walk(sub)

    for name in NAMES:
        walk(schema_registry.load_schema(name))


def test_real_documents_are_proven_valid():
    for name, instance in VALID.items():
        assert jsonschema_valid(name, instance), name
        assert PROVER.proves_valid(schema_registry.SCHEMA_BASE + name, instance), name


def test_the_common_path_never_imports_jsonschema():
    code = ("import sys, json; sys.path.insert(0, %r); from genmedia_skills.validation import schema_registry as s; "
            "docs = json.loads(sys.stdin.read()); "
            "assert all(s.errors(n, d) == [] for n, d in docs.items()); "
            "print('jsonschema' in sys.modules)" % str(ROOT / "scripts"))
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(VALID), capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=False, width=32)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                              max_size=3), max_leaves=6)


def mutate(doc, path_choice, value, action):
    doc = copy.deepcopy(doc)
    node, parents = doc, []
    for step in path_choice:
        if isinstance(node, dict) and node:
            key = sorted(node)[step % len(node)]
        elif isinstance(node, list) and node:
            key = step % len(node)
        else:
            break
        parents.append((node, key))
        node = node[key]
    if not parents:
        return value
    parent, key = parents[-1]
    if action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "add" and isinstance(node, dict):
        node["extra"] = value
    else:
        parent[key] = value
    return doc


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(VALID)), path=st.lists(st.integers(0, 20), max_size=4), value=JSON,
       action=st.sampled_from(["replace", "delete", "add"]))
def test_precheck_never_accepts_what_jsonschema_rejects(name, path, value, action):
    instance = mutate(VALID[name], path, value, action)
    if PROVER.proves_valid(schema_registry.SCHEMA_BASE + name, instance):
        assert jsonschema_valid(name, instance), instance
    assert (schema_registry.errors(name, instance) == []) == jsonschema_valid(name, instance)
