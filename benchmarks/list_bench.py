#!/usr/bin/env python3
"""Listing at 10, 5,000 and 20,000 saved runs: `list --limit 20` of a skill and of
generation-tasks, with a `--status` filter that matches some runs and one that matches none.

Target: every row costs the same at 20,000 runs as at 10 (<= 1.2x wall), with flat memory.
Runs are written directly (a run folder and its result.json, as older versions of the bundle
left them, with no status index); the warm-up runs index them once, as the first real
`list --status` would. Wall time is the median of N runs; memory is the peak RSS of the
process (os.wait4).

    python benchmarks/list_bench.py [--runs 7] [--sizes 10,5000,20000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from genmedia_skills.store.artifact_store import new_run_id  # noqa: E402

IMAGE = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"
SKILLS = ("giggle-generation-image", "giggle-generation-video", "kie-generation-image", "creatok-generate-image")
TARGET = 1.2


def fill(root, count):
    """`count` runs over four skills, one in 50 failed, the rest succeeded, oldest first."""
    base = time.time() - count
    for i in range(count):
        skill = SKILLS[i % len(SKILLS)]
        run_id = new_run_id(now=base + i)
        folder = Path(root) / skill / run_id
        folder.mkdir(parents=True)
        doc = {"run_id": run_id, "skill": skill, "provider": skill.split("-")[0], "task_id": "filler-%d" % i,
               "status": "failed" if i % 50 == 0 else "succeeded",
               "request": {"body": {"prompt": "filler %d" % i}}, "outputs": [],
               "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"}
        (folder / "result.json").write_text(json.dumps(doc))


def measure(argv, env, runs):
    """(median wall ms, peak RSS MiB) of `argv` over `runs` runs after two warm-ups."""
    walls, peaks = [], []
    for i in range(runs + 2):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit("list_bench: %s exited %d" % (" ".join(map(str, argv)), proc.returncode))
        if i >= 2:
            walls.append(wall * 1000.0)
            peaks.append(usage.ru_maxrss / 1024.0)
    return statistics.median(walls), max(peaks)


CASES = [
    ("giggle-generation-image list --limit 20", [IMAGE, "list", "--limit", "20"]),
    ("giggle-generation-image list --status failed --limit 20", [IMAGE, "list", "--status", "failed", "--limit", "20"]),
    ("giggle-generation-image list --status canceled (matches none)", [IMAGE, "list", "--status", "canceled"]),
    ("generation-tasks list --limit 20", [TASKS, "list", "--limit", "20"]),
    ("generation-tasks list --status failed --limit 20", [TASKS, "list", "--status", "failed", "--limit", "20"]),
    ("generation-tasks list --status canceled (matches none)", [TASKS, "list", "--status", "canceled"]),
]


def report(runs, sizes):
    results = {}
    with tempfile.TemporaryDirectory(prefix="genmedia-list-bench-") as tmp:
        for size in sizes:
            root = Path(tmp) / ("root-%d" % size)
            fill(root, size)
            env = dict(os.environ, GENMEDIA_ARTIFACTS_DIR=str(root), XDG_DATA_HOME=str(Path(tmp) / "user-data"),
                       PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
            for label, argv in CASES:
                results[(label, size)] = measure([sys.executable] + [str(a) for a in argv], env, runs)
    small, big = sizes[0], sizes[-1]
    out = ["## Listing with many saved runs", "",
           "Median of %d runs (wall ms) and peak RSS (MiB); target: %d runs within %.1fx of %d runs." % (
               runs, big, TARGET, small), "",
           "| command | " + " | ".join("%d runs" % s for s in sizes) + " | ratio | peak RSS |",
           "|---|" + "---:|" * len(sizes) + "---:|---|"]
    for label, _ in CASES:
        cells = ["%.0f ms" % results[(label, s)][0] for s in sizes]
        ratio = results[(label, big)][0] / results[(label, small)][0]
        rss = "%.1f -> %.1f MiB" % (results[(label, small)][1], results[(label, big)][1])
        out.append("| %s | %s | %.2fx %s | %s |" % (label, " | ".join(cells), ratio,
                                                     "meets" if ratio <= TARGET else "MISSES", rss))
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10,5000,20000")
    args = parser.parse_args(argv)
    print(report(max(1, args.runs), [int(s) for s in args.sizes.split(",")]))


if __name__ == "__main__":
    main()
