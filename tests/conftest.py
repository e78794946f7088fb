"""Shared fixtures: the simulator on loopback and the entry scripts as subprocesses.

Every subprocess runs with a canary API key; `Cli.__call__` fails the test if
the key shows up in stdout or stderr, and the `artifacts` fixture scans every
file a test left behind for it (the leak test across the whole suite).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

IMAGE_SCRIPT = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
TEST_KEY = "sk-test-CANARY-5d1f0c7a9e3b"
SIM_TIME_SCALE = 0.01


def scan_for_key(root):
    """Files under `root` that contain the canary key."""
    hits = []
    for path in Path(root).rglob("*"):
        if path.is_file():
            try:
                if TEST_KEY.encode() in path.read_bytes():
                    hits.append(str(path))
            except OSError:
                pass
    return hits


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        try:
            self.json = json.loads(proc.stdout)
        except ValueError:
            self.json = None

    def __repr__(self):
        return "Result(code=%r)\n--stdout--\n%s\n--stderr--\n%s" % (self.code, self.stdout[-3000:],
                                                                      self.stderr[-3000:])


class Cli:
    """Runs an entry script as a subprocess against a given simulator."""

    def __init__(self, script, env, cwd):
        self.script = script
        self.env = env
        self.cwd = cwd

    def popen(self, *args, env=None, **kw):
        full_env = dict(self.env, **(env or {}))
        return subprocess.Popen([sys.executable, str(self.script)] + [str(a) for a in args],
                                env=full_env, cwd=str(self.cwd), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **kw)

    def __call__(self, *args, env=None, timeout=60, unset=()):
        full_env = dict(self.env, **(env or {}))
        for name in unset:
            full_env.pop(name, None)
        proc = subprocess.run([sys.executable, str(self.script)] + [str(a) for a in args],
                              env=full_env, cwd=str(self.cwd), capture_output=True, text=True,
                              timeout=timeout)
        result = Result(proc)
        assert TEST_KEY not in result.stdout and TEST_KEY not in result.stderr, "API key leaked"
        assert "Traceback" not in result.stderr, result
        return result


def base_env(artifacts):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGGLE_", "GENMEDIA_", "KIE_", "CREATOK_"))}
    env.update({
        "GENMEDIA_ARTIFACTS_DIR": str(artifacts),
        # per-user shared state (pay ledger, create rate windows, upload caches): per test here
        "GENMEDIA_STATE_DIR": str(Path(artifacts).parent / "state"),
        "GENMEDIA_CACHE_DIR": str(Path(artifacts).parent / "cache"),
        "GENMEDIA_POLL_SCALE": str(SIM_TIME_SCALE),
        "GENMEDIA_SIM_TIME_SCALE": str(SIM_TIME_SCALE),
        "GENMEDIA_CONNECT_TIMEOUT": "2",
        "GENMEDIA_READ_TIMEOUT": "2",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@pytest.fixture(autouse=True)
def user_data_home(tmp_path, monkeypatch):
    """The per-user data folder (default artifact root, task index) of this test alone, for
    in-process code and, through base_env, for every subprocess: never the real home."""
    home = tmp_path / "user-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def artifacts(tmp_path):
    root = tmp_path / "artifacts"
    root.mkdir()
    yield root
    assert scan_for_key(root) == [], "API key written to artifacts"


@pytest.fixture
def sim(tmp_path):
    from genmedia_skills.simulator import Simulator

    with Simulator(state_dir=tmp_path / "sim-state", time_scale=SIM_TIME_SCALE,
                   accept_keys={"giggle": [TEST_KEY], "kie": [TEST_KEY], "creatok": [TEST_KEY]},
                   faults="") as simulator:
        yield simulator


def sim_cli(script, sim, artifacts, cwd, **extra_env):
    """`script` as a subprocess, pointed at simulator `sim` with the canary key."""
    env = base_env(artifacts)
    env.update({"GIGGLE_API_KEY": TEST_KEY, "GIGGLE_BASE_URL": sim.base_url, "KIE_AI_API_KEY": TEST_KEY,
                "KIE_BASE_URL": sim.base_url, "KIE_UPLOAD_BASE_URL": sim.base_url,
                "CREATOK_API_KEY": TEST_KEY, "CREATOK_BASE_URL": sim.base_url}, **extra_env)
    return Cli(script, env, cwd)


@pytest.fixture
def image_cli(sim, artifacts, tmp_path):
    """The image entry script, pointed at the test simulator with the canary key."""
    return sim_cli(IMAGE_SCRIPT, sim, artifacts, tmp_path)


@pytest.fixture
def offline_cli(artifacts, tmp_path):
    """The image entry script with no provider configured (for --simulate and input errors)."""
    env = base_env(artifacts)
    env["GIGGLE_BASE_URL"] = "http://127.0.0.1:9"   # discard port: anything sent would fail loudly
    return Cli(IMAGE_SCRIPT, env, tmp_path)


def run_with_tty_stderr(cli, *args, timeout=60):
    """(exit code, stdout, stderr) of `cli` run with stderr on a pseudo-terminal (as a person sees it)."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(cli.script)] + [str(a) for a in args], env=cli.env,
                            cwd=str(cli.cwd), stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:   # EIO: the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = proc.stdout.read().decode()
    proc.wait(timeout=timeout)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")
