"""genmedia_skills.providers.giggle: the envelope (unwrap), task queries against the simulator,
and the image request builder (GiggleImage.prepare / schedule).

HTTP goes to the simulator on loopback through the project's own HttpClient; nothing
in `requests` is mocked.
"""

import base64
import json

import pytest

from conftest import TEST_KEY
from genmedia_skills.validation import catalog
from genmedia_skills.core import exit_codes, task_status
from genmedia_skills.core.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    TaskFailed,
    UnknownTask,
    UsageError,
)
from genmedia_skills.http.http_answer import Response
from genmedia_skills.http.http_client import HttpClient
from genmedia_skills.jobs.poll_schedule import PollSchedule
from genmedia_skills.http.prepared_request import Prepared
from genmedia_skills.providers.giggle import api
from genmedia_skills.providers.giggle.api import GiggleGeneration, unwrap
from genmedia_skills.providers.giggle.image import CATALOG, I2I_PATH, T2I_PATH, GiggleImage
from genmedia_skills.http.retry_policy import RetryPolicy
from genmedia_skills.simulator.giggle.generation import ERROR_MSG, FAIL_MSG, MODERATION_MSG
from test_image_e2e import png_bytes

SUBMIT_SCHEMA = "giggle/submit.response.json"
QUERY_SCHEMA = "giggle/task-query.response.json"


def response(status, body, *, raw=None):
    """A Response as http_client builds it: parsed JSON in .data, the text alongside."""
    text = json.dumps(body) if raw is None else raw
    return Response(status, {"Content-Type": "application/json"}, text, body)


def envelope(code, msg="success", data=None):
    return {"code": code, "msg": msg, "uuid": "0f2c", "data": data}


# =========================================================================== unwrap

@pytest.mark.parametrize("code", [200, 0, "200", "0"])
def test_unwrap_accepts_the_success_codes(code):
    data = {"task_id": "abc-123"}
    assert unwrap(response(200, envelope(code, data=data)), SUBMIT_SCHEMA, "submit") == data


def test_unwrap_returns_the_data_of_a_query_answer():
    data = {"task_id": "t", "status": "completed", "urls": ["https://cdn.example/a.png"], "err_msg": ""}
    assert unwrap(response(200, envelope(200, data=data)), QUERY_SCHEMA, "task query") == data


@pytest.mark.parametrize("http,code", [(401, 401), (403, 403), (401, None), (200, 401), (200, "403"),
                                       (403, 500)])
def test_unwrap_auth_failures_are_auth_errors_exit_3(http, code):
    body = envelope(code, "Unauthorized: invalid x-auth") if code is not None else None
    resp = response(http, body, raw=None if body else "<html>denied</html>")
    with pytest.raises(AuthError) as info:
        unwrap(resp, SUBMIT_SCHEMA, "submit")
    err = info.value
    assert err.exit_code == exit_codes.AUTH == 3
    assert err.kind == "auth"
    assert err.http_status == http
    assert "GIGGLE_API_KEY" in err.message
    if body:
        assert err.provider_message == "Unauthorized: invalid x-auth"
    else:
        assert err.provider_message == "HTTP %d" % http


@pytest.mark.parametrize("code,msg", [
    (402, "Insufficient credits"),
    (500, "account balance too low"),
    ("1001", "CREDIT limit reached"),
    (400, "余额不足，请充值"),
    (400, "积分不足"),
])
def test_unwrap_no_credits_is_an_auth_error_of_kind_no_credits(code, msg):
    with pytest.raises(AuthError) as info:
        unwrap(response(200, envelope(code, msg)), SUBMIT_SCHEMA, "submit")
    err = info.value
    assert err.kind == "no_credits" and err.exit_code == 3
    assert err.provider_message == msg and msg in err.message


def test_unwrap_auth_wins_over_a_credits_message():
    with pytest.raises(AuthError) as info:
        unwrap(response(401, envelope(401, "no balance for this key")), SUBMIT_SCHEMA, "submit")
    assert info.value.kind == "auth"


@pytest.mark.parametrize("http,code,msg", [
    (404, 404, "task not found"),
    (200, 404, "whatever"),
    (200, 500, "Task Not Found"),
    (200, 1002, "task does not exist"),
    (200, 1002, "任务不存在"),
    (404, None, None),
])
def test_unwrap_unknown_task(http, code, msg):
    body = envelope(code, msg) if code is not None else None
    resp = response(http, body, raw=None if body else "<html>404</html>")
    with pytest.raises(UnknownTask) as info:
        unwrap(resp, QUERY_SCHEMA, "task query")
    err = info.value
    assert err.kind == "unknown_task" and err.exit_code == exit_codes.PROVIDER
    assert err.http_status == http
    assert err.provider_message == (msg or "HTTP 404")


@pytest.mark.parametrize("http,code,msg", [
    (400, 400, "prompt: must be at most 2000 characters"),
    (200, 500, "Internal Server Error"),
    (200, "E42", "model temporarily disabled"),
    (429, 429, "Too Many Requests"),
])
def test_unwrap_other_codes_are_rejections_keeping_the_provider_message(http, code, msg):
    with pytest.raises(ProviderError) as info:
        unwrap(response(http, envelope(code, msg)), SUBMIT_SCHEMA, "submit")
    err = info.value
    assert type(err) is ProviderError
    assert err.kind == "rejected" and err.exit_code == 4
    assert err.provider_message == msg and msg in err.message
    assert "submit" in err.message and err.http_status == http


def test_unwrap_reads_message_when_msg_is_absent():
    body = {"code": 400, "message": "aspect_ratio: unsupported"}
    with pytest.raises(ProviderError) as info:
        unwrap(response(400, body), SUBMIT_SCHEMA, "submit")
    assert info.value.provider_message == "aspect_ratio: unsupported"


@pytest.mark.parametrize("schema,data,needle", [
    (SUBMIT_SCHEMA, None, "$.data"),
    (SUBMIT_SCHEMA, {}, "task_id"),
    (SUBMIT_SCHEMA, {"task_id": ""}, "$.data.task_id"),
    (SUBMIT_SCHEMA, {"task_id": 12345}, "$.data.task_id"),
    (QUERY_SCHEMA, {"task_id": "t"}, "status"),
    (QUERY_SCHEMA, {"status": "completed", "urls": ["ftp://x/a.png"]}, "$.data.urls[0]"),
    (QUERY_SCHEMA, {"status": "completed", "urls": "https://x/a.png"}, "$.data.urls"),
])
def test_unwrap_schema_failures_are_bad_responses_with_the_raw_body(schema, data, needle):
    body = envelope(200, data=data)
    raw = json.dumps(body)
    with pytest.raises(BadResponse) as info:
        unwrap(response(200, body, raw=raw), schema, "answer")
    err = info.value
    assert err.kind == "bad_response" and err.exit_code == 4
    assert err.raw_body == raw and err.http_status == 200
    assert schema in err.message and needle in err.message


@pytest.mark.parametrize("body", [
    {"msg": "success", "data": {"task_id": "t-1"}},   # the envelope's required `code` is gone
    [{"task_id": "t-1"}],                              # not an envelope at all
])
def test_unwrap_a_200_answer_that_is_not_an_envelope_is_a_bad_response(body):
    # BUG: unwrap() checks the code before the envelope schema, so a 2xx body without
    # `code` is reported as "giggle.pro refused the submit: HTTP 200" (kind rejected)
    # and its raw body is not kept; it is schema drift (envelope.json requires code).
    raw = json.dumps(body)
    with pytest.raises(BadResponse) as info:
        unwrap(response(200, body, raw=raw), SUBMIT_SCHEMA, "submit")
    assert info.value.raw_body == raw


# =========================================================================== query

@pytest.fixture
def adapter():
    return GiggleImage()


@pytest.fixture
def http(sim, adapter):
    client = HttpClient(sim.base_url, adapter.headers(TEST_KEY), (2.0, 2.0),
                        policy=RetryPolicy(attempts=2, base=0.01, cap=0.02), sleep=lambda s: None)
    yield client
    client.session.close()


def submit(adapter, http, count=1, **opts):
    prepared = adapter.prepare(dict({"prompt": "a lighthouse at dusk", "generate_count": count}, **opts))
    return adapter.submit(http, prepared.check())


def test_headers_are_raw_x_auth_without_bearer(sim, adapter, http):
    assert adapter.headers(TEST_KEY) == {"x-auth": TEST_KEY, "Content-Type": "application/json"}
    task_id = submit(adapter, http)
    adapter.query(http, task_id)
    for record in sim.requests:
        assert record.headers["x-auth"] == TEST_KEY
        assert "authorization" not in record.headers
    assert [r.route for r in sim.requests] == ["giggle.text-to-image", "giggle.query"]


def test_submit_returns_the_task_id(sim, adapter, http):
    task_id = submit(adapter, http)
    assert [t["task_id"] for t in sim.tasks("giggle")] == [task_id]


@pytest.mark.parametrize("outcome,status,word,kind,provider_message", [
    ("fail", task_status.FAILED, "failed", "task_failed", FAIL_MSG),
    ("error", task_status.FAILED, "error", "task_failed", ERROR_MSG),
    ("moderation", task_status.FAILED, "failed", "moderation", MODERATION_MSG),
    ("canceled", task_status.CANCELED, "canceled", "canceled", "task canceled"),
])
def test_failed_outcomes_are_terminal_with_the_right_error(sim, adapter, http, outcome, status, word, kind,
                                                           provider_message):
    sim.outcomes.add(outcome, duration=0)
    snap = adapter.query(http, submit(adapter, http))
    assert snap.status == status and status in task_status.TERMINAL
    assert snap.provider_status == word
    assert snap.urls == [] and snap.note is None
    assert isinstance(snap.error, TaskFailed)
    assert snap.error.kind == kind and snap.error.exit_code == exit_codes.TASK_FAILED
    assert snap.error.provider_message == provider_message
    assert provider_message in snap.error.message


def test_succeeded_task_gives_one_url_per_image(sim, adapter, http):
    sim.outcomes.add("succeed", duration=0)
    task_id = submit(adapter, http, count=3)
    snap = adapter.query(http, task_id)
    assert (snap.status, snap.provider_status, snap.error, snap.note) == (
        task_status.SUCCEEDED, "completed", None, None)
    assert len(snap.urls) == 3
    for n, url in enumerate(snap.urls, 1):
        assert url.startswith(sim.base_url + "/private/sim/giggle/%s/image-%d.png?" % (task_id, n))
        assert "Signature=" in url


def test_pending_task_is_queued(sim, adapter, http):
    sim.outcomes.add("succeed", duration=1000)   # 10 s real, the first 15% read as pending
    snap = adapter.query(http, submit(adapter, http))
    assert (snap.status, snap.provider_status, snap.urls, snap.error) == (task_status.QUEUED, "pending", [], None)


def test_processing_task_is_running(sim, adapter, http):
    sim.outcomes.add("never", duration=0)
    snap = adapter.query(http, submit(adapter, http))
    assert (snap.status, snap.provider_status, snap.urls, snap.error) == (
        task_status.RUNNING, "processing", [], None)


def test_a_failure_message_mentioning_sensitive_content_is_moderation(sim, adapter, http):
    sim.outcomes.add("fail", message="Prompt flagged: SENSITIVE words", duration=0)
    snap = adapter.query(http, submit(adapter, http))
    assert snap.status == task_status.FAILED and snap.error.kind == "moderation"


def test_a_custom_failure_message_is_kept(sim, adapter, http):
    sim.outcomes.add("fail", message="GPU on fire", duration=0)
    snap = adapter.query(http, submit(adapter, http))
    assert snap.error.kind == "task_failed" and snap.error.provider_message == "GPU on fire"
    assert "GPU on fire" in snap.error.message


def test_completed_without_urls_is_an_empty_result_failure(sim, adapter, http):
    sim.outcomes.add("succeed", duration=0)
    task_id = submit(adapter, http)
    sim.faults.add("giggle.query", "missing_field", field="urls")
    snap = adapter.query(http, task_id)
    assert snap.status == task_status.FAILED and snap.provider_status == "completed"
    assert type(snap.error) is ProviderError and snap.error.kind == "empty_result"


def test_query_answer_without_status_is_a_bad_response(sim, adapter, http):
    task_id = submit(adapter, http)
    sim.faults.add("giggle.query", "missing_field")   # drops data.status
    with pytest.raises(BadResponse) as info:
        adapter.query(http, task_id)
    assert task_id in info.value.raw_body and '"status"' not in info.value.raw_body
    assert QUERY_SCHEMA in info.value.message


def test_unknown_task_id(sim, adapter, http):
    with pytest.raises(UnknownTask) as info:
        adapter.query(http, "no-such-task")
    assert info.value.http_status == 404 and info.value.provider_message == "task not found"


def test_not_found_fault_right_after_submit_is_unknown_task(sim, adapter, http):
    task_id = submit(adapter, http)
    sim.faults.add("giggle.query", "not_found")
    with pytest.raises(UnknownTask):
        adapter.query(http, task_id)
    assert adapter.query(http, task_id).status in task_status.PENDING | task_status.TERMINAL


def test_rejected_key_is_an_auth_error(sim, adapter):
    client = HttpClient(sim.base_url, adapter.headers("sk-wrong-key-000"), (2.0, 2.0))
    try:
        with pytest.raises(AuthError) as info:
            adapter.query(client, "anything")
        assert info.value.http_status == 401 and info.value.exit_code == 3
        with pytest.raises(AuthError):
            submit(adapter, client)
    finally:
        client.session.close()
    assert sim.tasks("giggle") == []


def test_http_401_fault_on_query_is_an_auth_error(sim, adapter, http):
    task_id = submit(adapter, http)
    sim.faults.add("giggle.query", "http_401")
    with pytest.raises(AuthError):
        adapter.query(http, task_id)


def test_a_body_the_provider_refuses_is_a_rejection_naming_the_field(sim, adapter, http):
    body = {"prompt": "x", "generate_count": 9, "model": "seedream45", "aspect_ratio": "1:1",
            "resolution": "1K"}
    with pytest.raises(ProviderError) as info:
        adapter.submit(http, Prepared(T2I_PATH, body, schema="giggle/text-to-image.request.json",
                                      model="seedream45"))
    assert info.value.kind == "rejected" and info.value.http_status == 400
    assert "generate_count" in info.value.provider_message
    assert sim.tasks("giggle") == []


def test_submit_whose_200_answer_lacks_the_task_id_is_not_reported_as_a_rejection(image_cli, sim):
    # The simulator creates the task, then drops data.task_id from its 200 answer.
    # BUG: Job.submit treats the resulting BadResponse like a clear rejection
    # (status "failed", no note), although the task exists and is charged; like a
    # lost answer it must be "unknown" with the "nothing was resubmitted" note.
    sim.faults.add("giggle.submit", "missing_field")
    res = image_cli("run", "--prompt", "x")
    assert len(sim.tasks("giggle")) == 1   # the task exists at the provider
    assert res.code == exit_codes.PROVIDER, res
    assert res.json["error"]["kind"] == "bad_response" and res.json["error"].get("raw_body")
    assert res.json["status"] == task_status.UNKNOWN, res.json
    assert any("nothing was resubmitted" in n for n in res.json["notes"]), res.json["notes"]


# =========================================================================== prepare

def defs(key):
    return catalog.param(CATALOG, key)


def test_prepare_defaults(adapter):
    prepared = adapter.prepare({"prompt": "  a lighthouse at dusk  "})
    assert prepared.endpoint == "POST " + T2I_PATH
    assert prepared.schema == "giggle/text-to-image.request.json"
    assert prepared.body == {"prompt": "a lighthouse at dusk", "generate_count": 1, "model": "seedream45",
                             "aspect_ratio": "16:9", "resolution": "2K"}
    assert prepared.model == "seedream45" and prepared.references == []
    assert prepared.check() is prepared
    # the defaults are the catalog's, not hard-coded elsewhere
    assert [prepared.body[k] for k in ("model", "aspect_ratio", "resolution", "generate_count")] == [
        defs(k)["default"] for k in ("model", "aspect_ratio", "resolution", "generate_count")]


@pytest.mark.parametrize("opt,given,expected", [
    ("model", "MidJourney", "midjourney"),
    ("model", " NANO-BANANA-2-FAST ", "nano-banana-2-fast"),
    ("model", "SeeDream45", "seedream45"),
    ("resolution", "4k", "4K"),
    ("resolution", " 1k", "1K"),
    ("aspect_ratio", " 21:9 ", "21:9"),
])
def test_choices_are_case_insensitive_and_normalized(adapter, opt, given, expected):
    prepared = adapter.prepare({"prompt": "x", opt: given}).check()
    assert prepared.body[opt] == expected
    if opt == "model":
        assert prepared.model == expected


@pytest.mark.parametrize("opt,flag,value", [
    ("aspect_ratio", "--aspect-ratio", "5:4"),
    ("resolution", "--resolution", "8K"),
    ("model", "--model", ""),
    ("model", "--model", "dall e 3"),
])
def test_unknown_choices_are_usage_errors_listing_the_allowed(adapter, opt, flag, value):
    with pytest.raises(UsageError) as info:
        adapter.prepare({"prompt": "x", opt: value})
    message = info.value.message
    assert message.startswith(flag + ":") and repr(value) in message
    own = {"aspect_ratio": "x-aspect-ratios", "resolution": "x-resolutions"}.get(opt)
    default = catalog.option(defs("model"), defs("model")["default"])
    for allowed in default[own] if own else catalog.choices(defs(opt)):   # the default model's own table
        assert allowed in message
    assert info.value.exit_code == 2


def test_a_model_the_catalog_does_not_list_is_prepared_as_given_with_a_warning(adapter):
    prepared = adapter.prepare({"prompt": "x", "model": "dall-e-3", "aspect_ratio": "5:4"}).check()
    assert prepared.body["model"] == "dall-e-3" and prepared.body["aspect_ratio"] == "5:4"
    assert "'dall-e-3' is not in this skill's catalog" in prepared.unlisted
    assert prepared.notes[0] == prepared.unlisted


@pytest.mark.parametrize("prompt", [None, "", "   \n"])
def test_prompt_is_required(adapter, prompt):
    with pytest.raises(UsageError) as info:
        adapter.prepare({"prompt": prompt})
    assert info.value.message.startswith("--prompt:")


def test_count_bounds_come_from_the_catalog(adapter):
    lo, hi = defs("generate_count")["minimum"], defs("generate_count")["maximum"]
    assert (lo, hi) == (1, 4)
    for count in range(lo, hi + 1):
        assert adapter.prepare({"prompt": "x", "generate_count": count}).check().body["generate_count"] == count
    for count in (lo - 1, hi + 1, -3, 100):
        with pytest.raises(UsageError) as info:
            adapter.prepare({"prompt": "x", "generate_count": count})
        assert info.value.message.startswith("--generate-count:")
        assert "%d to %d" % (lo, hi) in info.value.message


def test_every_catalog_combination_passes_the_request_schema(adapter):
    for entry in defs("model")["oneOf"]:
        for ratio in entry["x-aspect-ratios"]:
            for resolution in entry["x-resolutions"]:
                adapter.prepare({"prompt": "x", "model": entry["const"], "aspect_ratio": ratio,
                                 "resolution": resolution}).check()


def test_references_select_image_to_image(adapter):
    raw = png_bytes()
    prepared = adapter.prepare({"prompt": "the same, at night", "model": "NANO-BANANA-2",
                                "aspect_ratio": "1:1", "generate_count": 2,
                                "reference_images": ["https://example.com/cat.png", "asset_id:abc123",
                                                     "base64:" + base64.b64encode(raw).decode()]})
    assert prepared.check() is prepared
    assert prepared.endpoint == "POST " + I2I_PATH
    assert prepared.schema == "giggle/image-to-image.request.json"
    assert prepared.body == {
        "prompt": "the same, at night",
        "reference_images": [{"url": "https://example.com/cat.png"}, {"asset_id": "abc123"},
                             {"base64": base64.b64encode(raw).decode()}],
        "generate_count": 2, "model": "nano-banana-2", "aspect_ratio": "1:1", "watermark": False}
    assert "resolution" not in prepared.body
    assert [r.kind for r in prepared.references] == ["url", "asset_id", "base64"]
    assert prepared.references[2].record["bytes"] == len(raw)


def test_watermark_is_sent_with_references(adapter):
    prepared = adapter.prepare({"prompt": "x", "reference_images": ["asset_id:a1"], "watermark": True})
    assert prepared.check().body["watermark"] is True


@pytest.mark.parametrize("resolution", ["2K", "4k", "1K"])
def test_resolution_is_refused_with_references(adapter, resolution):
    with pytest.raises(UsageError) as info:
        adapter.prepare({"prompt": "x", "reference_images": ["asset_id:a1"], "resolution": resolution})
    assert info.value.message.startswith("--resolution:") and "--reference-images" in info.value.message


def test_watermark_is_refused_without_references(adapter):
    with pytest.raises(UsageError) as info:
        adapter.prepare({"prompt": "x", "watermark": True})
    assert info.value.message.startswith("--watermark:") and "--reference-images" in info.value.message
    assert adapter.prepare({"prompt": "x", "watermark": False}).path == T2I_PATH


def test_an_empty_reference_list_is_text_to_image(adapter):
    assert adapter.prepare({"prompt": "x", "reference_images": []}).path == T2I_PATH


def test_a_bad_reference_is_a_usage_error_naming_the_option(adapter):
    with pytest.raises(UsageError) as info:
        adapter.prepare({"prompt": "x", "reference_images": ["data:image/png;base64,AAAA"]})
    assert info.value.message.startswith("--reference-images:")


@pytest.mark.parametrize("model", catalog.choices(catalog.param(CATALOG, "model")))
def test_schedule_uses_the_catalogs_expected_seconds(adapter, model):
    lo, hi = catalog.option(defs("model"), model)["x-expected-seconds"]
    schedule = adapter.schedule(model)
    assert isinstance(schedule, PollSchedule)
    assert schedule.expected == (float(lo), float(hi))
    assert schedule.to_dict()["expected"] == [lo, hi]


@pytest.mark.parametrize("model", [None, "not-a-model"])
def test_schedule_without_a_known_model_uses_the_default_window(adapter, model):
    assert adapter.schedule(model).expected == PollSchedule().expected


def test_adapter_identity():
    image, generic = GiggleImage(), GiggleGeneration()
    assert image.provider == generic.provider == "giggle"
    assert image.key_var == "GIGGLE_API_KEY" and image.base_var == "GIGGLE_BASE_URL"
    assert image.output_kind == "image" and generic.output_kind == "file"
    assert image.max_download_bytes < generic.max_download_bytes
    assert generic.schedule("seedream45").expected == PollSchedule().expected
    assert api.QUERY_PATH == "/api/v1/generation/task/query"
