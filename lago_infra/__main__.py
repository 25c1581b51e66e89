"""``python -m lago_infra plan``: the offline plan of a stack, no cloud account, engine or CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config.errors import ConfigError
from .config.source import StackFileError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["plan", "diff"]:  # `plan diff BASE HEAD`: lago_infra.review
        from .review.cli import main as plan_diff

        return plan_diff(argv[2:])
    parser = argparse.ArgumentParser(prog="python -m lago_infra", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser(
        "plan",
        help="run the program under Pulumi's mock monitor and print what it registers",
        epilog="`plan diff BASE.json HEAD.json` compares two plans (see `plan diff --help` for its exit codes)",
    )
    which = plan.add_mutually_exclusive_group()
    which.add_argument("--stack", help="stack name: reads stacks/Pulumi.<stack>.yaml (default: local)")
    which.add_argument("--config", type=Path, help="any stack file")
    plan.add_argument("--format", choices=("text", "json", "mermaid"), default="text", help="mermaid: the architecture diagram")
    plan.add_argument(
        "--policy",
        action="store_true",
        help="check the plan against the guardrail rules instead of printing it; exits 1 on a mandatory violation",
    )
    plan.add_argument("--critical-path", action="store_true", help="estimate deploy time: the longest dependency chain, first up and version bump")
    from .cost import cli as cost_cli

    cost_cli.register(sub)
    docs = sub.add_parser("docs", help="regenerate the README's generated parts (tables, diagrams) from the code")
    docs.add_argument("--check", action="store_true", help="only report stale parts; exit 1 if any")
    args = parser.parse_args(argv)

    if args.command == "docs":
        from . import docs as readme_parts

        return readme_parts.main(check=args.check)
    if args.command == "cost":
        return cost_cli.run_cost(args)
    if args.critical_path:
        return cost_cli.run_critical_path(args.stack, args.config)

    from .plan import ProgramFailed, render, run_plan

    try:
        result = run_plan(stack=args.stack if args.config is None else None, config_file=args.config)
    except (ConfigError, StackFileError, ProgramFailed) as error:
        # ProgramFailed: the program stopped itself with a clean message (a setting a target
        # cannot honour), as `pulumi up` would report it.
        print(error, file=sys.stderr)
        return 2
    if args.policy:
        from .policy import evaluate, report, view_of_plan

        findings = evaluate(view_of_plan(result))
        print(report(findings, result.stack))
        return 1 if any(f.mandatory for f in findings) else 0
    try:
        if args.format == "mermaid":
            from .review.mermaid import flowchart

            print(flowchart(result.to_json()))
        else:
            print(render.as_json(result) if args.format == "json" else render.as_text(result))
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
