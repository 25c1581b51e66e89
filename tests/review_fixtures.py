"""Offline plans of the shipped stack files with a few keys changed, for the review tests.

Each plan of a cloud stack takes about two seconds, so every (stack, changes) pair is planned
once per session; the unchanged plan is the one conftest already caches."""

from __future__ import annotations

import functools
import json
from typing import Any

from lago_infra.config.base import deep_merge
from tools.docgen.pr_comment import plan_with

from .conftest import stack_plan


@functools.lru_cache(maxsize=None)
def _planned(stack: str, changes_json: str) -> str:
    return json.dumps(plan_with(stack, json.loads(changes_json)))


def planned(stack: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The plan document of ``stack``'s stack file with ``changes`` merged in (a fresh copy)."""
    if not changes:
        return json.loads(json.dumps(stack_plan(stack).to_json()))
    return json.loads(_planned(stack, json.dumps(changes, sort_keys=True)))


def plans(stack: str, changes: dict[str, Any], base_changes: dict[str, Any] | None = None) -> tuple[dict, dict]:
    """(base, head): ``stack`` before and after ``changes``."""
    base_changes = base_changes or {}
    return planned(stack, base_changes), planned(stack, deep_merge(base_changes, changes))


#: The golden diffs (tests/golden/diff-<name>.md): name → (stack, base changes, head changes).
SCENARIOS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "version-bump": ("aws-dev", {}, {"lago:version": "v1.52.0"}),
    "downgrade": ("aws-dev", {"lago:version": "v1.52.0"}, {"lago:version": "v1.51.0"}),
    "database-major": ("aws-dev", {}, {"lago:database": {"version": 17}}),
    "deferred-resize": ("aws-prod", {}, {"lago:aws": {"database": {"instanceClass": "db.m7g.xlarge"}}}),
    "tags-only": ("aws-dev", {}, {"lago:tags": {"team": "billing"}}),
}


def scenario(name: str) -> tuple[dict, dict]:
    stack, base, head = SCENARIOS[name]
    return plans(stack, head, base)
