"""The API key never reaches stdout, stderr or artifacts, whatever happens.

(conftest's Cli checks every subprocess of the suite and the `artifacts` fixture
scans every run a test leaves; this test drives the paths most likely to leak:
auth failures, transport errors, drift, interruptions, dry runs.)
"""

import json

from conftest import TEST_KEY, scan_for_key


def test_key_never_leaks_across_paths(image_cli, sim, artifacts):
    outputs = []
    sim.faults.add("giggle.query", "missing_field", field="status")
    outputs.append(image_cli("run", "--prompt", "drift"))
    sim.faults.add("giggle.query", "http_500", times=20)
    outputs.append(image_cli("run", "--prompt", "outage"))
    sim.faults.clear()
    sim.faults.add("giggle.submit", "drop")
    outputs.append(image_cli("run", "--prompt", "lost"))
    outputs.append(image_cli("run", "--prompt", "ok", "--generate-count", "2"))
    outputs.append(image_cli("run", "--dry-run", "--prompt", "dry"))
    outputs.append(image_cli("run", "--prompt", "x", "--timeout", "0.01"))
    wrong = "sk-test-WRONGKEY-0a9b8c7d"
    outputs.append(image_cli("run", "--prompt", "x", env={"GIGGLE_API_KEY": wrong}))
    assert sorted(r.code for r in outputs) == [0, 0, 3, 4, 4, 4, 5]
    for res in outputs:
        for text in (res.stdout, res.stderr):
            assert TEST_KEY not in text and wrong not in text
    assert scan_for_key(artifacts) == []
    for path in artifacts.rglob("*"):
        if path.is_file():
            assert wrong.encode() not in path.read_bytes()
    # the key did reach the provider, in the header only
    assert all(r.headers.get("x-auth") in (TEST_KEY, wrong) for r in sim.requests if r.route != "media")
    assert not [r for r in sim.requests if TEST_KEY in json.dumps(r.query) + r.path]


def test_a_key_echoed_by_kie_or_creatok_in_a_failure_is_never_written(sim, artifacts, tmp_path):
    """The redaction point is shared: a provider repeating the key in its failure message
    (KIE's failMsg, CreatOK's error) reaches no output, exactly as for giggle."""
    from conftest import ROOT, sim_cli

    for script in (ROOT / "skills" / "kie-generation-image" / "scripts" / "generate_image.py",
                   ROOT / "skills" / "creatok-generate-image" / "scripts" / "generate_image.py"):
        sim.outcomes.add("fail", message="invalid token %s for this account" % TEST_KEY)
        res = sim_cli(script, sim, artifacts, tmp_path)("run", "--prompt", "x", "--yes")
        assert res.code == 1, res
        assert "invalid token" in res.json["error"]["message"] and TEST_KEY not in res.stdout + res.stderr
    assert scan_for_key(artifacts) == []


def test_every_configured_key_is_masked_whichever_provider_echoes_it(sim, artifacts, tmp_path):
    """With all three keys set, a provider echoing *another* provider's key (a shared proxy, a
    support script, a confused account page) puts it in no output or artifact either."""
    from conftest import IMAGE_SCRIPT, sim_cli

    kie_key, creatok_key = "kie-CANARY-other-7c1e22", "ok_CANARY-other-93ad0f"
    sim.outcomes.add("fail", message="quota shared with %s and %s" % (kie_key, creatok_key))
    cli = sim_cli(IMAGE_SCRIPT, sim, artifacts, tmp_path, KIE_AI_API_KEY=kie_key, CREATOK_API_KEY=creatok_key)
    res = cli("run", "--prompt", "x")
    assert res.code == 1 and "quota shared with" in res.json["error"]["message"], res
    for path in [p for p in artifacts.rglob("*") if p.is_file()]:
        assert kie_key.encode() not in path.read_bytes() and creatok_key.encode() not in path.read_bytes(), path
    assert kie_key not in res.stdout + res.stderr and creatok_key not in res.stdout + res.stderr


def test_the_masked_key_variables_are_every_adapters_key():
    from genmedia_skills.core import config
    from genmedia_skills.skills import NAMES, load

    adapters = [getattr(load(name), "adapter", None) for name in NAMES]
    assert set(config.KEY_VARS) == {a.key_var for a in adapters if a is not None}
