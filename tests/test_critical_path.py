"""The deploy-time estimate: the longest chain of the plan's dependency graph, on a first
`pulumi up` and on a version bump, and the ordering-only edges on that chain."""

from __future__ import annotations

import copy

from lago_infra.__main__ import main
from lago_infra.cost import critical_path as cp
from lago_infra.cost.cli import bumped_plan, with_property_dependencies
from lago_infra.cost.durations import duration


def res(name, type_, deps=(), parent=None, inputs=None, uses=()):
    urn = f"urn:{name}"
    r = {
        "urn": urn,
        "name": name,
        "type": type_,
        "parent": parent and f"urn:{parent}",
        "dependencies": [f"urn:{d}" for d in deps],
        "inputs": inputs or {},
    }
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
    assert (
        duration(res("e", "gcp:sql/databaseInstance:DatabaseInstance", inputs=regional)).create
        > duration(res("f", "gcp:sql/databaseInstance:DatabaseInstance", inputs={"settings": {}})).create
    )


def test_aws_prod_first_up_waits_on_the_multi_az_database(plan_of):
    plan = with_property_dependencies(plan_of("aws-prod"))
    up = cp.first_up(plan)
    types = [s.type for s in up.path]
    # The services come after the database; only what watches them (alarms, the crash and
    # rollback rules that name them: seconds to create) may follow them.
    assert DB in types and SERVICE in types[types.index(DB) :]
    watching = {
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/eventTarget:EventTarget",
    }
    assert set(types[len(types) - types[::-1].index(SERVICE) :]) <= watching
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
    assert "first `pulumi up`: `pulumi up` finishes in about" in out and "version bump: `pulumi up` finishes in about" in out
    assert "Everything works (HTTPS included) after up to" in out
    assert "gcp:sql/databaseInstance:DatabaseInstance  lago-db-instance" in out


def test_the_iam_propagation_pause_is_counted(plan_of):
    """Item 6: the pause is a dynamic resource that sleeps its ``seconds``; it is no component, and
    the roles that need the grants wait for it."""
    plan = copy.deepcopy(with_property_dependencies(plan_of("gcp-prod")))  # the plan is shared: change a copy
    pause = next(r for r in plan["resources"] if r["type"] == "pulumi-python:dynamic:Resource" and r["name"] == "lago-iam-propagation")
    assert duration(pause).create == pause["inputs"]["seconds"] == 120
    base = cp.first_up(plan).wall
    pause["inputs"]["seconds"] = 3600  # long enough to lead the path: proves what waits on it
    up = cp.first_up(plan)
    assert up.wall >= base + 3600 - 30 * 60
    assert any(s.name == "lago-iam-propagation" and s.seconds == 3600 for s in up.path)


def test_shared_core_cloud_sql_takes_about_25_minutes(plan_of):
    plan = with_property_dependencies(plan_of("gcp-dev"))
    db = next(r for r in plan["resources"] if r["type"] == "gcp:sql/databaseInstance:DatabaseInstance")
    assert db["inputs"]["settings"]["tier"] == "db-f1-micro"
    assert duration(db).create == 25 * 60
    assert cp.first_up(plan).wall > 25 * 60 + 5 * 60  # the database, then the migrations


def test_https_works_after_the_managed_certificate_provisions(plan_of):
    """Item 6: `pulumi up` returns before a Google-managed certificate is active (up to an hour
    after DNS points at the load balancer): two figures. ACM certificates are validated during the
    deploy: one."""
    gcp = cp.first_up(with_property_dependencies(plan_of("gcp-prod")))
    cert = next(s for s in gcp.settling if s.type == "gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert cert.seconds == 3600
    assert cert.start >= max(s.finish for s in gcp.path if s.type == "gcp:compute/globalForwardingRule:GlobalForwardingRule")
    assert gcp.ready == cert.start + 3600 > gcp.wall
    aws = cp.first_up(with_property_dependencies(plan_of("aws-prod")))
    assert aws.settling == [] and aws.ready == aws.wall


def test_a_first_gcp_deploy_waits_for_api_enablement_and_direct_vpc_start_up(plan_of):
    plan = with_property_dependencies(plan_of("gcp-prod"))
    up = cp.first_up(plan)
    assert up.path[0].type == "gcp:projects/service:Service" and up.path[0].seconds >= 60
    edge = next(e for e in up.ordering_only if e.before == up.path[0].name)
    assert "API is enabled" in edge.reason
    job = next(r for r in plan["resources"] if r["type"] == "gcp:cloudrunv2/job:Job")
    plain = {**job, "inputs": {k: v for k, v in job["inputs"].items() if k != "template"} | {"runExecutionToken": "x"}}
    assert duration(job).create == duration(plain).create + 60
