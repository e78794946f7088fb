#!/usr/bin/env python3
"""Time and peak memory of `generation-batch validate` on a hostile YAML manifest.

Issue 14.12: a few hundred bytes of YAML "billion laughs" (anchors referenced nine times
per level) once took 3 GB and 40 s before it was refused. The manifest reader now counts
the values the aliases expand to before building anything (batch/manifest_file.py).

    python benchmarks/manifest_caps_bench.py [--levels 9]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"


def laughs(levels):
    inner, prev = "&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]", "a"
    for name in "bcdefghijklmnop"[:levels - 2]:
        inner = "&%s [%s%s]" % (name, inner, ",*%s" % prev * 8)
        prev = name
    return "items:\n- id: x\n  skill: giggle-generation-image\n  params:\n    prompt: [%s%s]\n" % (
        inner, ",*%s" % prev * 8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=9, help="nesting levels (9: 9**9 strings)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "laughs.yaml"
        path.write_text(laughs(args.levels))
        env = dict(os.environ, GENMEDIA_ARTIFACTS_DIR=str(Path(tmp) / "artifacts"))
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(SCRIPT), "validate", str(path), "--simulate"], env=env,
                              capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        print("manifest: %d bytes, %d levels (%d strings once expanded)"
              % (len(path.read_bytes()), args.levels, 9 ** args.levels))
        print("exit %d in %.2f s, peak RSS %.1f MiB" % (proc.returncode, wall, peak))
        print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "(no stderr)")


if __name__ == "__main__":
    main()
