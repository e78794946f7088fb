"""The files installers and agents read: plugin manifests, the entry scripts' bootstrap and
PEP 723 header, and what each SKILL.md says about the runtime."""

import json
import re
import sys

import pytest

from conftest import ROOT
from test_skill_docs import SKILL_DIRS

PLUGIN = ROOT / ".claude-plugin"
BOOTSTRAP = re.compile(r"\n# ---- runtime bootstrap:.*?# ---- end of runtime bootstrap ----\n", re.S)
IDS = [d.name for d in SKILL_DIRS]


def project_version():
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)


def entry_script(skill_dir):
    scripts = sorted((skill_dir / "scripts").glob("*.py"))
    assert len(scripts) == 1, scripts
    return scripts[0]


def test_every_skill_folder_is_in_the_registry():
    from genmedia_skills.skills import NAMES

    assert sorted(NAMES) == sorted(d.name for d in SKILL_DIRS)


def test_plugin_manifest_and_marketplace_agree_on_one_version():
    import genmedia_skills

    plugin = json.loads((PLUGIN / "plugin.json").read_text())
    market = json.loads((PLUGIN / "marketplace.json").read_text())
    version = project_version()
    assert plugin["name"] and plugin["description"] and plugin["version"] == version == genmedia_skills.__version__
    assert market["metadata"]["version"] == version
    assert [p["name"] for p in market["plugins"]] == [plugin["name"]]   # `claude plugin tag` checks this
    for entry in market["plugins"]:
        assert entry["version"] == version and entry["source"] == "./"
        # strict: false with a plugin.json fails to load in Claude Code ("conflicting manifests")
        assert entry.get("strict", True) is True
    for skill_md in [ROOT / "SKILL.md"] + [d / "SKILL.md" for d in SKILL_DIRS]:
        assert '\n  version: "%s"\n' % version in skill_md.read_text(), skill_md


def test_entry_scripts_share_one_bootstrap_block():
    blocks = set()
    for skill_dir in SKILL_DIRS:
        text = entry_script(skill_dir).read_text()
        assert 'SKILL_NAME = "%s"\n' % skill_dir.name in text
        found = BOOTSTRAP.findall(text)
        assert len(found) == 1, skill_dir
        blocks.add(found[0])
        assert text.rstrip().endswith('if __name__ == "__main__":\n    SKILL.main()')
    assert len(blocks) == 1, "the bootstrap differs between entry scripts"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib")
@pytest.mark.parametrize("skill_dir", SKILL_DIRS, ids=IDS)
def test_entry_script_declares_its_dependencies_for_uv_run(skill_dir):
    import tomllib

    # the reference reader of PEP 723
    pattern = r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$"
    blocks = [m for m in re.finditer(pattern, entry_script(skill_dir).read_text()) if m.group("type") == "script"]
    assert len(blocks) == 1
    content = "".join(line[2:] if line.startswith("# ") else line[1:]
                      for line in blocks[0].group("content").splitlines(keepends=True))
    header = tomllib.loads(content)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert header["requires-python"] == project["requires-python"]
    (dependency,) = header["dependencies"]
    name, lower = re.fullmatch(r"([a-z0-9-]+)>=([0-9.]+)", dependency).groups()
    assert name == project["name"] == "genmedia-skills"
    as_tuple = lambda v: tuple(int(part) for part in v.split("."))   # noqa: E731
    assert as_tuple(lower) <= as_tuple(project["version"])


@pytest.mark.parametrize("skill_md", [ROOT / "SKILL.md"] + [d / "SKILL.md" for d in SKILL_DIRS],
                         ids=["root"] + IDS)
def test_skill_md_states_the_runtime_and_checks_it_first(skill_md):
    text = skill_md.read_text()
    front, body = text.split("\n---\n", 1)
    compatibility = re.search(r"^compatibility: (.*)$", front, re.M).group(1)
    assert "uv tool install genmedia-skills" in compatibility and len(compatibility) <= 500
    install = re.search(r"\n    install:\n((?:      .*\n)+)", front + "\n").group(1)
    assert "- id: uv\n" in install and "kind: uv\n" in install and "package: genmedia-skills\n" in install
    assert "    requires:\n" in front and "        - python3\n" in front
    first_section = re.search(r"^## (.*)$", body, re.M).group(1)
    assert first_section == "First: check the runtime"
    section = body.split("## First: check the runtime", 1)[1].split("\n## ", 1)[0]
    assert "--help" in section and "uv tool install genmedia-skills" in section
    assert "the genmedia-skills runtime is missing" in section   # what the bootstrap prints
