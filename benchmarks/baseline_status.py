#!/usr/bin/env python3
"""Reference for the startup benchmark: the plain script a person would write.

argparse + requests imported at the top, one GET of the giggle task query,
print the JSON, exit 0. startup_bench.py holds our CLI's `status` to within
1.3x of this script's cold start (design.md, "Performance targets").

    GIGGLE_API_KEY=... python benchmarks/baseline_status.py --task-id ID
"""

import argparse
import json
import os
import sys

import requests


def main():
    parser = argparse.ArgumentParser(description="Query one giggle.pro generation task.")
    parser.add_argument("--task-id", required=True, help="the task_id to query")
    args = parser.parse_args()
    base = os.environ.get("GIGGLE_BASE_URL", "https://giggle.pro").rstrip("/")
    response = requests.get(base + "/api/v1/generation/task/query",
                            params={"task_id": args.task_id},
                            headers={"x-auth": os.environ.get("GIGGLE_API_KEY", "")},
                            timeout=(10, 30))
    print(json.dumps(response.json(), indent=2))
    sys.exit(0)


if __name__ == "__main__":
    main()
