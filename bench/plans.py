"""How fast the offline plan of each stack is, against the floor of importing what it uses.

    .venv/bin/python bench/plans.py [--repeat N] [--stack NAME ...] [--root CHECKOUT]

For each stack, N times, in fresh child processes of this one: the plan as `make plan` runs it
(`python -m lago_infra plan --format json`), and a process that only imports the provider SDK
classes that plan registers (the floor: no plan can be faster than loading its own classes).
Printed: the median CPU seconds of each, their ratio, the resource count and the JSON plan's size.
"""

from __future__ import annotations

import argparse
import json
import keyword
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sdk_classes(plan: dict) -> list[str]:
    """``module:Class`` of each provider SDK class the plan registers (``aws:rds/instance:Instance``
    is ``pulumi_aws.rds:Instance``); components of this project and the stack itself are not SDK."""
    found = set()
    for r in plan["resources"]:
        package, module, cls = r["type"].split(":")
        if package in ("pulumi", "lago", "pulumi-python"):  # the engine's, ours, dynamic providers
            continue
        module = module.split("/")[0]
        # A module named after a Python keyword is published with a trailing underscore (lambda_).
        module = f"{module}_" if keyword.iskeyword(module) else module
        found.add(f"pulumi_{package}" + ("" if module == "index" else f".{module}") + f":{cls}")
    return sorted(found)


def import_only(classes: list[str]) -> str:
    # With the cyclic GC off, as the plan's command line runs: the floor is the import itself, so
    # the plan cannot beat it by a trick the probe does not share.
    lines = ["import gc, importlib, os", "gc.disable()"]
    lines += [f"getattr(importlib.import_module({m!r}), {c!r})" for m, c in (x.split(":") for x in classes)]
    # The import alone: no interpreter shutdown counted (the plan's CLI skips it too).
    lines += ["os._exit(0)"]
    return "\n".join(lines)


def timed(argv: list[str], root: Path) -> tuple[float, subprocess.CompletedProcess]:
    """CPU seconds (user + system) the child used: unlike wall time, barely moved by whatever
    else the machine is running at the same moment."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(argv, cwd=root, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--stack", action="append", help="only these stacks (default: every stack under stacks/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to measure (e.g. another worktree, for a before/after)")
    args = parser.parse_args()
    root = args.root.resolve()
    stacks = args.stack or sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (root / "stacks").glob("Pulumi.*.yaml"))
    print(f"{'stack':<10} {'plan cpu':>8} {'import cpu':>10} {'ratio':>6} {'resources':>10} {'json KiB':>9}   (median of {args.repeat})")
    for stack in stacks:
        plan_times, import_times, out = [], [], ""
        probe: str | None = None
        for _ in range(args.repeat):
            seconds, run = timed([sys.executable, "-m", "lago_infra", "plan", "--stack", stack, "--format", "json"], root)
            if run.returncode != 0:
                print(f"{stack:<10} FAILED: {(run.stderr.strip().splitlines() or ['?'])[-1]}")
                break
            plan_times.append(seconds)
            out = run.stdout
            if probe is None:
                probe = import_only(sdk_classes(json.loads(out)))
            seconds, run = timed([sys.executable, "-c", probe], root)
            if run.returncode != 0:
                print(f"{stack:<10} import probe FAILED: {run.stderr.strip().splitlines()[-1]}")
                break
            import_times.append(seconds)
        else:
            doc = json.loads(out)
            plan_s, import_s = statistics.median(plan_times), statistics.median(import_times)
            print(
                f"{stack:<10} {plan_s:>8.2f} {import_s:>10.2f} {plan_s / import_s:>6.2f} "
                f"{len(doc['resources']):>10} {len(out) / 1024:>9.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
