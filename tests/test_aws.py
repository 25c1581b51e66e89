"""The AWS target, asserted on the recorded plans of stacks/Pulumi.aws-dev.yaml and aws-prod.yaml."""

from __future__ import annotations

import json
import re

import pytest

from .helpers import ancestors_and_deps, env_of, named, resources

BACKEND = ("api", "worker", "clock")
SG = "aws:ec2/securityGroup:SecurityGroup"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"


TARGET = "aws"


def containers(plan, role):
    return json.loads(named(plan, f"-ecs-{role}", TASK).inputs["containerDefinitions"])


def main_container(plan, role):
    return next(c for c in containers(plan, role) if c["name"] == role)


def sg_name(plan, sg_id):
    """Security group name from the id the mock gave it (name plus a hash)."""
    return next(r.name for r in resources(plan, SG) if sg_id.startswith(r.name + "-") and len(sg_id) == len(r.name) + 9)


# -- network ------------------------------------------------------------------------------------


def test_new_vpc_spans_two_zones_with_three_tiers(plan):
    subnets = resources(plan, "aws:ec2/subnet:Subnet")
    by_tier: dict[str, set[str]] = {}
    for s in subnets:
        by_tier.setdefault(s.inputs["tags"]["lago:tier"], set()).add(s.inputs["availabilityZone"])
    assert set(by_tier) == {"public", "private", "isolated"}
    assert all(len(zones) >= 2 for zones in by_tier.values())
    assert not any(s.inputs["mapPublicIpOnLaunch"] for s in subnets)


def test_nat_strategy_per_preset(dev, prod):
    # Dev has none: its tasks run in the public subnets with public addresses (next test).
    assert not resources(dev, "aws:ec2/natGateway:NatGateway") and not resources(dev, "aws:ec2/eip:Eip")
    assert all(
        named(dev, f"-ecs-{role}", SERVICE).inputs["networkConfiguration"]["assignPublicIp"]
        for role in ("api", "worker", "clock", "front", "pdf")
    )
    assert (
        len(resources(prod, "aws:ec2/natGateway:NatGateway"))
        == len({s.inputs["availabilityZone"] for s in resources(prod, "aws:ec2/subnet:Subnet")})
        == 3
    )


def test_without_nat_tasks_get_public_addresses_in_public_subnets(plan_config):
    plan = plan_config({"aws:region": "eu-west-1", "lago:target": "aws", "lago:aws": {"network": {"nat": "none"}}})
    assert not resources(plan, "aws:ec2/natGateway:NatGateway")
    api = named(plan, "-ecs-api", SERVICE).inputs["networkConfiguration"]
    public = {r.name for r in resources(plan, "aws:ec2/subnet:Subnet") if r.inputs["tags"]["lago:tier"] == "public"}
    assert api["assignPublicIp"] is True
    assert {next(n for n in public if i.startswith(n + "-")) for i in api["subnets"]} == public


def test_existing_vpc_is_used_as_given(plan_config):
    plan = plan_config(
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:aws": {
                "network": {
                    "existing": {
                        "vpcId": "vpc-0a1b2c3d",
                        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
                        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
                        "isolatedSubnetIds": ["subnet-2000000a", "subnet-2000000b"],
                    }
                }
            },
        }
    )
    assert not resources(plan, "aws:ec2/vpc:Vpc") and not resources(plan, "aws:ec2/subnet:Subnet")
    assert {r.inputs["vpcId"] for r in resources(plan, SG)} == {"vpc-0a1b2c3d"}
    assert named(plan, "-edge-alb").inputs["subnets"] == ["subnet-0000000a", "subnet-0000000b"]
    assert named(plan, "-db-subnets").inputs["subnetIds"] == ["subnet-2000000a", "subnet-2000000b"]
    assert named(plan, "-ecs-worker", SERVICE).inputs["networkConfiguration"]["subnets"] == ["subnet-1000000a", "subnet-1000000b"]


def test_security_groups_open_only_what_lago_needs(plan):
    opened = set()
    for rule in resources(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        source = rule.inputs.get("cidrIpv4") or sg_name(plan, rule.inputs["referencedSecurityGroupId"]).removeprefix("lago-sg-")
        opened.add((sg_name(plan, rule.inputs["securityGroupId"]).removeprefix("lago-sg-"), source, rule.inputs["fromPort"]))
    public = {("alb", "0.0.0.0/0", 80), ("alb", "0.0.0.0/0", 443 if plan.settings.domain else 3000)}
    assert opened == public | {
        ("front", "alb", 80),
        ("api", "alb", 3000),
        ("pdf", "api", 3000),
        ("pdf", "worker", 3000),
        *{("database", g, 5432) for g in BACKEND},
        *{("redis", g, 6379) for g in BACKEND},
    }
    egress = resources(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    owners = {sg_name(plan, r.inputs["securityGroupId"]).removeprefix("lago-sg-") for r in egress}
    assert not owners & {"database", "redis"}
    alb_out = {r.inputs.get("referencedSecurityGroupId") for r in egress if sg_name(plan, r.inputs["securityGroupId"]) == "lago-sg-alb"}
    assert {sg_name(plan, i) for i in alb_out} == {"lago-sg-api", "lago-sg-front"}


def test_each_service_runs_in_its_own_group(plan):
    for role, group in (("api", "api"), ("worker", "worker"), ("clock", "clock"), ("front", "front"), ("pdf", "pdf")):
        ids = named(plan, f"-ecs-{role}", SERVICE).inputs["networkConfiguration"]["securityGroups"]
        assert [sg_name(plan, i) for i in ids] == [f"lago-sg-{group}"]


# -- database -----------------------------------------------------------------------------------


def test_database_is_private_encrypted_tls_only(plan):
    db = named(plan, "lago-db", "aws:rds/instance:Instance")
    i = db.inputs
    assert i["engine"] == "postgres" and int(i["engineVersion"]) >= 15
    assert i["publiclyAccessible"] is False
    assert i["storageEncrypted"] is True and i["storageType"] == "gp3"
    assert i["maxAllocatedStorage"] > i["allocatedStorage"]
    assert i["backupRetentionPeriod"] >= 1
    assert i["password"] == "[secret]"
    params = {p["name"]: p["value"] for p in named(plan, "-db-params").inputs["parameters"]}
    assert params["rds.force_ssl"] == "1"
    isolated = {r.name for r in resources(plan, "aws:ec2/subnet:Subnet") if r.inputs["tags"]["lago:tier"] == "isolated"}
    assert {next(n for n in isolated if s.startswith(n + "-")) for s in named(plan, "-db-subnets").inputs["subnetIds"]} == isolated


def test_dev_database_is_cheap_and_disposable(dev):
    i = named(dev, "lago-db", "aws:rds/instance:Instance").inputs
    assert i["multiAz"] is False and i["skipFinalSnapshot"] is True and i["deletionProtection"] is False


def test_prod_database_is_durable(prod):
    db = named(prod, "lago-db", "aws:rds/instance:Instance")
    i = db.inputs
    assert i["multiAz"] is True and i["deletionProtection"] is True
    assert i["backupRetentionPeriod"] >= 7
    assert i["skipFinalSnapshot"] is False and i["finalSnapshotIdentifier"].startswith("lago-db-final-")
    assert i["performanceInsightsEnabled"] is True
    assert set(i["enabledCloudwatchLogsExports"]) >= {"postgresql"}
    assert db.protect


def test_database_url_lives_in_the_stacks_secret_store(dev, prod):
    for plan in (dev, prod):
        assert env_of(plan, "api")["DATABASE_URL"] == "[secret]"
    version = named(prod, "-secret-database-url", "aws:secretsmanager/secretVersion:SecretVersion")
    assert version.inputs["secretString"] == "[secret]"
    parameter = named(dev, "-secret-database-url", "aws:ssm/parameter:Parameter").inputs
    assert (parameter["type"], parameter["value"]) == ("SecureString", "[secret]")


# -- redis --------------------------------------------------------------------------------------

REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_redis_encrypted_with_auth_token(plan):
    for group in resources(plan, REDIS):
        i = group.inputs
        assert i["transitEncryptionEnabled"] is True and i["atRestEncryptionEnabled"] is True
        assert i["authToken"] == "[secret]"
        assert i["engine"] in ("valkey", "redis")


def _eviction(plan, group):
    params = named(plan, f"{group.name}-params").inputs["parameters"]
    return {p["name"]: p["value"] for p in params}["maxmemory-policy"]


def test_queue_never_evicts_and_prod_has_a_separate_lru_cache(dev, prod):
    assert [(g.name, _eviction(dev, g)) for g in resources(dev, REDIS)] == [("lago-redis-queue", "noeviction")]
    assert sorted((g.name, _eviction(prod, g)) for g in resources(prod, REDIS)) == [
        ("lago-redis-cache", "allkeys-lru"),
        ("lago-redis-queue", "noeviction"),
    ]
    assert env_of(dev, "api")["LAGO_REDIS_CACHE_URL"] == "[secret]"  # the queue Redis, its own database
    assert env_of(prod, "api")["LAGO_REDIS_CACHE_URL"] == "[secret]"


def test_prod_redis_fails_over_and_keeps_snapshots(prod):
    for group in resources(prod, REDIS):
        i = group.inputs
        assert i["multiAzEnabled"] is True and i["automaticFailoverEnabled"] is True and i["numCacheClusters"] >= 2
        assert i["snapshotRetentionLimit"] >= 1
        assert group.protect


# -- storage ------------------------------------------------------------------------------------


def test_bucket_is_private_encrypted_and_tls_only(plan):
    block = named(plan, "-files-public-access").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    rule = named(plan, "-files-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] in ("AES256", "aws:kms")
    statement = json.loads(named(plan, "-files-tls-only").inputs["policy"])["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_prod_bucket_versions_and_expires_old_versions(dev, prod):
    assert not [r for r in dev.resources if r.name.endswith("-files-versioning")]
    assert named(prod, "-files-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"
    rules = named(prod, "-files-lifecycle").inputs["rules"]
    assert any("noncurrentVersionExpiration" in r for r in rules)


def test_lago_uses_the_task_role_not_keys(plan):
    for role in BACKEND:
        env = env_of(plan, role)
        assert env["LAGO_USE_AWS_S3"] == "true"
        assert env["LAGO_AWS_S3_REGION"] == "eu-west-1"
        assert env["LAGO_AWS_S3_BUCKET"] == plan.outputs["bucket"]
        assert not any("ACCESS_KEY" in k for k in env)
    task = named(plan, "-ecs-api", TASK).inputs["taskRoleArn"]
    assert task.split("/")[-1].startswith("lago-ecs-backend-task")
    policy = json.loads(named(plan, "-backend-task-files").inputs["policy"])
    assert {s["Resource"] for s in policy["Statement"]} == {
        f"arn:aws:s3:::{plan.outputs['bucket']}",
        f"arn:aws:s3:::{plan.outputs['bucket']}/*",
    }


# -- secrets ------------------------------------------------------------------------------------


def test_every_secret_reaches_containers_as_a_reference_into_the_store(plan):
    secret_arns = plan.outputs["secret_arns"]
    parameters = {r.inputs["name"]: r for r in resources(plan, "aws:ssm/parameter:Parameter")}
    for role, spec in plan.roles.items():
        secret_vars = {k for k, v in spec["env"].items() if v == "[secret]"}
        defs = [containers(plan, role)[0]]
        for c in defs:
            assert {s["name"] for s in c["secrets"]} == secret_vars, role
            if plan.settings.aws.secrets.store == "secretsManager":
                # Pinned to the current version: ``arn:::version-id``.
                assert all(s["valueFrom"].startswith(secret_arns[s["name"]] + ":::v-") for s in c["secrets"])
                assert "dockerLabels" not in c
            else:
                # A parameter's ARN (ECS pins no parameter version), and the versions it reads as a
                # label, so a new value changes the task definition.
                assert all(s["valueFrom"] == secret_arns[s["name"]] for s in c["secrets"])
                assert all(":ssm:" in s["valueFrom"] and s["valueFrom"].split(":parameter", 1)[1] in parameters for s in c["secrets"])
                labels = c.get("dockerLabels", {}).get("lago-parameter-versions")
                label = dict(pair.split("=") for pair in labels.split(",")) if labels else {}
                assert set(label) == secret_vars and all(v.isdigit() for v in label.values())
            assert not secret_vars & {e["name"] for e in c["environment"]}
            assert "[secret]" not in json.dumps(c)


def test_execution_roles_read_exactly_their_tasks_secrets(plan):
    # ECS Developer Guide, "Required IAM permissions for Amazon ECS secrets".
    action = {"secretsManager": "secretsmanager:GetSecretValue", "parameterStore": "ssm:GetParameters"}[plan.settings.aws.secrets.store]
    for role in ("api", "worker", "clock", "front", "pdf"):
        used = {s["valueFrom"].split(":::")[0] for c in containers(plan, role) for s in c.get("secrets", [])}
        policies = [r for r in plan.resources if r.name == f"lago-ecs-{role}-execution-secrets"]
        if not used:
            assert not policies, role
            continue
        statement = json.loads(policies[0].inputs["policy"])["Statement"]
        assert statement == [{"Effect": "Allow", "Action": action, "Resource": sorted(used)}]


SECRET_PATTERNS = re.compile(r"(postgres(ql)?|rediss?)://[^\"\s]*:[^\"\s]*@|-----BEGIN [A-Z ]*PRIVATE KEY|LS0tLS1CRUdJTi")


def test_no_secret_value_in_the_plan(plan):
    assert not SECRET_PATTERNS.search(json.dumps(plan.to_json(), default=str))


# -- services -----------------------------------------------------------------------------------


def test_container_insights_is_a_setting_on_in_prod(dev, prod):
    insights = lambda plan: named(plan, "-ecs-cluster", "aws:ecs/cluster:Cluster").inputs["settings"]
    assert {"name": "containerInsights", "value": "enabled"} in insights(prod)
    assert {"name": "containerInsights", "value": "disabled"} in insights(dev)


def test_one_service_per_serving_role(plan):
    assert sorted(r.name for r in resources(plan, SERVICE)) == sorted(f"lago-ecs-{r}" for r in plan.roles if r != "migrate")


def test_services_roll_back_on_failure_and_log_with_retention(plan):
    for service in resources(plan, SERVICE):
        assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    retention = named(plan, "-ecs-logs", "aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"]
    assert retention == {"aws-dev": 7, "aws-prod": 365}[plan.stack]
    for role in ("api", "worker", "clock", "front", "pdf"):
        for c in containers(plan, role):
            assert c["logConfiguration"]["logDriver"] == "awslogs"


def test_exactly_one_clock_never_two_during_deploys(plan):
    clock = named(plan, "-ecs-clock", SERVICE)
    assert clock.inputs["desiredCount"] == 1
    assert clock.inputs["deploymentMaximumPercent"] == 100 and clock.inputs["deploymentMinimumHealthyPercent"] == 0
    assert not [r for r in plan.resources if r.name.startswith("lago-ecs-clock-scaling")]


def test_prod_autoscales_api_and_workers_and_leaves_the_count_to_it(prod):
    for role in ("api", "worker"):
        target = named(prod, f"-ecs-{role}-scaling", "aws:appautoscaling/target:Target").inputs
        assert (target["minCapacity"], target["maxCapacity"]) == (prod.roles[role]["replicas"]["min"], prod.roles[role]["replicas"]["max"])
        policy = named(prod, f"-ecs-{role}-cpu").inputs["targetTrackingScalingPolicyConfiguration"]
        assert policy["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
        assert named(prod, f"-ecs-{role}", SERVICE).ignore_changes == ["desiredCount"]


def test_dev_is_not_autoscaled(dev):
    assert not resources(dev, "aws:appautoscaling/target:Target")
    assert all(not s.ignore_changes for s in resources(dev, SERVICE))


def test_architecture_and_spot(dev, prod):
    # Prod: ARM64 on regular Fargate. Dev: every serving role on Fargate Spot, which runs X86_64 only.
    assert {t.inputs["runtimePlatform"]["cpuArchitecture"] for t in resources(prod, TASK)} == {"ARM64"}
    assert {t.inputs["runtimePlatform"]["cpuArchitecture"] for t in resources(dev, TASK)} == {"X86_64"}
    strategy = lambda plan, role: named(plan, f"-ecs-{role}", SERVICE).inputs["capacityProviderStrategies"][0]["capacityProvider"]
    assert {strategy(dev, role) for role in ("api", "worker", "clock", "front", "pdf")} == {"FARGATE_SPOT"}
    assert {strategy(prod, role) for role in prod.roles if role != "migrate"} == {"FARGATE"}
    # The migrations run on regular Fargate whatever the services do.
    assert json.loads(named(dev, "-ecs-migrate-run").inputs["input"])["capacityProvider"] == "FARGATE"


def test_x86_can_be_chosen(plan_config):
    plan = plan_config({"aws:region": "eu-west-1", "lago:target": "aws", "lago:aws": {"services": {"cpuArchitecture": "X86_64"}}})
    assert {t.inputs["runtimePlatform"]["cpuArchitecture"] for t in resources(plan, TASK)} == {"X86_64"}


def test_pdf_is_internal_and_found_through_service_connect(plan):
    pdf = named(plan, "-ecs-pdf", SERVICE).inputs
    assert "loadBalancers" not in pdf
    [published] = pdf["serviceConnectConfiguration"]["services"]
    alias = published["clientAlias"][0]
    assert f"http://{alias['dnsName']}:{alias['port']}" == env_of(plan, "api")["LAGO_PDF_URL"] == env_of(plan, "worker")["LAGO_PDF_URL"]
    for role in BACKEND:
        assert named(plan, f"-ecs-{role}", SERVICE).inputs["serviceConnectConfiguration"]["enabled"] is True


def test_fargate_sizes_are_checked(plan_config):
    with pytest.raises(Exception, match="Fargate has no 0.25 vCPU task with 4096 MiB"):  # more in test_aws_limits.py
        plan_config({"aws:region": "eu-west-1", "lago:target": "aws", "lago:roles": {"front": {"cpu": 0.25, "memory": 4096}}})


# -- migrations: tests/test_aws_production.py --------------------------------------------------


def test_backend_roles_start_side_by_side_after_migrations_and_pdf(plan):
    """No task migrates, so workers and clock need not wait for the api (a serial edge the
    critical path showed); they wait for the migrations and for pdf, whose Service Connect
    endpoint must exist before a client task starts. pdf itself waits for no data service."""
    api = named(plan, "-ecs-api", SERVICE)
    pdf = named(plan, "-ecs-pdf", SERVICE)
    run = named(plan, "-migrate-run")
    assert api.inputs["waitForSteadyState"] is True
    for role in ("api", "worker", "clock"):
        waits_on = ancestors_and_deps(plan, named(plan, f"-ecs-{role}", SERVICE).urn)
        assert {run.urn, pdf.urn} <= waits_on
        assert role == "api" or api.urn not in waits_on
    data = {r.urn for r in plan.resources if r.type in ("aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup")}
    assert data and not data & ancestors_and_deps(plan, pdf.urn)


# -- edge ---------------------------------------------------------------------------------------


def test_urls_agree_with_what_the_browser_uses(plan):
    front, api = plan.outputs["front_url"], plan.outputs["api_url"]
    assert front != api
    for role in BACKEND:
        assert env_of(plan, role)["LAGO_API_URL"] == api and env_of(plan, role)["LAGO_FRONT_URL"] == front
    assert env_of(plan, "front")["API_URL"] == api


def test_dev_without_domain_serves_front_and_api_on_two_alb_ports(dev):
    listeners = {r.inputs["port"]: r.inputs for r in resources(dev, "aws:lb/listener:Listener")}
    assert set(listeners) == {80, 3000}
    tg = lambda role: named(dev, f"-edge-{role}", "aws:lb/targetGroup:TargetGroup")
    assert listeners[80]["defaultActions"][0]["targetGroupArn"].startswith("arn:aws:lb:")
    assert tg("front").name in listeners[80]["defaultActions"][0]["targetGroupArn"]
    assert tg("api").name in listeners[3000]["defaultActions"][0]["targetGroupArn"]
    dns = dev.outputs["alb_dns_name"]
    assert (dev.outputs["front_url"], dev.outputs["api_url"]) == (f"http://{dns}", f"http://{dns}:3000")


def test_prod_serves_https_by_host_and_redirects_http(prod):
    listeners = {r.inputs["port"]: r for r in resources(prod, "aws:lb/listener:Listener")}
    assert set(listeners) == {80, 443}
    assert listeners[80].inputs["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"
    https = listeners[443].inputs
    assert https["protocol"] == "HTTPS" and https["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    cert = named(prod, "-edge-certificate", "aws:acm/certificate:Certificate").inputs
    assert (cert["domainName"], cert["subjectAlternativeNames"], cert["validationMethod"]) == (
        "lago.example.com",
        ["api.lago.example.com"],
        "DNS",
    )
    rules = {
        r.inputs["conditions"][0]["hostHeader"]["values"][0]: r.inputs["actions"][0]["targetGroupArn"]
        for r in resources(prod, "aws:lb/listenerRule:ListenerRule")
        if "-private-" not in r.name
    }
    assert named(prod, "-edge-front", "aws:lb/targetGroup:TargetGroup").name in rules["lago.example.com"]
    assert named(prod, "-edge-api", "aws:lb/targetGroup:TargetGroup").name in rules["api.lago.example.com"]
    records = {r.inputs["name"] for r in resources(prod, "aws:route53/record:Record") if r.inputs["type"] == "A"}
    assert records == {"lago.example.com", "api.lago.example.com"}
    validation = named(prod, "-edge-certificate", "aws:acm/certificateValidation:CertificateValidation")
    assert len(validation.inputs["validationRecordFqdns"]) == 2
    assert validation.urn in ancestors_and_deps(prod, listeners[443].urn)


def test_alb_deletion_protection_follows_the_preset(dev, prod):
    assert named(dev, "-edge-alb").inputs["enableDeletionProtection"] is False
    assert named(prod, "-edge-alb").inputs["enableDeletionProtection"] is True


# -- outputs ------------------------------------------------------------------------------------


def test_outputs(plan, prod):
    assert {"front_url", "api_url", "database_endpoint", "redis_queue_endpoint", "bucket", "secret_arns"} <= set(plan.outputs)
    assert "redis_cache_endpoint" in prod.outputs
    store = {"secretsManager": "arn:aws:secretsmanager:", "parameterStore": "arn:aws:ssm:"}[plan.settings.aws.secrets.store]
    assert all(v.startswith(store) for v in plan.outputs["secret_arns"].values())
