"""Paths mean what the user means: commands run from the user's project, so a relative
--output lands there; one that would land inside an installed skill folder (which the next
update replaces) is refused before anything is sent."""

import shutil

from conftest import ROOT, Cli, base_env

SKILL = ROOT / "skills" / "giggle-generation-image"
JUNK = shutil.ignore_patterns("__pycache__", ".venv", ".git", ".artifacts", "*.egg-info", "build")


def installed_copy(tmp_path):
    """The whole bundle as a plugin installer copies it (no .venv: not a development checkout)."""
    bundle = _mk(tmp_path / "plugins" / "genmedia-skills")
    for name in ("pyproject.toml", "SKILL.md"):
        shutil.copy2(str(ROOT / name), str(bundle / name))
    for name in ("skills", "scripts", "schemas"):
        shutil.copytree(str(ROOT / name), str(bundle / name), ignore=JUNK)
    return bundle


def _mk(path):
    path.mkdir(parents=True)
    return path


def test_relative_output_lands_in_the_project_folder(artifacts, tmp_path):
    project = _mk(tmp_path / "my-game")
    bundle = installed_copy(tmp_path)
    script = bundle / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
    res = Cli(script, base_env(artifacts), project)("run", "--simulate", "--prompt", "a bird", "--output",
                                                     "art/bird.png")
    assert res.code == 0, res
    assert (project / "art" / "bird.png").is_file()
    assert res.json["outputs"][0]["delivered"][0]["path"] == str(project / "art" / "bird.png")


def test_relative_output_inside_an_installed_bundle_is_refused(artifacts, tmp_path):
    bundle = installed_copy(tmp_path)
    skill_dir = bundle / "skills" / "giggle-generation-image"
    for cwd in (skill_dir, bundle):
        res = Cli(skill_dir / "scripts" / "generate_image.py", base_env(artifacts), cwd)(
            "run", "--simulate", "--prompt", "a bird", "--output", "art/bird.png")
        assert res.code == 2, res
        assert res.stderr.count("\n") == 1 and "--output: art/bird.png would be written inside the installed " \
            "skill folder %s" % bundle in res.stderr and "project's folder" in res.stderr, res.stderr
        assert not (cwd / "art").exists()
    assert list(artifacts.iterdir()) == []   # nothing was sent, no run was made
    absolute = Cli(skill_dir / "scripts" / "generate_image.py", base_env(artifacts), skill_dir)(
        "run", "--simulate", "--prompt", "a bird", "--output", str(tmp_path / "out" / "bird.png"))
    assert absolute.code == 0 and (tmp_path / "out" / "bird.png").is_file()   # an absolute path is what it says


def test_a_skill_folder_copied_alone_is_an_installed_folder_too(artifacts, tmp_path):
    alone = tmp_path / "agent-skills" / "giggle-generation-image"
    shutil.copytree(str(SKILL), str(alone), ignore=JUNK)
    res = Cli(alone / "scripts" / "generate_image.py", base_env(artifacts), alone)(
        "run", "--simulate", "--prompt", "a bird", "--output", "bird.png")
    assert res.code == 2 and "inside the installed skill folder %s" % alone in res.stderr, res
    project = _mk(tmp_path / "site")
    res = Cli(alone / "scripts" / "generate_image.py", base_env(artifacts), project)(
        "run", "--simulate", "--prompt", "a bird", "--output", "bird.png")
    assert res.code == 0 and (project / "bird.png").is_file(), res
