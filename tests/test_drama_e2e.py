"""giggle-generation-drama end to end: trustee v2 against the simulator.

The payment gate is AIMV's: without --yes nothing is paid (exit 6, the models named);
with it the pay is sent exactly once per project, with the run's three models, even when
its answer is lost or the command runs again from another artifact root.
"""

import json
from pathlib import Path

import pytest

from conftest import Cli, ROOT, TEST_KEY, base_env, sim_cli

DRAMA = ROOT / "skills" / "giggle-generation-drama" / "scripts" / "generate_drama.py"
STEPS = ["script", "character", "storyboard", "shot", "video", "export"]
STORY = "A lighthouse keeper finds a message in a bottle and sails to answer it."


@pytest.fixture
def drama(sim, artifacts, tmp_path):
    sim.outcomes.add("succeed", times=5, duration=100)   # ~1 s per workflow at the test time scale
    return sim_cli(DRAMA, sim, artifacts, tmp_path, GENMEDIA_POLL_SCALE="0.002")


def calls(sim, route):
    return [r for r in sim.requests if r.route == route]


def test_without_yes_nothing_is_paid_and_the_gate_names_the_models(drama, sim):
    res = drama("run", "--story", STORY, "--duration", "60", "--style-id", "142",
                "--character", "Keeper=https://example.com/keeper.jpg")
    assert res.code == 6 and res.json["status"] == "awaiting_payment", res
    assert res.json["error"]["kind"] == "confirmation_required"
    assert "video_first_model grok" in res.json["error"]["message"] and "shown once paid" in res.json["error"]["message"]
    assert res.json["next"].endswith("--yes") and res.json["task_id"] in res.json["next"]
    assert res.json["payment"]["terms"] == {"video_first_model": "grok", "video_second_model": "seedance15-pro",
                                            "image_first_model": "seedream45"}
    assert res.json["progress"]["completed_steps"] == STEPS[:3]
    [create] = calls(sim, "giggle.project-create")
    assert create.body == {"name": STORY[:60], "type": "director", "aspect": "16:9", "mode": "trustee"}
    [submit] = calls(sim, "giggle.drama-submit")
    assert submit.body == {"project_id": res.json["task_id"], "diy_story": STORY, "aspect": "16:9",
                           "video_duration": "60", "language": "en", "style_id": 142,
                           "character_info": [{"name": "Keeper", "url": "https://example.com/keeper.jpg"}]}
    assert drama("status", "--task-id", res.json["task_id"]).code == 6
    assert calls(sim, "giggle.drama-pay") == []


def test_wait_with_yes_pays_once_with_the_runs_models_and_finishes(drama, sim):
    gate = drama("run", "--story", STORY, "--mode", "short-film", "--aspect", "9:16", "--duration", "120",
                 "--video-model", "veo31", "--fallback-video-model", "kling25", "--image-model", "nano-banana-2")
    assert gate.code == 6, gate
    res = drama("wait", "--task-id", gate.json["task_id"], "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded" and res.json["provider_status"] == "completed", res
    [pay] = calls(sim, "giggle.drama-pay")
    assert pay.body == {"project_id": gate.json["task_id"], "video_first_model": "veo31",
                        "video_second_model": "kling25", "image_first_model": "nano-banana-2"}
    payment = res.json["payment"]
    assert payment["outcome"] == "paid" and payment["order_id"] and payment["price"] == 1800   # 450 x 2 min x 2
    assert "paid: order" in res.stderr and "1800 credits" in res.stderr
    video, thumb = res.json["outputs"]
    assert video["kind"] == "video" and Path(video["path"]).read_bytes()[4:8] == b"ftyp"
    assert res.json["progress"]["completed_steps"] == STEPS
    md = Path(res.json["artifacts"]["md"]).read_text()
    assert payment["order_id"] in md and "veo31" in md
    assert drama("wait", "--task-id", gate.json["task_id"], "--yes").code == 0
    assert len(calls(sim, "giggle.drama-pay")) == 1 and len(sim.pay_calls(gate.json["task_id"])) == 1


def test_run_with_yes_goes_through_in_one_call(drama, sim):
    res = drama("run", "--story", STORY, "--mode", "narration", "--yes")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert len(sim.pay_calls(res.json["task_id"])) == 1 and res.json["payment"]["price"] == 300
    assert calls(sim, "giggle.project-create")[0].body["type"] == "narration"


def test_a_lost_pay_answer_is_never_resent_from_any_root(drama, sim, artifacts):
    sim.pay_visible_after = 3600   # taken, but queries keep showing it pending
    sim.faults.add("giggle.drama-pay", "drop")
    res = drama("run", "--story", STORY, "--yes", "--timeout", "30")
    assert res.code == 4 and res.json["error"]["kind"] == "blocked", res
    assert res.json["payment"]["outcome"] == "answer_lost"
    other = {"GENMEDIA_ARTIFACTS_DIR": str(artifacts.parent / "root-b"), "XDG_DATA_HOME": str(artifacts.parent / "b")}
    (artifacts.parent / "root-b").mkdir()
    again = drama("wait", "--task-id", res.json["task_id"], "--yes", "--timeout", "30", env=other)
    assert again.code == 4 and again.json["error"]["kind"] == "blocked", again
    assert again.json["run_id"] != res.json["run_id"]
    assert len(calls(sim, "giggle.drama-pay")) == 1


def test_a_foreign_project_is_followed_and_paid_with_the_default_models(drama, sim, artifacts):
    gate = drama("submit", "--story", STORY)
    assert gate.code == 0 and gate.json["status"] == "queued", gate
    other = {"GENMEDIA_ARTIFACTS_DIR": str(artifacts.parent / "root-c"), "XDG_DATA_HOME": str(artifacts.parent / "c")}
    (artifacts.parent / "root-c").mkdir()
    res = drama("wait", "--task-id", gate.json["task_id"], "--yes", env=other)
    assert res.code == 0 and res.json["status"] == "succeeded", res
    [pay] = calls(sim, "giggle.drama-pay")
    assert pay.body["video_first_model"] == "grok" and pay.body["image_first_model"] == "seedream45"


def test_a_failed_step_fails_and_a_stray_err_msg_does_not(drama, sim):
    sim.outcomes.clear()
    sim.outcomes.add("flaky_sub_step", duration=100)
    sim.outcomes.add("fail", duration=100, message="shot generation failed: model overloaded")
    ok = drama("run", "--story", STORY, "--yes")
    assert ok.code == 0 and ok.json["status"] == "succeeded", ok
    bad = drama("run", "--story", STORY, "--yes")
    assert bad.code == 1 and bad.json["status"] == "failed", bad
    assert "drama failed at shot" in bad.json["error"]["message"] and "overloaded" in bad.json["error"]["message"]
    assert bad.json["task_id"] and bad.json["progress"]["failed_steps"]


@pytest.mark.parametrize("args, field", [
    ([], "--story"),
    (["--story", "x" * 20001], "--story"),
    (["--story", STORY, "--mode", "sitcom"], "--mode"),
    (["--story", STORY, "--duration", "45"], "--duration"),
    (["--story", STORY, "--language", "fr"], "--language"),
    (["--story", STORY, "--aspect", "1:1"], "--aspect"),
    (["--story", STORY, "--style-id", "0"], "--style-id"),
    (["--story", STORY, "--character", "no-url-here"], "--character"),
    (["--story", STORY, "--character", "Ann=keeper.jpg"], "--character"),
    (["--story", STORY, "--video-model", "grok-9"], "--video-model"),
    (["--story", STORY, "--image-model", "grok"], "--image-model"),
])
def test_bad_input_is_refused_before_anything_is_sent(drama, sim, args, field):
    res = drama("run", *args)
    assert res.code == 2 and res.json["error"]["message"].startswith(field + ":"), res
    assert sim.requests == []


def test_styles_lists_ids_for_style_id(drama, sim):
    res = drama("styles")
    assert res.code == 0 and 142 in [s["id"] for s in res.json], res
    [get] = calls(sim, "giggle.ai-styles")
    assert get.query["language"] == "en" and get.query["page_size"] == "999" and get.headers["x-auth"] == TEST_KEY
    zh = drama("styles", "--language", "zh", "--category", "ink")
    assert zh.code == 0 and [s["name"] for s in zh.json] == ["水墨国风"], zh
    none = drama("styles", "--category", "opera")
    assert none.code == 0 and none.json == [] and "categories: " in none.stderr
    assert drama("styles", unset=["GIGGLE_API_KEY"]).code == 3


def test_styles_and_a_run_under_simulate_need_no_key(artifacts, tmp_path):
    env = base_env(artifacts)
    env.update(GIGGLE_BASE_URL="http://127.0.0.1:9", GENMEDIA_SIM_TIME_SCALE="0.0005", GENMEDIA_POLL_SCALE="0.0005")
    cli = Cli(DRAMA, env, tmp_path)
    assert cli("styles", "--simulate").code == 0
    res = cli("run", "--simulate", "--story", STORY, "--yes")
    assert res.code == 0 and res.json["simulated"] and res.json["payment"]["outcome"] == "paid", res


def test_the_simulator_refuses_what_giggle_would(drama, sim):
    import requests

    headers = {"x-auth": TEST_KEY}
    base = sim.base_url + "/api/v1/"
    mv = requests.post(base + "project/create", headers=headers, timeout=5,
                       json={"name": "m", "type": "mv", "aspect": "16:9", "mode": "trustee"}).json()["data"]["project_id"]
    body = {"project_id": mv, "diy_story": "s", "aspect": "16:9", "video_duration": "60", "language": "en"}
    wrong_type = requests.post(base + "trustee_mode/submit-v2", json=body, headers=headers, timeout=5)
    assert wrong_type.status_code == 400 and "mv project" in wrong_type.json()["msg"]
    for bad, field in ((dict(body, video_duration=60), "video_duration"), (dict(body, language="fr"), "language"),
                       (dict(body, style_id=9999), "style_id"), (dict(body, character_info=[{"name": "a"}]),
                                                                 "character_info[0]")):
        resp = requests.post(base + "trustee_mode/submit-v2", json=bad, headers=headers, timeout=5)
        assert resp.status_code == 400 and resp.json()["msg"].startswith(field), resp.text
    pay = requests.post(base + "trustee_mode/pay", headers=headers, timeout=5,
                        json={"project_id": mv, "video_first_model": "grok", "video_second_model": "grok",
                              "image_first_model": "midjourney"})
    assert pay.status_code == 400 and "mv/pay" in pay.json()["msg"]
    assert json.loads(requests.get(base + "ai_style/list", timeout=5).text)["code"] == 401


def test_a_local_character_image_is_uploaded_and_its_link_sent(drama, sim, tmp_path):
    from test_image_e2e import png_bytes

    (tmp_path / "keeper.png").write_bytes(png_bytes())
    res = drama("submit", "--story", STORY, "--character", "Keeper=keeper.png")
    assert res.code == 0, res
    assert [r.route for r in sim.requests][:4] == ["giggle.presign", "giggle.storage", "giggle.register",
                                                     "giggle.project-create"]   # uploaded before the project exists
    [submit] = calls(sim, "giggle.drama-submit")
    assert submit.body["character_info"][0]["name"] == "Keeper" and "/assets/" in submit.body["character_info"][0]["url"]
