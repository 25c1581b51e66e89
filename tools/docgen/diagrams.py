"""One architecture diagram per target (docs/targets/*.md), drawn by ``plan --format mermaid``
from a shipped stack file's offline plan."""

from __future__ import annotations

from lago_infra.review.mermaid import flowchart

from . import generator, plan_of

#: The stack each target's diagram is drawn from.
DIAGRAM_STACKS = {"local": "local", "aws": "aws-prod", "gcp": "gcp-prod"}


def stack_diagram(stack: str) -> str:
    return "```mermaid\n" + flowchart(plan_of(stack).to_json()) + "\n```"


def _register(target: str, stack: str) -> None:
    generator(f"diagram-{target}")(lambda: stack_diagram(stack))


for _target, _stack in DIAGRAM_STACKS.items():
    _register(_target, _stack)
