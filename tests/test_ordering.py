"""Creation order: every shipped stack and every example plan waits, resource by resource, on what
its cloud needs to exist first (the tables in ``targets/<cloud>/ordering.py``); the checker finds a
resource that does not."""

from __future__ import annotations

import pytest

from lago_infra.plan import ordering
from lago_infra.plan.monitor import Registration

from .conftest import EXAMPLE_STACKS, STACKS, example_plan, stack_plan
from .helpers import registration


def _reg(name: str, type_: str, deps: tuple[str, ...] = (), parent: str | None = None, provider: str = "p", **inputs) -> Registration:
    return registration(name, type_, deps, parent, provider, **inputs)


GATEWAY_FIRST = ordering.MustExistBefore(
    first=ordering.Selector("t:gateway"),
    then=ordering.Selector("t:lb", lambda i: not i.get("internal"), "internet-facing"),
    why="an internet-facing load balancer needs the VPC's gateway",
    source="https://example.test/source",
    via="t:vpc",
)


def test_a_resource_that_does_not_wait_for_a_related_first_is_reported():
    vpc, other_vpc = _reg("vpc", "t:vpc"), _reg("vpc2", "t:vpc")
    gateway = _reg("gw", "t:gateway", ("vpc",))
    subnet = _reg("subnet", "t:subnet", ("vpc",))
    unrelated_gateway = _reg("gw2", "t:gateway", ("vpc2",))
    racing = _reg("lb", "t:lb", ("subnet",))
    internal = _reg("lb-internal", "t:lb", ("subnet",), internal=True)
    found = ordering.violations([vpc, other_vpc, gateway, subnet, unrelated_gateway, racing, internal], [GATEWAY_FIRST])
    assert [(v.first.name, v.then.name) for v in found] == [("gw", "lb")]
    assert "lb (t:lb) does not wait for gw (t:gateway)" in str(found[0])
    assert "https://example.test/source" in ordering.report(found)


def test_waiting_through_a_dependency_or_a_parent_component_counts():
    vpc, gateway, subnet = _reg("vpc", "t:vpc"), _reg("gw", "t:gateway", ("vpc",)), _reg("subnet", "t:subnet", ("vpc",))
    route = _reg("route", "t:route", ("gw",))
    component = _reg("edge", "t:component", ("route",))
    through_dependency = _reg("lb1", "t:lb", ("subnet", "route"))
    through_parent = _reg("lb2", "t:lb", ("subnet",), parent="edge")
    assert ordering.violations([vpc, gateway, subnet, route, component, through_dependency, through_parent], [GATEWAY_FIRST]) == []


def test_a_rule_without_via_relates_every_resource_of_the_same_provider():
    rule = ordering.MustExistBefore(ordering.Selector("t:api"), ordering.Selector("t:thing"), "the API is enabled first", "src")
    api, waits, races = _reg("api", "t:api"), _reg("a", "t:thing", ("api",)), _reg("b", "t:thing")
    elsewhere = _reg("c", "t:thing", provider="other")
    assert [v.then.name for v in ordering.violations([api, waits, races, elsewhere], [rule])] == ["b"]


def test_every_rule_cites_its_source_and_says_why():
    from lago_infra.targets.aws.ordering import RULES as AWS
    from lago_infra.targets.gcp.ordering import RULES as GCP

    for rule in (*AWS, *GCP):
        assert rule.source.startswith("https://"), rule
        assert rule.why, rule


@pytest.mark.parametrize("stack", STACKS)
def test_every_shipped_stack_creates_in_an_order_its_cloud_accepts(stack):
    found = ordering.violations(stack_plan(stack).resources)
    assert not found, ordering.report(found)


@pytest.mark.parametrize(("example", "stack"), EXAMPLE_STACKS)
def test_every_example_creates_in_an_order_its_cloud_accepts(example, stack):
    found = ordering.violations(example_plan(example, stack).resources)
    assert not found, ordering.report(found)


def test_the_plan_command_refuses_a_plan_out_of_order(monkeypatch, capsys):
    """``plan`` of a stack whose program creates something before what it needs exits 1 and names
    the pair with its source (here a rule the local stack breaks: the front before the network)."""
    from lago_infra.__main__ import FINDINGS, main

    rule = ordering.MustExistBefore(
        ordering.Selector("docker:index/container:Container", lambda i: i.get("name") == "lago-front", "the front"),
        ordering.Selector("docker:index/network:Network"),
        "a made-up pair for this test",
        "https://example.test/made-up",
    )
    monkeypatch.setattr(ordering, "rules_for", lambda resources: [rule])
    assert main(["plan", "--stack", "local"]) == FINDINGS
    err = capsys.readouterr().err
    assert "lago-network (docker:index/network:Network) does not wait for lago-front" in err
    assert "https://example.test/made-up" in err


def test_first_through_places_a_first_by_one_input_only():
    """A role policy is the policy of its ``role``: naming another role in its document (the
    runner's iam:PassRole) does not make it that role's policy."""
    rule = ordering.MustExistBefore(
        ordering.Selector("t:policy"), ordering.Selector("t:task"), "a role's policies first", "src", via="t:role", first_through="role"
    )
    runner, execution = _reg("runner", "t:role"), _reg("execution", "t:role")
    own = _reg("own", "t:policy", ("execution",))
    own.property_dependencies = {"role": ["execution"]}
    passes = _reg("passes", "t:policy", ("runner", "execution"))
    passes.property_dependencies = {"role": ["runner"], "policy": ["execution"]}
    task = _reg("task", "t:task", ("execution",))
    found = ordering.violations([runner, execution, own, passes, task], [rule])
    assert [(v.first.name, v.then.name) for v in found] == [("own", "task")]


def test_then_through_places_a_then_by_one_input_only():
    rule = ordering.MustExistBefore(
        ordering.Selector("t:policy"),
        ordering.Selector("t:logging"),
        "the target's policy first",
        "src",
        via="t:bucket",
        then_through="target",
    )
    files, logs = _reg("files", "t:bucket"), _reg("logs", "t:bucket")
    files_policy, logs_policy = _reg("files-policy", "t:policy", ("files",)), _reg("logs-policy", "t:policy", ("logs",))
    logging = _reg("logging", "t:logging", ("files", "logs"))
    logging.property_dependencies = {"bucket": ["files"], "target": ["logs"]}
    found = ordering.violations([files, logs, files_policy, logs_policy, logging], [rule])
    assert [v.first.name for v in found] == ["logs-policy"]
