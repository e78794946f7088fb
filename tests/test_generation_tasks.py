"""generation-tasks: every skill's runs in one list; show/status/wait by task id alone."""

import pytest

from conftest import ROOT, sim_cli

TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"
MUSIC = ROOT / "skills" / "giggle-generation-music" / "scripts" / "generate_music.py"


@pytest.fixture
def tasks(sim, artifacts, tmp_path):
    return sim_cli(TASKS, sim, artifacts, tmp_path)


@pytest.fixture
def music(sim, artifacts, tmp_path):
    return sim_cli(MUSIC, sim, artifacts, tmp_path)


def queries(sim):
    return [r for r in sim.requests if r.route == "giggle.query"]


def test_list_shows_runs_of_every_skill_newest_first(tasks, image_cli, music, sim):
    first = image_cli("submit", "--prompt", "a red fox")
    second = music("submit", "--prompt", "a happy jingle")
    third = image_cli("submit", "--prompt", "a blue whale")
    assert {first.code, second.code, third.code} == {0}
    res = tasks("list")
    assert res.code == 0, res
    assert [(r["skill"], r["task_id"]) for r in res.json] == [
        ("giggle-generation-image", third.json["task_id"]),
        ("giggle-generation-music", second.json["task_id"]),
        ("giggle-generation-image", first.json["task_id"])]
    assert res.json[0]["prompt"] == "a blue whale" and res.json[0]["provider"] == "giggle"
    assert [r["task_id"] for r in tasks("list", "--skill", "giggle-generation-music").json] == [second.json["task_id"]]
    assert len(tasks("list", "--limit", "2").json) == 2
    assert tasks("list", "--provider", "kie").json == []
    assert len(tasks("list", "--provider", "giggle", "--since", "1h").json) == 3
    assert tasks("list", "--since", "2999-01-01").json == []
    assert tasks("list", "--status", "succeeded").json == []
    assert queries(sim) == []   # listing never asks a provider


@pytest.mark.parametrize("args, field", [
    (["--status", "done"], "--status: 'done' is not one of"),
    (["--provider", "openai"], "--provider: 'openai' is not one of: giggle, kie, creatok"),
    (["--since", "yesterday"], "--since: 'yesterday' is neither an age"),
    (["--skill", "generation-batch"], "--skill: 'generation-batch' submits no tasks"),
    (["--skill", "nope"], "--skill: 'nope' is not a skill of this bundle"),
])
def test_list_bad_filters_are_usage_errors(tasks, args, field):
    res = tasks("list", *args)
    assert res.code == 2 and field in res.stderr, res


def test_show_reads_the_record_without_the_network(tasks, music, sim):
    sub = music("submit", "--prompt", "a happy jingle")
    before = len(sim.requests)
    res = tasks("show", "--task-id", sub.json["task_id"])
    assert res.code == 0, res
    assert res.json["run_id"] == sub.json["run_id"] and res.json["skill"] == "giggle-generation-music"
    assert len(sim.requests) == before


def test_status_and_wait_route_to_the_skill_that_made_the_task(tasks, music, sim):
    sub = music("submit", "--prompt", "a happy jingle")
    res = tasks("status", "--task-id", sub.json["task_id"])
    assert res.code == 0, res
    assert res.json["skill"] == "giggle-generation-music" and res.json["run_id"] == sub.json["run_id"]
    assert len(queries(sim)) == 1
    res = tasks("wait", "--task-id", sub.json["task_id"])
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert res.json["run_id"] == sub.json["run_id"]
    assert all(o.get("path") for o in res.json["outputs"])
    assert len([r for r in sim.requests if r.method == "POST"]) == 1   # routed, never resubmitted


def test_wait_delivers_with_output(tasks, image_cli, tmp_path):
    sub = image_cli("submit", "--prompt", "a fox")
    res = tasks("wait", "--task-id", sub.json["task_id"], "--output", "art/fox.png")
    assert res.code == 0, res
    assert (tmp_path / "art" / "fox.png").exists()


def test_timeout_gives_a_next_command_of_generation_tasks(tasks, image_cli, sim):
    sim.outcomes.add("succeed", duration=6000)   # 60 s: still running on a loaded machine
    sub = image_cli("submit", "--prompt", "a fox")
    res = tasks("wait", "--task-id", sub.json["task_id"], "--timeout", "0.2")
    assert res.code == 5, res
    assert "tasks.py wait --task-id " + sub.json["task_id"] in res.json["next"]


def test_an_id_in_two_skills_is_a_usage_error_naming_both(tasks, image_cli, music, sim):
    sub = image_cli("submit", "--prompt", "a fox")
    task_id = sub.json["task_id"]
    follow = music("status", "--task-id", task_id)   # giggle shares one query API: music can follow it too
    assert follow.code == 0, follow
    before = len(sim.requests)
    res = tasks("status", "--task-id", task_id)
    assert res.code == 2, res
    assert "giggle-generation-image" in res.stderr and "giggle-generation-music" in res.stderr
    assert "--skill" in res.stderr
    assert len(sim.requests) == before
    res = tasks("status", "--task-id", task_id, "--skill", "giggle-generation-image")
    assert res.code == 0 and res.json["run_id"] == sub.json["run_id"], res


def test_an_unknown_id_sends_nothing(tasks, sim):
    res = tasks("status", "--task-id", "no-such-task")
    assert res.code == 4 and "no saved run has task_id no-such-task" in res.stderr, res
    assert sim.requests == []
    assert tasks("show", "--task-id", " ").code == 2


def test_bare_invocation_names_the_commands(tasks):
    res = tasks()
    assert res.code == 2 and "one of list, show, status, wait" in res.stderr


def test_list_prints_a_table_on_a_terminal_and_json_on_stdout(tasks, image_cli):
    import json

    from conftest import run_with_tty_stderr

    sub = image_cli("submit", "--prompt", "a red fox in the snow")
    code, out, err = run_with_tty_stderr(tasks, "list")
    assert code == 0, err
    assert [r["task_id"] for r in json.loads(out)] == [sub.json["task_id"]]
    header, row = err.strip().splitlines()[:2]
    assert header.split()[:4] == ["created", "skill", "status", "task_id"]
    assert "giggle-generation-image" in row and sub.json["task_id"] in row and "a red fox" in row
    piped = tasks("list")
    assert piped.stderr == ""   # no table for agents
