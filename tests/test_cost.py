"""What a run costs: recorded in every run with where the figure comes from, the KIE
balance, and the no-credits answer (exit 3, how to top up, nothing created).

Through the entry scripts against the simulator, whose accounts keep a balance that
each created task draws down (KIE and CreatOK) and refuse a create they cannot bill.
"""

from pathlib import Path

import pytest

import creatok_helpers
import kie_helpers
from conftest import IMAGE_SCRIPT, sim_cli


@pytest.fixture
def kie(sim, artifacts, tmp_path):
    return sim_cli(kie_helpers.IMAGE, sim, artifacts, tmp_path)


def md(doc):
    return Path(doc["artifacts"]["md"]).read_text()


def test_kie_cost_is_the_estimate_before_and_kies_own_figure_after(kie, sim):
    sub = kie("submit", "--prompt", "a fox", "--resolution", "4K")
    assert sub.code == 0, sub
    before = sub.json["cost"]
    assert before["credits"] == 24 and before["source"] == "table_estimate"   # the published 4K price
    assert "2026-06" in before["detail"] and "estimate" in md(sub.json)
    done = kie("wait", "--task-id", sub.json["task_id"])
    assert done.code == 0, done
    after = done.json["cost"]
    assert after["source"] == "reported" and after["credits"] == done.json["credits"]["consumed"] == 24
    assert "creditsConsumed" in after["detail"]
    assert "| cost | 24 credits, reported by the provider" in md(done.json)


def test_a_model_without_a_published_price_is_unknown_until_kie_reports_it(kie, sim):
    res = kie("run", "--model", "nano-banana-2", "--prompt", "a fox")
    assert res.code == 0, res
    assert res.json["cost"]["source"] == "reported" and res.json["cost"]["credits"] == 12   # the simulator's charge
    sub = kie("submit", "--model", "nano-banana-2", "--prompt", "a fox")
    cost = sub.json["cost"]
    assert cost["credits"] is None and cost["source"] == "unknown" and "no price for nano-banana-2" in cost["detail"]
    assert "| cost | unknown (" in md(sub.json)


def test_kie_balance_equals_the_accounts_and_moves_by_what_a_run_consumed(kie, sim):
    sim.credits.set("kie", 500)
    first = kie("balance")
    assert first.code == 0 and first.json["balance"] == 500 == sim.credits.balance("kie"), first
    assert first.json["endpoint"] == "GET /api/v1/chat/credit"
    run = kie("run", "--prompt", "a fox")
    assert run.code == 0, run
    after = kie("balance")
    assert after.json["balance"] == 500 - run.json["cost"]["credits"] == sim.credits.balance("kie") == 482
    assert [r.headers["authorization"].startswith("Bearer ") for r in sim.requests
            if r.path == "/api/v1/chat/credit"] == [True, True]


def test_no_credits_at_kie_is_exit_3_with_the_top_up_hint_and_nothing_created(kie, sim):
    sim.credits.set("kie", 10)   # nano-banana-pro costs 18
    res = kie("run", "--prompt", "a fox")
    assert res.code == 3, res
    assert res.json["status"] == "rejected" and res.json["task_id"] is None
    assert res.json["error"]["kind"] == "no_credits" and "https://kie.ai/pricing" in res.json["error"]["message"]
    assert "https://kie.ai/pricing" in res.stderr
    assert res.json["cost"] == dict(res.json["cost"], credits=0, source="none_created")
    assert sim.tasks("kie") == [] and sim.credits.balance("kie") == 10


def test_no_credits_at_kie_with_real_http_statuses_is_exit_3_too(kie, sim):
    sim.kie.error_mode = "http"
    sim.credits.set("kie", 0)
    res = kie("run", "--prompt", "a fox")
    assert res.code == 3 and res.json["error"]["http_status"] == 402 and "kie.ai/pricing" in res.stderr, res


@pytest.fixture
def creatok(sim, artifacts, tmp_path):
    return sim_cli(creatok_helpers.IMAGE, sim, artifacts, tmp_path)


def test_creatok_cost_is_the_estimate_the_user_confirmed_and_the_workspace_is_charged_it(creatok, sim):
    res = creatok("run", "--prompt", "a fox", "--resolution", "4K", "--yes")
    assert res.code == 0, res
    cost, confirmed = res.json["cost"], res.json["confirmation"]["estimate"]
    assert cost["source"] == "provider_estimate" and cost["credits"] == confirmed["credits"] == 2
    assert "CreatOK" in cost["detail"] and "an estimate before the run" in md(res.json)
    assert sim.credits.balance("creatok") == 10000 - 2


def test_no_credits_at_creatok_is_exit_3_with_the_top_up_hint(creatok, sim):
    sim.credits.set("creatok", 1)
    res = creatok("run", "--prompt", "a fox", "--resolution", "4K", "--yes")
    assert res.code == 3 and res.json["error"]["kind"] == "no_credits", res
    assert "top up in your CreatOK workspace" in res.json["error"]["message"]
    assert sim.tasks("creatok") == [] and sim.credits.balance("creatok") == 1


def test_giggle_cost_is_unknown_and_balance_says_no_endpoint_is_known(sim, artifacts, tmp_path):
    giggle = sim_cli(IMAGE_SCRIPT, sim, artifacts, tmp_path)
    res = giggle("run", "--prompt", "a fox")
    assert res.code == 0 and res.json["cost"]["source"] == "unknown" and res.json["cost"]["credits"] is None, res
    seen = len(sim.requests)
    bal = giggle("balance", unset=["GIGGLE_API_KEY"])   # nothing to ask: no key needed
    assert bal.code == 0 and bal.json["balance"] is None and "no balance endpoint" in bal.json["message"], bal
    assert len(sim.requests) == seen
