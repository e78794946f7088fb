"""Local files -> URLs on KIE's upload host (KIE_UPLOAD_BASE_URL), before the create.

POST /api/file-stream-upload (multipart: file, uploadPath, fileName); the URL is read
from `downloadUrl`, then `fileUrl`. An upload is remembered per upload host and sha256
(user_state, shared by every process) and reused while KIE still keeps the file; the
run records where each file went. Uploading is idempotent (same content, same name),
so it is retried like a GET.
"""

import time

from ...store import user_state
from ...core.errors import AuthError, BadResponse, ProviderError, TransportError
from ...store.result_document import now_iso
from ...validation.schema_registry import errors as schema_errors

STREAM_PATH = "/api/file-stream-upload"
UPLOAD_PATH = "genmedia-skills"
REUSE_SECONDS = 20 * 3600.0   # KIE keeps uploads 24 h (some pages say 3 days): reuse well inside that
CACHE = "kie-uploads.json"


def _fresh(entry, now, ttl):
    """A cache entry {url, at} still inside its reuse window (a damaged one is not)."""
    at = entry.get("at") if isinstance(entry, dict) else None
    return (isinstance(entry, dict) and isinstance(entry.get("url"), str) and isinstance(at, (int, float))
            and not isinstance(at, bool) and 0 <= now - at < ttl)


def _remembered(base, sha256, now, ttl):
    with user_state.locked_json(CACHE) as doc:
        for key in [k for k, v in doc.items() if not _fresh(v, now, ttl)]:
            del doc[key]
        return (doc.get("%s|%s" % (base, sha256)) or {}).get("url")


def _remember(base, sha256, url, now):
    with user_state.locked_json(CACHE) as doc:
        doc["%s|%s" % (base, sha256)] = {"url": url, "at": now}


def _post(http, url, local):
    import requests   # here, not at the top: --help, list and --dry-run send nothing

    attempt = 0
    while True:
        attempt += 1
        problem, status = None, None
        try:   # through the client: the key never follows a redirect off the upload host
            with open(str(local.path), "rb") as handle:
                resp = http.post_form(url, data={"uploadPath": UPLOAD_PATH, "fileName": local.upload_name},
                                      files={"file": (local.upload_name, handle, "image/" + local.format)})
        except requests.exceptions.RequestException as exc:
            problem = "%s" % type(exc).__name__
        else:
            status, body = resp.status, resp.data
            if status < 500 and status != 429 and body is not None:
                return status, body, resp.text
            problem = "HTTP %d%s" % (status, "" if body is not None else " with a non-JSON body")
        wait = http.policy.delay(attempt) if attempt < http.policy.attempts else None
        if wait is None:
            raise TransportError("upload of %s failed after %d attempt(s): %s" % (local.path.name, attempt, problem),
                                 http_status=status)
        http.on_retry("upload of %s: %s; retrying in %.1fs" % (local.path.name, problem, wait))
        http.sleep(wait)


def upload(http, base, local):
    status, body, text = _post(http, base + STREAM_PATH, local)
    message = str(body.get("msg") or body.get("message") or "") if isinstance(body, dict) else ""
    if status in (401, 403) or (isinstance(body, dict) and str(body.get("code")) in ("401", "403")):
        raise AuthError("KIE's upload host rejected the API key (%s): check KIE_AI_API_KEY" % message,
                        http_status=status)
    if status >= 400 or not isinstance(body, dict) or body.get("success") is False or \
            str(body.get("code", 200)) != "200":
        raise ProviderError("KIE refused the upload of %s (HTTP %d): %s" % (local.path.name, status, message or text[:200]),
                            kind="upload_rejected", provider_message=message or None, http_status=status)
    problems = schema_errors("kie/upload.response.json", body)
    if problems:
        raise BadResponse("KIE upload answer failed kie/upload.response.json: %s" % "; ".join(problems),
                          raw_body=text, http_status=status)
    return body["data"].get("downloadUrl") or body["data"]["fileUrl"]


def resolve(http, prepared):
    """The body to send: every local file uploaded (or its upload reused) and its URL in place."""
    uploads = getattr(prepared, "uploads", None)
    if not uploads:
        return prepared.body
    base = http.bases.get("upload")
    if not base:
        raise ProviderError("no upload host configured (KIE_UPLOAD_BASE_URL)", kind="config")
    urls = {}
    for local in uploads:
        if local.placeholder in urls:
            continue
        now = time.time()
        url = _remembered(base, local.sha256, now, REUSE_SECONDS * http.time_scale)
        reused = url is not None
        if not reused:
            http.on_note("uploading %s (%d bytes) to KIE's upload host" % (local.path.name, local.size))
            url = upload(http, base, local)
            _remember(base, local.sha256, url, time.time())
        else:
            http.on_note("reusing the upload of %s (same sha256, still kept by KIE)" % local.path.name)
        local.record.update(uploaded_url=url, uploaded_at=now_iso(), reused_upload=reused)
        urls[local.placeholder] = url
    return prepared.with_urls(urls)
