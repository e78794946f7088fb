"""The README's install commands, run as written against a wheel built from this repo (it
stands in for the clone: the package is not on PyPI yet). Each route must leave a working
`genmedia-skills` with the [images] extra (Pillow) in the same environment as the runtime.

uv and pipx come with the test extra; their dependencies come from the package index, with
one download cache for the whole session so a second route costs seconds.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installed_env import ROOT, build_once

BIN = Path(sys.executable).parent   # uv and pipx, installed with .[test]
ROUTES = ("clone", "pipx", "pip")


def install_blocks():
    """{route: [command lines]} from the README's `<!-- install: ROUTE -->` bash blocks."""
    text = (ROOT / "README.md").read_text()
    return {name: [line.split("  #")[0].rstrip() for line in block.splitlines() if line.strip()]
            for name, block in re.findall(r"<!-- install: (\w+) -->\n```bash\n(.*?)```", text, re.S)}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory, worker_id):
    base = tmp_path_factory.getbasetemp()
    return build_once(base if worker_id == "master" else base.parent).wheel


def user_env(home, cache):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIGGLE_", "GENMEDIA_", "KIE_", "CREATOK_", "XDG_", "PIPX_", "UV_"))
           and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(HOME=str(home), UV_CACHE_DIR=str(cache / "uv"), PIP_CACHE_DIR=str(cache / "pip"),
               UV_PYTHON=shutil.which("python3") or sys.executable, PYTHONDONTWRITEBYTECODE="1",
               PATH=os.pathsep.join([str(home / ".local" / "bin"), str(BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
               GENMEDIA_SIM_TIME_SCALE="0.001", GENMEDIA_POLL_SCALE="0.001")
    return env


def test_the_readme_names_each_route_with_the_images_extra():
    blocks = install_blocks()
    assert sorted(blocks) == sorted(ROUTES)
    assert blocks["clone"][0].startswith("git clone ")   # the route that works today comes first
    text = (ROOT / "README.md").read_text()
    assert text.index("<!-- install: clone -->") < text.index("uv tool install 'genmedia-skills[images]'")
    for route, lines in blocks.items():
        assert "[images]" in " ".join(lines) or "inject genmedia-skills Pillow" in " ".join(lines), route
        assert lines[-1].endswith("genmedia-skills --help"), route


@pytest.mark.timeout(900)   # a wheel build and a first download of the dependencies
@pytest.mark.parametrize("route", ROUTES)
def test_install_route_works_as_documented(route, wheel, tmp_path, tmp_path_factory):
    home = tmp_path / "home"
    home.mkdir()
    cache = tmp_path_factory.getbasetemp().parent / "install-docs-cache"
    env = user_env(home, cache)
    script = []
    for line in install_blocks()[route]:
        if line.startswith("git clone "):
            continue   # the wheel built from this checkout is the clone
        script.append(line.replace("./genmedia-skills", str(wheel)))
    proc = subprocess.run(["bash", "-e", "-c", "\n".join(script)], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "giggle-generation-image" in proc.stdout   # the check lists the skills
    console = script[-1].split()[0].replace("~", str(home))
    project = tmp_path / "project"
    project.mkdir()
    made = subprocess.run([os.path.expanduser(console) if console != "genmedia-skills" else "genmedia-skills",
                           "giggle-generation-image", "run", "--simulate", "--prompt", "an app icon",
                           "--aspect-ratio", "1:1", "--output", "icon.png", "--resize", "@1x=32,@2x", "--json"],
                          env=env, cwd=str(project), capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]   # Pillow is where the runtime is
    assert (project / "icon@1x.png").is_file() and (project / "icon@2x.png").is_file()
