"""Item 4 of issue 9: a platform program that embeds ``LagoAws`` with its own ``aws.Provider``
(another region, default providers disabled) gets that provider on every AWS resource and
every invoke, and that region in every regional value."""

from __future__ import annotations

import json

import yaml

from lago_infra.plan import run_plan
from lago_infra.plan.mocks import aws as aws_mocks

from .helpers import through_one_provider

PROGRAM = """
import pulumi
import pulumi_aws as aws

from lago_infra import config
from lago_infra.targets.aws.component import LagoAws

provider = aws.Provider("platform", region="us-west-2")
lago = LagoAws("lago", config.load(), opts=pulumi.ResourceOptions(providers={"aws": provider}))
for key, value in lago.exports().items():
    pulumi.export(key, value)
"""


def plan_through_provider(tmp_path, **config):
    """The plan of PROGRAM with ``config`` added, after checking that every AWS resource and
    every invoke went through the program's provider."""
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    stack = tmp_path / "Pulumi.embedded.yaml"
    stack.write_text(
        yaml.safe_dump(
            {
                "config": {
                    # The stack's own region differs: nothing may fall back to it.
                    "aws:region": "eu-west-1",
                    "pulumi:disable-default-providers": ["aws"],
                    "lago:target": "aws",
                    **config,
                }
            }
        )
    )
    aws_mocks.INVOKES.clear()
    plan = run_plan(config_file=stack, project_dir=tmp_path)

    aws_resources, tokens = through_one_provider(plan, "aws", aws_mocks.INVOKES)
    assert len(aws_resources) > 30
    assert "aws:index/getRegion:getRegion" in tokens
    return plan, tokens


def test_an_explicit_provider_reaches_every_resource_and_invoke(tmp_path):
    plan, tokens = plan_through_provider(tmp_path)
    assert "aws:index/getAvailabilityZones:getAvailabilityZones" in tokens

    zones = {s.inputs["availabilityZone"] for s in plan.by_type("aws:ec2/subnet:Subnet")}
    assert zones and all(z.startswith("us-west-2") for z in zones)
    [endpoint] = plan.by_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-west-2.s3"
    assert plan.roles["api"]["env"]["LAGO_AWS_S3_REGION"] == "us-west-2"
    api = next(r for r in plan.by_type("aws:ecs/taskDefinition:TaskDefinition") if r.name.endswith("-ecs-api"))
    assert json.loads(api.inputs["containerDefinitions"])[0]["logConfiguration"]["options"]["awslogs-region"] == "us-west-2"


def test_an_explicit_provider_reaches_the_bring_your_own_mode(tmp_path):
    """A cluster given by name is completed into its ARN through the provider's caller identity."""
    from .test_aws_platform import brought

    # The platform's pieces in the provider's region (pieces of another region are refused).
    config = json.loads(json.dumps(brought()).replace("eu-west-1", "us-west-2").replace("Z32O12XQLNTSW2", "Z1H1FL5HABSF5"))
    config["lago:aws"]["services"]["existingCluster"] = "platform"
    plan, tokens = plan_through_provider(tmp_path, **{k: v for k, v in config.items() if k.startswith("lago:")})
    assert "aws:index/getCallerIdentity:getCallerIdentity" in tokens
    assert not plan.by_type("aws:ecs/cluster:Cluster") and not plan.by_type("aws:ec2/vpc:Vpc")
    assert {s.inputs["cluster"] for s in plan.by_type("aws:ecs/service:Service")} == {"arn:aws:ecs:us-west-2:123456789012:cluster/platform"}


def test_an_explicit_provider_reaches_the_external_runtime(tmp_path):
    plan, _ = plan_through_provider(
        tmp_path, **{"lago:runtime": "external", "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"}}
    )
    assert plan.by_type("aws:iam/policy:Policy") and not plan.by_type("aws:ecs/service:Service")
    assert {s.inputs["availabilityZone"][:-1] for s in plan.by_type("aws:ec2/subnet:Subnet")} == {"us-west-2"}


def test_an_explicit_provider_reaches_the_production_baselines_lookups(tmp_path):
    """The account (KMS key policy, alarm topic), and the provider's region's ELB log-delivery
    account in the log bucket's policy."""
    plan, tokens = plan_through_provider(tmp_path, **{"lago:preset": "prod"})
    assert "aws:index/getCallerIdentity:getCallerIdentity" in tokens
    [policy] = [r for r in plan.by_type("aws:s3/bucketPolicy:BucketPolicy") if r.name.endswith("-logs-policy")]
    [alb] = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Sid"] == "AlbAccessLogs"]
    assert alb["Principal"] == {"AWS": "arn:aws:iam::797873946194:root"}
