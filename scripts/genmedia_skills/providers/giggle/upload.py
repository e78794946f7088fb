"""giggle.pro asset upload: local file -> asset_id (contracts/giggle-more.md section 4).

POST /api/v1/asset/get-presigned-url {file_name, content_type, is_public} -> {object_key,
signed_url}; PUT the raw bytes to signed_url (no x-auth: the signature is the auth, and
the key stays with giggle.pro); POST /api/v1/asset/register {object_key, name} ->
{asset_id, name, type, file_url}. Files are private unless the user asks (the official
uploader makes everything public).

Used by giggle-files-management and by every giggle skill that takes a reference: a
local file too large to inline as base64, or for a field that takes only assets (AIMV's
music_asset_id) or only URLs (omni-video's audios/videos: the asset's file_url), is
uploaded at submit time, after the spending gate, never at --dry-run. Each upload is
remembered per service, account and sha256 (user_state, shared by every process), so a
file is never uploaded twice; a URL taken from a private asset is reused only while
its signature is surely valid.
"""

import hashlib
import mimetypes
import os
import time
from pathlib import Path

from ...core.errors import AuthError, GenmediaError, ProviderError, SubmitOutcomeUnknown, TransportError, UsageError
from ...media.media_types import sniff
from ...media.references import image_format, local_file, parse_reference
from ...store import user_state
from ...store.result_document import now_iso
from .envelope import unwrap

PRESIGN_PATH = "/api/v1/asset/get-presigned-url"
REGISTER_PATH = "/api/v1/asset/register"
CACHE = "giggle-assets.json"
# A local reference above this is uploaded instead of sent as base64 (a JSON body of
# several MB is slow to send and its limit at giggle.pro is not published).
INLINE_MAX_BYTES = 4 * 1024 * 1024
# Per media kind; images/videos/audios follow Seedance's published reference limits.
MAX_BYTES = {"image": 30 * 1024 * 1024, "video": 50 * 1024 * 1024, "audio": 15 * 1024 * 1024,
             "file": 1024 * 1024 * 1024}
URL_REUSE_SECONDS = 3600.0   # a private asset's signed file_url: reused within the hour only
_ISO_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".m4v": "video/mp4", ".m4a": "audio/mp4",
              ".heic": "image/heic", ".heif": "image/heif", ".avif": "image/avif"}
_SNIFFED = {"mp3": "audio/mpeg", "wav": "audio/wav", "webm": "video/webm"}
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
                "bmp": "image/bmp"}


def _content_type(path, head):
    """The MIME type of a file: its bytes first (a .png that is a JPEG is sent as JPEG),
    then its extension, then application/octet-stream."""
    found = image_format(head)
    if found in _IMAGE_TYPES:
        return _IMAGE_TYPES[found]
    kind = sniff(head)
    if kind in _SNIFFED:
        return _SNIFFED[kind]
    suffix = path.suffix.lower()
    if found == "heif" or kind == "iso-bmff":
        return _ISO_TYPES.get(suffix, "image/heic" if found == "heif" and suffix != ".mp4" else "video/mp4")
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _article(media):
    return ("an " if media[0] in "aeiou" else "a ") + media


class LocalFile:
    """A local file sent as an asset: `want` is what its field receives, the asset_id or
    the asset's file_url. Until the upload it is a placeholder in the body."""

    def __init__(self, option, path, media="file", want="asset_id", name=None):
        self.option = option
        self.path = Path(os.path.expanduser(path))
        self.media = media
        self.want = want
        shown = str(path)
        try:
            if not self.path.exists():
                raise UsageError("%s: file not found: %s" % (option, shown))
            if not self.path.is_file():
                raise UsageError("%s: %s is not a regular file" % (option, shown))
            self.size = self.path.stat().st_size
            limit = MAX_BYTES[media]
            if self.size > limit:
                raise UsageError("%s: %s is %d bytes; the limit for %s is %d"
                                 % (option, shown, self.size, _article(media), limit))
            if not self.size:
                raise UsageError("%s: %s is empty" % (option, shown))
            digest = hashlib.sha256()
            with open(str(self.path), "rb") as handle:
                head = handle.read(64)
                digest.update(head)
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
        except UsageError:
            raise
        except OSError as exc:
            raise UsageError("%s: cannot read file %s (%s)" % (option, shown, exc.strerror or exc)) from None
        self.sha256 = digest.hexdigest()
        self.content_type = _content_type(self.path, head)
        if media != "file" and not self.content_type.startswith(media + "/"):
            raise UsageError("%s: %s is %s, not %s file" % (option, shown, self.content_type, _article(media)))
        self.name = (name or self.path.name).strip()
        self.placeholder = "<upload of %s, sha256 %s>" % (self.path.name[:40], self.sha256[:16])
        # what the request schema sees in its place before the upload
        self.sample = "https://upload.invalid/" + self.sha256 if want == "url" else None
        self.record = {"type": "file", "path": str(self.path.resolve()), "sha256": self.sha256, "bytes": self.size}

    # what Prepared and the body builders read, like references.Reference
    @property
    def kind(self):
        return self.want

    @property
    def value(self):
        return self.placeholder

    def payload(self):
        return {self.want: self.placeholder}

    def opener(self):
        return lambda: open(str(self.path), "rb")


def reference(option, text, media="image", takes=("url", "base64", "asset_id")):
    """One command-line reference for a giggle field that accepts `takes`: a LocalFile when
    a local file must go through the upload (too large to inline, or the field takes no
    base64), else a references.Reference; UsageError naming the option otherwise."""
    path = local_file(text)
    if path is not None:
        too_big = os.path.isfile(os.path.expanduser(path)) and os.path.getsize(os.path.expanduser(path)) > INLINE_MAX_BYTES
        if "base64" not in takes or too_big or media != "image":
            want = "asset_id" if "asset_id" in takes else "url"
            return LocalFile(option, path, media=media, want=want)
    ref = parse_reference(option, text)
    if ref.kind not in takes:
        raise UsageError("%s: %r is %s; here it takes %s" % (option, text if len(text) <= 48 else text[:48] + "…",
                                                             _FORMS[ref.kind], " or ".join(
                                                                 [_FORMS[t] for t in takes] + ["a local file"])))
    return ref


_FORMS = {"url": "a URL", "base64": "base64", "asset_id": "an asset_id"}


# -- the upload itself ---------------------------------------------------------------------
def _account(http):
    """Which account the cache entry belongs to: a digest of the key, never the key."""
    key = http.session.headers.get("x-auth") or ""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _cache_key(http, local, public):
    return "|".join((getattr(http, "identity", None) or http.base_url, _account(http), local.sha256,
                     "public" if public else "private"))


def _remembered(http, local, public):
    with user_state.locked_json(CACHE) as doc:
        entry = doc.get(_cache_key(http, local, public))
    if not entry or not entry.get("asset_id"):
        return None
    old_base = entry.get("base")
    if old_base and old_base != http.base_url and (entry.get("file_url") or "").startswith(old_base):
        # same service at a new address (the simulator's port changes with every process)
        entry["file_url"] = http.base_url + entry["file_url"][len(old_base):]
    if local.want == "url" and not public:
        if not entry.get("file_url") or time.time() - entry.get("at", 0) >= URL_REUSE_SECONDS * http.time_scale:
            return None
    return entry


def _with_retries(http, what, send):
    """A presign or register answer lost on the way is asked for again: neither creates
    anything that costs credits (a second presign is an unused key)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return send()
        except (SubmitOutcomeUnknown, TransportError) as exc:
            wait = http.policy.delay(attempt) if attempt < http.policy.attempts else None
            if wait is None:
                raise
            http.on_retry("%s: %s; retrying in %.1fs" % (what, exc.message, wait))
            http.sleep(wait)


def upload(http, local, public=False):
    """The asset record {asset_id, name, type, file_url, reused} of `local`, uploading it
    unless the same bytes were uploaded before (same service, account and visibility)."""
    entry = _remembered(http, local, public)
    if entry is not None:
        http.on_note("reusing asset %s for %s (same sha256, uploaded before)" % (entry["asset_id"], local.path.name))
        return dict(entry, reused=True)
    http.on_note("uploading %s (%d bytes, %s) to giggle.pro's asset service"
                 % (local.path.name, local.size, "public" if public else "private"))
    try:
        presign = unwrap(_with_retries(http, "presign", lambda: http.submit_json(PRESIGN_PATH, {
            "file_name": local.name, "content_type": local.content_type, "is_public": bool(public)})),
            "giggle/asset-presign.response.json", "upload presign")
        http.put_bytes(presign["signed_url"], local.opener(), local.content_type)
        asset = unwrap(_with_retries(http, "register", lambda: http.submit_json(REGISTER_PATH, {
            "object_key": presign["object_key"], "name": local.name})),
            "giggle/asset-register.response.json", "asset register")
    except AuthError:
        raise   # a rejected key or no credits keeps its own exit code
    except GenmediaError as exc:
        raise ProviderError("uploading %s to giggle.pro failed: %s; nothing was generated"
                            % (local.path, exc.provider_message or exc.message), kind="upload_failed",
                            http_status=exc.http_status, provider_message=exc.provider_message) from None
    file_url = asset.get("file_url") or asset.get("public_url") or asset.get("download_url")
    entry = {"asset_id": asset["asset_id"], "name": asset.get("name") or local.name,
             "type": asset.get("type"), "file_url": file_url, "public": bool(public),
             "sha256": local.sha256, "bytes": local.size, "content_type": local.content_type,
             "at": time.time(), "uploaded_at": now_iso(), "base": http.base_url}
    with user_state.locked_json(CACHE) as doc:
        doc[_cache_key(http, local, public)] = entry
    return dict(entry, reused=False)


def resolve(http, prepared):
    """Upload (or reuse) every LocalFile of `prepared` and put its asset_id or file_url in
    the body in place of its placeholder; the run's references record which asset."""
    locals_ = [r for r in list(prepared.references) + _before_refs(prepared) if isinstance(r, LocalFile)]
    for local in locals_:
        asset = upload(http, local)
        value = asset["asset_id"] if local.want == "asset_id" else asset["file_url"]
        if not value:
            raise ProviderError("giggle.pro registered %s without a file_url, which %s needs"
                                % (local.path.name, local.option), kind="upload_failed")
        local.record.update(asset_id=asset["asset_id"], uploaded_at=asset["uploaded_at"],
                            reused_upload=asset["reused"])
        if local.want == "url":
            local.record["uploaded_url"] = value
        prepared.fill(local.placeholder, value)
    return prepared.body


def _before_refs(prepared):
    return list(prepared.before.references) if prepared.before is not None else []
