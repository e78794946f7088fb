#!/usr/bin/env python3
"""All benchmarks, one report: polling (simulated time) then cold start.

    python benchmarks/run.py [--runs N] [--draws N]

Measurements only: nothing here passes or fails; the tables say how far each
number is from its target in design.md ("Performance targets").
"""

import argparse
import sys
from pathlib import Path

# Sibling modules, whether run as a script from anywhere or imported.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch_bench  # noqa: E402
import kie_burst_bench  # noqa: E402
import poll_bench  # noqa: E402
import startup_bench  # noqa: E402
import tasks_bench  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per startup command (default 9)")
    parser.add_argument("--draws", type=int, default=2000, help="durations per polling category (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the polling simulation (default 7)")
    args = parser.parse_args(argv)
    print("# genmedia-skills benchmarks\n")
    print(poll_bench.report(args.draws, args.seed))
    print(kie_burst_bench.report())
    sys.stdout.flush()  # the startup part takes a while; show polling first
    print(startup_bench.report(max(1, args.runs)))
    sys.stdout.flush()
    print(tasks_bench.report(max(1, args.runs)))
    sys.stdout.flush()
    print(batch_bench.report())


if __name__ == "__main__":
    main()
