"""The CreatOK capabilities cache is checked on every read (issue 14, item 13): a cache of
the wrong shape or with an edited price is fetched again, never trusted for its TTL."""

import json
import time

from conftest import sim_cli
from creatok_helpers import IMAGE


def cache_file(artifacts):
    (found,) = (artifacts.parent / "cache" / "creatok").glob("capabilities-*.json")   # base_env's cache dir
    return found


def times_priced(node, factor):
    """Every price in the stored document multiplied by `factor` (whatever the cache's layout)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "by_resolution" and isinstance(value, dict):
                node[key] = {k: v * factor for k, v in value.items()}
            else:
                times_priced(value, factor)
    elif isinstance(node, list):
        for item in node:
            times_priced(item, factor)


def test_a_cache_of_the_wrong_shape_is_fetched_again(sim, artifacts, tmp_path):
    cli = sim_cli(IMAGE, sim, artifacts, tmp_path)
    assert cli("run", "--dry-run", "--prompt", "a cat").code == 0
    cache_file(artifacts).write_text(json.dumps({"fetched_at": time.time(), "capabilities": {"image": "broken"},
                                                 "answer": {"data": 5}, "sha256": "0"}))
    res = cli("run", "--dry-run", "--prompt", "a cat")
    assert res.code == 0, res
    assert sim.count("creatok.capabilities") == 2


def test_an_edited_price_is_not_trusted(sim, artifacts, tmp_path):
    cli = sim_cli(IMAGE, sim, artifacts, tmp_path)
    first = cli("run", "--dry-run", "--prompt", "a cat", "--model", "nano-banana-pro", "--resolution", "4K")
    assert first.code == 0 and first.json["estimate"]["credits"] == 3, first
    stored = json.loads(cache_file(artifacts).read_text())
    times_priced(stored, 100)
    cache_file(artifacts).write_text(json.dumps(stored))
    again = cli("run", "--dry-run", "--prompt", "a cat", "--model", "nano-banana-pro", "--resolution", "4K")
    assert again.code == 0 and again.json["estimate"]["credits"] == 3, again.json["estimate"]
    assert sim.count("creatok.capabilities") == 2
    third = cli("run", "--dry-run", "--prompt", "a cat", "--model", "nano-banana-pro", "--resolution", "4K")
    assert third.code == 0 and sim.count("creatok.capabilities") == 2   # the fresh answer is cached again
