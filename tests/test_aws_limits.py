"""What AWS would refuse, refused before anything is created: config errors for ``lago:aws`` and
for the top-level keys the AWS target reads (``lago:name``, ``lago:roles``, ``lago:tags``,
``aws:region``), and every physical name of a plan within AWS's limits (limits.py)."""

from __future__ import annotations

import pytest

from lago_infra.targets.aws import limits

from . import helpers

BASE = {"aws:region": "eu-west-1", "lago:target": "aws"}


def refused(plan_config, config, *fragments):
    return helpers.refused(plan_config, {**BASE, **config}, *fragments)


# -- issue 9 item 1: Fargate Spot runs X86_64 only ---------------------------------------------------


def test_spot_workers_on_arm64_are_refused(plan_config):
    for spot in ("workers", "all"):
        refused(
            plan_config,
            {"lago:aws": {"services": {"fargateSpot": spot, "cpuArchitecture": "ARM64"}}},
            "lago:aws.services",
            "X86_64",
            "cpuArchitecture",
        )


def test_spot_workers_on_x86_are_placed_on_spot(plan_config):
    from .helpers import named

    plan = plan_config({**BASE, "lago:preset": "prod", "lago:aws": {"services": {"fargateSpot": "workers", "cpuArchitecture": "X86_64"}}})
    on = lambda role: named(plan, f"-ecs-{role}", "aws:ecs/service:Service").inputs["capacityProviderStrategies"][0]["capacityProvider"]
    assert on("worker") == on("worker-pdfs") == on("worker-webhook") == "FARGATE_SPOT"
    assert on("api") == on("clock") == on("front") == on("pdf") == "FARGATE"


def test_the_former_spot_key_is_refused_with_its_replacement(plan_config):
    refused(plan_config, {"lago:aws": {"services": {"fargateSpotWorkers": True}}}, "lago:aws.services", "fargateSpot: workers")


# -- item 6: values AWS refuses ----------------------------------------------------------------------


def test_log_retention_outside_cloudwatch_values_is_refused(plan_config):
    refused(plan_config, {"lago:aws": {"services": {"logRetentionDays": 10}}}, "lago:aws.services.logRetentionDays", "1, 3, 5, 7, 14")


def test_redis_oss_has_no_version_8(plan_config):
    refused(plan_config, {"lago:aws": {"redis": {"engine": "redis", "engineVersion": "8.0"}}}, "lago:aws.redis", "7.1")


def test_redis_oss_gets_its_own_family(plan_config):
    from .helpers import named

    plan = plan_config({**BASE, "lago:aws": {"redis": {"engine": "redis"}}})
    group = named(plan, "lago-redis-queue", "aws:elasticache/replicationGroup:ReplicationGroup").inputs
    assert (group["engine"], group["engineVersion"]) == ("redis", "7.1")
    assert named(plan, "lago-redis-queue-params").inputs["family"] == "redis7"


@pytest.mark.parametrize("cidr", ["10.0.0.0/24", "10.0.0.0/28"])
def test_vpc_too_small_for_its_subnets_is_refused(plan_config, cidr):
    refused(plan_config, {"lago:aws": {"network": {"cidr": cidr}}}, "lago:aws.network.cidr", f"/{limits.VPC_PREFIX_MAX}")


def test_vpc_larger_than_aws_allows_is_refused(plan_config):
    refused(plan_config, {"lago:aws": {"network": {"cidr": "10.0.0.0/8"}}}, "lago:aws.network.cidr", "/16 to /28")


# -- issue 11: AWS formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, value, key",
    [
        ({"edge": {"certificateArn": "arn:aws:acm:eu-west-1:123:certificate/abc"}}, None, "certificateArn"),
        ({"edge": {"route53ZoneId": "example.com"}}, None, "route53ZoneId"),
        ({"edge": {"sslPolicy": "ELBSecurityPolicy-TLS13-9-9"}}, None, "sslPolicy"),
        ({"database": {"instanceClass": "t4g.micro"}}, None, "instanceClass"),
        ({"redis": {"nodeType": "cache.t4g"}}, None, "nodeType"),
        (
            {
                "network": {
                    "existing": {
                        "vpcId": "my-vpc",
                        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
                        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
                    }
                }
            },
            None,
            "vpcId",
        ),
        (
            {
                "network": {
                    "existing": {
                        "vpcId": "vpc-0a1b2c3d",
                        "publicSubnetIds": ["subnet-a", "subnet-0000000b"],
                        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
                    }
                }
            },
            None,
            "publicSubnetIds",
        ),
    ],
)
def test_malformed_aws_identifiers_are_refused(plan_config, section, value, key):
    refused(plan_config, {"lago:aws": section}, key, "Fix")


def test_unknown_region_is_refused(plan_config):
    refused(plan_config, {"aws:region": "eu-middle-9"}, "aws:region", "eu-middle-9")


def test_fargate_sizes_are_a_config_error(plan_config):
    refused(
        plan_config,
        {"lago:roles": {"front": {"cpu": 0.25, "memory": 4096}}},
        "lago:roles.front.memory",
        "Fargate has no 0.25 vCPU task with 4096 MiB",
        "512, 1024",
    )
    refused(
        plan_config,
        {"lago:workers": {"dedicated": {"pdfs": {"cpu": 0.5, "memory": 512}}}},
        "lago:workers.dedicated.pdfs.memory",
        "1024, 2048",
    )


def test_tags_aws_refuses(plan_config):
    refused(plan_config, {"lago:tags": {"aws:owner": "me"}}, "lago:tags.aws:owner", "reserved")
    refused(plan_config, {"lago:tags": {"team": "x" * 300}}, "lago:tags.team", "256")


# -- item 2: names within AWS's limits ---------------------------------------------------------------


def test_a_name_that_cannot_fit_is_refused_with_the_budget(plan_config):
    budget, _ = limits.lago_name_budget()
    refused(plan_config, {"lago:name": "a" * (budget + 1)}, "lago:name", f"at most {budget} characters")
    refused(plan_config, {"lago:name": "lago--x"}, "lago:name", "hyphen")


def _physical_name(registration) -> str:
    given = registration.inputs.get("name") or registration.inputs.get("identifier") or registration.inputs.get("replicationGroupId")
    return given or registration.name + "x" * limits.AUTONAME_SUFFIX


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_every_physical_name_fits_with_the_longest_allowed_name(plan_config, plan_of, stack):
    import yaml

    from lago_infra.plan.runner import stack_file

    budget, _ = limits.lago_name_budget()
    config = yaml.safe_load(stack_file(stack).read_text())["config"]
    # Every dedicated worker too: their role names are the longest.
    config = {**config, "lago:name": "l" * budget, "lago:workers": {"dedicated": ["analytics", "ai_agent", "payments", "webhook", "pdfs"]}}
    plan = plan_config(config, stack=stack)
    checked = 0
    for r in plan.resources:
        limit = limits.NAME_LIMITS.get(r.type)
        if limit is None:
            continue
        checked += 1
        name = _physical_name(r)
        assert len(name) <= limit.max_length, (r.type, name)
        assert len(r.name) - budget <= len(limit.longest_tail), (r.type, r.name, "longer than limits.NAME_LIMITS says")
    assert checked >= 10
    for r in plan.by_type("aws:cloudwatch/logGroup:LogGroup"):
        assert limits.LOG_GROUP_NAME.match(r.inputs["name"])
    for r in plan.by_type("aws:ecs/taskDefinition:TaskDefinition"):
        assert limits.TASK_FAMILY.match(r.inputs["family"])
