"""The command-line side: ``cost`` (a subcommand) and ``plan --critical-path``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ..console import emit
from . import critical_path, estimate, render


def register(sub: argparse._SubParsersAction) -> None:
    add_arguments(sub.add_parser("cost", help="monthly cost estimate of a stack, computed from its offline plan"))


def add_arguments(cost: argparse.ArgumentParser) -> None:
    which = cost.add_mutually_exclusive_group()
    which.add_argument("--stack", help="stack name: reads stacks/Pulumi.<stack>.yaml (default: local)")
    which.add_argument("--config", type=Path, help="any stack file")
    which.add_argument("--plan", type=Path, help="a plan written by `plan --format json`")
    cost.add_argument("--format", choices=tuple(render.FORMATS), default="text")


def run_cost(args: argparse.Namespace) -> int:
    if args.plan is not None:
        try:
            doc = json.loads(Path(args.plan).read_text())
            if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
                raise ValueError("no 'resources' list")
        except (OSError, ValueError) as error:
            print(f"{args.plan}: not a plan written by `plan --format json` ({error})", file=sys.stderr)
            return 2
    else:
        doc = _plan_doc(args.stack, args.config)
        if doc is None:
            return 2
    emit(render.FORMATS[args.format](estimate(doc)))
    return 0


def run_critical_path(stack: str | None, config: Path | None) -> int:
    """Print the first `pulumi up` and a version bump's critical paths. The bump is planned for
    real: the same stack file with ``lago:version``'s patch number raised, diffed against today's."""
    before = _plan_doc(stack, config, with_data_flow=True)
    if before is None:
        return 2
    name = str(before["stack"])
    after = bumped_plan(name if config is None else None, config)
    timelines = [critical_path.first_up(before), critical_path.update(before, after)]
    emit(critical_path.as_text(name, timelines))
    return 0


def bumped_plan(stack: str | None, config: Path | None) -> dict[str, Any]:
    """The plan of the same stack file with ``lago:version``'s patch number raised."""
    from ..plan import run_plan_with

    path = Path(config) if config else _stack_file(stack or "local")
    return with_property_dependencies(run_plan_with(path, {"lago:version": _bumped(yaml.safe_load(path.read_text()) or {})}))


def _bumped(doc: dict[str, Any]) -> str:
    """The next patch version after the stack file's ``lago:version``."""
    from ..config.model import DEFAULT_VERSION

    version = str((doc.get("config") or {}).get("lago:version") or DEFAULT_VERSION)
    major, minor, patch = (int(x) for x in re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", version).groups())
    return f"v{major}.{minor}.{patch + 1}"


def _stack_file(stack: str) -> Path:
    from ..plan.runner import stack_file

    return stack_file(stack)


def with_property_dependencies(plan) -> dict[str, Any]:
    """``plan.to_json()`` plus, per resource, which inputs use which resources' outputs: what tells
    a data dependency from an ordering-only one."""
    doc = plan.to_json()
    deps = {r.urn: r.property_dependencies for r in plan.resources}
    for r in doc["resources"]:
        r["property_dependencies"] = deps.get(r["urn"], {})
    return doc


def _plan_doc(stack: str | None, config: Path | None, with_data_flow: bool = False) -> dict[str, Any] | None:
    from ..config.errors import ConfigError
    from ..config.source import StackFileError
    from ..plan import ProgramFailed, run_plan

    try:
        plan = run_plan(stack=stack if config is None else None, config_file=config)
    except (ConfigError, StackFileError, ProgramFailed) as error:
        print(error, file=sys.stderr)
        return None
    return with_property_dependencies(plan) if with_data_flow else plan.to_json()
