"""The comment of one stack's real ``pulumi preview --diff``, from the pull-request workflow.

    python -m lago_infra.review.preview STACK OUTCOME DETAILS_URL < OUTPUT > COMMENT.md

OUTCOME is the preview step's outcome (success or failure); OUTPUT is what ``pulumi/actions``
printed (its ``output``), read from standard input. The comment starts with its own marker, so
the workflow edits it on every push, and fits GitHub's limit: a long preview keeps its first
lines and its summary at the end, and points at the workflow run, whose job summary has all of it.
"""

from __future__ import annotations

import re
import sys

from .comment import COMMENT_LIMIT, length

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def marker(stack: str) -> str:
    return f"<!-- lago-infra:preview:{stack} -->"


def as_markdown(stack: str, outcome: str, output: str, details_url: str, limit: int = COMMENT_LIMIT) -> str:
    ok = outcome == "success"
    head = [
        marker(stack),
        f"### {'🔍' if ok else '❌'} Real `pulumi preview --diff` of `{stack}`{'' if ok else ': failed'}",
        "",
        "<sub>Run by the pull-request workflow with the stack's read-only preview identity and the policy pack. "
        f"[The workflow run]({details_url}) has the whole output in its job summary and log.</sub>",
        "",
    ]
    text = _ANSI.sub("", output).strip("\n")
    if not text:
        body = ["No output: " + ("the preview printed nothing." if ok else "see the job log of the workflow run.")]
        return "\n".join(head + body) + "\n"
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    lines = text.split("\n")
    whole = "\n".join(head + [f"{fence}diff", *lines, fence]) + "\n"
    if length(whole) <= limit:
        return whole
    # Keep the end (pulumi's summary of changes and any error) and as much of the start as fits.
    tail = lines[-40:]
    note = f"… {{n}} lines left out to fit GitHub's limit; [the workflow run]({details_url}) has them …"
    budget = limit - length("\n".join(head + [f"{fence}diff", fence, *tail, note.format(n=len(lines))])) - 16
    kept: list[str] = []
    for line in lines[: len(lines) - len(tail)]:
        if budget - length(line) - 1 < 0:
            break
        kept.append(line)
        budget -= length(line) + 1
    skipped = len(lines) - len(tail) - len(kept)
    return "\n".join(head + [f"{fence}diff", *kept, note.format(n=skipped), *tail, fence]) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    stack, outcome, details_url = argv
    sys.stdout.write(as_markdown(stack, outcome, sys.stdin.read(), details_url))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
