"""The cross-skill layer with every provider: generation-tasks follows KIE and CreatOK tasks by id
alone, generation-batch runs KIE and CreatOK items (CreatOK's spending gate once for the batch,
KIE's creates within its rate limit) and KIE's background removal as one more item."""

import json

import pytest

from conftest import ROOT, sim_cli
from kie_helpers import creates, uploads
from test_image_e2e import png_bytes

TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"
BATCH = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"
SCRIPTS = {name: ROOT / "skills" / name / "scripts" / script for name, script in (
    ("kie-generation-image", "generate_image.py"), ("kie-generation-video", "generate_video.py"),
    ("creatok-generate-image", "generate_image.py"), ("creatok-generate-video", "generate_video.py"))}
ARGS = {"kie-generation-image": ["--prompt", "a red fox"],
        "kie-generation-video": ["--prompt", "a fox running"],
        "creatok-generate-image": ["--prompt", "a red fox", "--yes"],
        "creatok-generate-video": ["--prompt", "waves", "--model", "doubao-seedance-2", "--definition", "720p",
                                   "--duration", "5", "--yes"]}
QUERY_ROUTES = ("kie.query", "creatok.status")
UPLOAD_ROUTES = ("kie.upload", "creatok.presign", "creatok.storage")


@pytest.fixture
def cli(sim, artifacts, tmp_path):
    return lambda script: sim_cli(script, sim, artifacts, tmp_path)


def generation_posts(sim):
    """Every POST that creates a task, on any provider (uploads, asset registrations and
    credit estimates are not generations)."""
    return [r for r in sim.requests if r.method == "POST"
            and not r.route.startswith(UPLOAD_ROUTES + ("creatok.assets", "creatok.estimate"))]


def test_tasks_list_status_wait_and_show_follow_kie_and_creatok_tasks_by_id_alone(cli, sim, tmp_path):
    tasks = cli(TASKS)
    made = {}
    for name in ("kie-generation-image", "creatok-generate-video"):
        sub = cli(SCRIPTS[name])("submit", *ARGS[name])
        assert sub.code == 0 and sub.json["task_id"], sub
        made[name] = sub.json
    listed = tasks("list").json
    assert [(r["skill"], r["provider"], r["task_id"]) for r in listed] == [
        ("creatok-generate-video", "creatok", made["creatok-generate-video"]["task_id"]),
        ("kie-generation-image", "kie", made["kie-generation-image"]["task_id"])]
    assert [r["skill"] for r in tasks("list", "--provider", "kie").json] == ["kie-generation-image"]
    assert [r["skill"] for r in tasks("list", "--provider", "creatok").json] == ["creatok-generate-video"]
    posts = len(generation_posts(sim))
    for name, sub in made.items():
        before = len(sim.requests)
        shown = tasks("show", "--task-id", sub["task_id"])
        assert shown.code == 0 and shown.json["run_id"] == sub["run_id"] and len(sim.requests) == before, shown
        res = tasks("status", "--task-id", sub["task_id"])
        assert res.code == 0 and res.json["skill"] == name and res.json["run_id"] == sub["run_id"], res
        assert [r.route for r in sim.requests[before:] if r.route in QUERY_ROUTES], "status sent no query"
        res = tasks("wait", "--task-id", sub["task_id"], "--output", "got/%s/" % name)
        assert res.code == 0 and res.json["status"] == "succeeded", res
        assert res.json["provider"] == sub["provider"] and res.json["run_id"] == sub["run_id"]
        assert list((tmp_path / "got" / name).iterdir())
    assert len(generation_posts(sim)) == posts   # routed to the run, never resubmitted


def test_tasks_made_with_simulate_are_followed_in_the_simulator(cli, sim, tmp_path):
    tasks = cli(TASKS)
    for name in ("kie-generation-video", "creatok-generate-image"):
        sub = cli(SCRIPTS[name])("submit", "--simulate", *ARGS[name])
        assert sub.code == 0 and sub.json["simulated"] is True, sub
        res = tasks("wait", "--task-id", sub.json["task_id"])
        assert res.code == 0 and res.json["status"] == "succeeded" and res.json["skill"] == name, res
        assert res.json["simulated"] is True and all(o.get("path") for o in res.json["outputs"])
        assert "following it in the simulator" in res.stderr
    assert sim.requests == []   # the built-in simulator, never the configured provider
    assert {r["skill"] for r in tasks("list").json} == {"kie-generation-video", "creatok-generate-image"}


def mixed_manifest(tmp_path):
    photo = tmp_path / "product.png"
    photo.write_bytes(png_bytes(300, 300))
    return {"version": 1, "items": [
        {"id": "g-icon", "skill": "giggle-generation-image", "params": {"prompt": "a coin"}, "output": "a/g.png"},
        {"id": "k-hero", "skill": "kie-generation-image", "params": {"prompt": ["a coin,", "flat"]},
         "output": "a/k.png"},
        {"id": "k-cutout", "skill": "kie-generation-image", "output": "a/cutout.png",
         "params": {"model": "recraft/remove-background", "image": "product.png"}},
        {"id": "k-clip", "skill": "kie-generation-video", "params": {"prompt": "a coin spins"}, "output": "a/v/"},
        {"id": "c-img", "skill": "creatok-generate-image", "params": {"prompt": "a coin", "resolution": "4K",
                                                                     "generate_count": 2}, "output": "a/c.png"},
        {"id": "c-clip", "skill": "creatok-generate-video", "output": "a/cv/",
         "params": {"prompt": "waves", "model": "doubao-seedance-2", "definition": "720p", "duration": 5}},
    ]}


def test_a_batch_across_providers_asks_once_for_the_total_then_delivers_every_item(cli, sim, tmp_path):
    from PIL import Image

    path = tmp_path / "assets.json"
    path.write_text(json.dumps(mixed_manifest(tmp_path)))
    batch = cli(BATCH)
    image_price = next(m for m in sim.creatok.capabilities["image"]["models"]
                       if m["id"] == "nano-banana-2")["pricing"]["by_resolution"]["4K"]
    plan = batch("validate", path)
    assert plan.code == 0 and plan.json["estimate"]["credits"] == image_price * 2 + 19, plan
    assert [i["gated"] for i in plan.json["items"]] == [False] * 4 + [True] * 2
    res = batch("run", path)
    assert res.code == 6 and res.json["error"]["kind"] == "confirmation_required", res
    assert res.json["estimate"]["credits"] == image_price * 2 + 19 and res.json["estimate"]["priced"] == 2
    assert "c-img, c-clip" in res.json["error"]["message"] and res.json["next"].endswith("--yes")
    assert generation_posts(sim) == [] and uploads(sim) == []   # nothing generated, nothing uploaded
    # only CreatOK's limits and its estimates were read
    assert {r.route for r in sim.requests} == {"creatok.capabilities", "creatok.estimate"}
    assert res.json["estimate"]["sources"] == ["server estimate"] and "(server estimate)" in res.stderr

    res = batch("run", path, "--yes")
    assert res.code == 0 and res.json["counts"] == {"succeeded": 6}, res
    assert len(generation_posts(sim)) == 6 and len(uploads(sim)) == 1
    cut = next(r.body for r in creates(sim) if r.body["model"] == "recraft/remove-background")
    assert cut["input"]["image"].startswith(sim.base_url + "/kie-files/")   # the local file, uploaded first
    with Image.open(str(tmp_path / "a" / "cutout.png")) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0   # a transparent background
    for name in ("g.png", "k.png", "c-1.png", "c-2.png"):
        assert (tmp_path / "a" / name).read_bytes().startswith(b"\x89PNG")
    assert list((tmp_path / "a" / "v").glob("*.mp4")) and list((tmp_path / "a" / "cv").glob("*.mp4"))
    rows = {row["id"]: row for row in res.json["items"]}
    for item in ("c-img", "c-clip"):
        run = json.loads(open(rows[item]["run_dir"] + "/result.json").read())
        assert run["confirmation"]["confirmed_by"] == "--yes" and run["confirmation"]["estimate"]["credits"]
    again = batch("run", path, "--yes")
    assert again.code == 0 and [i["action"] for i in again.json["items"]] == ["done"] * 6, again
    assert len(generation_posts(sim)) == 6


def test_a_manifest_item_outside_kie_limits_is_named_and_nothing_is_sent(cli, sim, tmp_path):
    manifest = {"version": 1, "items": [
        {"id": "ok", "skill": "creatok-generate-image", "params": {"prompt": "a coin"}},
        {"id": "cut", "skill": "kie-generation-image",
         "params": {"model": "recraft/remove-background", "image": "https://x.example/a.png", "prompt": "no"}}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(manifest))
    res = cli(BATCH)("run", path, "--yes")
    assert res.code == 2, res
    assert "items[1] 'cut': params.prompt: recraft/remove-background does not take it" in res.stderr
    assert generation_posts(sim) == []


def test_more_than_twenty_kie_items_pass_the_create_limit_without_one_refusal(sim, artifacts, tmp_path):
    n, scale = 25, 0.05   # KIE's window is 0.5 s here: long enough that a burst of creates would overrun it
    sim.time_scale = scale
    sim.kie.error_mode = "http"   # a refusal is a real 429 as well as a code
    sim.outcomes.add("succeed", times=n, duration=10)
    manifest = {"version": 1, "defaults": {"skill": "kie-generation-image", "params": {"model": "google/nano-banana"}},
                "items": [{"id": "i%d" % i, "params": {"prompt": "icon %d" % i}} for i in range(n)]}
    path = tmp_path / "many.json"
    path.write_text(json.dumps(manifest))
    res = sim_cli(BATCH, sim, artifacts, tmp_path, GENMEDIA_POLL_SCALE=str(scale))("run", path)
    assert res.code == 0 and res.json["counts"] == {"succeeded": n}, res
    sent = creates(sim)
    assert len(sent) == n and {r.status for r in sent} == {200}   # not one create refused for rate
    assert len(sim.tasks("kie")) == n


def test_the_gate_next_command_runs_verbatim_from_any_folder(sim, artifacts, tmp_path):
    import shlex
    import subprocess
    import sys

    path = tmp_path / "one.json"
    path.write_text(json.dumps({"version": 1, "items": [
        {"id": "card", "skill": "creatok-generate-image", "params": {"prompt": "a card"}}]}))
    env = sim_cli(BATCH, sim, artifacts, tmp_path).env
    first = subprocess.run([sys.executable, "scripts/batch.py", "run", str(path)], cwd=str(BATCH.parents[1]),
                           env=env, capture_output=True, text=True, timeout=60)   # as SKILL.md starts it
    assert first.returncode == 6, first.stderr
    argv = shlex.split(json.loads(first.stdout)["next"])
    assert argv[-1] == "--yes" and generation_posts(sim) == []
    again = subprocess.run(argv, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"] == {"succeeded": 1} and len(generation_posts(sim)) == 1
