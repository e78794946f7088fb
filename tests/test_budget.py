"""A budget an agent cannot overrun: --max-credits (or GENMEDIA_MAX_CREDITS) refuses a request
whose known price is above it, before anything is sent; an unknown price needs
--yes-unknown-price; a batch stops submitting at its budget and a larger one resumes it,
with no item ever created twice."""

import json

import pytest

import kie_helpers
from conftest import ROOT, sim_cli

BATCH = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"


@pytest.fixture
def kie(sim, artifacts, tmp_path):
    return sim_cli(kie_helpers.IMAGE, sim, artifacts, tmp_path)


def runs(artifacts):
    folder = artifacts / "kie-generation-image"
    return list(folder.glob("2*")) if folder.is_dir() else []


def test_an_over_budget_run_is_refused_with_its_price_and_nothing_sent(kie, sim, artifacts):
    res = kie("run", "--prompt", "a fox", "--resolution", "4K", "--max-credits", "20")
    assert res.code == 6, res
    assert res.json["status"] == "over_budget" and res.json["error"]["kind"] == "over_budget"
    message = res.json["error"]["message"]
    assert "24 credits" in message and "budget of 20" in message and "nothing was sent" in message
    assert res.json["cost"]["source"] == "table_estimate" and res.json["task_id"] is None
    assert sim.requests == [] and runs(artifacts) == []
    within = kie("run", "--prompt", "a fox", "--resolution", "4K", "--max-credits", "24")
    assert within.code == 0 and within.json["cost"]["credits"] == 24, within


def test_the_environment_sets_a_default_budget_and_the_option_overrides_it(kie, sim):
    env = {"GENMEDIA_MAX_CREDITS": "10"}
    refused = kie("submit", "--prompt", "a fox", env=env)
    assert refused.code == 6 and "budget of 10" in refused.json["error"]["message"], refused
    assert kie_helpers.creates(sim) == []
    allowed = kie("submit", "--prompt", "a fox", "--max-credits", "18", env=env)
    assert allowed.code == 0 and len(kie_helpers.creates(sim)) == 1, allowed
    bad = kie("submit", "--prompt", "a fox", env={"GENMEDIA_MAX_CREDITS": "lots"})
    assert bad.code == 2 and "GENMEDIA_MAX_CREDITS" in bad.json["error"]["message"]


def test_an_unknown_price_under_a_budget_needs_an_explicit_yes(kie, sim):
    res = kie("run", "--model", "nano-banana-2", "--prompt", "a fox", "--max-credits", "1000")
    assert res.code == 6 and "unknown" in res.json["error"]["message"], res
    assert res.json["next"].endswith("--yes-unknown-price") and kie_helpers.creates(sim) == []
    dry = kie("run", "--dry-run", "--model", "nano-banana-2", "--prompt", "a fox", "--max-credits", "1000")
    assert dry.code == 0 and dry.json["cost"]["source"] == "unknown" and "would refuse" in dry.json["notes"][-1]
    ok = kie("run", "--model", "nano-banana-2", "--prompt", "a fox", "--max-credits", "1000", "--yes-unknown-price")
    assert ok.code == 0 and ok.json["cost"]["source"] == "reported", ok
    assert len(kie_helpers.creates(sim)) == 1


def test_a_batch_stops_at_its_budget_and_resumes_with_a_new_one_creating_nothing_twice(sim, artifacts, tmp_path):
    batch = sim_cli(BATCH, sim, artifacts, tmp_path)
    manifest = tmp_path / "pictures.json"
    manifest.write_text(json.dumps({"version": 1, "defaults": {"skill": "kie-generation-image"},
                                    "items": [{"id": "pic-%02d" % i, "params": {"prompt": "picture %d" % i}}
                                              for i in range(20)]}))
    first = batch("run", manifest, "--max-credits", "100")   # 18 credits each: 5 fit, the 6th would cross
    assert first.code == 6, first
    assert first.json["counts"] == {"succeeded": 5, "not_submitted": 15}
    held = [i for i in first.json["items"] if i.get("held")]
    assert [i["id"] for i in held] == ["pic-%02d" % i for i in range(5, 20)] and held[0]["run_id"] is None
    assert first.json["budget"]["spent"] == 90 and len(kie_helpers.creates(sim)) == 5
    assert "budget: 15 item(s) held" in first.stderr
    second = batch("run", manifest, "--max-credits", "400")
    assert second.code == 0, second
    assert second.json["counts"] == {"succeeded": 20} and second.json["budget"]["spent_before"] == 90
    creates = kie_helpers.creates(sim)
    prompts = [r.body["input"]["prompt"] for r in creates]
    assert len(creates) == 20 and sorted(prompts) == sorted("picture %d" % i for i in range(20))
    assert len({i["task_id"] for i in second.json["items"]}) == 20
    assert sim.credits.balance("kie") == 10000 - 20 * 18
