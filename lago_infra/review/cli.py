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
is compared and --format markdown prints the whole pull-request comment, shortened to fit
GitHub's limit of {comment.GITHUB_LIMIT:,} characters (--full writes all of it to a file).

exit status:
  {EXIT_NO_CHANGES}   no changes
  {EXIT_CHANGES}  changes, none dangerous
  {EXIT_DANGER}  dangerous changes (replacement or removal of data or identity, a generated secret
      generated anew, protection turned off, a database major version change, a Lago downgrade, a
      change that may replace data and is not known offline, lago:name changed)
  {EXIT_BAD_INPUT}   a file is not a plan, or a head plan failed
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lago_infra plan diff",
        description="Compare two offline plans: resources added, removed, replaced and changed, with danger flags, "
        "what the cloud will do, and the cost delta.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base", type=Path, help="plan file (or directory of plan files) before the change")
    parser.add_argument("head", type=Path, help="plan file (or directory) after the change")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    comments = parser.add_argument_group("the pull-request comment (two directories, --format markdown)")
    comments.add_argument(
        "--full", type=Path, metavar="FILE", help="also write the whole comment, never shortened, diagrams included, to FILE"
    )
    comments.add_argument(
        "--footer", type=Path, metavar="FILE", help="Markdown to add at the end of the comment (counted within the limit)"
    )
    comments.add_argument(
        "--details", metavar="TEXT", help="where the whole diff is, for a comment that must leave part of it out (Markdown)"
    )
    args = parser.parse_args(argv)
    try:
        if args.base.is_dir() and args.head.is_dir():
            reviews = comment.review_dirs(args.base, args.head)
        elif args.base.is_dir() or args.head.is_dir():
            raise PlanFileError("give two plan files or two directories of plan files, not one of each")
        else:
            reviews = [comment.review(load(args.base), load(args.head))]
        footer = args.footer.read_text() if args.footer is not None else ""
    except PlanFileError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"{args.footer}: cannot read it ({error.strerror})", file=sys.stderr)
        return EXIT_BAD_INPUT
    if len(reviews) == 1 and reviews[0].error is None and not args.base.is_dir():
        r = reviews[0]
        render = {"text": report.as_text, "markdown": report.as_markdown, "json": report.as_json}[args.format]
        emit(render(r.diff, r.flags, r.cost, notices=r.notices))
    elif args.format == "markdown":
        emit(comment.as_markdown(reviews, footer=footer, details=args.details))
        if args.full is not None:
            args.full.write_text(comment.as_markdown(reviews, footer=footer, limit=None))
    else:
        emit({"text": comment.as_text, "json": comment.as_json}[args.format](reviews))
    return comment.overall_exit(reviews)
