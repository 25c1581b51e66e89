"""``python -m lago_infra``: the offline plan of a stack (no cloud account, engine or Pulumi CLI),
what a change does to it (``plan diff``), and its cost.

Extending the CLI is one registration each: ``@command`` for a subcommand, ``FORMATS`` for a
``plan --format``, ``@plan_mode`` for a ``plan`` flag that does something else than print the
plan (``--policy``, ``--critical-path``)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .console import emit

#: Exit codes, as `plan --help` documents them.
OK, FINDINGS, BAD_CONFIG = 0, 1, 2

EXIT_CODES = f"""\
exit codes:
  {OK}  the plan was printed (with --policy: no mandatory rule failed)
  {FINDINGS}  --policy found a mandatory violation; the plan creates a resource before what its cloud
     needs to exist first (each such pair is listed with the cloud's source); or the program
     failed in a way no check covers (a bug: the message says so; --traceback shows where)
  {BAD_CONFIG}  the stack, its file or the command line is wrong: one message names the file, each
     key, what is wrong and how to fix it; nothing was planned
"""

WHERE = """\
where the stack is found:
  The project is --project-dir, else the nearest directory holding Pulumi.yaml, from the current
  directory upward (as the Pulumi CLI finds it). --stack NAME reads Pulumi.NAME.yaml in the
  project's stackConfigDir (stacks/ here); --config reads any stack file. The program run is the
  project's own (Pulumi.yaml `main:`, else __main__.py), so a platform team plans its own program.
  Without --stack or --config: `local` here; in another project its only stack file, or a stack
  `dev` with no config yet when it has none.
"""

#: `docs` was a command of this CLI; the documentation's generators are development tools of the
#: repository now, not part of the installed package.
MOVED_DOCS = """\
`python -m lago_infra docs` is gone: the documentation and its generated parts are built from a
checkout of the lago-infra repository, not from the installed package. In a checkout:
  make generate          rewrite the generated parts and files (python -m tools.docs)
  make docs              build the documentation site (docs/), warnings as errors"""

# -- registries --------------------------------------------------------------------------------


@dataclass
class Command:
    name: str
    help: str
    #: Adds the command's arguments to its parser and returns ``run(args) -> exit code``.
    configure: Callable[[argparse.ArgumentParser], Callable[[argparse.Namespace], int]]
    epilog: str = ""


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, epilog: str = ""):
    """Register a subcommand: decorate ``configure(parser)``, which returns ``run(args)``."""

    def register(configure):
        COMMANDS[name] = Command(name, help, configure, epilog)
        return configure

    return register


def _text(plan, args) -> str:
    from .plan import render

    return render.as_text(plan, detail=args.detail)


def _json(plan, args) -> str:
    from .plan import render

    return render.as_json(plan)


def _mermaid(plan, args) -> str:
    from .review.mermaid import flowchart

    return flowchart(plan.to_json())


#: ``plan --format NAME`` -> renderer(plan, args) -> text.
FORMATS: dict[str, Callable[[Any, argparse.Namespace], str]] = {"text": _text, "json": _json, "mermaid": _mermaid}


@dataclass
class PlanMode:
    flag: str
    help: str
    #: ``run(args) -> exit code``; ``planned(args)`` gives it the plan (or an exit code).
    run: Callable[[argparse.Namespace], int]


#: ``plan --FLAG`` that does something else than print the plan.
PLAN_MODES: dict[str, PlanMode] = {}


def plan_mode(flag: str, help: str):
    def register(run: Callable[[argparse.Namespace], int]):
        PLAN_MODES[flag] = PlanMode(flag, help, run)
        return run

    return register


@plan_mode("--policy", "check the plan against the guardrail rules instead of printing it; exit 1 on a mandatory violation")
def _policy(args) -> int:
    from .policy import evaluate, report, views_of_plan

    plan = planned(args)
    if isinstance(plan, int):
        return plan
    findings = [f for view in views_of_plan(plan) for f in evaluate(view)]
    emit(report(findings, plan.stack))
    return FINDINGS if any(f.mandatory for f in findings) else OK


@plan_mode("--critical-path", "estimate deploy time: the longest dependency chain, first up and version bump")
def _critical_path(args) -> int:
    from .cost import cli as cost_cli

    return cost_cli.run_critical_path(args.stack, args.config)


# -- plan ---------------------------------------------------------------------------------------


@command(
    "plan",
    "run the program under Pulumi's mock monitor and print what it registers",
    EXIT_CODES + "\n" + WHERE + "\n`plan diff BASE.json HEAD.json` compares two plans (see `plan diff --help` for its exit codes)",
)
def _configure_plan(parser: argparse.ArgumentParser):
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--stack", metavar="NAME", help="stack to plan: Pulumi.NAME.yaml in the project's stack directory (default: see below)"
    )
    which.add_argument("--config", type=Path, metavar="FILE", help="plan this stack file instead (any path)")
    parser.add_argument(
        "--project-dir", type=Path, metavar="DIR", help="the Pulumi project to plan (default: found from the current directory)"
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text for people (default), json for tools, mermaid for an architecture flowchart",
    )
    parser.add_argument("--detail", action="store_true", help="text format: every input of every resource, not only the ones that matter")
    parser.add_argument(
        "--resolved-config",
        type=Path,
        metavar="JSON",
        help="the stack's config with what its Pulumi ESC environments set, as `pulumi config --stack NAME --open --json` "
        "prints it (needed when the stack file has environment:)",
    )
    parser.add_argument("--traceback", action="store_true", help="on a failure no check covers, show the Python traceback")
    for mode in PLAN_MODES.values():
        parser.add_argument(mode.flag, action="store_true", help=mode.help)
    return _run_plan


def _run_plan(args: argparse.Namespace) -> int:
    for flag, mode in PLAN_MODES.items():
        if getattr(args, flag.lstrip("-").replace("-", "_")):
            return mode.run(args)
    plan = planned(args)
    if isinstance(plan, int):
        return plan
    emit(FORMATS[args.format](plan, args))
    return OK


def planned(args: argparse.Namespace):
    """The plan ``args`` ask for, or the exit code after saying why there is none."""
    from .config.errors import ConfigError
    from .config.source import StackFileError
    from .plan import ProgramFailed, run_plan

    try:
        result = run_plan(
            stack=args.stack if args.config is None else None,
            config_file=args.config,
            project_dir=args.project_dir,
            resolved_config=getattr(args, "resolved_config", None),
        )
    except (ConfigError, StackFileError, ProgramFailed) as error:
        # ProgramFailed: the program stopped itself with a clean message (a setting a target
        # cannot honour), as `pulumi up` would report it.
        print(error, file=sys.stderr)
        return BAD_CONFIG
    except Exception as error:  # noqa: BLE001 - a bug, said as one, without burying the message
        if args.traceback:
            raise
        print(
            f"The program failed while planning, in a way no check of the stack covers (a bug in lago-infra or the "
            f"program):\n  {type(error).__name__}: {error}\nRun again with --traceback to see where.",
            file=sys.stderr,
        )
        return FINDINGS
    # The engine creates in dependency order, which the mocks do not check: a resource created
    # before what its cloud needs first fails (or races) the first `pulumi up`.
    from .plan import ordering

    out_of_order = ordering.violations(result.resources)
    if out_of_order:
        print(ordering.report(out_of_order), file=sys.stderr)
        return FINDINGS
    return result


# -- plan diff ----------------------------------------------------------------------------------


@command(
    "plan diff",
    "compare two offline plans (or two directories of them): what a change adds, removes, replaces and changes, "
    "what is dangerous, what the cloud will do, the cost delta (`plan diff --help`)",
)
def _configure_plan_diff(parser: argparse.ArgumentParser):
    # Listed here for the help; main() hands `plan diff ...` to lago_infra.review.cli, whose own
    # --help documents its arguments and exit codes.
    def run(args: argparse.Namespace) -> int:
        return _plan_diff([])

    return run


def _plan_diff(argv: list[str]) -> int:
    from .review.cli import main as plan_diff

    return plan_diff(argv)


# -- cost ---------------------------------------------------------------------------------------


@command("cost", "monthly cost estimate of a stack, computed from its offline plan")
def _configure_cost(parser: argparse.ArgumentParser):
    from .cost import cli as cost_cli

    cost_cli.add_arguments(parser)
    return cost_cli.run_cost


# -- entry point --------------------------------------------------------------------------------


class _Help(argparse.RawDescriptionHelpFormatter):
    """Aligns each command's help after its name. argparse measures a subcommand without the
    indent it prints it at, so a two-word command (`plan diff`) would wrap its help."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        subs = action._get_subactions() if isinstance(action, argparse._SubParsersAction) else []
        if subs:
            longest = max(len(self._format_action_invocation(s)) for s in subs)
            self._action_max_length = max(self._action_max_length, longest + self._current_indent + self._indent_increment)


def parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``chosen``, only that command's arguments are set up (a
    command's setup may import what the others never need)."""
    top = argparse.ArgumentParser(prog="python -m lago_infra", description=__doc__.split("\n\n")[0], formatter_class=_Help)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS.values():
        p = sub.add_parser(
            cmd.name, help=cmd.help, description=cmd.help, epilog=cmd.epilog, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        if chosen is None or chosen == cmd.name:
            p.set_defaults(run=cmd.configure(p))
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:2] == ["plan", "diff"]:  # `plan diff BASE HEAD`: lago_infra.review
        return _plan_diff(argv[2:])
    if argv[:1] == ["docs"]:
        print(MOVED_DOCS, file=sys.stderr)
        return BAD_CONFIG
    args = parser(argv[0] if argv and argv[0] in COMMANDS else None).parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    # A plan is a short process that creates little cyclic garbage, on top of the cloud SDKs'
    # huge heap of classes: each full collection rescans that heap for nothing (a third of a
    # cloud plan's time; memory stays the same without it). Only on this command-line path.
    gc.disable()
    code = main()
    # Everything is written: leave without the interpreter's shutdown (tearing down the cloud
    # SDKs' thousands of modules and the engine's threads takes a sizeable part of a plan). Only
    # on this command-line path; the library and tests return normally.
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    sys.stderr.flush()
    os._exit(code)
