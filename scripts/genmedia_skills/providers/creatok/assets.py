"""A local file -> a formal CreatOK asset, as CreatOK's own CLI does it
(contracts/creatok-cli.md section 2): presign {fileName, fileType, fileSize} at the image or
video endpoint, PUT the bytes to the signed URL without the Bearer header, then
POST /assets {object_key, type}; the ASSET's object_key is what estimate and generation
take (a temporary upload key is refused with 41003 asset_required).

The asset is remembered per account (base URL + key digest), media type and file sha256
in the per-user state, so a confirmed re-run, a batch or a later run never uploads the
same file twice. A remembered asset the server no longer has (41001/41002/41003) is
forgotten (forget_all), so the next run uploads it afresh.
"""

import time

from ...core.errors import GenmediaError, ProviderError
from ...store import user_state
from ...store.result_document import now_iso
from .envelope import unwrap

PRESIGN_PATHS = {"image": "/api/open/skills/upload/image/presigned",
                 "video": "/api/open/skills/upload/video/presigned"}
ASSETS_PATH = "/api/open/skills/assets"
CACHE = "creatok-assets.json"
REUSE_SECONDS = 30 * 24 * 3600.0   # formal assets stay until the user deletes them; re-check monthly


def _cache_key(account, ref):
    return "%s|%s|%s" % (account, ref.media, ref.sha256)


def _remembered(account, ref, now):
    with user_state.locked_json(CACHE) as doc:
        for key in [k for k, v in doc.items() if not isinstance(v, dict) or now - v.get("at", 0) >= REUSE_SECONDS]:
            del doc[key]
        return (doc.get(_cache_key(account, ref)) or {}).get("object_key")


def _remember(account, ref, object_key):
    with user_state.locked_json(CACHE) as doc:
        doc[_cache_key(account, ref)] = {"object_key": object_key, "at": time.time()}


def forget_all(account, object_keys):
    """Drop remembered assets whose keys the server refused."""
    keys = set(object_keys)
    with user_state.locked_json(CACHE) as doc:
        for name in [k for k, v in doc.items() if k.startswith(account + "|") and isinstance(v, dict)
                     and v.get("object_key") in keys]:
            del doc[name]


def _create(http, ref):
    body = {"fileName": ref.path.name, "fileType": ref.content_type, "fileSize": len(ref.data)}
    resp = http.submit_json(PRESIGN_PATHS[ref.media], body)
    presigned = unwrap(resp, "creatok/presign.response.json", "upload")
    http.put_bytes(presigned["presignedUploadUrl"], ref.data, ref.content_type)
    resp = http.submit_json(ASSETS_PATH, {"object_key": presigned["objectKey"], "type": ref.media})
    return unwrap(resp, "creatok/asset.response.json", "asset registration")["asset"]["object_key"]


def object_key(http, account, ref):
    """The asset key to send for `ref`: given, remembered, or uploaded and registered now."""
    if ref.kind == "object_key":
        return ref.key
    if "object_key" in ref.record:   # this run already resolved it (the gate, then the submit)
        return ref.record["object_key"]
    key = _remembered(account, ref, time.time())
    reused = key is not None
    if reused:
        http.on_note("reusing asset of %s (same sha256, registered before)" % ref.path.name)
    else:
        http.on_note("uploading %s (%d bytes) as a CreatOK %s asset" % (ref.path.name, len(ref.data), ref.media))
        try:
            key = _create(http, ref)
        except GenmediaError as exc:
            if exc.exit_code != ProviderError.exit_code:
                raise   # a rejected key stays exit 3; refused input stays exit 2
            raise ProviderError("uploading %s %s as an asset failed (%s); no generation was requested"
                                % (ref.option, ref.path.name, exc.message), kind="upload_failed",
                                http_status=exc.http_status) from None
        _remember(account, ref, key)
    ref.record.update(object_key=key, uploaded_at=now_iso(), reused_upload=reused)
    return key
