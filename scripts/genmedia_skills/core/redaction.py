"""Keep secrets out of everything we print or store.

API keys are registered when they are read from the environment. Every byte that
leaves the process passes here: text for stderr through `redact()`, JSON documents
(stdout, result.json, indexes) through `to_json()`, other artifact text (result.md,
raw provider bodies) through `redact(text, urls=False)`. A key is masked whatever
its length, and in the escaped forms a provider may echo it in (JSON, repr, URL).
Signed-URL signatures are masked in logs too (stdout results keep the exact URLs:
they are the deliverable).
"""

import json
import re
from urllib.parse import quote

_secrets = set()
_SIGNED_PARAM = re.compile(r"(?i)\b(Signature|Policy|Key-Pair-Id|X-Amz-Signature|X-Amz-Credential|token)=([^&\s\"')]+)")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


def _forms(value):
    """The secret and the escaped spellings it takes in JSON, repr() and URLs."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             repr(value)[1:-1], quote(value, safe="")}
    stripped = value.strip()
    return forms | (_forms(stripped) if stripped and stripped != value else set())


def register_secret(value):
    """Remember a secret (any length) so every later redact() call masks it."""
    if value:
        _secrets.update(form for form in _forms(value) if form)


def _mask_secrets(text):
    """Mask every occurrence of every secret; overlapping ones as one span, so no
    secret's tail survives another secret's replacement."""
    spans = []
    for secret in _secrets:
        start = text.find(secret)
        while start != -1:
            spans.append((start, start + len(secret)))
            start = text.find(secret, start + 1)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out += [text[pos:start], "***"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact(text, *, urls=True):
    """Return `text` with registered secrets (and, if `urls`, URL signatures) masked."""
    if not text:
        return text
    text = _mask_secrets(str(text))
    text = _BEARER.sub(r"\1***", text)
    if urls:
        text = _SIGNED_PARAM.sub(lambda m: m.group(1) + "=***", text)
    return text


def redact_data(node):
    """A copy of a JSON-like value with every secret masked in every string and key."""
    if isinstance(node, str):
        return _mask_secrets(node) if _secrets else node
    if isinstance(node, dict):
        return {redact_data(k) if isinstance(k, str) else k: redact_data(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [redact_data(item) for item in node]
    return node


def to_json(document, **dumps_kw):
    """The one way a document becomes output text: secrets masked, strict JSON (no NaN)."""
    dumps_kw.setdefault("ensure_ascii", False)
    return json.dumps(redact_data(document), allow_nan=False, **dumps_kw)


def redact_bytes(data):
    """`data` with secrets masked (undecodable bytes kept as they are)."""
    if not _secrets:
        return data
    return _mask_secrets(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
