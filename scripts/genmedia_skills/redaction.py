"""Keep secrets out of everything we print or store.

API keys are registered when they are read from the environment; any text that
leaves the process through stderr, logs or error messages passes `redact()`.
Signed-URL signatures are masked in logs too (stdout results keep the exact
URLs: they are the deliverable).
"""

import re

_secrets = set()
_SIGNED_PARAM = re.compile(r"(?i)\b(Signature|Policy|Key-Pair-Id|X-Amz-Signature|X-Amz-Credential|token)=([^&\s\"')]+)")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


def register_secret(value):
    """Remember a secret so every later redact() call masks it."""
    if value and len(value) >= 4:
        _secrets.add(value)


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
