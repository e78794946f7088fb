"""A CreatOK request ready to send, with its media inputs still local until the gate or
the submit makes them assets: each media field of the body holds placeholders (what
--dry-run shows) until resolved_body() puts the asset keys in."""

import copy

from ...http.prepared_request import Prepared
from . import assets


class CreatOKPrepared(Prepared):
    def __init__(self, path, body, *, schema, model, media, service, estimate, task_type, http, account):
        """`media`: [(body field, [LocalFile | AssetKey], single)], single for a one-key field
        (firstFrameKey) rather than a list (referenceImageKeys); `estimate`: the local one."""
        for field, refs, single in media:
            body[field] = refs[0].placeholder() if single else [r.placeholder() for r in refs]
        super().__init__(path, body, schema=schema, model=model,
                         references=[r for _, refs, _ in media for r in refs],
                         notes=["CreatOK task type: %s" % task_type])
        self.media = media
        self.service = service      # what credits-estimate calls this request
        self.estimate = estimate
        self.http = http            # the connection prepare read the capabilities with
        self.account = account      # whose assets: remembered uploads are per account

    def resolved_body(self, http, upload):
        """(body, left_out): the body with asset keys in the media fields. Without `upload`
        a local file not yet an asset is left out (named in left_out), nothing is sent."""
        body, left_out = copy.deepcopy(self.body), []
        for field, refs, single in self.media:
            keys = []
            for ref in refs:
                if upload or ref.kind == "object_key" or "object_key" in ref.record:
                    keys.append(assets.object_key(http, self.account, ref))
                else:
                    left_out.append(ref.path.name)
            if not keys:
                body.pop(field, None)
            else:
                body[field] = keys[0] if single else keys
        return body, left_out

    def media_keys(self):
        return [r.record.get("object_key") for r in self.references if r.record.get("object_key")]
