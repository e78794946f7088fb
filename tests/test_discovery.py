"""Finding your way: `models` for every provider's skills (giggle's from its catalogs) and
shell completion for the genmedia-skills command."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, Cli, base_env

GIGGLE = {"giggle-generation-image": "generate_image.py", "giggle-generation-video": "generate_video.py",
          "giggle-generation-music": "generate_music.py", "giggle-generation-speech": "generate_speech.py",
          "giggle-generation-aimv": "generate_mv.py"}


@pytest.mark.parametrize("skill", sorted(GIGGLE))
def test_giggle_models_come_from_its_catalogs(skill, artifacts, tmp_path):
    res = Cli(ROOT / "skills" / skill / "scripts" / GIGGLE[skill], base_env(artifacts), tmp_path)("models")
    assert res.code == 0 and isinstance(res.json, list) and res.json, res
    assert sum(1 for m in res.json if m["default"]) == 1
    for model in res.json:
        lo, hi = model["typical_seconds"]
        assert 0 < lo < hi and model["fields"], model
    names = {m["model"] for m in res.json}
    if skill == "giggle-generation-image":
        assert {"seedream45", "midjourney"} <= names
        assert "21:9" in res.json[0]["fields"]["aspect_ratio"]["allowed"]
    if skill == "giggle-generation-video":
        assert all(m["durations"] and m["default_duration"] in m["durations"] for m in res.json)


def console(*args, env=None):
    return subprocess.run([sys.executable, "-c", "from genmedia_skills.console import main; main()"] + list(args),
                          capture_output=True, text=True, env=env, cwd=str(ROOT / "scripts"), timeout=60)


def complete(script, *words):
    """What bash offers after `words` (the last one is being typed) with `script` loaded."""
    line = " ".join(words)
    probe = ('%s\nCOMP_WORDS=(%s); COMP_CWORD=%d; _genmedia_skills; printf "%%s\\n" "${COMPREPLY[@]}"'
             % (script, line, len(words) - 1))
    proc = subprocess.run(["bash", "--norc", "-c", probe], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_shell_completion_knows_skills_commands_and_options(artifacts):
    made = console("--completion", "bash", env=base_env(artifacts))
    assert made.returncode == 0, made.stderr
    script = made.stdout
    assert script.rstrip().endswith("complete -o default -F _genmedia_skills genmedia-skills")
    assert complete(script, "genmedia-skills", "kie-generation-v") == ["kie-generation-video"]
    assert complete(script, "genmedia-skills", "giggle-generation-i") == ["giggle-generation-image"]
    assert complete(script, "genmedia-skills", "generation-tasks", "g") == ["gallery"]
    assert complete(script, "genmedia-skills", "giggle-generation-image", "m") == ["models"]
    assert complete(script, "genmedia-skills", "giggle-generation-image", "run", "--pro") == ["--prompt"]
    assert "--json" in complete(script, "genmedia-skills", "generation-batch", "run", "--j")
    assert console("--completion", "zsh", env=base_env(artifacts)).stdout.startswith("autoload -U +X bashcompinit")
    bad = console("--completion", "tcsh", env=base_env(artifacts))
    assert bad.returncode == 2 and "--completion: 'tcsh' is not one of: bash, zsh" in bad.stderr
    assert json.loads(bad.stdout)["error"]["kind"] == "usage"
