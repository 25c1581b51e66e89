"""The one pull-request comment: every stack's diff, danger flags, notes, cost delta and diagram.

The workflow plans every stack on the base and on the head commit into two directories
(``<stack>.json`` each, or ``<stack>.error`` holding the message of a plan that failed) and
renders them with ``plan diff BASE_DIR HEAD_DIR --format markdown``. The comment starts with
``MARKER`` so the workflow finds and edits its own comment instead of adding another.

GitHub refuses a comment longer than 65,536 characters. The comment is made to fit: first the
diagrams go, then the resource tables of the largest stacks are shortened, and a note at the top
says what was left out and where the whole diff is (in the workflow: the job summary and an
artifact). Every stack keeps its headline, its danger flags, its notes and its cost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from . import report
from .cost import CostDelta, cost_delta
from .danger import EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_DANGER, EXIT_NO_CHANGES, Danger, dangers, exit_code
from .diff import PlanDiff, diff, load
from .effects import Notice, notices
from .mermaid import flowchart

MARKER = "<!-- lago-infra:plan-review -->"

#: GitHub refuses a comment longer than 65,536 characters. Lengths here are counted in UTF-16
#: code units (what JavaScript's ``length`` counts), never fewer than characters.
GITHUB_LIMIT = 65_536
#: What the comment may use: a margin below GitHub's limit.
COMMENT_LIMIT = 65_000
#: A failed plan's message is cut at this length (the job log has all of it).
ERROR_LIMIT = 3_000
#: Where the whole diff is, when the caller does not say.
DEFAULT_DETAILS = "the output of `python -m lago_infra plan diff base/ head/ --format markdown` on the two sets of plans"


@dataclass
class StackReview:
    stack: str
    diff: Optional[PlanDiff] = None
    flags: list[Danger] = field(default_factory=list)
    cost: Optional[CostDelta] = None
    notices: list[Notice] = field(default_factory=list)
    #: The head plan failed: its message.
    error: Optional[str] = None
    #: The stack has no base plan (new stack file, or the base could not plan it).
    new: bool = False

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_BAD_INPUT
        return exit_code(self.diff, self.flags)


def review(base: Optional[dict[str, Any]], head: dict[str, Any], estimate: Optional[Callable] = None) -> StackReview:
    """One stack's review; ``base`` None for a stack the base did not plan."""
    empty = {**head, "resources": [], "outputs": {}, "roles": {}}
    d = diff(base if base is not None else empty, head)
    return StackReview(head["stack"], d, dangers(d), cost_delta(base, head, estimate), notices(d), new=base is None)


def review_dirs(base_dir: Path, head_dir: Path, estimate: Optional[Callable] = None) -> list[StackReview]:
    stacks = sorted({p.name.rsplit(".", 1)[0] for p in head_dir.iterdir() if p.suffix in (".json", ".error")})
    out = []
    for stack in stacks:
        failed = head_dir / f"{stack}.error"
        if failed.exists():
            out.append(StackReview(stack, error=failed.read_text().strip() or "the offline plan failed"))
            continue
        base_file = base_dir / f"{stack}.json"
        out.append(review(load(base_file) if base_file.exists() else None, load(head_dir / f"{stack}.json"), estimate))
    return out


def overall_exit(reviews: list[StackReview]) -> int:
    codes = {r.exit_code for r in reviews}
    for code in (EXIT_BAD_INPUT, EXIT_DANGER, EXIT_CHANGES):
        if code in codes:
            return code
    return EXIT_NO_CHANGES


def length(text: str) -> int:
    """``text``'s length as GitHub's limit counts it (at most: UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def as_markdown(reviews: list[StackReview], footer: str = "", details: Optional[str] = None, limit: Optional[int] = COMMENT_LIMIT) -> str:
    """The comment, within ``limit`` (None: all of it, diagrams included). ``footer`` is Markdown
    added at the end (the workflow's list of real previews); ``details`` says where the whole
    diff is, for when the comment has to leave some of it out."""
    where = details or DEFAULT_DETAILS
    shown = [r for r in reviews if r.error is None and (r.flags or not r.diff.empty)]
    rows: dict[str, Optional[int]] = {r.stack: None for r in shown}

    def render(diagrams: bool, left_out: str = "") -> str:
        return _render(reviews, rows, diagrams, footer, _shortened(left_out, where) if left_out else "", where)

    whole = render(diagrams=True)
    if limit is None or length(whole) <= limit:
        return whole
    left_out = "the architecture diagrams"
    if length(render(False, left_out)) <= limit:
        return render(False, left_out)
    # Shorten the largest resource tables first, each as little as needed.
    cut: list[str] = []
    for r in sorted(shown, key=lambda r: -len(report.table_rows(r.diff))):
        rows[r.stack] = 0
        cut.append(f"`{r.stack}`")
        left_out = f"the architecture diagrams and part of the resource tables of {', '.join(cut)}"
        if length(render(False, left_out)) <= limit:
            low, high = 0, len(report.table_rows(r.diff))
            while low < high:
                mid = (low + high + 1) // 2
                rows[r.stack] = mid
                if length(render(False, left_out)) <= limit:
                    low = mid
                else:
                    high = mid - 1
            rows[r.stack] = low
            return render(False, left_out)
    return _cut(render(False, "most of it"), limit)


def _shortened(left_out: str, where: str) -> str:
    verb = "is" if left_out == "most of it" else "are"
    return (
        f"> [!IMPORTANT]\n> This comment is shortened to fit GitHub's limit of {GITHUB_LIMIT:,} characters: {left_out} "
        f"{verb} left out. The whole diff is in {where}."
    )


def _render(reviews: list[StackReview], rows: dict[str, Optional[int]], diagrams: bool, footer: str, note: str, where: str) -> str:
    failed = [r for r in reviews if r.error is not None]
    dangerous = [r for r in reviews if r.error is None and r.flags]
    changed = [r for r in reviews if r.error is None and not r.flags and not r.diff.empty]
    unchanged = [r for r in reviews if r.error is None and not r.flags and r.diff.empty]
    tally = []
    if failed:
        tally.append(f"❌ {len(failed)} failed to plan")
    if dangerous:
        tally.append(f"🛑 **{len(dangerous)} with dangerous changes**")
    if changed:
        tally.append(f"📝 {len(changed)} changed")
    if unchanged:
        tally.append(f"✅ {len(unchanged)} unchanged ({', '.join(f'`{r.stack}`' for r in unchanged)})")
    out = [MARKER, "## Offline plan of every stack", "", " · ".join(tally) or "No stacks.", ""]
    if note:
        out += [note, ""]
    out += [
        "<sub>Computed offline from the program and the stack files, no cloud account: "
        "`python -m lago_infra plan diff base/ head/ --format markdown`. A real engine also updates what "
        "reads a replaced resource's outputs; the real `pulumi preview` is the authority where it runs.</sub>",
        "",
    ]
    for r in failed:
        error = r.error if len(r.error) <= ERROR_LIMIT else r.error[:ERROR_LIMIT] + "\n… (cut: the job log has the whole message)"
        out += [f"### ❌ `{r.stack}`: the offline plan failed", "", "```", error.replace("```", "'''"), "```", ""]
    for r in dangerous + changed:
        body = report.as_markdown(r.diff, r.flags, r.cost, notices=r.notices, rows=rows.get(r.stack), elsewhere=where)
        if r.new:
            body = body.replace(f"`{r.stack}` ({r.diff.target}):", f"`{r.stack}` ({r.diff.target}, new stack):", 1)
        if r.cost is None:
            body += "\n_Cost: no estimate available._\n"
        out += [body.rstrip(), ""]
        if diagrams:
            out += [
                f"<details><summary>Architecture of <code>{r.stack}</code> after this change</summary>",
                "",
                "```mermaid",
                flowchart(r.diff.head),
                "```",
                "</details>",
                "",
            ]
    if footer.strip():
        out += [footer.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _cut(text: str, limit: int) -> str:
    """The last resort: whole lines up to ``limit``, open code blocks and details closed."""
    tail = "\n\n…cut here to fit GitHub's limit.\n"
    kept: list[str] = []
    used = length(tail) + 40  # room for the closing lines
    for line in text.split("\n"):
        if used + length(line) + 1 > limit:
            break
        kept.append(line)
        used += length(line) + 1
    closing = ["```"] if sum(line.startswith("```") for line in kept) % 2 else []
    closing += ["</details>"] * max(0, sum("<details>" in line for line in kept) - sum("</details>" in line for line in kept))
    return "\n".join(kept + closing) + tail


def as_text(reviews: list[StackReview]) -> str:
    parts = []
    for r in reviews:
        if r.error is not None:
            parts.append(f"Stack {r.stack}: the offline plan failed\n  {r.error}")
        else:
            parts.append(report.as_text(r.diff, r.flags, r.cost, r.notices))
    return "\n\n".join(parts)


def as_json(reviews: list[StackReview]) -> str:
    docs = [
        {"stack": r.stack, "error": r.error}
        if r.error is not None
        else {**json.loads(report.as_json(r.diff, r.flags, r.cost, r.notices)), "new": r.new}
        for r in reviews
    ]
    return json.dumps(docs, indent=2, default=str)
