#!/usr/bin/env python3
"""Cold start: fresh interpreter processes, ours vs. a plain argparse + requests script.

Every skill's commands that send nothing (--help, list, run --dry-run, models) are compared
with the plain script's --help (target: <= 1.0x), and `status --task-id ID` of a finished
task with the plain script doing the same query (target: <= 1.3x, stretch 1.1x).
Runs are paired (ours, then the baseline, alternating) and the ratio of each pair is
taken, so a load spike hits both sides; the median of those ratios is reported, for wall
time and for CPU time (user + sys, which a busy machine disturbs less).

    python benchmarks/startup_bench.py [--runs 9] [--only SKILL]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))   # the simulator, without installing

from genmedia_skills.simulator import Simulator  # noqa: E402

BASELINE = ROOT / "benchmarks" / "baseline_status.py"
KEY = "sk-bench-0000"
TARGET_RATIO = 1.3
WARMUPS = 2


def time_once(argv, env):
    """(wall s, cpu s, exit code) of one run. DEVNULL: draining a pipe adds noise to both sides."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def warm_up(argv, env):
    for _ in range(WARMUPS):
        _, _, code = time_once(argv, env)
        if code != 0:  # a command that errors out early would look fast: refuse to time it
            detail = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
            raise SystemExit("startup_bench: %s exited %d:\n%s%s"
                             % (" ".join(map(str, argv)), code, detail.stdout[-2000:], detail.stderr[-2000:]))


def paired(ours, base, env, runs):
    """Median wall ms of each side, and the median of the per-pair wall and CPU ratios."""
    warm_up(ours, env)
    warm_up(base, env)
    walls, bases, wall_ratios, cpu_ratios = [], [], [], []
    for _ in range(runs):
        o_wall, o_cpu, _ = time_once(ours, env)
        b_wall, b_cpu, _ = time_once(base, env)
        walls.append(o_wall * 1000.0)
        bases.append(b_wall * 1000.0)
        wall_ratios.append(o_wall / b_wall)
        cpu_ratios.append(o_cpu / b_cpu if b_cpu > 0 else float("nan"))
    return (statistics.median(walls), statistics.median(bases), statistics.median(wall_ratios),
            statistics.median(cpu_ratios))


def create_task(env):
    """Run our CLI once end to end so the task is completed and its run exists."""
    proc = subprocess.run([sys.executable, str(entry("giggle-generation-image")), "run", "--prompt", "bench",
                           "--no-download", "--quiet"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode != 0:
        raise SystemExit("startup_bench: setup run exited %d:\n%s%s" % (proc.returncode, proc.stdout, proc.stderr))
    return json.loads(proc.stdout)["task_id"]


def entry(name):
    return next((ROOT / "skills" / name / "scripts").glob("*.py"))


def cases_of(name, skill, task_id):
    """(label, argv after the script) of every command of `name` that can run offline here."""
    commands = skill.command_names()
    rows = [("--help", ["--help"])]
    if "list" in commands:
        rows.append(("list", ["list"]))
    if skill.adapter is not None and skill.adapter.provider != "creatok":   # CreatOK reads its limits online
        if name in DRY_RUN_ARGS:
            rows.append(("run --dry-run", ["run", "--dry-run"] + DRY_RUN_ARGS[name]))
        if "models" in commands:
            rows.append(("models", ["models"]))
    if name in ("giggle-generation-image", "generation-tasks"):
        rows.append(("status --task-id ID", ["status", "--task-id", task_id, "--no-download", "--quiet"]))
    return rows


DRY_RUN_ARGS = {
    "giggle-generation-image": ["--prompt", "a fox"],
    "giggle-generation-video": ["--prompt", "waves"],
    "giggle-generation-music": ["--prompt", "a song"],
    "giggle-generation-speech": ["--text", "hello", "--voice-id", "Calm_Woman"],
    "kie-generation-image": ["--prompt", "a fox"],
    "kie-generation-video": ["--prompt", "waves"],
}


def report(runs=9, only=None):
    from genmedia_skills.skills import NAMES, load

    with tempfile.TemporaryDirectory(prefix="genmedia-bench-") as tmp:
        sim = Simulator(state_dir=Path(tmp) / "sim", time_scale=0.001,
                        accept_keys={"giggle": [KEY]}, faults="").start()
        try:
            env = dict(os.environ, GIGGLE_API_KEY=KEY, GIGGLE_BASE_URL=sim.base_url,
                       GENMEDIA_ARTIFACTS_DIR=str(Path(tmp) / "artifacts"), GENMEDIA_POLL_SCALE="0.001",
                       XDG_DATA_HOME=str(Path(tmp) / "user-data"),   # the task index, not the real home
                       # Cold start as users see it: bytecode cached after the first run, in tmp so
                       # the checkout is never written to (an inherited PYTHONDONTWRITEBYTECODE
                       # would make every run recompile).
                       PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            task_id = create_task(env)
            py = sys.executable
            base_help = [py, str(BASELINE), "--help"]
            base_status = [py, str(BASELINE), "--task-id", task_id]
            rows = []
            for name in NAMES:
                if only and name != only:
                    continue
                for label, args in cases_of(name, load(name), task_id):
                    sends = label.startswith("status")
                    result = paired([py, str(entry(name))] + args, base_status if sends else base_help, env, runs)
                    rows.append((name, label, sends) + result)
            (bare_ms, _, _, _) = paired([py, "-c", "pass"], [py, "-c", "pass"], env, runs)
        finally:
            sim.stop()

    out = ["## Cold start (fresh processes)", "",
           "Paired runs (ours, baseline) x %d after %d warm-ups; python %s; bare `python -c pass` = %.1f ms."
           % (runs, WARMUPS, sys.version.split()[0], bare_ms),
           "Commands that send nothing are compared with the plain script's `--help` (target <= 1.0x);",
           "`status` with the plain script's query (target <= %.1fx)." % TARGET_RATIO, "",
           "| skill | command | ours ms | baseline ms | wall ratio | CPU ratio | target |",
           "|---|---|---:|---:|---:|---:|---|"]
    for name, label, sends, ours_ms, base_ms, wall_ratio, cpu_ratio in rows:
        target = TARGET_RATIO if sends else 1.0
        out.append("| %s | %s | %.1f | %.1f | %.2fx | %.2fx | %s |" % (
            name, label, ours_ms, base_ms, wall_ratio, cpu_ratio,
            "meets" if min(wall_ratio, cpu_ratio) <= target else "MISSES (<= %.1fx)" % target))
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="paired runs per command (default 9)")
    parser.add_argument("--only", help="one skill")
    args = parser.parse_args(argv)
    print(report(max(1, args.runs), args.only))


if __name__ == "__main__":
    main()
