"""Offline plans of the shipped stack files with a few keys changed, for the review tests.

Each plan of a cloud stack takes about two seconds, so every (stack, changes) pair is planned
once per session; the unchanged plan is the one conftest already caches."""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml

from lago_infra.plan import run_plan

from .conftest import stack_plan

STACKS_DIR = Path(__file__).resolve().parents[1] / "stacks"


def config_of(stack: str) -> dict[str, Any]:
    return yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@functools.lru_cache(maxsize=None)
def _planned(stack: str, changes_json: str) -> str:
    config = merged(config_of(stack), json.loads(changes_json))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"Pulumi.{stack}.yaml"
        path.write_text(yaml.safe_dump({"config": config}))
        return json.dumps(run_plan(config_file=path).to_json())


def planned(stack: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The plan document of ``stack``'s stack file with ``changes`` merged in (a fresh copy)."""
    if not changes:
        return json.loads(json.dumps(stack_plan(stack).to_json()))
    return json.loads(_planned(stack, json.dumps(changes, sort_keys=True)))


def plans(stack: str, changes: dict[str, Any], base_changes: dict[str, Any] | None = None) -> tuple[dict, dict]:
    """(base, head): ``stack`` before and after ``changes``."""
    base_changes = base_changes or {}
    return planned(stack, base_changes), planned(stack, merged(base_changes, changes))
