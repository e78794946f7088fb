"""The giggle-files-management skill: upload local files to giggle.pro's asset service and
get their asset_ids (what image-to-image, image-to-video and AIMV take), private unless
--public; `list` shows the uploads this user made, from the per-user upload cache.

The upload itself (presign, PUT without the key, register, cache by sha256) is
providers/giggle/upload.py, which every giggle skill with a reference uses too.
"""

from typing import List, Optional

from ..command.cli import ARTIFACTS, DRY_RUN, QUIET, SIMULATE, TIMEOUT, SkillCLI, _option, check_timeout
from ..command.options import argument
from ..core import exit_codes
from ..core.errors import GenmediaError, UsageError
from ..providers.giggle.api import GiggleGeneration

FILES = argument("files", Optional[List[str]],
                 help="Local files to upload (any type: images, audio, video, documents).")
NAME = _option("name", Optional[str], None, "--name",
               help="The asset's name (default: the file's name); only with one file.")
PUBLIC = _option("public", bool, False, "--public",
                 help="Make the files public (a permanent unsigned URL). Default: private, with a signed URL.")
LIMIT = _option("limit", int, 50, "--limit", help="At most this many uploads, newest first.")


def _locals(kw):
    from ..providers.giggle.upload import LocalFile

    files = kw.get("files") or []
    if not files:
        raise UsageError("FILES: missing; give one or more local files to upload")
    name = kw.get("name")
    if name is not None:
        if len(files) > 1:
            raise UsageError("--name: %r names one file, but %d were given" % (name, len(files)))
        if not name.strip() or len(name) > 255 or "/" in name or "\\" in name:
            raise UsageError("--name: %r must be 1-255 characters without / or \\" % (name,))
    return [LocalFile("FILES", path, media="file", name=name) for path in files]   # all checked before any upload


def _described(local):
    return {"path": str(local.path), "name": local.name, "bytes": local.size, "sha256": local.sha256,
            "content_type": local.content_type}


def _upload(ctx, kw):
    from ..providers.giggle.upload import PRESIGN_PATH, upload

    locals_ = _locals(kw)
    public = bool(kw.get("public"))
    base = {"skill": ctx.skill, "provider": "giggle", "simulated": ctx.simulated}
    if kw.get("dry_run"):
        requests = [{"method": "POST", "path": PRESIGN_PATH,
                     "body": {"file_name": f.name, "content_type": f.content_type, "is_public": public}}
                    for f in locals_]
        return dict(base, dry_run=True, files=[_described(f) for f in locals_], requests=requests,
                    notes=["nothing was sent", "each file: presign, PUT of its bytes (no key), register; "
                           "a file uploaded before (same sha256) is reused"]), exit_codes.OK
    http = ctx.connect()
    timeout = check_timeout(kw["timeout"])
    http.start_deadline(timeout)
    assets = []
    try:
        for local in locals_:
            asset = upload(http, local, public=public)
            assets.append(dict(_described(local), asset_id=asset["asset_id"], type=asset.get("type"),
                               file_url=asset.get("file_url"), public=public, reused=asset["reused"]))
    except GenmediaError as exc:   # what was uploaded is kept (and cached): report it with the error
        return dict(base, assets=assets, error=exc.to_dict(), exit_code=exc.exit_code), exc.exit_code
    return dict(base, assets=assets), exit_codes.OK


def _list(ctx, kw):
    from ..store import user_state
    from ..providers.giggle.upload import CACHE

    if kw["limit"] < 1:
        raise UsageError("--limit: %r must be at least 1" % (kw["limit"],))
    with user_state.locked_json(CACHE) as doc:
        entries = [dict(entry, service=key.split("|", 1)[0]) for key, entry in doc.items()]
    entries.sort(key=lambda e: e.get("at", 0), reverse=True)
    for entry in entries:
        entry.pop("at", None)
        entry.pop("base", None)
    return entries[:kw["limit"]], exit_codes.OK


class FilesCLI(SkillCLI):
    def __init__(self):
        super().__init__("giggle-files-management", GiggleGeneration(), lambda: None,
                         help="Upload local files to giggle.pro and get asset_ids (private unless --public).")

    def commands(self):
        return [
            ("upload", _upload, [FILES, NAME, PUBLIC, TIMEOUT, DRY_RUN, SIMULATE, ARTIFACTS, QUIET],
             "Upload files (presign, PUT, register); prints their asset_ids and URLs as JSON."),
            ("list", _list, [LIMIT, QUIET], "Uploads made from this machine (the upload cache), newest first."),
        ]


SKILL = FilesCLI()
