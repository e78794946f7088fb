#!/usr/bin/env python3
"""generation-batch at size: wall time, memory, re-run cost, and the seed's create burst.

  a) a 100-item manifest across all three providers against one simulator (giggle:
     images of three models, music, video; KIE: images of two models and a video, 30
     creates, more than one 20-per-10 s window; CreatOK: an image and a video, behind
     its spending gate, confirmed with one --yes):
     batch wall time vs. the slowest item's own time (submitted -> finished), and
     provider rate-limit refusals (429s) seen;
  b) peak RSS of the batch process for 100 items vs. 10 items;
  c) a re-run of the finished manifest: wall time, creates and queries sent;
  d) the seed's approach at the same size: every create at once into a limit of
     20 creates per 10 s (KIE's), vs. creates paced through that limit (a model of
     the limiter's arithmetic, not a measurement against KIE).

    python benchmarks/batch_bench.py [--items 100] [--scale 0.03]

Simulated time: provider seconds x --scale (0.03, the --simulate default: a 5-minute video takes 9 s).
Targets (design.md): wall <= 1.5x the slowest item, zero rate-limit refusals,
peak RSS(100) <= 1.3x RSS(10), re-run < 1 s with no create and <= 1 query per item.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from genmedia_skills.simulator import Simulator  # noqa: E402

BATCH = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"
KEY = "sk-bench-0000"
PROVIDERS = ("giggle", "kie", "creatok")
GIGGLE_IMAGE_MODELS = ("seedream45", "nano-banana-2", "nano-banana-2-fast")
UPLOAD_ROUTES = ("kie.upload", "creatok.presign", "creatok.storage")
# every ten items: (id prefix, skill, params of item i, output of item i)
PATTERN = (
    ("icon", "giggle-generation-image", lambda i: {"prompt": ["icon %d," % i, "flat style"], "aspect_ratio": "1:1",
                                                   "model": GIGGLE_IMAGE_MODELS[i % 3]}, "out/icons/icon-%d.png"),
    ("icon", "giggle-generation-image", lambda i: {"prompt": ["icon %d," % i, "flat style"], "aspect_ratio": "1:1",
                                                   "model": GIGGLE_IMAGE_MODELS[(i + 1) % 3]}, "out/icons/icon-%d.png"),
    ("song", "giggle-generation-music", lambda i: {"prompt": "a short jingle number %d" % i}, "out/audio/song-%d/"),
    ("clip", "giggle-generation-video", lambda i: {"prompt": "a paper boat on a river, take %d" % i}, "out/clip-%d.mp4"),
    ("hero", "kie-generation-image", lambda i: {"prompt": "hero art %d" % i}, "out/kie/hero-%d.png"),
    ("draft", "kie-generation-image", lambda i: {"prompt": "draft %d" % i, "model": "google/nano-banana"},
     "out/kie/draft-%d.png"),
    ("kclip", "kie-generation-video", lambda i: {"prompt": "waves at dawn, take %d" % i, "model": "bytedance/v1-lite-text-to-video"},
     "out/kie/clip-%d/"),
    ("card", "creatok-generate-image", lambda i: {"prompt": "a product card %d" % i, "resolution": "1K"},
     "out/creatok/card-%d.png"),
    ("banner", "creatok-generate-image", lambda i: {"prompt": "a store banner %d" % i, "aspect_ratio": "16:9"},
     "out/creatok/banner-%d.png"),
    ("promo", "creatok-generate-video", lambda i: {"prompt": "a promo clip %d" % i, "model": "doubao-seedance-2-fast",
                                                  "definition": "480p", "duration": 4}, "out/creatok/promo-%d/"),
)


def manifest(n):
    items = []
    for i in range(n):
        prefix, skill, params, output = PATTERN[i % len(PATTERN)]
        items.append({"id": "%s-%d" % (prefix, i), "skill": skill, "params": params(i), "output": output % i})
    return {"version": 1, "items": items}


def _epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def run_batch(sim, work, n, scale):
    """(wall seconds, peak RSS KiB, result document, stderr) of one `run` in a fresh process."""
    path = work / "assets.json"
    if not path.exists():
        path.write_text(json.dumps(manifest(n)))
    env = dict(os.environ, GIGGLE_API_KEY=KEY, GIGGLE_BASE_URL=sim.base_url, KIE_AI_API_KEY=KEY,
               KIE_BASE_URL=sim.base_url, KIE_UPLOAD_BASE_URL=sim.base_url, CREATOK_API_KEY=KEY,
               CREATOK_BASE_URL=sim.base_url, GENMEDIA_ARTIFACTS_DIR=str(work / "artifacts"),
               GENMEDIA_STATE_DIR=str(work.parent / "state"), GENMEDIA_CACHE_DIR=str(work / "cache"),
               GENMEDIA_POLL_SCALE=str(scale))
    # a wrapper process reports its child's peak RSS (ru_maxrss of RUSAGE_CHILDREN)
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); "
               "print('\\n@@%f %d' % (time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, str(BATCH), "run", str(path),
                           "--yes", "--quiet", "--timeout", "600"], env=env, capture_output=True, text=True, cwd=str(work))
    body, _, tail = proc.stdout.rpartition("\n@@")
    wall, rss = tail.split()
    return float(wall), int(rss), json.loads(body), proc.stderr


def slowest_item(doc, work):
    slowest = 0.0
    for item in doc["items"]:
        run = json.loads((Path(item["run_dir"]) / "result.json").read_text())
        slowest = max(slowest, _epoch(run["finished_at"]) - _epoch(run["submitted_at"]))
    return slowest


def refused_at_once(n, limit=20, window=10.0):
    """Creates refused when all n are sent at t=0 into `limit` per `window` seconds."""
    return max(0, n - limit)


def paced(n, limit=20, window=10.0):
    """(refused, seconds until the last create) when creates wait for the window."""
    sent = []
    for _ in range(n):
        t = sent[-1] if sent else 0.0
        if len(sent) >= limit:
            t = max(t, sent[-limit] + window)
        sent.append(t)
    return 0, sent[-1]


def report(n=100, scale=0.03):
    lines = ["## generation-batch (%d items, simulated, scale %g)" % (n, scale), ""]
    with tempfile.TemporaryDirectory() as tmp, \
            Simulator(state_dir=Path(tmp) / "sim", time_scale=scale, accept_keys={p: [KEY] for p in PROVIDERS},
                      faults="") as sim:
        sim.kie.error_mode = "http"   # a KIE refusal is an HTTP 429 too, so it is counted below
        big = Path(tmp) / "big"
        big.mkdir()
        wall, rss_big, doc, err = run_batch(sim, big, n, scale)
        if doc.get("status") != "succeeded":
            raise SystemExit("batch_bench: the %d-item batch did not succeed: %s\n%s" % (n, doc.get("counts"), err[-2000:]))
        slow = slowest_item(doc, big)
        refused = sum(1 for r in sim.requests if r.status == 429)
        creates = sum(1 for r in sim.requests if r.method == "POST" and r.status == 200
                      and not r.route.startswith(UPLOAD_ROUTES))
        by_provider = {p: sum(1 for i in doc["items"] if i["provider"] == p) for p in PROVIDERS}
        before = len(sim.requests)
        rewall, _, redoc, _ = run_batch(sim, big, n, scale)
        again = sim.requests[before:]
        small = Path(tmp) / "small"
        small.mkdir()
        _, rss_small, _, _ = run_batch(sim, small, max(1, n // 10), scale)
    lines += ["| measure | value | target |", "|---|---|---|",
              "| items by provider | %s | all three |" % ", ".join("%s %d" % kv for kv in by_provider.items()),
              "| creates sent | %d | %d |" % (creates, n),
              "| estimated CreatOK credits (one --yes) | %s | |" % doc["estimate"]["credits"],
              "| batch wall time | %.2f s | |" % wall,
              "| slowest item (submitted -> finished) | %.2f s | |" % slow,
              "| wall / slowest item | %.2fx | <= 1.5x |" % (wall / slow),
              "| rate-limit refusals (429) | %d | 0 |" % refused,
              "| peak RSS, %d items | %.1f MiB | |" % (n, rss_big / 1024.0),
              "| peak RSS, %d items | %.1f MiB | |" % (max(1, n // 10), rss_small / 1024.0),
              "| RSS %d / %d items | %.2fx | <= 1.3x |" % (n, max(1, n // 10), rss_big / float(rss_small)),
              "| re-run of the finished manifest | %.2f s | < 1 s + queries |" % rewall,
              "| re-run creates / queries | %d / %d | 0 / <= %d |" % (
                  sum(1 for r in again if r.method == "POST"), sum(1 for r in again if r.method == "GET"), n),
              "| re-run item actions | %s | all done |" % ", ".join(
                  "%d %s" % (sum(1 for i in redoc["items"] if i["action"] == a), a)
                  for a in sorted({i["action"] for i in redoc["items"]})), ""]
    _, last = paced(n)
    kie = by_provider["kie"]
    lines += ["### The seed's approach at the same size (limit: 20 creates per 10 s)", "",
              "| client | creates refused | last create sent at |", "|---|---|---|",
              "| seed: every create at once (Promise.all), %d KIE items | %d of %d (and it stops at the first) | 0 s |"
              % (n, refused_at_once(n), n),
              "| ours: creates paced through the provider's limiter | 0 of %d | %.0f s |" % (n, last),
              "| seed at this manifest's %d KIE creates | %d of %d | 0 s |" % (kie, refused_at_once(kie), kie),
              "| ours at this manifest's %d KIE creates | 0 of %d | %.0f s |" % (kie, kie, paced(kie)[1]), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.03, help="simulated time scale (default 0.03, as --simulate)")
    args = parser.parse_args(argv)
    print(report(args.items, args.scale))


if __name__ == "__main__":
    main()
