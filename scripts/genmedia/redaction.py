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


def redact(text, *, urls=True):
    """Return `text` with registered secrets (and, if `urls`, URL signatures) masked."""
    if not text:
        return text
    text = str(text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    text = _BEARER.sub(r"\1***", text)
    if urls:
        text = _SIGNED_PARAM.sub(lambda m: m.group(1) + "=***", text)
    return text
