"""The deploy-time estimate: the longest chain of the plan's dependency graph, on a first
`pulumi up` and on a version bump, and the ordering-only edges on that chain."""

from __future__ import annotations

from lago_infra.__main__ import main
from lago_infra.cost import critical_path as cp
from lago_infra.cost.cli import bumped_plan, with_property_dependencies
from lago_infra.cost.durations import duration


def res(name, type_, deps=(), parent=None, inputs=None, uses=()):
    urn = f"urn:{name}"
    r = {"urn": urn, "name": name, "type": type_, "parent": parent and f"urn:{parent}", "dependencies": [f"urn:{d}" for d in deps], "inputs": inputs or {}}
    r["property_dependencies"] = {"x": [f"urn:{u}" for u in uses]}
    return r


DB = "aws:rds/instance:Instance"
SERVICE = "aws:ecs/service:Service"


def test_a_component_finishes_when_its_last_child_does():
    plan = {
        "resources": [
            res("db", "lago:aws:Database"),
            res("instance", DB, parent="db", inputs={"multiAz": True}),
            res("svc", SERVICE, deps=["db", "instance"], inputs={"waitForSteadyState": True}),
        ]
    }
    up = cp.first_up(plan)
    assert [s.name for s in up.path] == ["instance", "svc"]
    assert up.wall == duration(plan["resources"][1]).create + duration(plan["resources"][2]).create


def test_an_ordering_only_edge_on_the_path_is_reported_with_what_it_costs():
    plan = {
        "resources": [
            res("instance", DB),
            res("pdf", SERVICE, deps=["instance"], inputs={"waitForSteadyState": True}),
            res("api", SERVICE, deps=["instance"], inputs={"waitForSteadyState": True, "loadBalancers": [{}]}, uses=["instance"]),
        ]
    }
    up = cp.first_up(plan)
    assert [s.name for s in up.path] == ["instance", "api"]  # api takes longer than pdf
    assert up.ordering_only == []  # api uses the instance's outputs
    plan["resources"][2]["dependencies"].append("urn:pdf")  # api now also waits for pdf, for no data
    up = cp.first_up(plan)
    assert [s.name for s in up.path] == ["instance", "pdf", "api"]
    edge = next(e for e in up.ordering_only if e.before == "pdf")
    assert edge.after == "api" and edge.seconds_saved == duration(plan["resources"][1]).create


def test_durations_read_the_inputs():
    assert duration(res("a", DB, inputs={"multiAz": True})).create > duration(res("b", DB, inputs={"multiAz": False})).create
    ha = duration(res("c", "gcp:redis/instance:Instance", inputs={"tier": "STANDARD_HA"})).create
    assert ha > duration(res("d", "gcp:redis/instance:Instance", inputs={"tier": "BASIC"})).create
    regional = {"settings": {"availabilityType": "REGIONAL"}}
    assert duration(res("e", "gcp:sql/databaseInstance:DatabaseInstance", inputs=regional)).create > duration(
        res("f", "gcp:sql/databaseInstance:DatabaseInstance", inputs={"settings": {}})
    ).create


def test_aws_prod_first_up_waits_on_the_multi_az_database(plan_of):
    plan = with_property_dependencies(plan_of("aws-prod"))
    up = cp.first_up(plan)
    types = [s.type for s in up.path]
    # The services come after the database; only what watches them (alarms, the crash and
    # rollback rules that name them: seconds to create) may follow them.
    assert DB in types and SERVICE in types[types.index(DB):]
    watching = {"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"}
    assert set(types[len(types) - types[::-1].index(SERVICE):]) <= watching
    assert up.wall == up.path[-1].finish
    # Each step starts once the one before it has finished.
    for before, after in zip(up.path, up.path[1:]):
        assert before.finish <= after.finish - after.seconds


def test_a_version_bump_touches_only_what_the_release_changes(plan_of):
    before = with_property_dependencies(plan_of("aws-dev"))
    after = bumped_plan("aws-dev", None)
    changed = {u.rsplit("::", 1)[1] + " " + u.split("$")[-1].split("::")[0] for u in cp.changed_by(before, after)}
    assert any("aws:ecs/taskDefinition" in c for c in changed)
    assert any("aws:ecs/service" in c for c in changed)  # a new revision rolls the service
    assert not any("rds" in c or "elasticache" in c for c in changed)
    bump = cp.update(before, after)
    assert 0 < bump.wall < cp.first_up(before).wall


def test_gcp_bump_reruns_the_migrations(plan_of):
    before = with_property_dependencies(plan_of("gcp-prod"))
    bump = cp.update(before, bumped_plan("gcp-prod", None))
    assert bump.path[0].type == "gcp:cloudrunv2/job:Job"


def test_critical_path_command(capsys):
    assert main(["plan", "--stack", "gcp-prod", "--critical-path"]) == 0
    out = capsys.readouterr().out
    assert "first `pulumi up`: about" in out and "version bump: about" in out
    assert "gcp:sql/databaseInstance:DatabaseInstance  lago-db-instance" in out
