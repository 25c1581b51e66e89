"""Brought pieces that cannot work together, and endpoints or secrets of the wrong kind, are
refused before anything is created (issue 22, classes 1 and 2): each ARN's region, partition and
account against the stack's provider and the other pieces, the listener and the load balancer
as one ALB, a DNS zone that is no ALB zone, a brought piece without the network it lives in, a
reader or cluster-mode endpoint, a URL secret that holds JSON, one Redis for queue and cache, a
subnet Cloud Run cannot fit in, Docker's own networks."""

from __future__ import annotations

import json
import textwrap

import pytest

from lago_infra.__main__ import main
from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.plan import run_plan

ACCOUNT, OTHER = "123456789012", "210987654321"
VPC = {
    "existing": {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
    }
}
LISTENER = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:listener/app/platform/50dc6c495c0c9188/f2f7dc8efc522ab2"
BALANCER = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/platform/50dc6c495c0c9188"
ALB = {
    "listenerArn": LISTENER,
    "loadBalancerArn": BALANCER,
    "securityGroupId": "sg-0123456789abcdef0",
    "dnsName": "platform-1234567890.eu-west-1.elb.amazonaws.com",
    "zoneId": "Z32O12XQLNTSW2",
    "rulePriorities": {"from": 100, "to": 119},
}
DOMAIN = {"app": "lago.example.com", "api": "api.lago.example.com"}
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:lago-db-url-AbCdEf"


def aws_problems(aws: dict, provider: dict | None = None, **top) -> dict:
    """Every problem of an AWS stack file with ``lago:aws`` = ``aws`` in eu-west-1 (or ``provider``)."""
    provider = {"aws:region": "eu-west-1"} if provider is None else provider
    values = {"target": "aws", "aws": aws, **top}
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig(values, set(), "stacks/Pulumi.test.yaml", set(provider), provider), default_providers=True)
    assert "Traceback" not in str(caught.value)
    return {p.key: p for p in caught.value.problems}


def accepted(values: dict, provider: dict) -> None:
    validate(RawConfig(values, set(), "stacks/Pulumi.test.yaml", set(provider), provider), default_providers=True)


# -- class 1: region, partition, account ----------------------------------------------------------------


@pytest.mark.parametrize(
    "aws, top, key",
    [
        (
            {
                "network": VPC,
                "edge": {
                    "existing": {
                        **ALB,
                        "listenerArn": LISTENER.replace("eu-west-1", "us-east-1"),
                        "loadBalancerArn": BALANCER.replace("eu-west-1", "us-east-1"),
                    }
                },
            },
            {"domain": DOMAIN},
            "lago:aws.edge.existing.listenerArn",
        ),
        (
            {"services": {"existingCluster": f"arn:aws:ecs:eu-central-1:{ACCOUNT}:cluster/platform"}},
            {},
            "lago:aws.services.existingCluster",
        ),
        (
            {"services": {"existingNamespaceArn": f"arn:aws:servicediscovery:us-east-2:{ACCOUNT}:namespace/ns-abcdefghij123456"}},
            {},
            "lago:aws.services.existingNamespaceArn",
        ),
        (
            {"baseline": {"existingKmsKeyArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/12345678-1234-1234-1234-123456789012"}},
            {},
            "lago:aws.baseline.existingKmsKeyArn",
        ),
        (
            {"edge": {"certificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012"}},
            {"domain": DOMAIN},
            "lago:aws.edge.certificateArn",
        ),
        ({}, {"alerts": {"snsTopicArn": f"arn:aws:sns:us-west-2:{ACCOUNT}:pager"}}, "lago:alerts.snsTopicArn"),
        ({"database": {"existingUrlSecretArn": SECRET.replace("eu-west-1", "us-east-1")}}, {}, "lago:aws.database.existingUrlSecretArn"),
    ],
)
def test_a_brought_arn_of_another_region_is_refused_with_both_regions(aws, top, key):
    found = aws_problems(aws, **top)
    assert key in found, found
    assert "but the stack deploys to eu-west-1" in found[key].what and (
        "deploy the stack to" in found[key].fix or "replica" in found[key].fix
    )


def test_a_secret_of_another_region_is_told_to_replicate():
    found = aws_problems({"database": {"existingUrlSecretArn": SECRET.replace("eu-west-1", "eu-central-1")}})
    assert "Secrets Manager replicas" in found["lago:aws.database.existingUrlSecretArn"].fix


def test_a_brought_arn_of_another_partition_names_both_partitions():
    found = aws_problems(
        {"services": {"existingNamespaceArn": f"arn:aws-cn:servicediscovery:eu-west-1:{ACCOUNT}:namespace/ns-abcdefghij123456"}}
    )
    assert "aws-cn partition, and eu-west-1 is in aws" in found["lago:aws.services.existingNamespaceArn"].what


def test_the_pieces_of_the_deploying_account_must_share_one():
    aws = {"network": VPC, "edge": {"existing": ALB}, "services": {"existingCluster": f"arn:aws:ecs:eu-west-1:{OTHER}:cluster/platform"}}
    found = aws_problems(aws, domain=DOMAIN)
    assert (
        f"is in account {OTHER}, but lago:aws.edge.existing.listenerArn is in {ACCOUNT}" in found["lago:aws.services.existingCluster"].what
    )


@pytest.mark.parametrize(
    "provider, fragment",
    [
        ({"aws:region": "eu-west-1", "aws:allowedAccountIds": [OTHER]}, f"aws:allowedAccountIds pins the stack to {OTHER}"),
        ({"aws:region": "eu-west-1", "aws:forbiddenAccountIds": [ACCOUNT]}, "aws:forbiddenAccountIds lists"),
    ],
)
def test_accounts_the_stack_states_are_compared_with_each_arn(provider, fragment):
    found = aws_problems({"network": VPC, "edge": {"existing": ALB}}, provider, domain=DOMAIN)
    assert fragment in found["lago:aws.edge.existing.listenerArn"].what


def test_a_kms_key_of_another_account_is_allowed_and_pieces_in_the_region_pass():
    key = f"arn:aws:kms:eu-west-1:{OTHER}:key/12345678-1234-1234-1234-123456789012"
    accepted(
        {"target": "aws", "domain": DOMAIN, "aws": {"network": VPC, "edge": {"existing": ALB}, "baseline": {"existingKmsKeyArn": key}}},
        {"aws:region": "eu-west-1", "aws:allowedAccountIds": [ACCOUNT]},
    )


# -- class 1: pieces that refer to each other ---------------------------------------------------------


def test_the_listener_and_the_load_balancer_must_be_one_alb():
    other = BALANCER.replace("app/platform/50dc6c495c0c9188", "app/other/70dc6c495c0c9188")
    found = aws_problems({"network": VPC, "edge": {"existing": {**ALB, "loadBalancerArn": other}}}, domain=DOMAIN)
    problem = found["lago:aws.edge.existing.loadBalancerArn"]
    assert "listener belongs to platform" in problem.what and BALANCER in problem.fix


def test_the_dns_name_must_be_the_listeners_alb():
    found = aws_problems(
        {"network": VPC, "edge": {"existing": {**ALB, "dnsName": "other-1234567890.eu-west-1.elb.amazonaws.com"}}}, domain=DOMAIN
    )
    assert "ALB named other" in found["lago:aws.edge.existing.dnsName"].what


def test_the_alb_zone_must_be_the_canonical_zone_of_its_region():
    found = aws_problems({"network": VPC, "edge": {"existing": {**ALB, "zoneId": "Z0123456789EXAMPLE"}}}, domain=DOMAIN)
    assert found["lago:aws.edge.existing.zoneId"].fix.startswith("set it to Z32O12XQLNTSW2")


@pytest.mark.parametrize("zone", ["Z32O12XQLNTSW2", "Z35SXDOTRQ7X7K"])
def test_a_dns_zone_that_is_an_albs_canonical_zone_is_refused(zone):
    found = aws_problems({"edge": {"route53ZoneId": zone}}, domain=DOMAIN)
    assert "canonical hosted zone of the ALBs" in found["lago:aws.edge.route53ZoneId"].what


# -- class 1: a brought piece needs its network ----------------------------------------------------------


@pytest.mark.parametrize(
    "aws, key",
    [
        ({"edge": {"existing": ALB}}, "lago:aws.edge.existing"),
        (
            {"database": {"existing": {"host": "pg.abc.eu-west-1.rds.amazonaws.com", "adminSecretArn": SECRET}}},
            "lago:aws.database.existing",
        ),
        ({"redis": {"existing": {"queue": {"host": "master.platform.abc.euw1.cache.amazonaws.com"}}}}, "lago:aws.redis.existing"),
    ],
)
def test_aws_a_brought_piece_in_the_platforms_vpc_needs_that_vpc(aws, key):
    found = aws_problems(aws, domain=DOMAIN)
    assert "creates a VPC of its own" in found[key].what and "lago:aws.network.existing" in found[key].fix


GCP = {"gcp:project": "lago-test-1", "gcp:region": "europe-west1"}
NETWORK = {
    "existing": {
        "network": "projects/host-prj/global/networks/core",
        "subnetwork": "projects/host-prj/regions/europe-west1/subnetworks/run",
    }
}


def gcp_problems(gcp: dict, provider: dict = GCP, **top) -> dict:
    with pytest.raises(ConfigError) as caught:
        validate(
            RawConfig({"target": "gcp", "gcp": gcp, **top}, set(), "stacks/Pulumi.test.yaml", set(provider), provider),
            default_providers=True,
        )
    return {p.key: p for p in caught.value.problems}


@pytest.mark.parametrize(
    "gcp, key",
    [
        ({"database": {"existing": {"instance": "platform-pg", "privateIp": "10.9.0.5"}}}, "lago:gcp.database.existing"),
        ({"redis": {"existing": {"queue": {"host": "10.9.1.4", "tls": False}}}}, "lago:gcp.redis.existing"),
    ],
)
def test_gcp_a_brought_sql_or_memorystore_needs_the_platforms_network(gcp, key):
    found = gcp_problems(gcp)
    assert "network of its own, from which they are unreachable" in found[key].what


def test_gcp_the_subnetwork_is_in_the_region_and_of_the_networks_project():
    other_region = {"existing": {**NETWORK["existing"], "subnetwork": "projects/host-prj/regions/us-central1/subnetworks/run"}}
    assert (
        "is in us-central1, but Lago runs in europe-west1"
        in gcp_problems({"network": other_region})["lago:gcp.network.existing.subnetwork"].what
    )
    other_project = {"existing": {**NETWORK["existing"], "subnetwork": "projects/other-prj/regions/europe-west1/subnetworks/run"}}
    assert "network is host-prj's" in gcp_problems({"network": other_project})["lago:gcp.network.existing.subnetwork"].what
    # lago:gcp.region overrides the provider's: compared with it.
    assert (
        "but Lago runs in us-east1" in gcp_problems({"region": "us-east1", "network": NETWORK})["lago:gcp.network.existing.subnetwork"].what
    )
    # A Shared VPC (the host project's network, Lago in its own project) is fine.
    accepted({"target": "gcp", "gcp": {"network": NETWORK}}, GCP)


# -- the component compares with its own provider --------------------------------------------------------

AWS_PROGRAM = """
import pulumi
import pulumi_aws as aws
from lago_infra import LagoAws, LagoSettings

provider = aws.Provider("platform", region="us-west-2")
key = "arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012"
LagoAws("billing", LagoSettings(target="aws", aws={"baseline": {"existingKmsKeyArn": key}}), opts=pulumi.ResourceOptions(provider=provider))
"""
GCP_PROGRAM = """
import pulumi
import pulumi_gcp as gcp
from lago_infra import LagoGcp, LagoSettings

provider = gcp.Provider("platform", project="platform-prj", region="us-central1")
network = {"existing": {"network": "projects/host-prj/global/networks/core", "subnetwork": "projects/host-prj/regions/europe-west1/subnetworks/run"}}
LagoGcp("billing", LagoSettings(target="gcp", gcp={"network": network}), opts=pulumi.ResourceOptions(provider=provider))
"""


@pytest.mark.parametrize(
    "program, config, line",
    [
        (
            AWS_PROGRAM,
            "config:\n  aws:region: eu-west-1\n",
            "  - aws.baseline.existingKmsKeyArn: is in eu-west-1, but the stack deploys to us-west-2",
        ),
        (
            GCP_PROGRAM,
            "config:\n  gcp:project: lago-test-1\n  gcp:region: europe-west1\n",
            "  - gcp.network.existing.subnetwork: is in europe-west1, but Lago runs in us-central1",
        ),
    ],
)
def test_a_component_given_a_provider_compares_the_pieces_with_its_region(tmp_path, capsys, program, config, line):
    """Not the stack's region: the component's provider is what it deploys with."""
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(program))
    (tmp_path / "Pulumi.dev.yaml").write_text(config)
    assert main(["plan", "--project-dir", str(tmp_path), "--config", str(tmp_path / "Pulumi.dev.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid args of ") and line in err and "Traceback" not in err, err


def test_outputs_are_left_to_the_deployment(tmp_path):
    """An ARN known only while deploying (another resource's output) is not compared."""
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent("""
        import pulumi_aws as aws
        from lago_infra import LagoAws, LagoSettings
        key = aws.kms.Key("platform")
        LagoAws("billing", LagoSettings(target="aws", aws={"baseline": {"existingKmsKeyArn": key.arn}}))
    """)
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    plan = run_plan(config_file=tmp_path / "Pulumi.dev.yaml", project_dir=tmp_path)
    assert [r.name for r in plan.by_type("aws:kms/key:Key")] == ["platform"]  # the brought key, none of Lago's


# -- class 2: endpoints and secrets of the wrong kind ----------------------------------------------------


@pytest.mark.parametrize(
    "host, fragment, writer",
    [
        (
            "platform.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com",
            "Aurora reader endpoint",
            "platform.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com",
        ),
        (
            "reports.cluster-custom-abcdefghijkl.eu-west-1.rds.amazonaws.com",
            "Aurora custom endpoint",
            "reports.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com",
        ),
    ],
)
def test_a_reader_endpoint_where_lago_writes_is_refused_with_the_writer(host, fragment, writer):
    found = aws_problems({"network": VPC, "database": {"existing": {"host": host, "adminSecretArn": SECRET}}})
    problem = found["lago:aws.database.existing.host"]
    assert fragment in problem.what and problem.fix.endswith(writer)


@pytest.mark.parametrize(
    "host, fragment",
    [
        ("clustercfg.platform.abcdef.euw1.cache.amazonaws.com", "cluster-mode"),
        ("platform.abcdef.clustercfg.euw1.cache.amazonaws.com", "cluster-mode"),
        ("platform-abcdef.serverless.euw1.cache.amazonaws.com", "cluster-mode"),
        ("clustercfg.platform.abcdef.memorydb.eu-west-1.amazonaws.com", "cluster-mode"),
        ("replica.platform.abcdef.euw1.cache.amazonaws.com", "reader endpoint"),
        ("platform-ro.abcdef.ng.0001.euw1.cache.amazonaws.com", "reader endpoint"),
    ],
)
def test_a_cluster_mode_or_reader_redis_is_refused(host, fragment):
    found = aws_problems({"network": VPC, "redis": {"existing": {"queue": {"host": host}}}})
    assert fragment in found["lago:aws.redis.existing.queue.host"].what


@pytest.mark.parametrize(
    "host",
    ["master.platform.abcdef.euw1.cache.amazonaws.com", "platform.abcdef.ng.0001.euw1.cache.amazonaws.com", "10.0.3.17", "redis.internal"],
)
def test_a_primary_redis_endpoint_is_accepted(host):
    accepted({"target": "aws", "aws": {"network": VPC, "redis": {"existing": {"queue": {"host": host}}}}}, {"aws:region": "eu-west-1"})


def test_a_managed_master_user_secret_is_no_url_secret():
    rds = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:rds!db-0b1c2d3e-1234-5678-9abc-def012345678-AbCdEf"
    found = aws_problems({"database": {"existingUrlSecretArn": rds}})
    assert "holds JSON (username and password), not the postgresql:// URL" in found["lago:aws.database.existingUrlSecretArn"].what


def test_aws_one_redis_for_queue_and_cache_is_refused():
    endpoint = {"host": "master.platform.abcdef.euw1.cache.amazonaws.com"}
    found = aws_problems({"network": VPC, "redis": {"existing": {"queue": endpoint, "cache": endpoint}}}, redis={"separateCache": True})
    assert "database 1 of the queue Redis" in found["lago:aws.redis.existing.cache"].fix


def test_gcp_one_redis_for_queue_and_cache_is_refused():
    redis = {"existing": {"queue": {"host": "10.9.1.4", "tls": False}, "cache": {"host": "10.9.1.4", "port": 6379, "tls": False}}}
    found = gcp_problems({"network": NETWORK, "redis": redis}, redis={"separateCache": True})
    assert "is the queue's Redis" in found["lago:gcp.redis.existing.cache"].what


@pytest.mark.parametrize(
    "cidr, replicas, fix",
    [
        # Six Cloud Run resources (api, worker, front, pdf, clock, migrate) take a block of 16
        # each at least: 96 addresses, more than a /26 (Cloud Run's own minimum) holds.
        ("10.20.0.0/27", 1, "a /25 or larger"),
        ("10.20.0.0/26", 8, "a /25 or larger"),
        # 4 x 13 blocks for 100 instances each, and 2 for clock and migrate: 864 addresses.
        ("10.20.0.0/24", 100, "a /22 or larger"),
    ],
)
def test_gcp_a_subnet_cloud_run_cannot_fit_in_is_refused(cidr, replicas, fix):
    roles = {role: {"replicas": 1, "maxReplicas": replicas} for role in ("api", "worker", "front", "pdf")}
    found = gcp_problems({"network": {"subnetCidr": cidr}}, roles=roles)
    problem = found["lago:gcp.network.subnetCidr"]
    assert "16 at a time" in problem.what and problem.fix.startswith(f"give {fix}"), problem


@pytest.mark.parametrize("preset", ["dev", "prod"])
def test_the_default_subnet_holds_each_preset(preset):
    accepted({"target": "gcp", "preset": preset, "protection": {"acknowledgeDataLoss": True}}, GCP)


@pytest.mark.parametrize("network", ["bridge", "host", "none"])
def test_dockers_own_networks_are_refused(network, tmp_path, capsys):
    path = tmp_path / "Pulumi.adhoc.yaml"
    path.write_text(json.dumps({"config": {"lago:target": "local", "lago:local": {"existingNetwork": network}}}))
    assert main(["plan", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"  - lago:local.existingNetwork: is Docker's own '{network}' network" in err and "docker network create" in err


def test_a_stack_file_with_pieces_of_another_region_exits_2_with_every_problem(tmp_path, capsys):
    """End to end: the CLI, one message, each key."""
    path = tmp_path / "Pulumi.adhoc.yaml"
    path.write_text(
        json.dumps(
            {
                "config": {
                    "aws:region": "eu-west-1",
                    "lago:target": "aws",
                    "lago:domain": DOMAIN,
                    "lago:aws": {"edge": {"existing": {**ALB, "listenerArn": LISTENER.replace("eu-west-1", "us-east-1")}}},
                }
            }
        )
    )
    assert main(["plan", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    keys = [line.split(": ", 1)[0].strip(" -") for line in err.splitlines() if line.startswith("  - ")]
    assert keys == [
        "lago:aws.edge.existing",
        "lago:aws.edge.existing.loadBalancerArn",
        "lago:aws.edge.existing.dnsName",
        "lago:aws.edge.existing.listenerArn",
    ], err
