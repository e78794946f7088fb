"""The spending gate's figure: CreatOK's own POST /api/open/skills/credits-estimate
{service, params} for exactly the request that will be sent (params: the body without the
prompt, asset keys included, as CreatOK's CLI estimates with its options object). The
local price table (pricing.py) is only the fallback when the endpoint fails, and the
estimate says which one it is (`source`). A rejected key, refused input or a media key
the server will refuse (business codes) stops here, as the submit would."""

from ...core.errors import AuthError, GenmediaError, ProviderError
from .envelope import unwrap
from .pricing import UNKNOWN

PATH = "/api/open/skills/credits-estimate"
SCHEMA = "creatok/credits-estimate.response.json"
SERVER, LOCAL = "server estimate", "local estimate"
FATAL_KINDS = ("input_rejected", "upload_expired", "media_input_unavailable", "asset_required")


def server_credits(http, service, params):
    resp = http.submit_json(PATH, {"service": service, "params": params})
    return unwrap(resp, SCHEMA, "credits estimate")["credits"]


def for_request(prepared, upload):
    est = dict(prepared.estimate)
    body, left_out = prepared.resolved_body(prepared.http, upload)
    params = {k: v for k, v in body.items() if k != "prompt"}
    try:
        credits = server_credits(prepared.http, prepared.service, params)
    except AuthError:
        raise
    except GenmediaError as exc:
        if exc.kind in FATAL_KINDS or not isinstance(exc, ProviderError):
            raise
        priced = est["credits"] != UNKNOWN
        est.update(source=LOCAL, basis="%s; CreatOK's estimate endpoint failed (%s), so this is the local price "
                                       "list%s" % (est["basis"], exc.message, "" if priced else ", which has none"))
        prepared.gate_estimate = est
        return est
    est.update(credits=credits, source=SERVER, service=prepared.service,
               basis="CreatOK credits-estimate for this exact request")
    if left_out:
        est["basis"] += "; %s not uploaded yet (dry run), so not in it" % ", ".join(left_out)
    prepared.gate_estimate = est   # what the run's cost records (api.price)
    return est
