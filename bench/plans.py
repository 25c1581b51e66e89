"""Prints how long the offline plan of each stack takes and how big it is.

    .venv/bin/python bench/plans.py [--repeat N]

Each stack is planned in a fresh process (as `make plan` does), N times; the figures are the
median wall time, the resource count and the size of the JSON plan.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stacks = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
    print(f"{'stack':<10} {'median s':>9} {'resources':>10} {'json KiB':>9}")
    for stack in stacks:
        times, out = [], ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "lago_infra", "plan", "--stack", stack, "--format", "json"],
                cwd=ROOT, capture_output=True, text=True,
            )
            times.append(time.perf_counter() - start)
            if run.returncode != 0:
                print(f"{stack:<10} FAILED: {run.stderr.strip().splitlines()[-1]}")
                break
            out = run.stdout
        else:
            doc = json.loads(out)
            print(f"{stack:<10} {statistics.median(times):>9.2f} {len(doc['resources']):>10} {len(out) / 1024:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
