"""Every SKILL.md is valid (skills-ref), short enough, and its examples actually run."""

import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from conftest import ROOT, TEST_KEY, Cli, base_env
from creatok_helpers import mp4_bytes
from test_image_e2e import png_bytes

SKILL_DIRS = sorted(p.parent for p in (ROOT / "skills").glob("*/SKILL.md"))
AGENTSKILLS = Path(sys.executable).parent / "agentskills"
# skills-ref (the validator) installs on Python 3.11+ only; CI runs 3.11, where these always run
needs_validator = pytest.mark.skipif(sys.version_info < (3, 11), reason="skills-ref needs Python 3.11+")


def validate(path):
    proc = subprocess.run([str(AGENTSKILLS), "validate", str(path)], capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


@needs_validator
@pytest.mark.parametrize("skill_dir", SKILL_DIRS, ids=[p.name for p in SKILL_DIRS])
def test_skill_passes_agentskills_validate(skill_dir):
    code, output = validate(skill_dir)
    assert code == 0, output
    text = (skill_dir / "SKILL.md").read_text()
    assert len(text.splitlines()) < 500
    assert "\nmetadata:\n" in text and "    requires:\n" in text  # block YAML for OpenClaw
    if skill_dir.name.startswith(("giggle-", "kie-", "creatok-")):   # one provider: its key is required
        assert "requires:\n      env:\n" in text


@needs_validator
def test_root_skill_is_valid_under_its_own_name(tmp_path):
    # skills-ref wants name == folder; a clone's folder name is arbitrary, so check a copy.
    text = (ROOT / "SKILL.md").read_text()
    name = re.search(r"^name: (\S+)$", text, re.M).group(1)
    (tmp_path / name).mkdir()
    shutil.copy(ROOT / "SKILL.md", tmp_path / name / "SKILL.md")
    code, output = validate(tmp_path / name)
    assert code == 0, output
    for skill_dir in SKILL_DIRS:
        assert "skills/%s/SKILL.md" % skill_dir.name in text


BASE_DIR = "{baseDir}"   # the skill's folder: OpenClaw fills it in, other agents know it


def examples(skill_dir):
    """(command line, allowed exit codes) for each example; `# exit N [or M]` sets them.
    Commands name scripts by the skill's folder ({baseDir}/scripts/..., a sibling's as
    {baseDir}/../<skill>/scripts/...), so they run from the user's project folder."""
    text = (skill_dir / "SKILL.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    found = []
    for line in (line.strip() for block in blocks for line in block.splitlines()):
        if re.match(r"(python3|cp) \{baseDir\}/(\.\./[a-z0-9-]+/)?(scripts|assets)/", line):
            command, _, comment = line.partition("  # ")
            codes = re.match(r"exit (\d+)(?: or (\d+))?", comment)
            found.append((command, {int(c) for c in codes.groups() if c} if codes else {0}))
    return found


def test_examples_run_from_the_project_folder_and_print_json():
    """No example runs a script by a path relative to the skill folder (which made --output land
    inside the installed skill); every example an agent runs asks for the JSON document."""
    for skill_dir in SKILL_DIRS:
        text = (skill_dir / "SKILL.md").read_text()
        assert not re.search(r"^(python3|uv run) (\.\./|scripts/)", text, re.M), skill_dir.name
        for command, _ in examples(skill_dir):
            if command.startswith("python3") and "--help" not in command:
                assert command.endswith(" --json"), (skill_dir.name, command)


def example_files(skill_dir):
    """{name: text} of the files a SKILL.md shows for its examples (`<!-- file: NAME -->` + a code block)."""
    text = (skill_dir / "SKILL.md").read_text()
    return dict(re.findall(r"<!-- file: ([\w.-]+) -->\n```\w*\n(.*?)```", text, re.S))


@pytest.fixture
def fast_sim(tmp_path):
    """A simulator fast enough for 10-minute music-video workflows (1 s per 1000 s)."""
    from genmedia_skills.simulator import Simulator

    with Simulator(state_dir=tmp_path / "docs-sim", time_scale=0.001,
                   accept_keys={"giggle": [TEST_KEY], "kie": [TEST_KEY], "creatok": [TEST_KEY]},
                   faults="") as simulator:
        yield simulator


@pytest.mark.parametrize("skill_dir", SKILL_DIRS, ids=[p.name for p in SKILL_DIRS])
def test_skill_examples_run(skill_dir, fast_sim, artifacts, tmp_path):
    """Each example runs verbatim (the key and base URL point at the simulator)."""
    import shlex

    env = base_env(artifacts)
    env.update({"GIGGLE_API_KEY": TEST_KEY, "GIGGLE_BASE_URL": fast_sim.base_url, "KIE_AI_API_KEY": TEST_KEY,
                "KIE_BASE_URL": fast_sim.base_url, "KIE_UPLOAD_BASE_URL": fast_sim.base_url,
                "CREATOK_API_KEY": TEST_KEY, "CREATOK_BASE_URL": fast_sim.base_url,
                "GENMEDIA_POLL_SCALE": "0.001", "GENMEDIA_SIM_TIME_SCALE": "0.001"})
    project = tmp_path / "my-project"   # the user's project, outside the bundle: examples run from here
    project.mkdir()
    if skill_dir.name != "generation-batch":   # the user's own photo; the batch example ships its own
        (project / "photo.png").write_bytes(png_bytes(640, 480))
    (project / "clip.mp4").write_bytes(mp4_bytes())
    with wave.open(str(project / "voice.wav"), "wb") as clip:   # a 2 s recording (voice samples, lip-sync)
        clip.setnchannels(1)
        clip.setsampwidth(1)
        clip.setframerate(8000)
        clip.writeframes(b"\x80" * 16000)
    for name, content in example_files(skill_dir).items():
        (project / name).write_text(content)
    commands = examples(skill_dir)
    assert len(commands) >= 5
    task_id, delivered = None, 0
    for line, expected in commands:
        argv = [a.replace(BASE_DIR, str(skill_dir)) for a in shlex.split(line)]
        if argv[0] == "cp":
            subprocess.run(argv, cwd=str(project), check=True)
            continue
        argv = [task_id if a == "<task_id>" else a for a in argv]
        assert None not in argv, "an example uses <task_id> before any submit"
        res = Cli(argv[1], env, project)(*argv[2:])
        assert res.code in expected, (line, res)
        doc = res.json if isinstance(res.json, dict) else {}
        if doc.get("task_id"):
            task_id = doc["task_id"]
        for out in doc.get("outputs") or []:   # --output lands in the project, not in the skill's folder
            for copy in out.get("delivered") or []:
                assert Path(copy["path"]).parent.is_relative_to(project) and Path(copy["path"]).is_file(), line
                delivered += 1
    if "--output" in " ".join(line for line, _ in commands):
        assert delivered, "no example delivered a file into the project"
    assert not list(skill_dir.rglob("media")) and not (skill_dir / "assets" / "icons").exists()


def test_ci_runs_the_readme_test_command_verbatim():
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert "pytest" in command and command in (ROOT / "README.md").read_text()


def test_marketplace_lists_every_skill():
    """Installers (Claude Code plugins, `npx skills add`) find the skills through this file,
    since a root SKILL.md otherwise hides the ones under skills/."""
    import json

    market = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text())
    listed = sorted(path for plugin in market["plugins"] for path in plugin["skills"])
    assert listed == sorted("./skills/" + d.name for d in SKILL_DIRS)


RUNS_STATEMENT = " ".join("""Runs are saved in `<runs>/<skill>/<run_id>/` (`result.json`, `result.md`, `outputs/`),
where `<runs>` is `~/.local/share/genmedia-skills/artifacts`
(`$XDG_DATA_HOME/genmedia-skills/artifacts` when that is set,
`%LOCALAPPDATA%\\genmedia-skills\\artifacts` on Windows), or `.artifacts/` in a
development checkout of the bundle (one with a `.venv/`), or what `--artifacts-dir`
or `GENMEDIA_ARTIFACTS_DIR` says; `--help` shows the folder in use.""".split())


def test_one_statement_of_where_runs_are_saved_everywhere():
    """The README, the router and every SKILL.md say the same; no doc names another place
    (KIE's and CreatOK's used to say `<bundle>/.artifacts`, which installed copies never use)."""
    from genmedia_skills.core import config

    for doc in [ROOT / "README.md", ROOT / "SKILL.md"] + [d / "SKILL.md" for d in SKILL_DIRS]:
        text = " ".join(doc.read_text().split())
        assert RUNS_STATEMENT in text, doc
        assert "<bundle>/.artifacts" not in text, doc
    home = str(config.user_data_dir() / "artifacts")   # what the code uses outside a checkout
    assert home.endswith("genmedia-skills/artifacts")
