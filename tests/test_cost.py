"""The monthly estimate: computed from what the plan deploys, every line priced and sourced, and
nothing that bills silently counted as zero."""

from __future__ import annotations

import copy
import json

import pytest

from lago_infra.__main__ import main
from lago_infra.cost import estimate, free, prices_aws, prices_gcp
from lago_infra.cost.estimate import RULES
from tests.conftest import STACKS


def doc(plan_of, stack: str) -> dict:
    return copy.deepcopy(plan_of(stack).to_json())


def one(d: dict, type_: str, name: str) -> dict:
    return next(r for r in d["resources"] if r["type"] == type_ and r["name"] == name)


def line(est, name: str):
    return next(l for l in est.lines if l.name == name)


@pytest.mark.parametrize("stack", STACKS)
def test_every_billable_type_of_a_shipped_plan_has_a_price_rule(plan_of, stack):
    """A resource type is priced, or listed as free with its reason: a new type in a plan fails here
    until someone prices it (or says why it costs nothing)."""
    est = estimate(doc(plan_of, stack))
    assert est.unpriced == [], f"billable resources with no price rule: {est.unpriced}"
    for r in plan_of(stack).resources:
        assert r.type in RULES or free.is_free(r.type), r.type


def test_a_type_with_no_rule_is_unpriced_not_zero(plan_of):
    d = doc(plan_of, "aws-dev")
    before = estimate(d).monthly
    d["resources"].append(
        {"urn": "urn:x::aws:opensearch/domain:Domain::search", "type": "aws:opensearch/domain:Domain", "name": "search", "inputs": {}}
    )
    est = estimate(d)
    assert est.unpriced == ["urn:x::aws:opensearch/domain:Domain::search"]
    assert est.monthly == before
    assert "UNPRICED" in __import__("lago_infra.cost.render", fromlist=["as_text"]).as_text(est)


def test_an_unknown_instance_class_is_unpriced(plan_of):
    d = doc(plan_of, "aws-prod")
    one(d, "aws:rds/instance:Instance", "lago-db")["inputs"]["instanceClass"] = "db.x2iedn.24xlarge"
    est = estimate(d)
    assert [u.rsplit("::", 1)[1] for u in est.unpriced] == ["lago-db"]
    assert not any(l.name == "lago-db" for l in est.lines)


def test_the_database_is_priced_from_its_inputs_not_the_preset(plan_of):
    d = doc(plan_of, "aws-prod")
    multi = line(estimate(d), "lago-db").monthly[0]
    one(d, "aws:rds/instance:Instance", "lago-db")["inputs"]["multiAz"] = False
    single = line(estimate(d), "lago-db").monthly[0]
    assert multi == pytest.approx(2 * single)
    assert single == pytest.approx(prices_aws.PRICES["rds.db.m7g.large"].amount * 730)


def test_replica_range_follows_the_autoscaling_target(plan_of):
    d = doc(plan_of, "aws-prod")
    api = line(estimate(d), "lago-ecs-api")
    target = one(d, "aws:appautoscaling/target:Target", "lago-ecs-api-scaling")["inputs"]
    per_task = api.monthly[0] / target["minCapacity"]
    assert api.monthly[1] == pytest.approx(per_task * target["maxCapacity"])
    target["maxCapacity"] = 10
    assert line(estimate(d), "lago-ecs-api").monthly[1] == pytest.approx(per_task * 10)
    lo, hi = estimate(d).monthly
    assert hi > lo


def test_fargate_spot_is_cheaper_on_x86_and_refused_on_arm64(plan_of):
    d = doc(plan_of, "aws-dev")
    service = one(d, "aws:ecs/service:Service", "lago-ecs-worker")
    service["inputs"]["capacityProviderStrategies"] = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    task = one(d, "aws:ecs/taskDefinition:TaskDefinition", "lago-ecs-worker")["inputs"]
    task["runtimePlatform"]["cpuArchitecture"] = "ARM64"
    arm = estimate(d)
    assert any("Fargate Spot with ARM64" in w for w in arm.warnings)
    on_demand_arm = line(arm, "lago-ecs-worker").monthly[0]
    task["runtimePlatform"]["cpuArchitecture"] = "X86_64"
    spot_x86 = line(estimate(d), "lago-ecs-worker")
    assert "FARGATE_SPOT" in spot_x86.quantity and spot_x86.monthly[0] < on_demand_arm
    service["inputs"]["capacityProviderStrategies"] = [{"capacityProvider": "FARGATE", "weight": 1}]
    assert line(estimate(d), "lago-ecs-worker").monthly[0] > on_demand_arm  # x86 on-demand costs more than ARM64


def test_container_insights_and_public_addresses_follow_the_plan(plan_of):
    # Container Insights is on in the prod preset (off in dev).
    d = doc(plan_of, "aws-prod")
    names = {l.name for l in estimate(d).lines}
    assert "lago-ecs-cluster (Container Insights metrics)" in names
    assert len([l for l in estimate(d).lines if l.type == "aws:ec2/natGateway:NatGateway"]) == len(
        [r for r in d["resources"] if r["type"] == "aws:ec2/natGateway:NatGateway"]
    )
    one(d, "aws:ecs/cluster:Cluster", "lago-ecs-cluster")["inputs"]["settings"] = [{"name": "containerInsights", "value": "disabled"}]
    one(d, "aws:ecs/taskDefinition:TaskDefinition", "lago-ecs-pdf")["inputs"]["ephemeralStorage"] = {"sizeInGib": 50}
    one(d, "aws:ecs/service:Service", "lago-ecs-api")["inputs"]["networkConfiguration"]["assignPublicIp"] = True
    names = {l.name for l in estimate(d).lines}
    assert not any("Container Insights" in n for n in names)
    assert "lago-ecs-api (public IPs)" in names
    assert "lago-ecs-pdf (ephemeral storage)" in names


def test_prod_prices_three_nat_gateways_and_their_addresses(plan_of):
    est = estimate(doc(plan_of, "aws-prod"))
    assert len([l for l in est.lines if l.type == "aws:ec2/natGateway:NatGateway"]) == 3
    assert len([l for l in est.lines if l.type == "aws:ec2/eip:Eip"]) == 3
    alb_ips = line(est, "lago-edge-alb (public IPs)")
    assert alb_ips.quantity.startswith("3 public IPv4")


def test_cloud_run_billing_mode_follows_cpu_idle(plan_of):
    """Limits without ``cpuIdle: true`` bill the whole instance life; ``cpuIdle: true`` bills requests."""
    d = doc(plan_of, "gcp-prod")
    api = one(d, "gcp:cloudrunv2/service:Service", "lago-api")
    request = line(estimate(d), "lago-api")
    assert "request-based" in request.quantity
    assert any(l.name == "lago-api (requests)" for l in estimate(d).lines)
    for c in api["inputs"]["template"]["containers"]:
        c["resources"]["cpuIdle"] = False
    instance = line(estimate(d), "lago-api")
    assert "instance-based" in instance.quantity
    assert request.monthly[0] < instance.monthly[0]


def test_worker_pools_and_scale_to_zero_services(plan_of):
    est = estimate(doc(plan_of, "gcp-dev"))
    assert line(est, "lago-api").monthly[0] == 0  # minimum 0 instances
    assert line(est, "lago-api").monthly[1] > 0
    worker = line(est, "lago-worker")
    assert "worker pool" in worker.quantity and worker.monthly[0] == worker.monthly[1] > 0


def test_cloud_sql_regional_doubles_and_memorystore_reads_tier(plan_of):
    d = doc(plan_of, "gcp-prod")
    regional = line(estimate(d), "lago-db-instance").monthly[0]
    one(d, "gcp:sql/databaseInstance:DatabaseInstance", "lago-db-instance")["inputs"]["settings"]["availabilityType"] = "ZONAL"
    assert line(estimate(d), "lago-db-instance").monthly[0] == pytest.approx(regional / 2)
    redis = one(d, "gcp:redis/instance:Instance", "lago-redis-instance")["inputs"]
    ha = line(estimate(d), "lago-redis-instance").monthly[0]
    redis["tier"] = "BASIC"
    assert line(estimate(d), "lago-redis-instance").monthly[0] < ha
    redis["memorySizeGb"] = 5
    assert "(M2)" in line(estimate(d), "lago-redis-instance").quantity


def test_forwarding_rules_share_the_flat_price_of_the_first_five(plan_of):
    est = estimate(doc(plan_of, "gcp-prod"))
    rules = [l for l in est.lines if l.type == "gcp:compute/globalForwardingRule:GlobalForwardingRule"]
    assert len(rules) == 1 and "forwarding rules 1–2" in rules[0].quantity


def test_every_line_names_its_source_and_every_price_is_dated(plan_of):
    for table in (prices_aws, prices_gcp):
        assert table.DATED
        for key, price in table.PRICES.items():
            assert price.source.startswith("https://"), key
    for stack in STACKS:
        for l in estimate(doc(plan_of, stack)).lines:
            assert l.source.startswith("https://") and l.unit_price.startswith("$"), l
            assert l.tier in ("compute", "data", "network", "edge", "secrets/observability")


def test_another_region_applies_its_factor_and_warns_when_unknown(plan_of):
    d = doc(plan_of, "gcp-dev")
    base = estimate(d).monthly
    text = json.dumps(d).replace("europe-west1", "asia-south2")
    est = estimate(json.loads(text))
    assert est.region == "asia-south2" and set(est.region_factors.values()) == {prices_gcp.DEFAULT_FACTOR}
    assert est.monthly[0] == pytest.approx(base[0] * prices_gcp.DEFAULT_FACTOR, rel=1e-3)
    assert any("asia-south2" in w for w in est.warnings)


@pytest.mark.parametrize("table", [prices_aws, prices_gcp], ids=["aws", "gcp"])
def test_every_price_has_a_sourced_factor_in_every_region(table):
    """Item 4: a factor per service and region, each read from a pricing page; the reference region
    is 1.0 and confirmed, the others say when they are not."""
    from lago_infra.cost import regions

    for region in table.REGIONS:
        factors, _, warning = regions.factors(table, region)
        assert not warning
        for key in table.PRICES:
            factor = factors.get(regions.service_of(key, factors))
            assert factor is not None, (region, key)
            assert factor.source.startswith("https://")
            if region == table.REFERENCE_REGION:
                assert factor.value == 1.0 and not factor.unconfirmed


def test_regional_factors_differ_by_service(plan_of):
    """Fargate in Frankfurt is 15 % dearer than in Ireland, RDS about 7 %: one flat factor per
    region priced both alike."""
    d = doc(plan_of, "aws-prod")
    base = estimate(d)
    frankfurt = estimate(json.loads(json.dumps(d).replace("eu-west-1", "eu-central-1")))
    assert frankfurt.region == "eu-central-1"
    task = line(frankfurt, "lago-ecs-api").monthly[0] / line(base, "lago-ecs-api").monthly[0]
    db = line(frankfurt, "lago-db").monthly[0] / line(base, "lago-db").monthly[0]
    assert task == pytest.approx(1.15) and db == pytest.approx(1.07)
    assert frankfurt.region_factors["fargate"] == 1.15 and frankfurt.region_factors["rds"] == 1.07
    assert "unconfirmed" in line(frankfurt, "lago-db").note


def test_the_json_shape_other_tools_read(plan_of):
    est = estimate(doc(plan_of, "aws-prod"))
    out = est.to_json()
    assert out["monthly"] == {"min": est.monthly[0], "max": est.monthly[1]}
    assert set(out["by_tier"]) <= {"compute", "data", "network", "edge", "secrets/observability"}
    first = out["lines"][0]
    assert {"urn", "name", "type", "role", "tier", "quantity", "unit_price", "monthly", "source"} <= set(first)
    assert out["unpriced"] == [] and out["assumptions"]
    assert sum(l["monthly"]["max"] for l in out["lines"]) == pytest.approx(est.monthly[1], abs=0.05)


def test_local_costs_nothing(plan_of):
    est = estimate(doc(plan_of, "local"))
    assert est.monthly == (0, 0) and est.unpriced == []


def test_cost_command_from_a_stack_and_from_a_plan_file(capsys, tmp_path):
    assert main(["cost", "--stack", "aws-dev", "--format", "json"]) == 0
    from_stack = json.loads(capsys.readouterr().out)
    assert main(["plan", "--stack", "aws-dev", "--format", "json"]) == 0
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(capsys.readouterr().out)
    assert main(["cost", "--plan", str(plan_file), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["monthly"] == from_stack["monthly"]
    assert main(["cost", "--plan", str(plan_file), "--format", "markdown"]) == 0
    assert "| **total** |" in capsys.readouterr().out


def test_cost_command_refuses_a_file_that_is_not_a_plan(capsys, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    assert main(["cost", "--plan", str(bad)]) == 2
    assert "not a plan" in capsys.readouterr().err


@pytest.mark.parametrize(
    "stack,type_,inputs,billed",
    [
        ("aws-prod", "aws:wafv2/webAcl:WebAcl", {"rules": [{"name": "common"}, {"name": "rate"}]}, True),
        ("aws-prod", "aws:kms/key:Key", {}, True),
        ("aws-prod", "aws:cloudwatch/metricAlarm:MetricAlarm", {"period": 60}, True),
        ("aws-prod", "aws:cloudwatch/dashboard:Dashboard", {}, True),
        ("aws-prod", "aws:ec2/flowLog:FlowLog", {"logDestinationType": "s3"}, True),
        ("aws-prod", "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", {}, True),
        ("aws-prod", "aws:s3/bucket:Bucket", {}, True),
        ("aws-prod", "aws:sns/topic:Topic", {}, False),
        ("aws-prod", "aws:lambda/function:Function", {}, False),
        ("aws-prod", "aws:lambda/invocation:Invocation", {}, False),
        ("gcp-prod", "gcp:compute/securityPolicy:SecurityPolicy", {"rules": [{}, {}]}, True),
        ("gcp-prod", "gcp:kms/cryptoKey:CryptoKey", {"rotationPeriod": "7776000s"}, True),
        ("gcp-prod", "gcp:monitoring/alertPolicy:AlertPolicy", {"conditions": [{}, {}]}, True),
        ("gcp-prod", "gcp:monitoring/dashboard:Dashboard", {}, False),
        ("gcp-prod", "gcp:cloudrunv2/workerPool:WorkerPool", {"scaling": {"manualInstanceCount": 2}}, True),
    ],
)
def test_types_the_baseline_adds_are_priced_or_known_free(plan_of, stack, type_, inputs, billed):
    d = doc(plan_of, stack)
    urn = f"urn:x::{type_}::extra"
    d["resources"].append({"urn": urn, "type": type_, "name": "extra", "parent": None, "dependencies": [], "inputs": inputs})
    est = estimate(d)
    assert urn not in est.unpriced
    extra = sum(l.monthly[0] for l in est.lines if l.urn == urn)
    assert (extra > 0) is billed


def test_tasks_on_ec2_capacity_are_unpriced_and_autoscaling_alarms_are_priced(plan_of):
    d = doc(plan_of, "aws-prod")
    est = estimate(d)
    policies = [r for r in d["resources"] if r["type"] == "aws:appautoscaling/policy:Policy"]
    alarms = [l for l in est.lines if l.type == "aws:appautoscaling/policy:Policy"]
    assert len(alarms) == len(policies) > 0 and all(l.role for l in alarms)
    service = one(d, "aws:ecs/service:Service", "lago-ecs-api")["inputs"]
    del service["capacityProviderStrategies"]
    service["launchType"] = "EC2"
    assert [u.rsplit("::", 1)[1] for u in estimate(d).unpriced] == ["lago-ecs-api"]


def _runs_through_nat(r: dict) -> bool:
    template = r["inputs"].get("template") or {}
    access = template.get("vpcAccess") or {}
    return bool(access.get("networkInterfaces")) and access.get("egress") == "ALL_TRAFFIC"


def _instances(r: dict) -> tuple[int, int]:
    """The fewest and most instances a Cloud Run service or worker pool runs, as the plan says."""
    scaling = r["inputs"].get("scaling") or (r["inputs"].get("template") or {}).get("scaling") or {}
    if "manualInstanceCount" in scaling:
        return scaling["manualInstanceCount"], scaling["manualInstanceCount"]
    return scaling.get("minInstanceCount", 0), scaling["maxInstanceCount"]


# gcp-dev runs no Cloud NAT (lago:gcp.network.nat, tests/test_gcp_dev.py).
@pytest.mark.parametrize("stack,fewest", [("gcp-prod", 11)])
def test_cloud_nat_bills_every_cloud_run_instance_behind_it(plan_of, stack, fewest):
    """Item 1: Google bills a NAT gateway per instance with a NAT assignment, and every Cloud Run
    instance with Direct VPC egress counts: the count is summed from the plan's services and
    worker pools, not a fixed four."""
    d = doc(plan_of, stack)
    runners = [r for r in d["resources"] if r["type"] in ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool")]
    assert all(_runs_through_nat(r) for r in runners)
    nat = line(estimate(d), "lago-net-nat")
    lo, hi = (sum(n) for n in zip(*map(_instances, runners)))
    assert lo == fewest and hi > lo
    assert f"{lo}–{hi} Cloud Run instances" in nat.quantity
    fixed = 730 * 0.005 + 20 * 0.045  # the address and the data processed
    assert nat.monthly[0] == pytest.approx(fixed + lo * 730 * 0.0014, abs=0.01)
    assert nat.monthly[1] == pytest.approx(fixed + hi * 730 * 0.0014, abs=0.01)
    # A role that sends only private ranges through the VPC takes no NAT assignment.
    clock = one(d, "gcp:cloudrunv2/workerPool:WorkerPool", "lago-clock")
    clock["inputs"]["template"]["vpcAccess"]["egress"] = "PRIVATE_RANGES_ONLY"
    assert f"{lo - 1}–{hi - 1} Cloud Run instances" in line(estimate(d), "lago-net-nat").quantity


def test_cloud_nat_beyond_32_instances_bills_the_flat_rate(plan_of):
    d = doc(plan_of, "gcp-prod")
    one(d, "gcp:cloudrunv2/workerPool:WorkerPool", "lago-worker")["inputs"]["scaling"]["manualInstanceCount"] = 40
    nat = line(estimate(d), "lago-net-nat")
    assert nat.monthly[1] == pytest.approx(730 * (0.044 + 0.005) + 20 * 0.045 + 4 * 5 / 60 * 0.0014, abs=0.01)


def test_cloud_logging_lines_follow_what_the_plan_turns_on(plan_of):
    """Item 2: the prod plan keeps `_Default` 365 days, logs every load-balancer request, turns on
    storage Data Access logs and Cloud SQL connection and pgaudit logs, and samples flow logs at
    100 %: each has its line, and a line goes when the plan turns its logging off."""
    d = doc(plan_of, "gcp-prod")
    est = estimate(d)
    names = {l.name for l in est.lines}
    assert {
        "lago-edge-api-backend (request logs)",
        "lago-edge-front-backend (request logs)",
        "lago-baseline-storage-audit (Data Access logs)",
        "lago-db-instance (logs)",
        "lago-net-run-subnet (flow logs)",
        "lago-baseline-log-retention (log retention)",
    } <= names
    assert all(f"lago-{r} (logs)" in names for r in d["roles"] if r != "migrate")
    retention = line(est, "lago-baseline-log-retention (log retention)")
    assert retention.monthly[0] > 1 and "365-day" in retention.quantity
    assert line(est, "lago-net-run-subnet (flow logs)").monthly[0] > 1  # vended logs: no free allowance
    # Retention within the free 30 days, request logging off, flow logs off: their lines go.
    one(d, "gcp:logging/projectBucketConfig:ProjectBucketConfig", "lago-baseline-log-retention")["inputs"]["retentionDays"] = 30
    one(d, "gcp:compute/backendService:BackendService", "lago-edge-api-backend")["inputs"]["logConfig"]["enable"] = False
    one(d, "gcp:compute/subnetwork:Subnetwork", "lago-net-run-subnet")["inputs"].pop("logConfig")
    names = {l.name for l in estimate(d).lines}
    assert "lago-baseline-log-retention (log retention)" not in names and "lago-edge-api-backend (request logs)" not in names
    assert "lago-net-run-subnet (flow logs)" not in names and "lago-edge-front-backend (request logs)" in names


def test_cloud_logging_bills_beyond_the_free_allowance(plan_of):
    d = doc(plan_of, "gcp-prod")
    est = estimate(d)
    logs = [l for l in est.lines if l.unit_price.endswith("beyond 50 GiB per project")]
    assert logs and all(l.monthly[0] == 0 for l in logs)  # within the free 50 GiB at the minimum
    one(d, "gcp:cloudrunv2/workerPool:WorkerPool", "lago-worker")["inputs"]["scaling"]["manualInstanceCount"] = 60
    logs = [l for l in estimate(d).lines if l.unit_price.endswith("beyond 50 GiB per project")]
    assert sum(l.monthly[1] for l in logs) > 0
    total = sum(float(l.quantity.split()[0].split("–")[0]) for l in logs)
    assert sum(l.monthly[0] for l in logs) == pytest.approx((total - 50) * 0.5, rel=0.01)


def test_one_line_per_rds_log_export(plan_of):
    """Item 3: the plan creates the export log groups itself (with a retention): their lines price
    them, and the database adds none; an export whose group the plan does not create is priced once,
    by the database, as a group without retention."""
    d = doc(plan_of, "aws-prod")
    db = one(d, "aws:rds/instance:Instance", "lago-db")["inputs"]
    kinds = db["enabledCloudwatchLogsExports"]
    assert kinds

    def priced(est, kind):
        group = f"/aws/rds/instance/{db['identifier']}/{kind}"
        return [l for l in est.lines if f"'s {kind} log here" in l.note or group in l.note]

    est = estimate(d)
    assert all(len(priced(est, k)) == 1 for k in kinds)
    assert not any("log export" in l.name for l in est.lines)
    d["resources"] = [r for r in d["resources"] if r["name"] != "lago-db-log-upgrade"]
    est = estimate(d)
    assert all(len(priced(est, k)) == 1 for k in kinds)
    assert line(est, "lago-db (upgrade log export)").monthly[0] > 0


def test_cloudwatch_storage_is_billed_compressed(plan_of):
    est = estimate(doc(plan_of, "aws-prod"))
    group = line(est, "lago-db-log-postgresql")  # 1 GB a month kept 365 days
    assert group.monthly[0] == pytest.approx(0.57 + 365 / 30 * 0.15 * 0.03, abs=0.005)


def test_load_balancer_capacity_units_come_from_the_request_volume(plan_of):
    """Item 5: an idle dev load balancer uses about no LCU; a flat 1 LCU overstated it."""
    from lago_infra.cost import assumptions as A

    est = estimate(doc(plan_of, "aws-dev"))
    alb = line(est, "lago-edge-alb")
    units = float(alb.quantity.split(", ")[1].split()[0])
    assert 0 < units < 0.25
    assert alb.monthly[0] == pytest.approx(730 * (0.0252 + units * 0.008), abs=0.05)
    assert any(f"{A.REQUESTS_MILLIONS:g} million requests" in a and "LCU" in a for a in est.assumptions)


def test_key_rotations_accumulate_versions(plan_of):
    """Item 5: every rotation of a Google key adds an active version that bills; AWS bills $1 a
    month for each of a key's first two rotations."""
    gcp = estimate(doc(plan_of, "gcp-prod"))
    key = line(gcp, "lago-baseline-key")  # rotated every 90 days
    assert key.quantity.startswith("5 SOFTWARE key versions") and key.monthly[0] == pytest.approx(5 * 0.06)
    d = doc(plan_of, "aws-prod")
    assert line(estimate(d), "lago-baseline-key").monthly[0] == pytest.approx(2.0)  # one yearly rotation
    one(d, "aws:kms/key:Key", "lago-baseline-key")["inputs"]["rotationPeriodInDays"] = 90
    assert line(estimate(d), "lago-baseline-key").monthly[0] == pytest.approx(3.0)  # capped at two


def test_cloud_run_free_requests_are_shared_among_request_billed_services(plan_of):
    est = estimate(doc(plan_of, "gcp-prod"))
    requests = [l for l in est.lines if l.name.endswith("(requests)")]
    assert len(requests) == 3
    assert sum(l.monthly[0] for l in requests) == pytest.approx((3 * 5 - 2) * 0.40, abs=0.001)
