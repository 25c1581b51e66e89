"""Shared fixtures: offline plans of the real program, cached per session (each takes well under
a second, but many tests read the same one)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from lago_infra.plan import Plan, run_plan

PROJECT_DIR = Path(__file__).resolve().parents[1]
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml"))


@functools.lru_cache(maxsize=None)
def stack_plan(stack: str) -> Plan:
    return run_plan(stack=stack)


@pytest.fixture
def plan_of() -> Callable[[str], Plan]:
    """The plan of a stack file under stacks/ (cached)."""
    return stack_plan


@pytest.fixture
def plan_config(tmp_path) -> Callable[..., Plan]:
    """Plan an ad-hoc stack: ``plan_config({"lago:target": "local", ...}, stack="x")``."""

    def make(config: dict[str, Any], stack: str = "adhoc") -> Plan:
        path = tmp_path / f"Pulumi.{stack}.yaml"
        path.write_text(yaml.safe_dump({"config": config}))
        return run_plan(config_file=path)

    return make


# A target's test module sets ``TARGET = "aws"`` and gets these: ``plan`` runs each test on the
# target's dev and prod stacks, ``dev`` and ``prod`` name one.
@pytest.fixture(params=["dev", "prod"])
def plan(request, plan_of) -> Plan:
    return plan_of(f"{request.module.TARGET}-{request.param}")


@pytest.fixture
def dev(request, plan_of) -> Plan:
    return plan_of(f"{request.module.TARGET}-dev")


@pytest.fixture
def prod(request, plan_of) -> Plan:
    return plan_of(f"{request.module.TARGET}-prod")
