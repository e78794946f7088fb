"""Environments the install-route tests run in, built once per test session.

- `fresh`: a new venv with the wheel built from this repo installed non-editable, its
  dependencies from the package index, as `pip install genmedia-skills` would do.
- `partial`: the wheel without jsonschema (typer and requests present).
- `bare`: a venv with nothing in it: no runtime, no dependencies.

pytest-xdist workers share one build: the first takes a lock and builds, the others wait.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "scripts", "schemas")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", ".venv", ".git", ".artifacts",
                              ".pytest_cache", ".hypothesis")


class Envs:
    def __init__(self, base):
        self.base = base
        self.dist = base / "dist"
        self.fresh = base / "fresh"
        self.partial = base / "partial"
        self.bare = base / "bare"

    @property
    def wheel(self):
        return next(self.dist.glob("genmedia_skills-*.whl"))

    def wheel_names(self):
        with zipfile.ZipFile(str(self.wheel)) as wheel:
            return set(wheel.namelist())

    @staticmethod
    def bin(venv):
        return venv / ("Scripts" if os.name == "nt" else "bin")

    def python(self, venv):
        return self.bin(venv) / "python"


def _run(*argv):
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(map(str, argv)), proc.stdout[-3000:], proc.stderr[-3000:]))


def _build(envs):
    src = envs.base / "src"   # a clean copy: a stale build/ in the checkout cannot leak into the wheel
    src.mkdir()
    for name in SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(str(ROOT / name), str(src / name), ignore=JUNK)
        else:
            shutil.copy2(str(ROOT / name), str(src / name))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", envs.dist, src)
    pip = [sys.executable, "-m", "pip", "-q", "--python"]
    for venv in (envs.fresh, envs.partial, envs.bare):
        _run(sys.executable, "-m", "venv", "--without-pip", venv)
    _run(*pip + [envs.python(envs.fresh), "install", envs.wheel])
    _run(*pip + [envs.python(envs.partial), "install", "--no-deps", envs.wheel])
    _run(*pip + [envs.python(envs.partial), "install", "typer>=0.12,<0.29", "requests>=2.31,<3"])


def build_once(shared_dir):
    """The built environments under `shared_dir` (built by whichever worker comes first)."""
    envs = Envs(shared_dir / "install-routes")
    envs.base.mkdir(parents=True, exist_ok=True)
    with open(str(envs.base / ".lock"), "w") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if not (envs.base / ".built").exists():
            for leftover in envs.base.iterdir():   # a build that failed earlier in this session
                if leftover.name != ".lock":
                    shutil.rmtree(str(leftover))
            _build(envs)
            (envs.base / ".built").write_text("ok")
    return envs
