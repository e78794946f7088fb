"""The adapter of the KIE skills: each model through the API family its catalog entry names
(`x-api`; none: the Market jobs API), and each follow-up (extend, 1080p, WAV, ...) through
its family's operation. Runs record the endpoint that created their task, so status,
wait and link refreshes go to the right API whatever the task id looks like.
"""

from ...validation import catalog
from ...core.errors import BadResponse, UnknownTask
from ...jobs.poll_schedule import PollSchedule
from . import callback, families, fields, unlisted, veo
from .api import KieJobs
from .dedicated import download_url


class KieApis(KieJobs):
    unlisted_market = False   # image and video: a model the catalog does not list goes to the Market as given

    def prepare(self, opts):
        return self.prepare_named(opts.get("model"), opts)

    def prepare_named(self, name, opts):
        """The checked request for --model `name` (None: the catalog default). On the Market
        skills a model the catalog does not list yet is sent as given (unlisted.prepare)."""
        if not self.unlisted_market:
            return self.prepare_model(catalog.choose(self.catalog, "model", "--model", name), opts)
        model = catalog.choose_model(self.catalog, "--model", name)
        if not model.known:
            return unlisted.prepare(model, opts, callback=callback.url_for(opts, required=False))
        return self.prepare_model(model.name, opts)

    def prepare_model(self, model, opts):
        """The checked request for catalog `model` (already chosen) from the skill's options."""
        entry = catalog.option(catalog.param(self.catalog, "model"), model)
        if not entry.get("x-api"):
            return fields.prepare(self.catalog, model, opts, callback=callback.url_for(opts, required=False))
        family = families.family(entry["x-api"])
        schema = catalog.load(entry["x-request-schema"])
        fixed = {"model": ("--model", entry.get("x-body-model", model))} if "model" in schema["properties"] else {}
        return self._flat(family, family.operation("generate"), entry["x-request-schema"], model, opts, fixed)

    def follow_up(self, family_name, op_name, schema_name, opts, fixed):
        """A follow-up request (extend, 1080p, 4k, lyrics, wav, vocal-removal); its model label
        "<family>/<operation>" picks its poll schedule."""
        family = families.family(family_name)
        op = family.operation(op_name)
        return self._flat(family, op, schema_name, "%s/%s" % (family_name, op_name), opts, fixed)

    def _flat(self, family, op, schema_name, model, opts, fixed):
        schema = catalog.load(schema_name)
        fixed = dict(fixed)
        if "callBackUrl" in schema["properties"]:
            fixed["callBackUrl"] = ("--callback-url",
                                    callback.url_for(opts, required="callBackUrl" in schema.get("required", [])))
        prepared = fields.prepare_flat(schema_name, model, opts, op.path, fixed)
        prepared.method = op.method
        family.check(prepared.body, model)
        return prepared

    def submit(self, http, prepared, record_task_id=None):
        family, op = families.operation_at(prepared.path)
        if family is None:
            return super().submit(http, prepared, record_task_id)
        return family.submit(http, op, prepared)

    def _family_of(self, doc):
        family, op = families.of_endpoint((doc.get("request") or {}).get("endpoint"))
        if family is None and veo.split_hd(doc["task_id"]):   # a 1080p upgrade followed without its run
            family, op = veo.FAMILY, veo.FAMILY.operation("1080p")
        return family, op

    def query_for_run(self, http, doc):
        family, op = self._family_of(doc)
        if family is None and not (doc.get("request") or {}).get("endpoint"):
            return self._discover(http, doc)
        if family is None:
            return self.query(http, doc["task_id"])
        return family.poll(http, doc["task_id"], op)

    def _discover(self, http, doc):
        """A task made elsewhere: the Market first, then each API of this skill's models; the one
        that knows it is recorded as the run's endpoint, so later polls ask it directly."""
        try:
            return self.query(http, doc["task_id"])
        except UnknownTask as unknown:
            first = unknown
        names = {e.get("x-api") for e in catalog.param(self.catalog, "model")["oneOf"]} - {None}
        for family in (families.family(name) for name in sorted(names)):
            polled = {}
            for o in family.operations:   # one probe per poll path, by the first operation using it
                if o.method == "POST":
                    polled.setdefault(o.poll_path, o)
            for op in polled.values():
                try:
                    snap = family.poll(http, doc["task_id"], op)
                except (UnknownTask, BadResponse):   # not this API's task (or an answer that says nothing)
                    continue
                doc["request"]["endpoint"] = "%s %s" % (op.method, op.path)
                return snap
        raise first

    def refresh_link(self, http, doc, url):
        """A fresh direct link for an output whose link no longer works (KIE's download-url)."""
        family, _ = self._family_of(doc)
        return family.refresh(http, doc["task_id"], url) if family else download_url(http, url)

    def schedule(self, model):
        _, op = families.of_label(model)
        if op is not None:
            return PollSchedule(op.seconds, grace=25.0)
        return super().schedule(model)
