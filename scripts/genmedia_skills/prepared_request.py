"""A validated request, ready to send: what `submit` posts and `--dry-run` shows."""

import copy

from . import schema_registry
from .errors import UsageError

ELIDE_BASE64_OVER = 1024   # dry-run and result.json show big payloads as a digest


class Prepared:
    def __init__(self, path, body, *, schema, model, references=(), notes=(), method="POST", before=None):
        self.method = method
        self.path = path
        self.body = body
        self.schema = schema          # the closed request schema the body must match
        self.model = model
        self.references = list(references)
        self.notes = list(notes)
        # a request that must succeed first (e.g. a project create), as a Prepared
        self.before = before

    @property
    def endpoint(self):
        return "%s %s" % (self.method, self.path)

    def check(self):
        """Validate the body against its request schema before anything is sent."""
        problems = schema_registry.errors(self.schema, self.body)
        if problems:
            raise UsageError("request body does not match %s: %s" % (self.schema, "; ".join(problems)))
        if self.before is not None:
            self.before.check()
        return self

    def display_body(self):
        """The body with base64 payloads over 1 KiB replaced by a digest (safe to print/store)."""
        records = iter([r.record for r in self.references if r.kind == "base64"])
        return _elide(copy.deepcopy(self.body), records)


def _elide(node, records):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "base64" and isinstance(value, str):
                record = next(records, None)
                if len(value) > ELIDE_BASE64_OVER and record:
                    node[key] = "<base64: %d bytes, sha256 %s>" % (record["bytes"], record["sha256"])
            else:
                _elide(value, records)
    elif isinstance(node, list):
        for item in node:
            _elide(item, records)
    return node
