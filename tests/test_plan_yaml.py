"""The offline plan of a Pulumi YAML program: its lago-infra components constructed through the
component package, its config read as Pulumi YAML reads it, and one clear message for what it
cannot run."""

from __future__ import annotations

import json
import textwrap

import pytest

from lago_infra.plan import ProgramFailed, run_plan

from .conftest import PROJECT_DIR


def _program(tmp_path, body: str, config: str = "config: {}\n"):
    (tmp_path / "Pulumi.yaml").write_text("name: yaml-test\nruntime: yaml\n" + textwrap.dedent(body))
    (tmp_path / "Pulumi.dev.yaml").write_text(config)
    return tmp_path


def test_the_yaml_example_plans_with_its_stack_file():
    project = PROJECT_DIR / "examples" / "platform-yaml"
    plan = run_plan(project_dir=project)
    assert (plan.project, plan.stack, plan.target) == ("billing-platform-yaml", "dev", "aws")
    component = plan.one("lago-infra:index:LagoAws")
    assert plan.one("lago:aws:LagoAws").parent == component.urn
    # The platform's pieces come from the stack file's config, none created.
    rules = plan.by_type("aws:lb/listenerRule:ListenerRule")
    assert rules and all(r.inputs["listenerArn"].endswith("listener/app/platform/0123456789abcdef/0123456789abcdef") for r in rules)
    assert plan.by_type("aws:ec2/vpc:Vpc") == [] and plan.by_type("aws:ecs/cluster:Cluster") == []
    assert plan.outputs["lagoUrl"] == "https://billing.example.com"
    # The admin password is a secure: value, so a secret: its placeholder never shows.
    assert "set-with-pulumi-config-set-secret" not in json.dumps(plan.to_json())


def test_config_defaults_and_references_inside_strings(tmp_path):
    project = _program(
        tmp_path,
        """
        config:
          port:
            type: integer
            default: 8081
        resources:
          billing:
            type: lago-infra:index:LagoDocker
            properties:
              local: {frontPort: "${port}", apiPort: 3001}
        outputs:
          login: ${billing.frontUrl}/login
        """,
    )
    plan = run_plan(project_dir=project)
    assert plan.outputs["login"] == "http://localhost:8081/login"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            """
            resources:
              vpc:
                type: aws:ec2:Vpc
                properties: {cidrBlock: 10.0.0.0/16}
            """,
            "resource 'vpc' is a aws:ec2:Vpc: the offline plan of a YAML program runs the lago-infra components only",
        ),
        (
            """
            config:
              vpcId: {type: string}
            resources:
              billing:
                type: lago-infra:index:LagoDocker
            """,
            "config 'vpcId' is required and the stack sets no value. Fix: pulumi config set vpcId VALUE",
        ),
        (
            """
            variables:
              x: 1
            """,
            "`variables:` is not run by the offline plan",
        ),
        (
            """
            resources:
              billing:
                type: lago-infra:index:LagoDocker
                properties: {runtime: sometimes}
            """,
            "Invalid args of LagoDocker 'billing'",
        ),
    ],
    ids=["other-package", "missing-config", "variables", "bad-input"],
)
def test_what_it_cannot_run_or_refuses_is_one_message(tmp_path, body, said):
    project = _program(tmp_path, body)
    with pytest.raises(ProgramFailed) as caught:
        run_plan(project_dir=project)
    assert said in str(caught.value) and "Traceback" not in str(caught.value)
