"""The one pull-request comment: every stack's diff, danger flags, cost delta and diagram.

The workflow plans every stack on the base and on the head commit into two directories
(``<stack>.json`` each, or ``<stack>.error`` holding the message of a plan that failed) and
renders them with ``plan diff BASE_DIR HEAD_DIR --format markdown``. The comment starts with
``MARKER`` so the workflow finds and edits its own comment instead of adding another.
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
from .mermaid import flowchart

MARKER = "<!-- lago-infra:plan-review -->"


@dataclass
class StackReview:
    stack: str
    diff: Optional[PlanDiff] = None
    flags: list[Danger] = field(default_factory=list)
    cost: Optional[CostDelta] = None
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
    return StackReview(head["stack"], d, dangers(d), cost_delta(base, head, estimate), new=base is None)


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


#: GitHub refuses comments longer than 65,536 characters; keep room for the preview note.
COMMENT_LIMIT = 60_000


def as_markdown(reviews: list[StackReview], diagrams: bool = True) -> str:
    """The comment; diagrams are left out when they would push it past GitHub's limit."""
    failed = [r for r in reviews if r.error is not None]
    dangerous = [r for r in reviews if r.error is None and r.flags]
    changed = [r for r in reviews if r.error is None and not r.flags and not r.diff.empty]
    unchanged = [r for r in reviews if r.error is None and r.diff.empty]
    tally = []
    if failed:
        tally.append(f"❌ {len(failed)} failed to plan")
    if dangerous:
        tally.append(f"🛑 **{len(dangerous)} with dangerous changes**")
    if changed:
        tally.append(f"📝 {len(changed)} changed")
    if unchanged:
        tally.append(f"✅ {len(unchanged)} unchanged ({', '.join(f'`{r.stack}`' for r in unchanged)})")
    out = [
        MARKER,
        "## Offline plan of every stack",
        "",
        " · ".join(tally) or "No stacks.",
        "",
        "<sub>Computed offline from the program and the stack files, no cloud account: "
        "`python -m lago_infra plan diff base/ head/ --format markdown`. A real engine also updates what "
        "reads a replaced resource's outputs; the real `pulumi preview` below is the authority where it runs.</sub>",
        "",
    ]
    for r in failed:
        out += [f"### ❌ `{r.stack}`: the offline plan failed", "", "```", r.error, "```", ""]
    for r in dangerous + changed:
        body = report.as_markdown(r.diff, r.flags, r.cost)
        if r.new:
            body = body.replace(f"`{r.stack}` ({r.diff.target}):", f"`{r.stack}` ({r.diff.target}, new stack):", 1)
        if r.cost is None:
            body += "\n_Cost: no estimate available._\n"
        out += [body.rstrip(), ""]
        if diagrams:
            out += [f"<details><summary>Architecture of <code>{r.stack}</code> after this change</summary>", "", "```mermaid", flowchart(r.diff.head), "```", "</details>", ""]
    text = "\n".join(out).rstrip() + "\n"
    if len(text) > COMMENT_LIMIT and diagrams:
        return as_markdown(reviews, diagrams=False)
    if len(text) > COMMENT_LIMIT:
        text = text[: COMMENT_LIMIT - 200] + "\n\n…cut here: GitHub limits a comment's length. Run `python -m lago_infra plan diff` on the two plans for the whole diff.\n"
    return text


def as_text(reviews: list[StackReview]) -> str:
    parts = []
    for r in reviews:
        if r.error is not None:
            parts.append(f"Stack {r.stack}: the offline plan failed\n  {r.error}")
        else:
            parts.append(report.as_text(r.diff, r.flags, r.cost))
    return "\n\n".join(parts)


def as_json(reviews: list[StackReview]) -> str:
    docs = [
        {"stack": r.stack, "error": r.error} if r.error is not None else {**json.loads(report.as_json(r.diff, r.flags, r.cost)), "new": r.new}
        for r in reviews
    ]
    return json.dumps(docs, indent=2, default=str)
