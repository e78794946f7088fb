"""A validated request, ready to send: what `submit` posts and `--dry-run` shows."""

import base64
import binascii
import copy
import hashlib

from ..validation import schema_registry
from ..core.errors import UsageError


class Prepared:
    def __init__(self, path, body, *, schema, model, references=(), notes=(), method="POST", before=None,
                 unlisted=None, loose=()):
        self.method = method
        self.path = path
        self.body = body
        self.schema = schema          # the closed request schema the body must match
        self.model = model
        self.references = list(references)
        self.notes = list(notes)
        # a request that must succeed first (e.g. a project create), as a Prepared
        self.before = before
        # a model the catalog does not list (catalog.Model.warning): shown on stderr, kept in the
        # run's notes; its fields in `loose` are the provider's to judge, and its refusal is exit 2
        self.unlisted = unlisted
        self.loose = tuple(loose)
        if unlisted:
            self.notes.insert(0, unlisted)

    @property
    def endpoint(self):
        return "%s %s" % (self.method, self.path)

    def fill(self, placeholder, value):
        """Put `value` (e.g. an uploaded file's asset_id) where `placeholder` stands, here and
        in the request that goes first."""
        self.body = _swap(self.body, {placeholder: value})
        if self.before is not None:
            self.before.fill(placeholder, value)

    def check(self):
        """Validate the body against its request schema before anything is sent (a file
        still to upload counts as a value its field accepts)."""
        samples = {r.placeholder: r.sample for r in self.references if getattr(r, "sample", None)}
        problems = schema_registry.errors(self.schema, _swap(self.body, samples) if samples else self.body,
                                          loose=self.loose)
        if problems:
            raise UsageError("request body does not match %s: %s" % (self.schema, "; ".join(problems)))
        if self.before is not None:
            self.before.check()
        return self

    def display_body(self):
        """The body with every base64 payload, whatever its size, replaced by its digest
        (safe to print and store: result.json records references by sha256 only)."""
        records = iter([r.record for r in self.references if r.kind == "base64"])
        return _elide(copy.deepcopy(self.body), records)


def _swap(node, values):
    """A copy of `node` with every string that is a key of `values` replaced by its value."""
    if isinstance(node, dict):
        return {k: _swap(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_swap(v, values) for v in node]
    return values.get(node, node) if isinstance(node, str) else node


def _elide(node, records):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "base64" and isinstance(value, str):
                record = next(records, None) or _record(value)
                node[key] = "<base64: %d bytes, sha256 %s>" % (record["bytes"], record["sha256"])
            else:
                _elide(value, records)
    elif isinstance(node, list):
        for item in node:
            _elide(item, records)
    return node


def _record(text):
    """Digest of a base64 payload no reference describes (e.g. one an adapter built)."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        data = text.encode("utf-8")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
