"""The offline plan says what the engine will: URNs as the engine writes them (users copy them into
``pulumi up --replace`` and ``pulumi state unprotect``), ARNs as AWS forms them, ids where the
cloud gives one."""

from __future__ import annotations

import pytest

from lago_infra.plan import run_plan
from lago_infra.plan.monitor import STACK_TYPE
from lago_infra.targets.aws import limits

from .conftest import STACKS


def test_a_urn_carries_the_whole_parent_type_chain(plan_of):
    plan = plan_of("aws-prod")
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert vpc.urn == f"urn:pulumi:aws-prod::lago::lago:aws:LagoAws$lago:aws:Network$aws:ec2/vpc:Vpc::{vpc.name}"
    # The component the program builds at the top: its parent is the stack, whose type no URN holds.
    assert plan.one("lago:aws:LagoAws").urn == "urn:pulumi:aws-prod::lago::lago:aws:LagoAws::lago"


@pytest.mark.parametrize("stack", STACKS)
def test_every_urn_is_its_parents_qualified_type_then_its_own(plan_of, stack):
    """pulumi/pulumi, sdk/go/common/resource/urn.go (NewURN): the parent's qualified type, ``$``,
    the type; nothing of the root stack's type."""
    plan = plan_of(stack)
    by_urn = {r.urn: r for r in plan.resources}
    for r in plan.resources:
        if r.type == STACK_TYPE:
            continue
        parent = by_urn[r.parent]
        prefix = "" if parent.type == STACK_TYPE else parent.urn.split("::")[2] + "$"
        assert r.urn == f"urn:pulumi:{stack}::lago::{prefix}{r.type}::{r.name}", r.urn
        assert STACK_TYPE not in r.urn.split("::")[2]


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_iam_arns_carry_no_region_and_name_the_role_or_policy(plan_of, stack):
    """IAM is global (IAM User Guide, "IAM identifiers"): ``arn:aws:iam::ACCOUNT:role/NAME``."""
    plan = plan_of(stack)
    iam = [r for r in plan.resources if r.type in ("aws:iam/role:Role", "aws:iam/policy:Policy")]
    assert iam
    for r in iam:
        state = plan.states[r.urn]
        parts = limits.ARN.match(state["arn"])
        assert parts and parts["service"] == "iam" and parts["region"] == "", state["arn"]
        kind = r.type.rsplit(":", 1)[-1].lower()
        assert parts["resource"] == f"{kind}/{state['name']}", state["arn"]
    # What reads a role's ARN reads the global form too (a task definition's task role).
    roles = {plan.states[r.urn]["arn"] for r in iam}
    task_roles = {t.inputs["taskRoleArn"] for t in plan.by_type("aws:ecs/taskDefinition:TaskDefinition") if "taskRoleArn" in t.inputs}
    assert task_roles and task_roles <= roles


ZONE_PROGRAM = """
import pulumi
import pulumi_aws as aws

zone = aws.route53.Zone("platform", name="platform.example.com")
aws.route53.Record("www", zone_id=zone.zone_id, name="www.platform.example.com", type="CNAME", ttl=300, records=["example.com"])
pulumi.export("zone", zone.id)
pulumi.export("name_servers", zone.name_servers)
"""


def test_a_hosted_zone_the_program_creates_has_a_route53_zone_id(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(ZONE_PROGRAM)
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    plan = run_plan(config_file=tmp_path / "Pulumi.dev.yaml", project_dir=tmp_path, prevalidate=False)
    zone = plan.states[plan.one("aws:route53/zone:Zone").urn]
    assert limits.ROUTE53_ZONE_ID.match(zone["zoneId"]) and plan.outputs["zone"] == zone["zoneId"]
    assert zone["arn"] == f"arn:aws:route53:::hostedzone/{zone['zoneId']}"
    assert len(plan.outputs["name_servers"]) == 4
    assert plan.one("aws:route53/record:Record").inputs["zoneId"] == zone["zoneId"]
