"""Mistakes made in Python get a stack file's treatment: one message naming where the input came
from (the component's args, or the settings class built), each key, what is wrong and the fix;
exit 2 from the offline plan; never "a bug in lago-infra" (exit 1) or a traceback. The error is a
``pulumi.RunError``, which the real engine also reports without a traceback."""

from __future__ import annotations

import textwrap

import pulumi
import pytest

from lago_infra.__main__ import main
from lago_infra.config import ConfigError, LagoSettings
from lago_infra.targets.aws.settings import ExistingVpc

AWS = "config:\n  aws:region: eu-west-1\n"


def plan_program(tmp_path, capsys, program: str, config: str = AWS) -> tuple[int, str]:
    """Plan a program of one's own with the CLI; its exit code and what it printed on stderr."""
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(program))
    (tmp_path / "Pulumi.dev.yaml").write_text(config)
    code = main(["plan", "--project-dir", str(tmp_path), "--config", str(tmp_path / "Pulumi.dev.yaml")])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "a bug in lago-infra" not in err, err
    return code, err


@pytest.mark.parametrize(
    "call, component",
    [
        ('LagoAws("billing", {"target": "aws"})', "LagoAws"),
        ('LagoLocal("billing", {"target": "local", "local": {"frontPort": 8080}})', "LagoLocal"),
        # The name it had: the same class, which says its name.
        ('LagoDocker("billing", {"target": "local"})', "LagoLocal"),
        ('LagoGcp("billing", [("target", "gcp")])', "LagoGcp"),
    ],
)
def test_a_mapping_where_settings_go_names_the_argument_and_the_fix(tmp_path, capsys, call, component):
    code, err = plan_program(tmp_path, capsys, f"from lago_infra import LagoAws, LagoDocker, LagoGcp, LagoLocal\n{call}\n")
    assert code == 2
    assert err.startswith(f"Invalid args of {component} 'billing' (1 problem)"), err
    assert "  - settings: is a" in err and "not LagoSettings" in err and "LagoSettings.model_validate(" in err


def test_a_name_and_options_of_the_wrong_kind_are_said_with_the_settings(tmp_path, capsys):
    code, err = plan_program(tmp_path, capsys, 'from lago_infra import LagoLocal\nLagoLocal("", {"target": "local"}, {"protect": True})\n')
    assert code == 2 and "(3 problems)" in err
    assert "  - name: is ''" in err and "  - settings: is a mapping" in err and "  - opts: is dict, not pulumi.ResourceOptions" in err


@pytest.mark.parametrize(
    "platform, key, given, attribute",
    [
        ('vpc = aws.ec2.Vpc("platform", cidr_block="10.1.0.0/16")', "aws.network.existing.vpcId", "vpc", "id"),
        ('zone = aws.route53.Zone("platform", name="example.com")', "aws.edge.route53ZoneId", "zone", "zone_id"),
        ('key = aws.kms.Key("platform")', "aws.baseline.existingKmsKeyArn", "key", "arn"),
    ],
)
def test_a_resource_where_its_id_goes_names_the_output_to_pass(tmp_path, capsys, platform, key, given, attribute):
    values = {
        "aws.network.existing.vpcId": '{"network": {"existing": {"vpcId": vpc, "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"], "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"]}}}',
        "aws.edge.route53ZoneId": '{"edge": {"route53ZoneId": zone}}',
        "aws.baseline.existingKmsKeyArn": '{"baseline": {"existingKmsKeyArn": key}}',
    }[key]
    program = f"""
        import pulumi_aws as aws
        from lago_infra import LagoAws, LagoSettings
        {platform}
        LagoAws("billing", LagoSettings.model_validate({{"target": "aws", "aws": {values}}}))
    """
    code, err = plan_program(tmp_path, capsys, program)
    assert code == 2
    assert err.startswith("Invalid LagoSettings built in Python (1 problem)"), err
    assert f"  - {key}: is the " in err and "resource 'platform' itself" in err and f"Fix: pass its .{attribute}" in err


def test_a_missing_required_field_names_the_field(tmp_path, capsys):
    program = """
        from lago_infra import LagoAws, LagoSettings
        from lago_infra.targets.aws.settings import AwsSettings, ExistingVpc, Network
        LagoAws("billing", LagoSettings(target="aws", aws=AwsSettings(network=Network(existing=ExistingVpc(vpc_id="vpc-0123456789abcdef0")))))
    """
    code, err = plan_program(tmp_path, capsys, program)
    assert code == 2
    assert err.startswith("Invalid ExistingVpc built in Python (2 problems)"), err
    assert "  - publicSubnetIds: field required. Fix: set the input publicSubnetIds" in err
    assert "  - privateSubnetIds: field required" in err


def test_missing_fields_of_a_mapping_are_named_from_the_root():
    with pytest.raises(ConfigError) as caught:
        LagoSettings.model_validate({"target": "aws", "domain": {"app": "lago.example.com"}})
    assert [p.key for p in caught.value.problems] == ["lago:domain.api"]
    assert "  - domain.api: field required" in str(caught.value)


@pytest.mark.parametrize(
    "build, key, fragment",
    [
        ('LagoSettings.model_validate({"target": "aws", "roles": {"api": {"cpu": 3}}})', "roles.api.cpu", "3.0 vCPU is not a size"),
        ('LagoSettings(target="aws", webhook_attempts="many")', "webhookAttempts", "valid integer"),
        ('LagoSettings(target="aws", roles={"clock": {"replicas": 2}})', "roles.clock", "exactly once"),
        ('LagoSettings(target="aws", tpyo=1)', "tpyo", "unknown key"),
    ],
)
def test_pydantic_errors_while_building_settings_are_one_clear_message(tmp_path, capsys, build, key, fragment):
    code, err = plan_program(tmp_path, capsys, f"from lago_infra import LagoAws, LagoSettings\nLagoAws('billing', {build})\n")
    assert code == 2
    assert err.startswith("Invalid LagoSettings built in Python"), err
    assert f"  - {key}: " in err and fragment in err and "Fix: " in err


def test_an_output_where_a_plain_value_is_needed_says_why(tmp_path, capsys):
    program = """
        import pulumi_aws as aws
        from lago_infra import LagoAws, LagoSettings
        zone = aws.route53.Zone("platform", name="example.com")
        LagoAws("billing", LagoSettings(target="aws", domain={"app": zone.name, "api": "api.example.com"}))
    """
    code, err = plan_program(tmp_path, capsys, program)
    assert code == 2
    assert "  - domain.app: is a pulumi.Output" in err and "give it as a plain value" in err


def test_a_setting_a_component_refuses_names_its_args_not_a_stack_file(tmp_path, capsys):
    """Found by the component itself (here the provider's region), in a program of one's own."""
    program = "from lago_infra import LagoAws, LagoSettings\nLagoAws('billing', LagoSettings(target='aws'))\n"
    code, err = plan_program(tmp_path, capsys, program, config="config:\n  aws:region: eu-atlantis-1\n")
    assert code == 2
    assert err.startswith("Invalid args of LagoAws 'billing' (1 problem)"), err
    assert "  - aws:region: 'eu-atlantis-1' is not an AWS region" in err and "Pulumi.dev.yaml" not in err


def test_the_hosted_component_used_from_python_names_its_args(tmp_path, capsys):
    program = "from lago_infra.package.hosted import LagoAws\nLagoAws('billing', {'roles': {'api': {'cpu': 3}}})\n"
    code, err = plan_program(tmp_path, capsys, program)
    assert code == 2
    assert err.startswith("Invalid args of LagoAws 'billing' (1 problem)"), err
    assert "  - roles.api.cpu: 3.0 vCPU" in err and "lago:" not in err


def test_the_errors_are_run_errors_the_engine_reports_without_a_traceback():
    """Pulumi's language host prints a RunError's message alone (pulumi.errors.RunError); any
    other exception gets the program's traceback."""
    with pytest.raises(pulumi.RunError) as caught:
        ExistingVpc(vpc_id="vpc-x", public_subnet_ids=[], private_subnet_ids=[])
    assert isinstance(caught.value, ConfigError) and isinstance(caught.value, ValueError)
    # Keys as the program spelt them.
    assert {p.key for p in caught.value.problems} == {"lago:vpc_id", "lago:public_subnet_ids", "lago:private_subnet_ids"}
