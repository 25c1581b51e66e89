"""Region facts (issue 19, items 4 and 15): where ELB delivers access logs from a regional account
and where from its service principal, which partition a region's ARNs carry; the plan's mocks
refuse what the provider refuses."""

from __future__ import annotations

import json
import types

import pytest

from lago_infra.plan.mocks import baseline as baseline_mocks
from lago_infra.targets.aws import limits

from .helpers import named

PROD = {"lago:target": "aws", "lago:preset": "prod", "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"}}
#: Regions opened since August 2022: the provider has no ELB account there.
NEWER = ("me-central-1", "eu-central-2", "eu-south-2", "ap-south-2", "ap-southeast-4", "il-central-1", "ca-west-1", "mx-central-1")


def alb_writer(plan) -> dict:
    policy = json.loads(named(plan, "-logs-policy", "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "AlbAccessLogs"]
    return statement["Principal"]


def test_every_region_with_an_elb_account_is_one_the_provider_knows():
    assert set(limits.ELB_LOG_ACCOUNTS) <= limits.REGIONS
    assert not set(NEWER) & set(limits.ELB_LOG_ACCOUNTS) and set(NEWER) <= limits.REGIONS


def test_an_older_region_admits_its_elb_account(plan_config):
    plan = plan_config({**PROD, "aws:region": "eu-west-1"})
    assert alb_writer(plan) == {"AWS": "arn:aws:iam::156460612806:root"}


@pytest.mark.parametrize("region", NEWER[:3])
def test_a_newer_region_is_planned_with_the_log_delivery_principal(plan_config, region):
    plan = plan_config({**PROD, "aws:region": region})
    assert alb_writer(plan) == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


@pytest.mark.parametrize("region", NEWER)
def test_the_mock_refuses_the_elb_account_where_the_provider_does(region):
    call = types.SimpleNamespace(token="aws:elb/getServiceAccount:getServiceAccount", provider="", args={"region": region})
    with pytest.raises(Exception, match=f"unsupported AWS Region: {region}"):
        baseline_mocks._elb_account(call)


def test_the_mock_answers_the_providers_account_where_it_has_one():
    call = types.SimpleNamespace(token="aws:elb/getServiceAccount:getServiceAccount", provider="", args={"region": "cn-north-1"})
    assert baseline_mocks._elb_account(call)["arn"] == "arn:aws-cn:iam::638102146993:root"


# -- item 15: partitions --------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["dev", "prod"])
def test_a_govcloud_stack_writes_every_arn_in_its_partition(plan_config, preset):
    """Managed policies, log and key conditions, the ELB account: all ``arn:aws-us-gov:``."""
    import re

    config = {**PROD, "aws:region": "us-gov-west-1"} if preset == "prod" else {"lago:target": "aws", "aws:region": "us-gov-west-1"}
    plan = plan_config(config)
    written = json.dumps([r.inputs for r in plan.resources if r.type.startswith("aws:")])
    assert "arn:aws-us-gov:" in written
    assert not re.findall(r"arn:aws:[^\"]{0,80}", written)
    if preset == "prod":
        assert alb_writer(plan) == {"AWS": "arn:aws-us-gov:iam::048591011584:root"}


@pytest.mark.parametrize("region", ["cn-north-1", "cn-northwest-1"])
def test_a_china_region_is_refused_with_the_reason(plan_config, region):
    from .helpers import refused

    message = refused(plan_config, {"lago:target": "aws", "aws:region": region}, "aws:region", "aws-cn", "amazonaws.com.cn", none_of="aws:")
    assert "aws-us-gov" in message


def test_every_partition_of_a_known_region_is_supported_or_refused_with_a_reason():
    from lago_infra.targets.aws.checks import region_problems

    for region in limits.REGIONS:
        partition = limits.partition_of(region)
        assert partition, region
        assert (partition in limits.SUPPORTED_PARTITIONS) == (not list(region_problems(region))), region
