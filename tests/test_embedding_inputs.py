"""Ids a platform brings may be its own resources' Outputs (or stack references' values) when its
program builds the settings in Python; written as text they keep their format checks."""

from __future__ import annotations

import textwrap

import pytest
from lago_infra.config import ConfigError
from lago_infra.plan import ProgramFailed, run_plan
from lago_infra.targets.aws.settings import Edge, ExistingVpc
from lago_infra.targets.gcp.settings import ExistingNetwork

AWS_PLATFORM = """
import pulumi
import pulumi_aws as aws
from lago_infra.config import LagoSettings
from lago_infra.config.model import Domain
from lago_infra.targets.aws.component import LagoAws
from lago_infra.targets.aws.settings import AwsSettings, Edge, ExistingVpc, Network

vpc = aws.ec2.Vpc("platform-vpc", cidr_block="10.1.0.0/16")
subnets = [aws.ec2.Subnet(f"platform-{i}", vpc_id=vpc.id, cidr_block=f"10.1.{i}.0/24") for i in range(4)]
zone = aws.route53.Zone("platform-zone", name="example.com")
# A stack reference's value is an Output too.
certificate = pulumi.Output.from_input("arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012").apply(str)
settings = LagoSettings(
    target="aws",
    domain=Domain(app="lago.example.com", api="api.lago.example.com"),
    aws=AwsSettings(
        network=Network(existing=ExistingVpc(
            vpc_id=vpc.id,
            public_subnet_ids=[subnets[0].id, subnets[1].id],
            private_subnet_ids=[subnets[2].id, subnets[3].id],
        )),
        edge=Edge(route53_zone_id=zone.id, certificate_arn=certificate)  # a Zone's id is its zone id,
    ),
)
lago = LagoAws("billing", settings)
pulumi.export("lago_url", lago.front_url)
"""

GCP_PLATFORM = """
import pulumi
import pulumi_gcp as gcp
from lago_infra.config import LagoSettings
from lago_infra.targets.gcp.component import LagoGcp
from lago_infra.targets.gcp.settings import ExistingNetwork, GcpSettings, Network

net = gcp.compute.Network("platform-net", auto_create_subnetworks=False)
sub = gcp.compute.Subnetwork("platform-run", network=net.id, ip_cidr_range="10.2.0.0/24", region="europe-west1")
settings = LagoSettings(target="gcp", gcp=GcpSettings(network=Network(existing=ExistingNetwork(network=net.id, subnetwork=sub.id))))
lago = LagoGcp("billing", settings)
pulumi.export("lago_url", lago.front_url)
"""


def _plan(tmp_path, program: str, config: str):
    project = tmp_path / "platform"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (project / "__main__.py").write_text(textwrap.dedent(program))
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text(config)
    return run_plan(config_file=stack_file, project_dir=project, prevalidate=False)


def test_aws_takes_the_platforms_vpc_subnets_zone_and_certificate_as_outputs(tmp_path):
    plan = _plan(tmp_path, AWS_PLATFORM, "config:\n  aws:region: eu-west-1\n")

    # The mocks give each resource the id "<name>-<hash>".
    def made_by_platform(value, name):
        return isinstance(value, str) and value.startswith(f"{name}-")

    lago = [r for r in plan.resources if r.name.startswith("billing")]
    assert not any(r.type in ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:acm/certificate:Certificate") for r in lago)
    groups = [r for r in lago if r.type == "aws:ec2/securityGroup:SecurityGroup"]
    assert groups and all(made_by_platform(g.inputs["vpcId"], "platform-vpc") for g in groups)
    db_subnets = plan.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"]
    assert [s.rsplit("-", 1)[0] for s in db_subnets] == ["platform-2", "platform-3"]
    alb_subnets = plan.one("aws:lb/loadBalancer:LoadBalancer").inputs["subnets"]
    assert [s.rsplit("-", 1)[0] for s in alb_subnets] == ["platform-0", "platform-1"]
    https = [r for r in lago if r.type == "aws:lb/listener:Listener" and r.inputs.get("port") == 443]
    assert [l.inputs["certificateArn"] for l in https] == [
        "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    ]
    records = [r for r in lago if r.type == "aws:route53/record:Record"]
    zone_id = plan.states[plan.one("aws:route53/zone:Zone", "platform-zone").urn]["zoneId"]
    assert records and all(r.inputs["zoneId"] == zone_id for r in records)


def test_gcp_takes_the_platforms_network_and_subnetwork_as_outputs(tmp_path):
    plan = _plan(tmp_path, GCP_PLATFORM, "config:\n  gcp:project: platform-1234\n  gcp:region: europe-west1\n")
    lago = [r for r in plan.resources if r.name.startswith("billing")]
    assert not any(r.type in ("gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork") for r in lago)
    sql = plan.one("gcp:sql/databaseInstance:DatabaseInstance")
    assert sql.inputs["settings"]["ipConfiguration"]["privateNetwork"].endswith("/networks/platform-net")
    run = [r for r in lago if r.type == "gcp:cloudrunv2/service:Service"]
    assert run and all(
        r.inputs["template"]["vpcAccess"]["networkInterfaces"][0]["subnetwork"].endswith("/subnetworks/platform-run") for r in run
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: ExistingVpc(
            vpc_id="vpc-x",
            public_subnet_ids=["subnet-0000000a", "subnet-0000000b"],
            private_subnet_ids=["subnet-1000000a", "subnet-1000000b"],
        ),
        lambda: ExistingVpc(
            vpc_id="vpc-0a1b2c3d",
            public_subnet_ids=["subnet-a", "subnet-0000000b"],
            private_subnet_ids=["subnet-1000000a", "subnet-1000000b"],
        ),
        lambda: Edge(route53_zone_id="zone-1"),
        lambda: Edge(certificate_arn="arn:aws:acm:eu-west-1:1:certificate/x"),
        lambda: ExistingNetwork(network="shared", subnetwork="projects/p/regions/europe-west1/subnetworks/run"),
        lambda: ExistingNetwork(network="projects/p/global/networks/shared", subnetwork="run"),
        lambda: ExistingVpc(
            vpc_id=3, public_subnet_ids=["subnet-0000000a", "subnet-0000000b"], private_subnet_ids=["subnet-1000000a", "subnet-1000000b"]
        ),
    ],
)
def test_ids_written_as_text_keep_their_format_checks(build):
    with pytest.raises(ConfigError) as caught:
        build()
    assert caught.value.problems and "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    "component, target",
    [
        ("lago_infra.targets.aws.component:LagoAws", "gcp"),
        ("lago_infra.targets.gcp.component:LagoGcp", "local"),
        ("lago_infra.targets.local.component:LagoLocal", "aws"),
    ],
)
def test_settings_for_another_target_are_one_clear_message(tmp_path, component, target):
    """A component given another target's settings would build its own part from class defaults."""
    module, cls = component.split(":")
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        f"from lago_infra.config import LagoSettings\nfrom {module} import {cls}\n"
        f"{cls}('lago', LagoSettings.model_validate({{'target': '{target}'}}))\n"
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    with pytest.raises((ConfigError, ProgramFailed)) as caught:
        run_plan(config_file=tmp_path / "Pulumi.dev.yaml", project_dir=tmp_path)
    message = str(caught.value)
    assert f"Invalid args of {cls} 'lago'" in message and "  - target: " in message and f"is {target}" in message, message
    assert "Traceback" not in message
