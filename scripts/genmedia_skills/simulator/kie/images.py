"""4o Image and Flux Kontext doubles.

4o: size required, prompt or filesUrl, up to 5 files; nVariants, maskUrl, isEnhance and
the fallback fields of the quickstart are accepted and ignored but nVariants (results);
record-info carries `progress` as a string "0.00"-"1.00", `response` null until it ends,
its list spelled resultUrls or result_urls (per task: clients must read both); its own
download-url takes the taskId. Flux: inputImage selects edit mode, where safetyTolerance
above 2 is accepted and then fails the task with errorCode 500, as at KIE.
"""
import hashlib
import re


from .dedicated import DedicatedApi, Invalid, Route, check_body, download_url
from .uploads import check_uploaded


def _ms(epoch):
    return int(epoch * 1000)


class Gpt4oApi(DedicatedApi):
    family = "gpt4o-image"

    def routes(self):
        return [
            Route("POST", re.escape("/api/v1/gpt4o-image/generate"), "kie.gpt4o-generate", self.generate, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("GET", re.escape("/api/v1/gpt4o-image/record-info"), "kie.gpt4o-query",
                  lambda req: self.polled(req, self.answer), errors=self.jobs.error, missing_field="successFlag"),
            Route("POST", re.escape("/api/v1/gpt4o-image/download-url"), "kie.gpt4o-download-url",
                  self.direct_link, errors=self.jobs.error),
        ]

    def generate(self, req):
        def run():
            body = check_body("kie/gpt4o-image-generate.request.json", self.body(req))
            files = body.get("filesUrl") or ([body["fileUrl"]] if body.get("fileUrl") else [])
            if not body.get("prompt") and not files:
                raise Invalid("prompt or filesUrl is required")
            for url in files:
                check_uploaded(self.jobs, req, url)
            variants = body.get("nVariants") if body.get("nVariants") in (1, 2, 4) else 1
            task_id = self.create(req, "generate", body, (40, 180), "image", variants=variants)
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def answer(self, req, record, done):
        outcome = self.finished(record, done)
        spelled = "result_urls" if int(hashlib.sha256(record["task_id"].encode()).hexdigest(), 16) % 2 else "resultUrls"
        data = {"taskId": record["task_id"], "paramJson": record["param"], "createTime": _ms(record["created_at"]),
                "completeTime": None, "response": None, "successFlag": 0, "status": "GENERATING",
                "errorCode": None, "errorMessage": None, "progress": "%.2f" % (done if outcome is None else 1.0)}
        if outcome:
            data["completeTime"] = _ms(record["created_at"] + record["duration"])
        if outcome == "fail":
            data.update(successFlag=2, status="GENERATE_FAILED", errorCode=400 if record["outcome"] == "moderation"
                        else 500, errorMessage=record.get("message") or "Image generation failed")
        elif outcome == "success":
            count = record.get("count") or record.get("variants") or 1
            urls = [] if record["outcome"] == "empty" else [self.file_url(req, record, "image-%d" % n, "png")
                                                            for n in range(1, count + 1)]
            data.update(successFlag=1, status="SUCCESS", response={spelled: urls})
        return data

    def direct_link(self, req):
        ok, body = req.json()
        if ok and isinstance(body, dict) and not body.get("taskId"):
            return self.jobs.error(422, "taskId is required")
        return download_url(self.jobs, req)


class FluxApi(DedicatedApi):
    family = "flux-kontext"

    def routes(self):
        return [
            Route("POST", re.escape("/api/v1/flux/kontext/generate"), "kie.flux-generate", self.generate, submit=True,
                  errors=self.jobs.error, missing_field="taskId"),
            Route("GET", re.escape("/api/v1/flux/kontext/record-info"), "kie.flux-query",
                  lambda req: self.polled(req, self.answer), errors=self.jobs.error, missing_field="successFlag"),
        ]

    def generate(self, req):
        def run():
            body = check_body("kie/flux-kontext-generate.request.json", self.body(req), optional=("model",))
            if body.get("inputImage"):
                check_uploaded(self.jobs, req, body["inputImage"])
            seconds = (20, 120) if body.get("model") == "flux-kontext-max" else (15, 90)
            tolerance = body.get("safetyTolerance", 2)
            bad = body.get("inputImage") and tolerance > 2
            task_id = self.create(req, "generate", body, seconds, "image", origin=body.get("inputImage"),
                                  bad_tolerance=bool(bad))
            return self.jobs.ok({"taskId": task_id})
        return self.guarded(req, run)

    def failed(self, record):
        return record.get("bad_tolerance") or super().failed(record)

    def answer(self, req, record, done):
        outcome = self.finished(record, done)
        created, completed = self.times(record)
        data = {"taskId": record["task_id"], "paramJson": record["param"], "createTime": created,
                "completeTime": completed if outcome else None, "response": None, "successFlag": 0,
                "errorCode": None, "errorMessage": None}
        if outcome == "fail":
            message = "safety tolerance out of range" if record.get("bad_tolerance") else \
                record.get("message") or "Image generation failed"
            data.update(successFlag=3, errorCode=500 if record.get("bad_tolerance") else 400, errorMessage=message,
                        response={"originImageUrl": record.get("origin"), "resultImageUrl": ""})
        elif outcome == "success":
            url = "" if record["outcome"] == "empty" else self.file_url(req, record, "image-1", "png")
            data.update(successFlag=1, response={"originImageUrl": record.get("origin"), "resultImageUrl": url})
        return data


