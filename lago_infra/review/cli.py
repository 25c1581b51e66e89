"""``python -m lago_infra plan diff BASE HEAD``: what a change does to a stack, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..console import emit
from . import comment, report
from .danger import EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_DANGER, EXIT_NO_CHANGES
from .diff import PlanFileError, load

EPILOG = f"""\
BASE and HEAD are two plan files of one stack (`plan --stack NAME --format json`), or two
directories of them (<stack>.json each; <stack>.error for a plan that failed): then every stack
is compared and --format markdown prints the whole pull-request comment.

exit status:
  {EXIT_NO_CHANGES}   no changes
  {EXIT_CHANGES}  changes, none dangerous
  {EXIT_DANGER}  dangerous changes (replacement or removal of data or identity, protection
      turned off, a generated secret regenerated, a database major upgrade, lago:name changed)
  {EXIT_BAD_INPUT}   a file is not a plan, or a head plan failed
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lago_infra plan diff",
        description="Compare two offline plans: resources added, removed, replaced and changed, with danger flags and the cost delta.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base", type=Path, help="plan file (or directory of plan files) before the change")
    parser.add_argument("head", type=Path, help="plan file (or directory) after the change")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        if args.base.is_dir() and args.head.is_dir():
            reviews = comment.review_dirs(args.base, args.head)
        elif args.base.is_dir() or args.head.is_dir():
            raise PlanFileError("give two plan files or two directories of plan files, not one of each")
        else:
            reviews = [comment.review(load(args.base), load(args.head))]
    except PlanFileError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    if len(reviews) == 1 and reviews[0].error is None and not (args.base.is_dir()):
        r = reviews[0]
        render = {"text": report.as_text, "markdown": report.as_markdown, "json": report.as_json}[args.format]
        emit(render(r.diff, r.flags, r.cost))
    else:
        emit({"text": comment.as_text, "markdown": comment.as_markdown, "json": comment.as_json}[args.format](reviews))
    return comment.overall_exit(reviews)
