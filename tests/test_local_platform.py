"""The local target inside a platform's Docker setup: an existing network, and no external runtime."""

from __future__ import annotations

from lago_infra.plan import run_plan_with

from .conftest import PROJECT_DIR
from .helpers import refused

LOCAL = PROJECT_DIR / "stacks" / "Pulumi.local.yaml"


def test_a_brought_network_is_joined_not_created_and_names_do_not_shadow_the_platform():
    plan = run_plan_with(LOCAL, {"lago:local": {"existingNetwork": "platform-net"}})
    assert not plan.by_type("docker:index/network:Network")
    containers = plan.by_type("docker:index/container:Container")
    assert containers
    aliases = set()
    for c in containers:
        [attachment] = c.inputs["networksAdvanced"]
        assert attachment["name"] == "platform-net"
        aliases.update(attachment.get("aliases", []))
    # Every alias carries the component's name, and Lago's environment points at those names.
    assert aliases and all(a.startswith("lago-") for a in aliases)
    api = next(c for c in containers if c.name == "lago-api")
    state = plan.states[api.urn]["envs"]
    env = dict(e.split("=", 1) for e in (state["value"] if isinstance(state, dict) else state))
    assert env["REDIS_URL"] == "redis://lago-redis:6379/0"
    assert env["DATABASE_URL"].split("@")[1].startswith("lago-db:5432/")
    assert env["LAGO_PDF_URL"] == "http://lago-pdf:3000"


def test_its_own_network_keeps_the_short_names_of_lagos_compose_file():
    plan = run_plan_with(LOCAL, {})
    [network] = plan.by_type("docker:index/network:Network")
    api = next(c for c in plan.by_type("docker:index/container:Container") if c.name == "lago-api")
    assert api.inputs["networksAdvanced"][0]["aliases"] == ["api"]
    assert plan.roles["api"]["env"]["LAGO_PDF_URL"] == "http://pdf:3000"


def test_the_local_target_refuses_an_external_runtime(plan_config):
    refused(plan_config, {"lago:target": "local", "lago:runtime": "external"}, "lago:runtime", "secret store")
