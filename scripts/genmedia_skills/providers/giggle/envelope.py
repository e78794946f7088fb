"""giggle.pro's answer envelope {code, msg, uuid, data}: auth, error codes and the schema
check, shared by the generation API, the trustee API and the asset upload."""

import re

from ...core.errors import AuthError, BadResponse, ProviderError, UnknownTask
from ...validation.schema_registry import errors as schema_errors

_NO_CREDITS = re.compile(r"(?i)credit|balance|insufficient|余额|积分")
_NOT_FOUND = re.compile(r"(?i)not\s*found|not\s*exist|不存在")


def _message(data):
    if isinstance(data, dict):
        return str(data.get("msg") or data.get("message") or "").strip()
    return ""


def unwrap(resp, schema, what):
    """The envelope's `data` after auth, error-code and schema checks."""
    body = resp.data
    message = _message(body) or ("HTTP %d" % resp.status)
    code = body.get("code") if isinstance(body, dict) else None
    if resp.status in (401, 403) or str(code) in ("401", "403"):
        raise AuthError("giggle.pro rejected the API key (%s): check GIGGLE_API_KEY" % message,
                        provider_message=message, http_status=resp.status)
    if resp.status < 400 and (not isinstance(body, dict) or "code" not in body):
        raise BadResponse("giggle.pro %s answer is not a {code, msg, data} envelope" % what,
                          raw_body=resp.text, http_status=resp.status)
    if str(code) not in ("200", "0"):
        if _NO_CREDITS.search(message):
            raise AuthError("giggle.pro: not enough credits (%s); top up your credits at giggle.pro, then run "
                            "again" % message, kind="no_credits",
                            provider_message=message, http_status=resp.status)
        if resp.status == 404 or str(code) == "404" or _NOT_FOUND.search(message):
            raise UnknownTask("giggle.pro does not know this task (%s)" % message,
                              provider_message=message, http_status=resp.status)
        raise ProviderError("giggle.pro refused the %s: %s" % (what, message), kind="rejected",
                            provider_message=message, http_status=resp.status)
    problems = schema_errors(schema, body)
    if problems:
        raise BadResponse("giggle.pro %s answer failed %s: %s" % (what, schema, "; ".join(problems)),
                          raw_body=resp.text, http_status=resp.status)
    return body["data"]
