"""Every KIE error code the issue names, as HTTP 200 + code in the body and as a real HTTP status."""

import pytest

from conftest import sim_cli
from kie_helpers import IMAGE, creates, queries

MODES = ["body", "http"]


@pytest.fixture(params=MODES)
def kie(request, sim, artifacts, tmp_path):
    sim.kie.error_mode = request.param
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


def test_401_is_an_auth_error(kie, sim):
    res = kie("run", "--prompt", "p", env={"KIE_AI_API_KEY": "sk-wrong"})
    assert res.code == 3 and res.json["error"]["kind"] == "auth", res
    assert "KIE_AI_API_KEY" in res.json["error"]["message"]


def test_402_says_no_credits(kie, sim):
    sim.faults.add("kie.create", "code", code=402)
    res = kie("run", "--prompt", "p")
    assert res.code == 3 and res.json["error"]["kind"] == "no_credits", res
    assert "credits" in res.json["error"]["message"] and sim.tasks("kie") == []


def test_422_naming_a_field_is_a_usage_error(kie, sim):
    sim.faults.add("kie.create", "code", code=422, message="aspect_ratio is not within the range of allowed options")
    res = kie("run", "--prompt", "p")
    assert res.code == 2 and "aspect_ratio" in res.json["error"]["message"], res


def test_422_without_a_field_is_a_provider_error(kie, sim):
    sim.faults.add("kie.create", "code", code=422, message="Validation error")
    res = kie("run", "--prompt", "p")
    assert res.code == 4 and res.json["error"]["kind"] == "rejected", res


@pytest.mark.parametrize("fault", [{"kind": "http_429", "retry_after": 0.05}, {"kind": "code", "code": 429}],
                         ids=["retry-after", "full-window"])
def test_429_on_create_is_sent_again_and_makes_exactly_one_task(kie, sim, fault):
    sim.faults.add("kie.create", **fault)
    res = kie("run", "--prompt", "p")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(creates(sim)) == 2 and len(sim.tasks("kie")) == 1
    assert "rate-limited" in res.stderr


def test_429_forever_ends_with_no_task_and_says_it_is_safe(kie, sim):
    sim.faults.add("kie.create", "code", times=50, code=429)
    res = kie("run", "--prompt", "p")
    assert res.code == 4 and res.json["error"]["kind"] == "rate_limited", res
    assert sim.tasks("kie") == [] and len(creates(sim)) == 6


@pytest.mark.parametrize("code", [455, 500, 503])
def test_maintenance_and_5xx_on_queries_are_retried(kie, sim, code):
    sim.faults.add("kie.query", "code", times=3, code=code)
    res = kie("run", "--prompt", "p")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert res.json["error"] is None and len(queries(sim)) >= 4


def test_state_fail_is_exit_1_with_fail_code_and_message(kie, sim):
    sim.outcomes.add("moderation")
    res = kie("run", "--prompt", "p")
    assert res.code == 1 and res.json["status"] == "failed", res
    err = res.json["error"]
    assert "failCode 422" in err["message"] and err["provider_message"].startswith("Invalid prompt")
    assert err["kind"] == "moderation"


def test_501_is_a_failed_generation(kie, sim):
    sub = kie("submit", "--prompt", "p")
    sim.faults.add("kie.query", "code", code=501, message="Generation failed: upstream")
    res = kie("status", "--task-id", sub.json["task_id"])
    assert res.code == 1 and "Generation failed: upstream" in res.json["error"]["message"], res


def test_505_is_feature_disabled(kie, sim):
    sim.faults.add("kie.create", "code", code=505)
    res = kie("run", "--prompt", "p")
    assert res.code == 4 and res.json["error"]["kind"] == "feature_disabled", res
    assert "feature disabled" in res.json["error"]["message"]


def test_html_502_is_a_transport_error_with_its_status(kie, sim):
    sub = kie("submit", "--prompt", "p")
    sim.faults.add("kie.query", "html_502", times=20)
    res = kie("status", "--task-id", sub.json["task_id"])
    assert res.code == 4, res
    err = res.json["error"]
    assert err["kind"] == "transport" and err["http_status"] == 502 and "JSON" not in err["message"]


def test_create_answer_lost_is_never_resent(kie, sim):
    sim.faults.add("kie.create", "drop")
    res = kie("run", "--prompt", "p")
    assert res.code == 4 and res.json["status"] == "unknown", res
    assert len(creates(sim)) == 1 and len(sim.tasks("kie")) == 1
