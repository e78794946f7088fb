"""Where runs go by default, and that they outlive the copy of the bundle that made them.

Installers copy the bundle (Claude Code and Codex plugin caches, `npx skills add`, OpenClaw,
which even keeps .git) and replace the copy on update. Runs made from such a copy must land
in the per-user folder and be found from the next copy. Only the project's development
checkout (pyproject.toml with a .venv/ beside it) keeps its runs in <checkout>/.artifacts.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_install_routes import runs_root, user_env

ENTRY = Path("skills") / "giggle-generation-image" / "scripts" / "generate_image.py"
BUNDLE_JUNK = shutil.ignore_patterns(".git", ".venv", ".artifacts", "build", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".hypothesis")


def installed_copy(target, *, with_git=False, with_venv=False):
    """The bundle as an installer leaves it: every file of the repo, no .venv, no runs."""
    shutil.copytree(str(ROOT), str(target), ignore=BUNDLE_JUNK)
    if with_git:   # OpenClaw's whole-repo install keeps the repository
        subprocess.run(["git", "init", "-q", str(target)], check=True)
    if with_venv:  # what the README's development setup creates
        (target / ".venv").mkdir()
    return target


def image(bundle, home, *args):
    """The bundle's image script, run by this test's Python (it has the dependencies; the
    bootstrap puts the bundle's own runtime first)."""
    proc = subprocess.run([sys.executable, str(bundle / ENTRY)] + list(args), env=user_env(home),
                          cwd=str(home.parent), capture_output=True, text=True, timeout=90)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)


def test_a_run_outlives_the_copy_that_made_it(tmp_path):
    home = tmp_path / "home"
    first = installed_copy(tmp_path / "plugin-cache" / "0.1.0")
    proc, sub = image(first, home, "submit", "--simulate", "--prompt", "a lighthouse at dusk")
    assert proc.returncode == 0, proc.stderr
    assert Path(sub["artifacts"]["dir"]).parents[1] == runs_root(home)
    shutil.rmtree(str(first))   # the update replaces the folder

    second = installed_copy(tmp_path / "plugin-cache" / "0.1.1")
    proc, rows = image(second, home, "list")
    assert proc.returncode == 0 and [row["task_id"] for row in rows] == [sub["task_id"]]
    proc, done = image(second, home, "wait", "--task-id", sub["task_id"])
    assert proc.returncode == 0 and done["status"] == "succeeded", proc.stderr
    assert done["run_id"] == sub["run_id"] and Path(done["outputs"][0]["path"]).is_file()


def test_a_git_clone_is_not_a_development_checkout_but_one_with_its_venv_is(tmp_path):
    home = tmp_path / "home"
    clone = installed_copy(tmp_path / "openclaw-skills" / "genmedia-skills", with_git=True)
    proc, doc = image(clone, home, "run", "--simulate", "--prompt", "x")
    assert proc.returncode == 0 and Path(doc["artifacts"]["dir"]).parents[1] == runs_root(home)
    assert not (clone / ".artifacts" / "giggle-generation-image").exists()

    checkout = installed_copy(tmp_path / "dev" / "genmedia-skills", with_git=True, with_venv=True)
    proc, doc = image(checkout, home, "submit", "--simulate", "--prompt", "y")
    assert proc.returncode == 0 and Path(doc["artifacts"]["dir"]).parents[1] == checkout / ".artifacts"
    # an installed copy still finds it (the per-user task index) and continues it where it is
    proc, done = image(clone, home, "wait", "--task-id", doc["task_id"])
    assert proc.returncode == 0 and done["status"] == "succeeded", proc.stderr
    assert done["run_id"] == doc["run_id"] and done["artifacts"]["dir"] == doc["artifacts"]["dir"]


def test_environment_and_option_still_win(tmp_path):
    home = tmp_path / "home"
    bundle = installed_copy(tmp_path / "copy")
    env = user_env(home)
    env["GENMEDIA_ARTIFACTS_DIR"] = str(tmp_path / "from-env")
    for extra, expected in (([], tmp_path / "from-env"), (["--artifacts-dir", str(tmp_path / "opt")], tmp_path / "opt")):
        proc = subprocess.run([sys.executable, str(bundle / ENTRY), "run", "--simulate", "--prompt", "x"] + extra,
                              env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=90)
        assert proc.returncode == 0, proc.stderr
        assert Path(json.loads(proc.stdout)["artifacts"]["dir"]).parents[1] == expected
    assert not runs_root(home).exists()
