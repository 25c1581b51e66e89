"""No job lost on shutdown: on every shipped stack and example, each role's kill grace (what its
runtime waits between SIGTERM and SIGKILL) covers what the role needs to stop cleanly. For a
Sidekiq worker that is its shutdown timeout, read from the command the plan runs, plus the time to
push unfinished jobs back to Redis; killed earlier, those jobs are lost."""

from __future__ import annotations

import json
import re
from typing import Iterator, Optional

import pytest

from lago_infra.lago import roles as lago
from lago_infra.plan import Plan

from .conftest import EXAMPLE_STACKS, STACKS, example_plan, stack_plan

#: What each runtime does when the stack sets nothing: Docker's ``docker stop`` waits 10 s, and the
#: provider's delete (every release replaces the container) removes a running one by force; ECS
#: waits 30 s; Cloud Run 10 s, and nothing changes it.
DOCKER_STOP_DEFAULT, ECS_STOP_DEFAULT, CLOUD_RUN_GRACE = 10, 30, 10


def need_from_command(role: str, command: list[str], env: dict) -> Optional[int]:
    """What the role needs, read from what the plan runs (not from the module that chose it)."""
    sidekiq = command[:3] == ["bundle", "exec", "sidekiq"] or bool(re.fullmatch(r"\./scripts/start\.(\w+\.)?worker\.sh", " ".join(command)))
    if sidekiq:
        timeout = int(command[command.index("-t") + 1]) if "-t" in command else 25  # config/sidekiq/*.yml
        return timeout + lago.SIDEKIQ_EXIT_S
    if command == ["./scripts/start.api.sh"]:
        clustered = int(env.get("WEB_CONCURRENCY", "0")) >= 1
        return lago.PUMA_EXIT_S + (lago.PUMA_WORKER_SHUTDOWN_SLEEP_S if clustered else 0)
    if command == ["./scripts/start.clock.sh"]:
        return lago.CLOCK_EXIT_S
    return None


def _label(container, key: str) -> Optional[str]:
    return next((lb.get("value") for lb in container.inputs.get("labels") or [] if lb.get("label") == key), None)


def graces(plan: Plan, target: str, role: str) -> Iterator[tuple[str, int]]:
    """(resource, seconds from SIGTERM to SIGKILL) of every container running ``role``."""
    if target == "local":
        for c in plan.by_type("docker:index/container:Container"):
            if _label(c, "lago.role") == role:
                # `docker stop` and a release's replacement both must leave the time.
                stop = c.inputs.get("stopTimeout") or DOCKER_STOP_DEFAULT
                destroy = c.inputs.get("destroyGraceSeconds") or 0
                yield c.name, min(stop, destroy)
    elif target == "aws":
        for task in plan.by_type("aws:ecs/taskDefinition:TaskDefinition"):
            raw = task.inputs.get("containerDefinitions")
            for c in json.loads(raw) if isinstance(raw, str) else raw or []:
                if c.get("name") == role:
                    yield task.name, c.get("stopTimeout") or ECS_STOP_DEFAULT
    elif target == "gcp":
        kinds = ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool")
        command = plan.roles[role]["command"]
        for r in (r for kind in kinds for r in plan.by_type(kind)):
            args = [a for c in r.inputs["template"].get("containers") or [] for a in c.get("args") or []]
            # Its own service or pool, or another role's container it runs in (the clock beside the
            # worker, whose supervisor hands SIGTERM on at once: tests/test_together.py).
            inside = bool(command) and any(args[i : i + len(command)] == command for i in range(len(args) - len(command) + 1))
            if r.name.endswith(f"-{role}") or inside:
                yield r.name, CLOUD_RUN_GRACE


def _checked(plan: Plan) -> tuple[list[str], list[str]]:
    """Every role of every Lago in the plan whose grace is short of its need; the roles checked."""
    short, checked = [], []
    for component in plan.components.values():
        for role, key in component["roles"].items():
            found = plan.roles[key]
            need = need_from_command(role, found["command"], found["env"])
            if need is None:
                continue
            for resource, grace in graces(plan, component["target"], role):
                checked.append(role)
                if grace < need:
                    short.append(f"{resource}: {role} needs {need}s after SIGTERM ({found['command']}), its runtime kills after {grace}s")
    return short, checked


@pytest.mark.parametrize("stack", STACKS)
def test_every_role_of_every_stack_gets_the_grace_its_shutdown_needs(stack):
    short, checked = _checked(stack_plan(stack))
    assert not short, "\n".join(short)
    assert {"api", "worker", "clock"} <= set(checked), checked


@pytest.mark.parametrize(("example", "stack"), EXAMPLE_STACKS)
def test_every_example_role_gets_the_grace_its_shutdown_needs(example, stack):
    short, _ = _checked(example_plan(example, stack))
    assert not short, "\n".join(short)


def test_cloud_run_fits_sidekiq_under_its_fixed_grace_and_keeps_lagos_own_elsewhere():
    """Cloud Run's 10 s cannot be raised, so the worker runs what its start script runs with a
    shorter ``-t``; where the grace can be set, the start script runs as Lago ships it."""
    gcp, local = stack_plan("gcp-prod").roles, stack_plan("local").roles
    assert gcp["worker"]["command"] == ["bundle", "exec", "sidekiq", "-C", "config/sidekiq/sidekiq.yml", "-t", "5"]
    assert gcp["worker-pdfs"]["command"][-3:] == ["config/sidekiq/sidekiq_pdfs.yml", "-t", "5"]
    assert local["worker"]["command"] == ["./scripts/start.worker.sh"]
    assert stack_plan("aws-prod").roles["worker-webhook"]["command"] == ["./scripts/start.webhook.worker.sh"]


def test_the_sidekiq_timeout_fits_any_grace_or_says_why_not():
    assert lago.sidekiq_timeout(None) == lago.SIDEKIQ_TIMEOUT_S == 25
    assert lago.sidekiq_timeout(120) == 25
    assert lago.sidekiq_timeout(10) == 5
    with pytest.raises(ValueError, match="no time to push unfinished jobs back"):
        lago.sidekiq_timeout(5)


def test_a_clustered_api_needs_lagos_before_worker_shutdown_sleep(plan_config):
    plan = plan_config({"lago:target": "local", "lago:api": {"webConcurrency": 2}})
    api = plan.one("docker:index/container:Container", "-api")
    assert api.inputs["destroyGraceSeconds"] >= lago.PUMA_EXIT_S + lago.PUMA_WORKER_SHUTDOWN_SLEEP_S
