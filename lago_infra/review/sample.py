"""The sample pull-request comment the README shows and tests/golden/pr-comment.md pins: real
offline plans of the shipped stack files before and after three kinds of change."""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

from .. import docs
from . import comment

STACKS_DIR = Path(__file__).resolve().parents[2] / "stacks"

#: stack → the stack-file keys the sample pull request changes (None: the stack is untouched).
SAMPLE_CHANGES: dict[str, dict[str, Any] | None] = {
    # A Lago release and a bigger worker: service-level changes and a cost delta.
    "aws-dev": {"lago:version": "v1.52.0", "lago:roles": {"worker": {"replicas": 2, "cpu": 1, "memory": 2048}}},
    # A PostgreSQL major upgrade: dangerous.
    "local": {"lago:database": {"version": 17}},
    "aws-prod": None,
}


def plan_with(stack: str, changes: dict[str, Any] | None) -> dict[str, Any]:
    """The plan document of a shipped stack file with ``changes`` to its keys."""
    from ..plan import run_plan_with

    return run_plan_with(STACKS_DIR / f"Pulumi.{stack}.yaml", changes or {}).to_json()


@functools.lru_cache(maxsize=1)
def sample_comment() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base, head = root / "base", root / "head"
        base.mkdir()
        head.mkdir()
        for stack, changes in SAMPLE_CHANGES.items():
            before = plan_with(stack, None)
            after = before if changes is None else plan_with(stack, changes)
            (base / f"{stack}.json").write_text(json.dumps(before))
            (head / f"{stack}.json").write_text(json.dumps(after))
        return comment.as_markdown(comment.review_dirs(base, head))


@docs.generator("pr-comment-example")
def _readme_part() -> str:
    """The sample comment as the README shows it: quoted, so it reads as one block."""
    return "\n".join(f"> {line}".rstrip() for line in sample_comment().rstrip("\n").split("\n"))
