"""The install routes, run as users and agents run them: the wheel built from this repo in a
fresh venv, its console script, and each skill folder copied alone (what `npx skills add
--skill`, `openclaw skills install <dir>` and ClawHub do), with and without the runtime.

Every command runs from an unrelated folder with a temporary HOME and no GENMEDIA_*/XDG_*
settings, so the default artifact root is the one a user gets.
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from installed_env import ROOT, build_once
from test_image_e2e import png_bytes
from test_skill_docs import SKILL_DIRS, examples

PACKAGE = ROOT / "scripts" / "genmedia_skills"
INSTALL_LINE = ("uv tool install genmedia-skills", "pip install genmedia-skills")
CROSS_SKILLS = ("generation-tasks", "generation-batch")   # they work on other skills' runs
UPLOADERS = ("giggle-files-management",)   # no task to run: uploads
GENERATORS = [d for d in SKILL_DIRS if d.name not in CROSS_SKILLS + UPLOADERS]
IDS = [d.name for d in GENERATORS]


@pytest.fixture(scope="session")
def envs(tmp_path_factory, worker_id):
    base = tmp_path_factory.getbasetemp()
    return build_once(base if worker_id == "master" else base.parent)


def user_env(home, *path_dirs):
    """A user's environment: HOME, PATH of system folders (+ path_dirs), fast simulator."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIGGLE_", "GENMEDIA_", "KIE_", "CREATOK_", "XDG_"))
           and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1",
               PATH=os.pathsep.join([str(d) for d in path_dirs] + ["/usr/local/bin", "/usr/bin", "/bin"]),
               GENMEDIA_SIM_TIME_SCALE="0.001", GENMEDIA_POLL_SCALE="0.001")
    return env


def runs_root(home):
    return Path(home) / ".local" / "share" / "genmedia-skills" / "artifacts"


def run(argv, env, cwd, shell=False):
    proc = subprocess.run(argv if shell else [str(a) for a in argv], env=env, cwd=str(cwd), shell=shell,
                          capture_output=True, text=True, timeout=90)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def succeeded(proc, home):
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert doc["status"] == "succeeded" and doc["simulated"] is True and doc["outputs"], doc
    assert Path(doc["artifacts"]["dir"]).parents[1] == runs_root(home)   # <runs>/<skill>/<run_id>
    assert all(Path(out["path"]).is_file() for out in doc["outputs"] if "path" in out)
    return doc


def assert_install_hint(proc, names_module):
    """Exit 4, nothing on stdout, one stderr line that says how to install the runtime."""
    assert proc.returncode == 4, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert all(command in lines[0] for command in INSTALL_LINE) and names_module in lines[0], lines[0]
    assert lines[0].index("<path of the clone>") < lines[0].index(INSTALL_LINE[0])   # what works today first


def simulate_example(skill_dir):
    """(script, args) of the SKILL.md example that runs the skill on the simulator."""
    for line, _codes in examples(skill_dir):
        argv = shlex.split(line)
        if argv[2:4] == ["run", "--simulate"]:
            return argv[1].replace("{baseDir}/", ""), argv[2:]
    raise AssertionError("%s: SKILL.md has no `python3 {baseDir}/scripts/... run --simulate` example" % skill_dir.name)


@pytest.fixture
def workdir(tmp_path):
    """An unrelated folder holding the reference image some examples name."""
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    (folder / "photo.png").write_bytes(png_bytes(640, 480))
    return folder


def copy_alone(skill_dir, tmp_path):
    """The skill folder as an installer copies it: SKILL.md and scripts/, nothing around it."""
    target = tmp_path / "agent-skills" / skill_dir.name
    shutil.copytree(str(skill_dir), str(target), ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_wheel_holds_the_runtime_every_schema_and_both_commands(envs):
    names = envs.wheel_names()
    schemas = sorted((ROOT / "schemas").rglob("*.json"))
    assert len(schemas) > 10
    expected = {"genmedia_skills/schemas/" + p.relative_to(ROOT / "schemas").as_posix() for p in schemas}
    expected |= {"genmedia_skills/" + p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}
    assert sorted(expected - names) == []
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    import zipfile

    with zipfile.ZipFile(str(envs.wheel)) as wheel:
        scripts = wheel.read(entry_points).decode()
    assert "genmedia-skills = genmedia_skills.console:main" in scripts
    # `genmedia` is fal.ai's official CLI: installing ours under that name would shadow it
    assert not any(line.split("=")[0].strip() == "genmedia" for line in scripts.splitlines())


@pytest.mark.parametrize("skill_dir", GENERATORS, ids=IDS)
def test_console_script_runs_each_skill_from_any_folder(envs, skill_dir, workdir, tmp_path):
    _script, args = simulate_example(skill_dir)
    home = tmp_path / "home"
    succeeded(run([envs.bin(envs.fresh) / "genmedia-skills", skill_dir.name] + args, user_env(home), workdir), home)


def test_console_help_lists_the_skills_and_where_runs_go(envs, tmp_path):
    from genmedia_skills.skills import NAMES

    home = tmp_path / "home"
    genmedia = envs.bin(envs.fresh) / "genmedia-skills"
    shown = run([genmedia, "--help"], user_env(home), tmp_path)
    assert shown.returncode == 0 and all(name in shown.stdout for name in NAMES)
    assert "Runs are saved under ~/.local/share/genmedia-skills/artifacts" in shown.stdout
    skill_help = run([genmedia, "giggle-generation-image", "run", "--help"], user_env(home), tmp_path)
    assert skill_help.returncode == 0 and "genmedia-skills giggle-generation-image run" in skill_help.stdout
    assert "default here: ~/.local/share/genmedia-skills/artifacts" in " ".join(skill_help.stdout.split())
    version = run([envs.bin(envs.fresh) / "genmedia-skills", "--version"], user_env(home), tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("genmedia-skills ")
    for argv in ([], ["no-such-skill", "run"]):
        bad = run([genmedia] + argv, user_env(home), tmp_path)
        assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "giggle-generation-image" in bad.stderr
        assert json.loads(bad.stdout)["error"]["kind"] == "usage"


def test_next_resumes_however_the_skill_was_started(envs, workdir, tmp_path):
    home, other = tmp_path / "home", tmp_path / "later"
    other.mkdir()
    fresh_bin = envs.bin(envs.fresh)
    alone = copy_alone(ROOT / "skills" / "giggle-generation-image", tmp_path)
    submit = ["submit", "--simulate", "--prompt", "a koi pond"]
    starts = [  # (argv, env, cwd, how `next` must begin)
        (["genmedia-skills", "giggle-generation-image"], user_env(home, fresh_bin), workdir,
         "genmedia-skills giggle-generation-image wait --task-id "),
        ([fresh_bin / "genmedia-skills", "giggle-generation-image"], user_env(home), workdir,
         "%s giggle-generation-image wait --task-id " % shlex.quote(str(fresh_bin / "genmedia-skills"))),
        ([envs.python(envs.fresh), "scripts/generate_image.py"], user_env(home), alone,
         "%s %s wait --task-id " % (envs.python(envs.fresh), alone / "scripts" / "generate_image.py")),
        ([envs.python(envs.bare), alone / "scripts" / "generate_image.py"], user_env(home, fresh_bin), workdir,
         "genmedia-skills giggle-generation-image wait --task-id "),   # handed over to the uv-tool command
    ]
    for argv, env, cwd, prefix in starts:
        sub = run(argv + submit, env, cwd)
        assert sub.returncode == 0, sub.stderr
        doc = json.loads(sub.stdout)
        assert doc["next"].startswith(prefix), (doc["next"], prefix)
        done = succeeded(run(doc["next"], env, other, shell=True), home)
        assert done["run_id"] == doc["run_id"]


@pytest.mark.parametrize("skill_dir", GENERATORS, ids=IDS)
def test_skill_folder_copied_alone(envs, skill_dir, workdir, tmp_path):
    alone = copy_alone(skill_dir, tmp_path)
    script, args = simulate_example(skill_dir)
    home = tmp_path / "home"
    # the package installed in the Python that runs the script
    succeeded(run([envs.python(envs.fresh), alone / script] + args, user_env(home), workdir), home)
    # no runtime anywhere: one line saying how to install it
    nothing = run([envs.python(envs.bare), alone / script] + args, user_env(home), workdir)
    assert_install_hint(nothing, "genmedia_skills")
    assert nothing.stdout == ""
    # the runtime without jsonschema (imported lazily): refused before anything is sent
    lonely_home = tmp_path / "home-without-jsonschema"
    partial = run([envs.python(envs.partial), alone / script] + args, user_env(lonely_home), workdir)
    assert_install_hint(partial, "jsonschema")
    assert not runs_root(lonely_home).exists()


def test_cross_skills_copied_alone_see_the_runs_of_the_installed_skills(envs, workdir, tmp_path):
    """generation-batch and generation-tasks copied alone, the runtime installed: a batch
    runs through the installed skills, and tasks lists and shows its runs by task_id."""
    skills = {name: copy_alone(ROOT / "skills" / name, tmp_path) for name in CROSS_SKILLS}
    home, python = tmp_path / "home", envs.python(envs.fresh)
    manifest = workdir / "assets.json"
    manifest.write_text(json.dumps({"version": 1, "items": [
        {"id": "fox", "skill": "giggle-generation-image", "output": "art/fox.png",
         "params": {"prompt": "a fox", "model": "seedream45"}}]}))
    batch = run([python, skills["generation-batch"] / "scripts" / "batch.py", "run", manifest, "--simulate",
                 "--yes"], user_env(home), workdir)
    assert batch.returncode == 0, batch.stdout[-2000:] + batch.stderr[-2000:]
    assert (workdir / "art" / "fox.png").is_file()
    tasks = skills["generation-tasks"] / "scripts" / "tasks.py"
    listed = run([python, tasks, "list", "--limit", "5"], user_env(home), tmp_path)
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["skill"] == "giggle-generation-image" and row["status"] == "succeeded"
    shown = run([python, tasks, "show", "--task-id", row["task_id"]], user_env(home), tmp_path)
    assert shown.returncode == 0 and json.loads(shown.stdout)["task_id"] == row["task_id"], shown.stderr
    for name, folder in skills.items():
        script = next((folder / "scripts").glob("*.py"))
        assert_install_hint(run([envs.python(envs.bare), script, "--help"], user_env(home), tmp_path),
                            "genmedia_skills")


def test_bundle_without_dependencies_says_how_to_install(envs, tmp_path):
    for script in sorted(ROOT.glob("skills/*/scripts/*.py")):
        assert_install_hint(run([envs.python(envs.bare), script, "--help"], user_env(tmp_path), tmp_path), "typer")
    console = run([envs.bin(envs.partial) / "genmedia-skills", "giggle-generation-image", "--help"],
                  user_env(tmp_path), tmp_path)
    assert console.returncode == 4 and "jsonschema" in console.stderr and INSTALL_LINE[0] in console.stderr
    assert len(console.stderr.splitlines()) == 1


def test_files_skill_copied_alone_uploads_through_the_installed_runtime(envs, workdir, tmp_path):
    alone = copy_alone(ROOT / "skills" / "giggle-files-management", tmp_path)
    home = tmp_path / "home"
    proc = run([envs.python(envs.fresh), alone / "scripts" / "upload.py", "upload", "photo.png", "--simulate"],
               user_env(home), workdir)
    assert proc.returncode == 0, proc.stderr
    asset = json.loads(proc.stdout)["assets"][0]
    assert asset["type"] == "image" and asset["asset_id"] and asset["public"] is False
    nothing = run([envs.python(envs.bare), alone / "scripts" / "upload.py", "upload", "photo.png", "--simulate"],
                  user_env(home), workdir)
    assert_install_hint(nothing, "genmedia_skills")
