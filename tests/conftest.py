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


#: Every example program with each of its stacks (an example without a stack file plans with an
#: empty one, as ``pulumi stack init`` then ``up`` would). ``platform-yaml`` is a YAML program: the
#: plan constructs its components through the component package (lago_infra.plan.yaml_program).
EXAMPLE_STACKS: list[tuple[str, str]] = [
    ("embedded", "dev"),
    ("platform-aws", "managed"),
    ("platform-aws", "external"),
    ("platform-gcp", "dev"),
    ("platform-yaml", "dev"),
]


@functools.lru_cache(maxsize=None)
def example_plan(example: str, stack: str) -> Plan:
    """The offline plan of ``examples/<example>`` with its stack ``stack`` (cached)."""
    import tempfile

    project = PROJECT_DIR / "examples" / example
    stack_file = project / f"Pulumi.{stack}.yaml"
    if stack_file.exists():
        return run_plan(config_file=stack_file, project_dir=project, prevalidate=False)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / f"Pulumi.{stack}.yaml"
        empty.write_text("config: {}\n")
        return run_plan(config_file=empty, project_dir=project, prevalidate=False)


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


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (tests/postgres.py) with pg_cron loaded for database ``lago``
    and pg_partman available, shared by the session: tests create their own roles and
    databases on it, with names of their own."""
    from tests import postgres as pg

    server = pg.start(pg.CRON_SETTINGS)
    yield server
    server.stop()


@pytest.fixture
def postgres_server():
    """Starts servers of a test's own (``postgres_server(settings, files=..., hba=...)``), stopped after it."""
    from tests import postgres as pg

    started: list = []

    def make(settings=None, **kwargs):
        server = pg.start(settings, **kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
