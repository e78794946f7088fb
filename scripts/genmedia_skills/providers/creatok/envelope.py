"""CreatOK's {code, msg, data} envelope: the HTTP status and the business code read
before the body, the schema checked, and the key, credit and not-found answers named.

Business codes (contracts/creatok-cli.md): 40101 the provider refused the input (exit 2),
41001 upload expired, 41002 media unavailable (exit 2, naming the key), 41003 a temporary
upload key where an asset is required (our asset flow is broken: exit 4). Shared by every
CreatOK call (api, capabilities, assets, estimate), so it sits below them all.
"""

import re

from ...core.errors import AuthError, BadResponse, ProviderError, UnknownTask, UsageError
from ...validation.schema_registry import errors as schema_errors

KEYS_PAGE = "https://www.creatok.ai/app/workspace/api-keys"
TOP_UP = "top up in your CreatOK workspace (https://www.creatok.ai/app/workspace), then run again"
NO_CREDITS_CODES = ("credits_exceeded", "payment_required", "402")
_NO_CREDITS = re.compile(r"(?i)credit|balance|insufficient|quota")

def message_of(body):
    if isinstance(body, dict):
        return str(body.get("msg") or body.get("message") or "").strip()
    return ""


# business code -> (error class, kind, what it means for the user)
BUSINESS = {
    40101: (UsageError, "input_rejected", "CreatOK refused the input (40101 input_rejected): %s; change the input "
            "(a reference showing a real person may need an avatar in CreatOK)"),
    41001: (ProviderError, "upload_expired", "CreatOK says an upload expired before it became an asset "
            "(41001 upload_expired): %s; run the same command again to upload it afresh"),
    41002: (UsageError, "media_input_unavailable", "CreatOK cannot use a media key (41002 media_input_unavailable: "
            "missing, deleted, the wrong type or another account's): %s; pass the local file or another asset's key"),
    41003: (ProviderError, "asset_required", "CreatOK refused a temporary upload key where an asset is required "
            "(41003 asset_required): %s; the asset flow (presign, PUT, POST /assets) did not register the file, "
            "a defect in this skill or a changed CreatOK API; nothing was generated"),
}


def business_code(body):
    code = body.get("code") if isinstance(body, dict) else None
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def unwrap(resp, schema, what, not_found=ProviderError):
    """The envelope's `data`, after the HTTP status, the code and the schema are checked."""
    body = resp.data
    message = message_of(body) or "HTTP %d" % resp.status
    code = business_code(body)
    if code in BUSINESS:
        cls, kind, text = BUSINESS[code]
        raise cls(text % message, kind=kind, provider_message=message, http_status=resp.status)
    if resp.status in (401, 403):
        raise AuthError("CreatOK rejected the API key (HTTP %d, %s): create a key at %s and export "
                        "CREATOK_API_KEY" % (resp.status, message, KEYS_PAGE),
                        provider_message=message, http_status=resp.status)
    if resp.status == 404:
        if not_found is UnknownTask:
            text = "CreatOK does not know this task_id (HTTP 404, %s); check it, and that it is a %s task" % (
                message, what.split()[0])
        else:
            text = "CreatOK %s: not found (HTTP 404, %s)" % (what, message)
        raise not_found(text, provider_message=message, http_status=resp.status)
    if resp.status >= 400 or (isinstance(body, dict) and body.get("code") not in (0, "0", None)):
        code = str(body.get("code")) if isinstance(body, dict) else ""
        if resp.status == 402 or code in NO_CREDITS_CODES or _NO_CREDITS.search(message):
            raise AuthError("CreatOK: not enough credits (%s); %s" % (message, TOP_UP), kind="no_credits",
                            provider_message=message, http_status=resp.status)
        raise ProviderError("CreatOK refused the %s (HTTP %d): %s" % (what, resp.status, message),
                            kind="rejected", provider_message=message, http_status=resp.status)
    if not isinstance(body, dict) or "code" not in body:
        raise BadResponse("CreatOK %s answer (HTTP %d) is not a {code, msg, data} envelope" % (what, resp.status),
                          raw_body=resp.text, http_status=resp.status)
    problems = schema_errors(schema, body)
    if problems:
        raise BadResponse("CreatOK %s answer failed %s: %s" % (what, schema, "; ".join(problems)),
                          raw_body=resp.text, http_status=resp.status)
    return body["data"]
