#!/usr/bin/env python3
"""Peak memory of `status` when a provider answers a task query with a huge JSON body.

Issue 6.16: a 500 MB query body once took the process to 1.57 GB. JSON answers are
now read as a stream and refused past http_answer.MAX_JSON_BYTES (exit 4, head kept
in raw/), so peak memory should stay near the CLI's baseline whatever the body size.

    python benchmarks/json_cap_memory.py [--megabytes 500]
"""

import argparse
import http.server
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "skills" / "giggle-generation-image" / "scripts" / "generate_image.py"


def serve(megabytes):
    chunk = b"x" * (1 << 20)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(megabytes * len(chunk) + 60))
            self.end_headers()
            try:
                self.wfile.write(b'{"code": 200, "msg": "')
                for _ in range(megabytes):
                    self.wfile.write(chunk)
                self.wfile.write(b'", "data": {"status": "processing"}}'.ljust(38))
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=500)
    args = parser.parse_args()
    server = serve(args.megabytes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGGLE_", "GENMEDIA_"))}
    with tempfile.TemporaryDirectory() as root:
        env.update(GIGGLE_API_KEY="sk-bench-0000", GENMEDIA_ARTIFACTS_DIR=root,
                   GIGGLE_BASE_URL="http://127.0.0.1:%d" % server.server_address[1])
        start = time.monotonic()
        proc = subprocess.run([sys.executable, str(SCRIPT), "status", "--task-id", "t-1", "--quiet"],
                              env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0   # KiB on Linux
    print("body %d MB: exit %d in %.2f s, peak RSS of the command %.0f MB"
          % (args.megabytes, proc.returncode, elapsed, peak_mb))
    server.shutdown()


if __name__ == "__main__":
    main()
