"""CreatOK's confirmation gate: nothing paid is sent until the user says yes."""

import json
import os
import pty
import shlex
import subprocess
import sys

import pytest
import requests

from conftest import TEST_KEY, Cli, base_env
from creatok_helpers import (IMAGE, VIDEO, generation_posts, image, model,  # noqa: F401 (fixtures)
                             sent_anything_but_capabilities, video)


@pytest.mark.parametrize("command", ["run", "submit"])
def test_image_without_yes_exits_6_with_the_server_estimate_and_sends_no_generation(image, sim, artifacts, command,
                                                                                     tmp_path):
    photo = tmp_path / "ref.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    res = image(command, "--prompt", "a red fox", "--model", "nano-banana-pro", "--resolution", "4K",
                "--generate-count", "3", "--reference-images", photo)
    assert res.code == 6, res
    doc = res.json
    assert doc["error"]["kind"] == "confirmation_required"
    est = doc["estimate"]
    assert est["model"] == "nano-banana-pro" and est["why_this_model"] == "chosen with --model"
    assert est["parameters"] == {"resolution": "4K", "n": 3, "aspect_ratio": "model default"}
    assert est["reference_images"] == 1 and est["source"] == "server estimate"
    # the figure is the server's answer to exactly the request that will be sent (asset key included)
    [asked] = [r for r in sim.requests if r.route == "creatok.estimate"]
    asset_key = [r for r in sim.requests if r.route == "creatok.assets"][0]
    assert asked.body["service"] == "image_generation"
    assert asked.body["params"]["imageObjectKeys"][0].startswith("assets/images/")
    answered = requests.post(sim.base_url + "/api/open/skills/credits-estimate", json=asked.body,
                             headers={"Authorization": "Bearer " + TEST_KEY}).json()["data"]["credits"]
    assert est["credits"] == answered == model(sim, "image", "nano-banana-pro")["pricing"]["by_resolution"]["4K"] * 3
    assert doc["next"].endswith("--yes") and command in doc["next"] and "--prompt 'a red fox'" in doc["next"]
    assert "estimated cost: 9 credits (server estimate)" in res.stderr
    # the reference became an asset (free, so the estimate covers it); nothing generated, no run written
    assert asset_key and generation_posts(sim) == 0
    assert not (artifacts / "creatok-generate-image").exists()
    confirmed = image(*(shlex.split(doc["next"])[2:]))
    assert confirmed.code == 0, confirmed
    assert sim.count("creatok.storage") == 1 and sim.count("creatok.assets") == 1   # not uploaded twice
    assert confirmed.json["confirmation"]["source"] == "server estimate"
    assert confirmed.json["confirmation"]["estimate"]["credits"] == answered


def test_video_without_yes_exits_6_and_the_next_command_then_runs(video, sim):
    res = video("run", "--prompt", "waves at night", "--model", "doubao-seedance-2", "--definition", "720p",
                "--duration", "5")
    assert res.code == 6, res
    assert res.json["estimate"]["credits"] == 19 and generation_posts(sim) == 0
    argv = shlex.split(res.json["next"])
    assert argv[-1] == "--yes"
    confirmed = video(*argv[2:])   # the `next` command, verbatim after the interpreter and script
    assert confirmed.code == 0, confirmed
    assert generation_posts(sim) == 1
    assert confirmed.json["confirmation"]["confirmed_by"] == "--yes"
    assert confirmed.json["confirmation"]["estimate"]["credits"] == 19
    stored = json.loads(open(confirmed.json["artifacts"]["json"]).read())
    assert stored["confirmation"] == confirmed.json["confirmation"]


def test_next_of_the_gate_runs_from_any_folder_when_the_script_was_started_by_a_relative_path(sim, artifacts,
                                                                                                 tmp_path):
    """As SKILL.md has agents start it: `python3 scripts/generate_image.py` in the skill folder."""
    env = dict(base_env(artifacts), CREATOK_API_KEY=TEST_KEY, CREATOK_BASE_URL=sim.base_url)
    gate = subprocess.run([sys.executable, "scripts/generate_image.py", "run", "--prompt", "a fox"], env=env,
                          cwd=str(IMAGE.parent.parent), capture_output=True, text=True, timeout=60)
    assert gate.returncode == 6, gate.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    confirmed = subprocess.run(json.loads(gate.stdout)["next"], shell=True, env=env, cwd=str(elsewhere),
                               capture_output=True, text=True, timeout=60)
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["status"] == "succeeded" and generation_posts(sim) == 1


def test_a_combination_the_price_list_lacks_gets_the_server_figure_and_unknown_only_locally(video, sim):
    args = ("run", "--dry-run", "--prompt", "waves", "--model", "doubao-seedance-2", "--duration", "6")
    res = video(*args)
    assert res.code == 0, res
    est = res.json["estimate"]
    assert est["source"] == "server estimate" and est["credits"] == 11   # 480p at 1.75 credits/s, rounded up
    sim.faults.add("creatok.estimate", "http_500")
    fallback = video(*args)
    assert fallback.code == 0, fallback
    assert fallback.json["estimate"]["source"] == "local estimate" and fallback.json["estimate"]["credits"] == "unknown"
    assert any("unknown" in line and "(local estimate)" in line for line in fallback.json["summary"])
    assert "estimate endpoint failed" in fallback.json["estimate"]["basis"]
    assert generation_posts(sim) == 0


@pytest.mark.parametrize("fault", ["http_500", "html_502", "not_found"])
def test_the_gate_says_local_estimate_when_the_estimate_endpoint_fails(video, sim, fault):
    sim.faults.add("creatok.estimate", fault)
    res = video("run", "--prompt", "waves", "--model", "doubao-seedance-2", "--definition", "720p", "--duration", "5")
    assert res.code == 6, res
    listed = model(sim, "video", "doubao-seedance-2")["pricing"]["estimates"]
    local = next(r["credits"] for r in listed if (r["definition"], r["seconds"], r["orientation"]) == ("720p", 5, "9:16"))
    assert res.json["estimate"]["source"] == "local estimate" and res.json["estimate"]["credits"] == local
    assert "estimated cost: %d credits (local estimate)" % local in res.stderr
    confirmed = video("run", "--yes", "--prompt", "waves", "--model", "doubao-seedance-2", "--definition", "720p",
                      "--duration", "5")
    assert confirmed.code == 0 and confirmed.json["confirmation"]["source"] == "server estimate", confirmed


def test_dry_run_shows_the_server_estimate_without_asking(image, sim):
    res = image("run", "--dry-run", "--prompt", "a cat", "--model", "gpt-image-2", "--quality", "high")
    assert res.code == 0, res
    # gpt-image-2 lists no price: only CreatOK's estimate knows it
    assert res.json["estimate"]["credits"] == 4 and res.json["estimate"]["source"] == "server estimate"
    assert res.json["request"]["body"] == {"prompt": "a cat", "model": "gpt-image-2", "resolution": "1K", "n": 1,
                                           "quality": "high"}
    assert sent_anything_but_capabilities(sim) == ["creatok.estimate"]


def test_dry_run_estimates_without_uploading_a_local_reference(image, sim, tmp_path):
    photo = tmp_path / "ref.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    res = image("run", "--dry-run", "--prompt", "a cat", "--reference-images", photo)
    assert res.code == 0, res
    assert "ref.png not uploaded yet" in res.json["estimate"]["basis"]
    assert sent_anything_but_capabilities(sim) == ["creatok.estimate"]
    assert "imageObjectKeys" not in [r for r in sim.requests if r.route == "creatok.estimate"][0].body["params"]


@pytest.mark.parametrize("script", [IMAGE, VIDEO], ids=["image", "video"])
def test_simulate_stops_at_the_gate_then_runs_end_to_end_with_yes(script, artifacts, tmp_path):
    cli = Cli(script, base_env(artifacts), tmp_path)   # no key, no base URL: the built-in simulator
    stopped = cli("run", "--simulate", "--prompt", "a lighthouse")
    assert stopped.code == 6, stopped
    assert stopped.json["simulated"] is True and isinstance(stopped.json["estimate"]["credits"], (int, float))
    assert "--simulate" in stopped.json["next"] and stopped.json["next"].endswith("--yes")
    done = cli("run", "--simulate", "--yes", "--prompt", "a lighthouse")
    assert done.code == 0, done
    assert done.json["status"] == "succeeded" and done.json["simulated"] is True
    assert done.json["outputs"] and all(os.path.isfile(o["path"]) for o in done.json["outputs"])


@pytest.mark.parametrize("quiet", [[], ["--quiet"]], ids=["plain", "quiet"])
def test_a_yes_at_the_terminal_confirms(sim, artifacts, tmp_path, quiet):
    """On a TTY the gate asks on stderr, showing the estimate even with --quiet; answering y
    submits, and the run records it."""
    env = base_env(artifacts)
    env.update({"CREATOK_API_KEY": "sk-test-CANARY-5d1f0c7a9e3b", "CREATOK_BASE_URL": sim.base_url})
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(IMAGE), "run", "--prompt", "a cat"] + quiet, env=env, cwd=str(tmp_path),
                            stdin=slave, stderr=slave, stdout=subprocess.PIPE)
    os.close(slave)
    seen = b""
    while b"[y/N]" not in seen:
        seen += os.read(master, 1024)
    os.write(master, b"y\n")
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0, seen
    doc = json.loads(out)
    assert doc["confirmation"]["confirmed_by"] == "prompt" and b"estimated cost" in seen
    assert generation_posts(sim) == 1


def test_a_no_at_the_terminal_sends_nothing(sim, artifacts, tmp_path):
    env = base_env(artifacts)
    env.update({"CREATOK_API_KEY": "sk-test-CANARY-5d1f0c7a9e3b", "CREATOK_BASE_URL": sim.base_url})
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(IMAGE), "run", "--prompt", "a cat"], env=env, cwd=str(tmp_path),
                            stdin=slave, stderr=slave, stdout=subprocess.PIPE)
    os.close(slave)
    seen = b""
    while b"[y/N]" not in seen:
        seen += os.read(master, 1024)
    os.write(master, b"n\n")
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 6
    assert "declined" in json.loads(out)["error"]["message"]
    assert sent_anything_but_capabilities(sim) == ["creatok.estimate"]


def test_the_run_records_the_gate_figure_and_where_it_comes_from(video, sim):
    """The cost in result.json is the figure the user confirmed, labelled as CreatOK's own
    estimate only when it is one; the local price list is our estimate and says so."""
    server = video("run", "--yes", "--prompt", "waves", "--model", "doubao-seedance-2", "--duration", "6")
    assert server.code == 0, server
    assert server.json["cost"]["credits"] == 11 and server.json["cost"]["source"] == "provider_estimate"
    sim.faults.add("creatok.estimate", "http_500", times=3)
    local = video("run", "--yes", "--prompt", "waves", "--model", "doubao-seedance-2", "--definition", "720p",
                  "--duration", "5")
    assert local.code == 0, local
    listed = model(sim, "video", "doubao-seedance-2")["pricing"]["estimates"]
    figure = next(r["credits"] for r in listed if (r["definition"], r["seconds"], r["orientation"]) == ("720p", 5, "9:16"))
    assert local.json["confirmation"]["source"] == "local estimate"
    assert local.json["cost"]["credits"] == figure and local.json["cost"]["source"] == "table_estimate"
