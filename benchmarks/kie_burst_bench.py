#!/usr/bin/env python3
"""A burst of KIE image creates, as the original client's Promise.all fires them.

40 `run`s start at once, each in its own thread with its own RunContext (the same
code path as the CLI minus argument parsing), against the KIE simulator with its
real limit (20 creates per 10 s, 429 beyond, not queued). Every task takes the same
provider time. Reported in provider seconds (wall / scale):

- ours: tasks created, 429s the simulator sent, rate-limit errors surfaced to the
  user, wall time vs the theoretical minimum (the second 20 cannot start before
  one full window: window + task time);
- the seed: the same 40 POSTs at once with no throttle: how many are refused, and
  how many created tasks its first-429 abort leaves behind.

    python benchmarks/kie_burst_bench.py [--tasks 40] [--scale 1] [--task-seconds 20]
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

KEY = "sk-bench-kie-0000"
WINDOW, LIMIT = 10.0, 20


def ours(sim, tasks, scale):
    from genmedia_skills.command import commands
    from genmedia_skills.command.run_context import RunContext
    from genmedia_skills.skills.kie_generation_image import SKILL

    codes, errors = [], []
    lock = threading.Lock()

    def one(i):
        ctx = RunContext(SKILL.name, SKILL.adapter, quiet=True, download=False)
        try:
            prepared = SKILL.adapter.prepare({"prompt": "asset %d, #EC4899 on white, no text" % i}).check()
            doc, code = commands.run(ctx, prepared, timeout=600)
            with lock:
                codes.append(code)
                if doc.get("error"):
                    errors.append(doc["error"]["kind"])
        finally:
            ctx.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(tasks)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (time.monotonic() - started) / scale, codes, errors


def seed_like(sim, tasks):
    """All creates at once, no throttle (what Promise.all does)."""
    import requests

    results = []
    lock = threading.Lock()

    def one(i):
        resp = requests.post(sim.base_url + "/api/v1/jobs/createTask", timeout=30,
                             headers={"Authorization": "Bearer " + KEY},
                             json={"model": "nano-banana-pro", "input": {"prompt": "asset %d" % i}})
        with lock:
            results.append(resp.json().get("code"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(tasks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results.count(200), results.count(429)


def report(tasks=40, scale=1.0, task_seconds=20.0):
    from genmedia_skills.simulator import Simulator

    root = Path(tempfile.mkdtemp(prefix="kie-burst-"))
    os.environ.update(KIE_AI_API_KEY=KEY, GENMEDIA_ARTIFACTS_DIR=str(root / "artifacts"),
                      GENMEDIA_STATE_DIR=str(root / "state"), GENMEDIA_POLL_SCALE=str(scale))
    with Simulator(state_dir=root / "sim", time_scale=scale, accept_keys={"kie": [KEY]}, faults="") as sim:
        os.environ.update(KIE_BASE_URL=sim.base_url, KIE_UPLOAD_BASE_URL=sim.base_url)
        sim.outcomes.add("succeed", times=tasks * 2, duration=task_seconds)
        wall, codes, errors = ours(sim, tasks, scale)
        created = len(sim.tasks("kie"))
        sent = sum(1 for r in sim.requests if r.path.endswith("createTask"))   # sent - created = refused
        time.sleep(WINDOW * scale * 1.1)     # let the window empty before the seed's burst
        seed_created, seed_refused = seed_like(sim, tasks)
    batches = -(-tasks // LIMIT)
    minimum = (batches - 1) * WINDOW + task_seconds
    rows = [
        "## KIE create burst (%d image tasks at once, %g s each; provider seconds, scale %g)" % (tasks, task_seconds, scale),
        "", "| client | tasks created | create POSTs | 429s surfaced to the user | wall s | theoretical min s | wall / min |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| ours (shared sliding window) | %d | %d | %d | %.1f | %.1f | %.2fx |" % (
            created, sent, errors.count("rate_limited"), wall, minimum, wall / minimum),
        "| seed (Promise.all, no throttle) | %d | %d | %d (its first 429 aborts the run; %d created tasks orphaned) | - | %.1f | - |" % (
            seed_created, tasks, seed_refused, seed_created, minimum),
        "", "ours: exit codes %s; poll scale %g, so polls and the window run %gx faster than real time."
        % (sorted(set(codes)), scale, 1 / scale), ""]
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--scale", type=float, default=1.0, help="real seconds per provider second (default 1: real time, ~40 s; below 1, thread overhead is magnified)")
    parser.add_argument("--task-seconds", type=float, default=20.0, help="provider seconds per task (default 20, a quick image)")
    args = parser.parse_args(argv)
    print(report(args.tasks, args.scale, args.task_seconds))


if __name__ == "__main__":
    main()
