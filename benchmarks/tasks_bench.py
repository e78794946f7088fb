#!/usr/bin/env python3
"""generation-tasks: `status --task-id` on a root with 10,000 runs vs. one with 10.

The task is found through each skill's task index (one hashed path per skill), so the
number of saved runs should not matter (target: within 1.2x). One real task is
submitted to a simulator; the other runs are written directly (a result.json and an
index entry each, spread over the giggle skills). `list --limit 20` is timed too: it
reads directory names, then only the records it shows.

    python benchmarks/tasks_bench.py [--runs 9] [--big 10000] [--small 10]
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

from genmedia_skills.store.artifact_store import ArtifactStore  # noqa: E402
from genmedia_skills.simulator import Simulator  # noqa: E402

TASKS = ROOT / "skills" / "generation-tasks" / "scripts" / "tasks.py"
IMAGE = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"
KEY = "sk-bench-0000"
SKILLS = ("giggle-generation-image", "giggle-generation-video", "giggle-generation-music",
          "giggle-generation-speech")
TARGET = 1.2


def fill(root, count):
    """`count` saved runs (a record and an index entry each), spread over four skills."""
    store = ArtifactStore(root)
    for i in range(count):
        skill = SKILLS[i % len(SKILLS)]
        run = store.new_run(skill)
        doc = {"run_id": run.run_id, "skill": skill, "provider": "giggle", "task_id": "filler-%d" % i,
               "status": "succeeded", "request": {"body": {"prompt": "filler %d" % i}}, "outputs": [],
               "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"}
        run.json_path.write_text(json.dumps(doc))
        store.remember_task(run, doc["task_id"])


def timed(argv, env, runs):
    for _ in range(2):   # warm-up: .pyc and page caches
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(runs=9, big=10000, small=10):
    rows = {}
    with tempfile.TemporaryDirectory() as tmp, \
            Simulator(state_dir=Path(tmp) / "sim", time_scale=0.001, accept_keys={"giggle": [KEY]}, faults="") as sim:
        for label, count in (("small", small), ("big", big)):
            root = Path(tmp) / label
            env = dict(os.environ, GIGGLE_API_KEY=KEY, GIGGLE_BASE_URL=sim.base_url, GENMEDIA_ARTIFACTS_DIR=str(root))
            fill(root, count - 1)
            out = subprocess.run([sys.executable, str(IMAGE), "run", "--prompt", "a fox", "--quiet"], env=env,
                                 capture_output=True, text=True, check=True)
            task_id = json.loads(out.stdout)["task_id"]
            rows[label] = (count,
                           timed([sys.executable, str(TASKS), "status", "--task-id", task_id, "--quiet"], env, runs),
                           timed([sys.executable, str(TASKS), "show", "--task-id", task_id], env, runs),
                           timed([sys.executable, str(TASKS), "list", "--limit", "20"], env, runs))
    lines = ["## generation-tasks: lookup by task id (median of %d runs)" % runs, "",
             "| root | status --task-id | show --task-id | list --limit 20 |", "|---|---|---|---|"]
    for label in ("small", "big"):
        count, status, show, listing = rows[label]
        lines.append("| %d runs | %.0f ms | %.0f ms | %.0f ms |" % (count, status * 1000, show * 1000, listing * 1000))
    ratio = rows["big"][1] / rows["small"][1]
    lines += ["", "status, %d runs / %d runs: **%.2fx** (target <= %.1fx)" % (big, small, ratio, TARGET), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--big", type=int, default=10000)
    parser.add_argument("--small", type=int, default=10)
    args = parser.parse_args(argv)
    print(report(args.runs, args.big, args.small))


if __name__ == "__main__":
    main()
