"""Every SKILL.md is valid (skills-ref), short enough, and its examples actually run."""

import re
import shutil
import subprocess
import sys
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


def examples(skill_dir):
    """(command line, allowed exit codes) for each example; `# exit N [or M]` sets them."""
    text = (skill_dir / "SKILL.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    found = []
    for line in (line.strip() for block in blocks for line in block.splitlines()):
        if re.match(r"python3 (\.\./[a-z0-9-]+/)?scripts/", line):   # this skill's script, or a sibling's
            command, _, comment = line.partition("  # ")
            codes = re.match(r"exit (\d+)(?: or (\d+))?", comment)
            found.append((command, {int(c) for c in codes.groups() if c} if codes else {0}))
    return found


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
    (tmp_path / "photo.png").write_bytes(png_bytes(640, 480))
    (tmp_path / "clip.mp4").write_bytes(mp4_bytes())
    for name, content in example_files(skill_dir).items():
        (tmp_path / name).write_text(content)
    commands = examples(skill_dir)
    assert len(commands) >= 5
    task_id = None
    for line, expected in commands:
        argv = shlex.split(line)
        script = skill_dir / argv[1]
        argv = [task_id if a == "<task_id>" else a for a in argv[2:]]
        assert None not in argv, "an example uses <task_id> before any submit"
        res = Cli(script, env, tmp_path)(*argv)
        assert res.code in expected, (line, res)
        if isinstance(res.json, dict) and res.json.get("task_id"):
            task_id = res.json["task_id"]


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
