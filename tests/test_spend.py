"""`generation-tasks spend`: a mixed set of runs across providers and artifact roots summed by
provider, skill, day and batch; provider figures kept apart from estimates; unknown costs
counted; simulated runs left out unless asked for."""

import json
import time

import creatok_helpers
import kie_helpers
from conftest import IMAGE_SCRIPT, ROOT, sim_cli

TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"
BATCH = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"


def test_spend_sums_a_mixed_set_of_runs_and_counts_the_unknown(sim, artifacts, tmp_path):
    kie = sim_cli(kie_helpers.IMAGE, sim, artifacts, tmp_path)
    assert kie("run", "--prompt", "a", "--resolution", "4K").code == 0              # 24 reported
    assert kie("run", "--model", "nano-banana-2", "--prompt", "b").code == 0        # 12 reported
    assert kie("submit", "--model", "nano-banana-2", "--prompt", "c").code == 0     # unknown: not reported yet
    sim.credits.set("kie", 0)
    assert kie("run", "--prompt", "d").code == 3                                     # 0: no task was created
    sim.credits.set("kie", 10000)
    creatok = sim_cli(creatok_helpers.IMAGE, sim, artifacts, tmp_path)
    assert creatok("run", "--prompt", "e", "--resolution", "4K", "--yes").code == 0  # 2 estimated (confirmed)
    other_root = tmp_path / "elsewhere"                                              # another artifact root
    giggle = sim_cli(IMAGE_SCRIPT, sim, other_root, tmp_path)
    assert giggle("run", "--prompt", "f").code == 0                                  # unknown: giggle names none
    manifest = tmp_path / "set.json"
    manifest.write_text(json.dumps({"version": 1, "items": [
        {"id": "one", "skill": "kie-generation-image", "params": {"prompt": "g", "model": "google/nano-banana"}},
        {"id": "two", "skill": "kie-generation-image", "params": {"prompt": "h", "model": "google/nano-banana"}}]}))
    assert sim_cli(BATCH, sim, artifacts, tmp_path)("run", manifest).code == 0      # 2 x 4 reported
    assert kie("run", "--simulate", "--prompt", "i").code == 0                      # simulated: left out

    tasks = sim_cli(TASKS, sim, artifacts, tmp_path)
    res = tasks("spend")
    assert res.code == 0, res
    doc = res.json
    assert doc["total"] == {"runs": 8, "credits_known": 24 + 12 + 0 + 2 + 8, "credits_reported": 44,
                            "credits_estimated": 2, "unknown_cost_runs": 2}
    assert doc["summary"] == "8 runs, 46 credits known (44 reported by the providers, 2 estimated before the run), " \
                             "2 runs of unknown cost"
    assert doc["summary"] in res.stderr
    assert doc["by_provider"]["kie"]["runs"] == 6 and doc["by_provider"]["kie"]["credits_known"] == 44
    assert doc["by_provider"]["creatok"]["credits_estimated"] == 2
    assert doc["by_provider"]["giggle"] == {"runs": 1, "credits_known": 0, "credits_reported": 0,
                                            "credits_estimated": 0, "unknown_cost_runs": 1}
    assert doc["by_skill"]["kie-generation-image"]["unknown_cost_runs"] == 1
    assert doc["by_batch"] == {str(manifest): {"runs": 2, "credits_known": 8, "credits_reported": 8,
                                                "credits_estimated": 0, "unknown_cost_runs": 0}}
    assert list(doc["by_day"]) == [time.strftime("%Y-%m-%d", time.gmtime())]
    assert doc["simulated_runs_left_out"] == 1 and str(other_root) in doc["roots"]

    with_sim = tasks("spend", "--include-simulated").json["total"]
    assert with_sim["runs"] == 9 and with_sim["credits_known"] == 46 + 18
    only = tasks("spend", "--skill", "creatok-generate-image").json["total"]
    assert only["runs"] == 1 and only["credits_estimated"] == 2
    assert tasks("spend", "--provider", "giggle").json["total"]["unknown_cost_runs"] == 1
    assert tasks("spend", "--since", "2999-01-01").json["total"]["runs"] == 0
    assert tasks("spend", "--since", "yesterday").code == 2
