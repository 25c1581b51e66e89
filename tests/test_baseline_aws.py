"""The production baseline on AWS: each control on the recorded aws-prod plan, and each
documented ``lago:aws.baseline.*`` key turning its control off."""

from __future__ import annotations

import json

import pytest
import yaml

from lago_infra.lago.roles import DEDICATED_QUEUES, roles_for
from lago_infra.targets.aws.waf import MANAGED_RULE_GROUPS

from .conftest import PROJECT_DIR
from .helpers import named, resources

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY = "aws:kms/key:Key"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
BUCKET = "aws:s3/bucket:Bucket"
#: Container names of the roles that run Lago's Rails image.
RAILS = {r.name for r in roles_for(DEDICATED_QUEUES) if r.backend}


def the_key(plan):
    (key,) = resources(plan, KEY)
    return key


def alarms(plan) -> dict[str, dict]:
    return {r.name.removeprefix("lago-baseline-alarms-"): r.inputs for r in resources(plan, ALARM)}


def log_bucket(plan):
    return named(plan, "-baseline-logs", BUCKET)


# -- KMS --------------------------------------------------------------------------------------


def test_one_rotating_protected_key_encrypts_every_data_store_and_log(plan_of):
    prod = plan_of("aws-prod")
    key = the_key(prod)
    assert key.inputs["enableKeyRotation"] is True and key.inputs["rotationPeriodInDays"] == 365
    assert key.inputs["deletionWindowInDays"] == 30 and key.protect
    statements = {s["Sid"]: s for s in json.loads(key.inputs["policy"])["Statement"]}
    via = statements["ServicesOnBehalfOfAccount"]["Condition"]["StringEquals"]["kms:ViaService"]
    assert sorted(v.split(".")[0] for v in via) == ["elasticache", "rds", "s3", "secretsmanager"]
    assert statements["CloudWatchLogs"]["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    used = {
        r.name: r.inputs.get("kmsKeyId")
        for r in prod.resources
        if r.type
        in (
            "aws:rds/instance:Instance",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:secretsmanager/secret:Secret",
            "aws:cloudwatch/logGroup:LogGroup",
        )
    }
    arns = set(used.values())
    assert len(arns) == 1 and next(iter(arns)).startswith("arn:aws:kms:"), used
    files = named(prod, "-files-encryption").inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert files == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": next(iter(arns))}
    assert named(prod, "-db", "aws:rds/instance:Instance").inputs["performanceInsightsKmsKeyId"] in arns


def test_the_key_outlives_the_stack_whenever_a_final_snapshot_does(plan_of, plan_config):
    """The final snapshot is encrypted with the stack's key: destroying the stack must not
    schedule that key's deletion, or the snapshot is unreadable 30 days later."""
    prod = plan_of("aws-prod")
    assert named(prod, "-db", "aws:rds/instance:Instance").inputs["finalSnapshotIdentifier"]
    assert the_key(prod).retain_on_delete
    no_snapshot = plan_config(
        {"aws:region": "eu-west-1", "lago:target": "aws", "lago:preset": "prod", "lago:aws": {"database": {"finalSnapshot": False}}}
    )
    assert not the_key(no_snapshot).retain_on_delete


# -- logs -------------------------------------------------------------------------------------


def test_alb_and_s3_access_logs_and_flow_logs_land_in_a_private_expiring_log_bucket(plan_of):
    prod = plan_of("aws-prod")
    bucket = log_bucket(prod)
    name = bucket.inputs["bucketPrefix"]
    assert bucket.protect
    alb = named(prod, "-edge-alb").inputs["accessLogs"]
    assert alb["enabled"] is True and alb["bucket"].startswith(name) and alb["prefix"] == "alb"
    logging = resources(prod, "aws:s3/bucketLogging:BucketLogging")
    assert [(l.inputs["targetBucket"].startswith(name), l.inputs["bucket"].startswith("lago-files-")) for l in logging] == [(True, True)]
    (flow,) = resources(prod, "aws:ec2/flowLog:FlowLog")
    assert flow.inputs["trafficType"] == "ALL" and flow.inputs["logDestinationType"] == "s3"
    assert flow.inputs["vpcId"].startswith("lago-network-vpc") and flow.inputs["logDestination"].endswith("/vpc-flow/")
    # SSE-S3: the only encryption ALB log delivery and S3 server access logging accept.
    assert named(prod, "-baseline-logs-encryption").inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    block = named(prod, "-baseline-logs-public-access").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (rule,) = named(prod, "-baseline-logs-lifecycle").inputs["rules"]
    assert rule["expiration"] == {"days": 365} and rule["status"] == "Enabled"
    policy = json.loads(named(prod, "-baseline-logs-policy").inputs["policy"])
    writers = {s["Sid"]: s for s in policy["Statement"] if s["Effect"] == "Allow"}
    assert {s["Resource"].split(":::", 1)[1].split("/", 1)[1].split("/")[0] for s in writers.values() if s["Action"] == "s3:PutObject"} == {
        "alb",
        "s3",
        "vpc-flow",
    }
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy["Statement"])


def test_prod_keeps_container_logs_a_year(plan_of):
    assert named(plan_of("aws-prod"), "-ecs-logs", "aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 365


# -- network and edge -------------------------------------------------------------------------


def test_the_new_vpcs_default_security_group_has_no_rules(plan_of):
    (sg,) = resources(plan_of("aws-prod"), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert sg.inputs["vpcId"].startswith("lago-network-vpc")
    assert not sg.inputs.get("ingress") and not sg.inputs.get("egress")


def test_waf_with_managed_rules_and_a_rate_limit_guards_the_alb(plan_of):
    prod = plan_of("aws-prod")
    (acl,) = resources(prod, "aws:wafv2/webAcl:WebAcl")
    assert acl.inputs["scope"] == "REGIONAL" and "allow" in acl.inputs["defaultAction"]
    rules = {r["name"]: r for r in acl.inputs["rules"]}
    assert rules["rate-limit-per-address"]["statement"]["rateBasedStatement"]["limit"] == 2000
    assert "block" in rules["rate-limit-per-address"]["action"]
    for _, group, counted in MANAGED_RULE_GROUPS:
        statement = rules[group]["statement"]["managedRuleGroupStatement"]
        assert statement["vendorName"] == "AWS"
        assert [o["name"] for o in statement.get("ruleActionOverrides") or []] == list(counted)
    # Lago's api takes bodies over 8 KB (batch events): the core set's size rule only counts.
    assert "AWSManagedRulesCommonRuleSet" in rules
    (assoc,) = resources(prod, "aws:wafv2/webAclAssociation:WebAclAssociation")
    assert assoc.inputs["resourceArn"].split(":")[-1].startswith("loadbalancer/lago-edge-alb")


def test_the_rate_limit_spares_the_machine_to_machine_api(plan_of):
    """A customer's backend sending events (``/api/v1/events``) from one address is never
    rate-limited; the front and the browser's paths are. A scope-down statement decides what the
    rate-based rule counts and blocks (WAF Developer Guide, "Rate-based rule statement")."""
    import fnmatch

    (acl,) = resources(plan_of("aws-prod"), "aws:wafv2/webAcl:WebAcl")
    rule = next(r for r in acl.inputs["rules"] if r["name"] == "rate-limit-per-address")["statement"]["rateBasedStatement"]
    scope = rule.get("scopeDownStatement")
    assert scope, "the rate limit counts every path, the events api included"
    match = scope["notStatement"]["statement"]["byteMatchStatement"]
    assert match["fieldToMatch"] == {"uriPath": {}} and match["positionalConstraint"] == "STARTS_WITH"

    def limited(path: str) -> bool:
        return not fnmatch.fnmatchcase(path, match["searchString"] + "*")

    assert not limited("/api/v1/events") and not limited("/api/v1/events/batch")
    assert limited("/") and limited("/graphql") and limited("/users/password/new")


def test_the_waf_logs_every_request_without_credentials(plan_of):
    prod = plan_of("aws-prod")
    (acl,) = resources(prod, "aws:wafv2/webAcl:WebAcl")
    (logging,) = resources(prod, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    assert acl.urn in logging.property_dependencies["resourceArn"]
    [group] = [
        r for r in resources(prod, "aws:cloudwatch/logGroup:LogGroup") if r.urn in logging.property_dependencies["logDestinationConfigs"]
    ]
    # WAF delivers to CloudWatch Logs only into a group named aws-waf-logs-...
    assert group.inputs["name"].startswith("aws-waf-logs-") and group.inputs["retentionInDays"] == 365
    assert {f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]} == {"authorization", "cookie"}


def _events_matching(plan, event) -> list[str]:
    """The stack's EventBridge rules whose pattern matches ``event``, by EventBridge's matching
    as moto implements it."""
    from moto.events.models import EventPattern

    return [
        r.name.split("-alarms-", 1)[1]
        for r in resources(plan, "aws:cloudwatch/eventRule:EventRule")
        if EventPattern.load(r.inputs["eventPattern"]).matches_event(event)
    ]


def _task_stopped(plan, group: str, exit_code: int, cluster_arn: str | None = None) -> dict:
    """An "ECS Task State Change" event as ECS sends it (ECS Developer Guide, "Amazon ECS task
    state change events")."""
    cluster = cluster_arn or plan.states[named(plan, "-ecs-cluster", "aws:ecs/cluster:Cluster").urn]["arn"]
    return {
        "version": "0",
        "id": "1",
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": "eu-west-1",
        "resources": [f"{cluster.replace(':cluster/', ':task/')}/abc"],
        "detail": {
            "clusterArn": cluster,
            "group": group,
            "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED",
            "stopCode": "EssentialContainerExited",
            "stoppedReason": "Essential container in task exited",
            "containers": [{"name": "c", "exitCode": exit_code, "lastStatus": "STOPPED"}],
        },
    }


def _deployment_failed(service_arn: str) -> dict:
    """An "ECS Deployment State Change" event (ECS Developer Guide, "Amazon ECS service deployment
    state change events"): its resources hold the service's ARN."""
    return {
        "version": "0",
        "id": "2",
        "detail-type": "ECS Deployment State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": "eu-west-1",
        "resources": [service_arn],
        "detail": {
            "eventType": "ERROR",
            "eventName": "SERVICE_DEPLOYMENT_FAILED",
            "deploymentId": "ecs-svc/1",
            "reason": "circuit breaker",
        },
    }


def test_a_crashed_service_task_pages_and_a_finished_migration_does_not(plan_of):
    prod = plan_of("aws-prod")
    api = prod.states[named(prod, "-ecs-api", "aws:ecs/service:Service").urn]
    assert _events_matching(prod, _task_stopped(prod, f"service:{api['name']}", 1)) == ["task-crashed"]
    migrate_family = named(prod, "-ecs-migrate", "aws:ecs/taskDefinition:TaskDefinition").inputs["family"]
    # Every release's migrate task stops with EssentialContainerExited: no page for it.
    assert _events_matching(prod, _task_stopped(prod, f"family:{migrate_family}", 0)) == []
    # Another workload on the same cluster (a brought one runs the platform's) is not Lago's.
    assert _events_matching(prod, _task_stopped(prod, "service:platform-billing-exporter", 1)) == []


def test_a_rolled_back_deployment_of_the_stacks_service_pages(plan_of):
    prod = plan_of("aws-prod")
    api = prod.states[named(prod, "-ecs-api", "aws:ecs/service:Service").urn]
    assert _events_matching(prod, _deployment_failed(api["arn"])) == ["deployment-failed"]
    other = api["arn"].rsplit("/", 1)[0] + "/platform-service"
    assert _events_matching(prod, _deployment_failed(other)) == []


# -- database and containers ------------------------------------------------------------------


def test_rds_enhanced_monitoring_every_minute_with_its_own_role(plan_of):
    prod = plan_of("aws-prod")
    db = named(prod, "-db", "aws:rds/instance:Instance").inputs
    role = named(prod, "-baseline-rds-monitoring", "aws:iam/role:Role")
    assert db["monitoringInterval"] == 60 and role.name in db["monitoringRoleArn"]
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert (
        named(prod, "-baseline-rds-monitoring", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .inputs["policyArn"]
        .endswith("AmazonRDSEnhancedMonitoringRole")
    )


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_backend_containers_run_read_only_with_scratch_volumes_where_lago_writes(plan_of, stack):
    plan = plan_of(stack)
    for task in resources(plan, TASK):
        containers = json.loads(task.inputs["containerDefinitions"])
        volumes = {v["name"] for v in task.inputs.get("volumes") or []}
        for c in containers:
            if c["name"] in RAILS:
                assert c["readonlyRootFilesystem"] is True
                assert {m["containerPath"] for m in c["mountPoints"] if not m["readOnly"]} == {"/app/tmp", "/tmp"}
                assert {m["sourceVolume"] for m in c["mountPoints"]} <= volumes
            elif c["name"] == "files":
                # Writes the database's CA file into its own volume, and nothing else.
                assert c["readonlyRootFilesystem"] is True and [m["readOnly"] for m in c["mountPoints"]] == [False]
            else:
                # front writes env-config.js into the web root; Gotenberg runs as a non-root user.
                assert c["name"] in ("front", "pdf") and not c.get("readonlyRootFilesystem")


# -- alarms -----------------------------------------------------------------------------------


def test_alarms_cover_lago_signals_and_notify_the_alerts_topic(plan_of):
    prod = plan_of("aws-prod")
    found = alarms(prod)
    expected = {
        "api-5xx-rate",
        "api-latency-p99",
        "api-unhealthy-targets",
        "api-no-healthy-target",
        "front-unhealthy-targets",
        "front-no-healthy-target",
        "clock-not-running",
        "worker-at-ceiling",
        "database-cpu",
        "database-free-storage",
        "database-connections",
        "certificate-expiry",
    }
    assert expected <= set(found)
    for group in ("queue", "cache"):
        for node in ("001", "002"):
            assert {f"redis-{group}-{node}-memory", f"redis-{group}-{node}-connections"} <= set(found)
        assert f"redis-{group}-002-replica-lag" in found and f"redis-{group}-001-replica-lag" not in found
    # Evictions lose jobs on the queue only; the cache evicts by design.
    assert {k for k in found if k.endswith("-evictions")} == {"redis-queue-001-evictions", "redis-queue-002-evictions"}
    (topic,) = resources(prod, "aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert [s.inputs["endpoint"] for s in resources(prod, "aws:sns/topicSubscription:TopicSubscription")] == ["ops@example.com"]
    actions = {tuple(a["alarmActions"]) for a in found.values()}
    assert len(actions) == 1 and next(iter(actions))[0].startswith("arn:aws:sns:")
    targets = resources(prod, "aws:cloudwatch/eventTarget:EventTarget")
    assert {t.name.rsplit("-", 1)[0].removeprefix("lago-baseline-alarms-") for t in targets} == {"task-crashed", "deployment-failed"}


def test_alarm_dimensions_name_the_stacks_own_resources(plan_of):
    found = alarms(plan_of("aws-prod"))
    latency = found["api-latency-p99"]
    assert latency["extendedStatistic"] == "p99" and latency["threshold"] == 5
    assert latency["dimensions"]["LoadBalancer"].startswith("app/lago-edge-alb") and latency["dimensions"]["TargetGroup"].startswith(
        "targetgroup/lago-edge-api"
    )
    assert found["database-cpu"]["dimensions"]["DBInstanceIdentifier"].startswith("lago-db-")
    assert found["redis-queue-002-memory"]["dimensions"]["CacheClusterId"].startswith("lago-redis-queue-") and found[
        "redis-queue-002-memory"
    ]["dimensions"]["CacheClusterId"].endswith("-002")
    assert (
        found["clock-not-running"]["dimensions"]["ServiceName"].startswith("lago-ecs-clock")
        and found["clock-not-running"]["treatMissingData"] == "breaching"
    )
    assert found["worker-at-ceiling"]["threshold"] == 8  # the prod preset's worker maxReplicas
    # db.m7g.large: 8 GiB, 814 connections by RDS's formula on DBInstanceClassMemory; 80 % of it.
    assert found["database-connections"]["threshold"] == round(814 * 0.8)
    assert found["database-free-storage"]["threshold"] == 50 * 1024**3 * 0.10
    rate = found["api-5xx-rate"]
    assert [q["id"] for q in rate["metricQueries"]] == ["errors", "edge", "requests", "rate"] and rate["threshold"] == 5


def test_thresholds_and_recipients_come_from_lago_alerts(plan_config):
    plan = plan_config(
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:aws": {"baseline": {"alarms": True}, "services": {"containerInsights": True}},
            "lago:alerts": {
                "snsTopicArn": "arn:aws:sns:eu-west-1:123456789012:pager",
                "thresholds": {"apiErrorPercent": 2, "databaseCpuPercent": 65, "redisConnections": 500},
            },
        }
    )
    found = alarms(plan)
    assert (found["api-5xx-rate"]["threshold"], found["database-cpu"]["threshold"], found["redis-queue-001-connections"]["threshold"]) == (
        2,
        65,
        500,
    )
    assert not resources(plan, "aws:sns/topic:Topic")
    assert {tuple(a["alarmActions"]) for a in found.values()} == {("arn:aws:sns:eu-west-1:123456789012:pager",)}


def test_the_dashboard_shows_every_alarmed_metric(plan_of):
    prod = plan_of("aws-prod")
    (board,) = resources(prod, "aws:cloudwatch/dashboard:Dashboard")
    widgets = {w["properties"]["title"]: w["properties"] for w in json.loads(board.inputs["dashboardBody"])["widgets"]}
    assert set(widgets) == set(alarms(prod))
    # Each graph shows its alarm by ARN: a moved threshold changes the alarm, not the dashboard.
    assert all(
        p["annotations"]["alarms"][0].startswith("arn:aws:cloudwatch:")
        and p["annotations"]["alarms"][0].endswith(f"-{t}-" + p["annotations"]["alarms"][0].rsplit("-", 1)[1])
        for t, p in widgets.items()
    )


# -- off switches -----------------------------------------------------------------------------

#: Each documented key, and what must disappear from the plan when it is false.
SWITCHES = {
    "kms": lambda p: not resources(p, KEY) and not named(p, "-db", "aws:rds/instance:Instance").inputs.get("kmsKeyId"),
    "accessLogs": lambda p: not named(p, "-edge-alb").inputs.get("accessLogs") and not resources(p, "aws:s3/bucketLogging:BucketLogging"),
    "flowLogs": lambda p: not resources(p, "aws:ec2/flowLog:FlowLog"),
    "waf": lambda p: not resources(p, "aws:wafv2/webAcl:WebAcl"),
    "alarms": lambda p: (
        not resources(p, ALARM) and not resources(p, "aws:sns/topic:Topic") and not resources(p, "aws:cloudwatch/eventRule:EventRule")
    ),
    "dashboard": lambda p: not resources(p, "aws:cloudwatch/dashboard:Dashboard"),
    "lockDefaultSecurityGroup": lambda p: not resources(p, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"),
    "enhancedMonitoringSeconds": lambda p: named(p, "-db", "aws:rds/instance:Instance").inputs["monitoringInterval"] == 0,
    "readOnlyRoot": lambda p: (
        not any(c.get("readonlyRootFilesystem") for t in resources(p, TASK) for c in json.loads(t.inputs["containerDefinitions"]))
    ),
}


@pytest.mark.parametrize("key", sorted(SWITCHES))
def test_each_control_has_a_key_that_turns_it_off(plan_config, plan_of, key):
    stack = yaml.safe_load((PROJECT_DIR / "stacks/Pulumi.aws-prod.yaml").read_text())["config"]
    stack["lago:aws"] = {**stack["lago:aws"], "baseline": {key: 0 if key == "enhancedMonitoringSeconds" else False}}
    plan = plan_config(stack)
    assert SWITCHES[key](plan)
    assert not SWITCHES[key](plan_of("aws-prod")), "the prod preset turns it on"
    for other, gone in SWITCHES.items():
        if other != key:
            assert not gone(plan), f"turning {key} off also removed {other}"


def test_alarms_without_container_insights_are_refused(plan_config):
    """The clock alarm reads a Container Insights metric and treats missing data as breaching."""
    from lago_infra.config import ConfigError

    with pytest.raises(ConfigError, match=r"lago:aws.*containerInsights"):
        plan_config({"aws:region": "eu-west-1", "lago:target": "aws", "lago:aws": {"baseline": {"alarms": True}}})


def test_the_flow_log_writers_objects_are_the_ones_the_policy_admits(plan_of):
    """VPC User Guide, "Flow log files: S3 bucket structure": with Hive-compatible partitions an
    object's key is ``<prefix>/AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=...``,
    otherwise ``<prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<year>/...``."""
    import fnmatch

    from lago_infra.plan.mocks.aws import ACCOUNT

    prod = plan_of("aws-prod")
    (flow,) = resources(prod, "aws:ec2/flowLog:FlowLog")
    bucket_arn, prefix = flow.inputs["logDestination"].split("/", 1)
    if flow.inputs["destinationOptions"]["hiveCompatiblePartitions"]:
        key = f"{prefix}AWSLogs/aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=01/day=01/hour=00/x.parquet"
    else:
        key = f"{prefix}AWSLogs/{ACCOUNT}/vpcflowlogs/eu-west-1/2026/01/01/00/x.parquet"
    policy = json.loads(named(prod, "-baseline-logs-policy").inputs["policy"])
    [writer] = [s for s in policy["Statement"] if s["Sid"] == "FlowLogsWrite"]
    assert fnmatch.fnmatchcase(f"{bucket_arn}/{key}", writer["Resource"]), (key, writer["Resource"])
