"""What the offline plan cannot see is said, not ignored (issue 22, class 7): a stack file that
imports Pulumi ESC environments is refused with the way to plan it, and planned with the
stack's resolved config (``pulumi config --open --json``, secrets left out) when given."""

from __future__ import annotations

import json

import pytest

from lago_infra.__main__ import main
from lago_infra.config.source import StackFileError
from lago_infra.plan import run_plan


def stack(tmp_path, environment, config: dict | None = None):
    path = tmp_path / "Pulumi.prod.yaml"
    doc = {"environment": environment, "config": config if config is not None else {"lago:target": "local"}}
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    "environment, named",
    [
        (["platform/lago-prod"], "platform/lago-prod"),
        (["aws-creds", "platform/lago-prod"], "aws-creds, platform/lago-prod"),
        ({"imports": ["platform/lago-prod"]}, "platform/lago-prod"),
        ({"values": {"pulumiConfig": {"lago:preset": "prod"}}}, "(inline)"),
    ],
)
def test_a_stack_file_with_environments_is_refused_with_the_way_to_plan_it(tmp_path, capsys, environment, named):
    path = stack(tmp_path, environment)
    assert main(["plan", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "imports the Pulumi ESC environment" in err and named in err
    assert "pulumi config --stack prod --open --json > prod.config.json" in err and "--resolved-config prod.config.json" in err
    assert "Traceback" not in err


def resolved(tmp_path, entries: dict):
    path = tmp_path / "prod.config.json"
    path.write_text(json.dumps(entries))
    return path


def test_the_resolved_config_gives_the_plan_the_environments_values(tmp_path, capsys):
    path = stack(tmp_path, ["platform/lago-prod"], {"lago:target": "local", "lago:local": {"frontPort": 8080}})
    values = resolved(
        tmp_path,
        {
            "lago:target": {"value": "local", "secret": False},
            "lago:local": {"value": '{"frontPort":8080}', "objectValue": {"frontPort": 8080}, "secret": False},
            # Set by the environment only.
            "lago:version": {"value": "v1.50.0", "secret": False},
            "lago:webhookAttempts": {"value": "5", "secret": False},
            "lago:license": {"secret": True},
        },
    )
    plan = run_plan(config_file=path, resolved_config=values)
    assert plan.roles["api"]["image"] == "getlago/api:v1.50.0"
    assert plan.roles["api"]["env"]["LAGO_WEBHOOK_ATTEMPTS"] == "5"
    # The secret the JSON leaves out is a placeholder, treated as the secret it is.
    assert plan.roles["api"]["env"]["LAGO_LICENSE"] == "[secret]"
    assert main(["plan", "--config", str(path), "--resolved-config", str(values)]) == 0
    capsys.readouterr()


def test_the_stack_files_own_keys_win_over_the_resolved_file(tmp_path):
    path = stack(tmp_path, ["platform/lago-prod"], {"lago:target": "local", "lago:version": "v1.51.0"})
    values = resolved(tmp_path, {"lago:version": {"value": "v1.49.0", "secret": False}})
    assert run_plan(config_file=path, resolved_config=values).roles["api"]["image"] == "getlago/api:v1.51.0"


@pytest.mark.parametrize(
    "content, fragment",
    [
        ({"lago:organization": {"secret": True, "objectValue": None}}, "secret structured value"),
        ("not json", "not the JSON"),
        (["a", "list"], "a mapping of keys"),
    ],
)
def test_a_resolved_file_the_plan_cannot_use_is_said(tmp_path, content, fragment):
    path = stack(tmp_path, ["platform/lago-prod"])
    values = tmp_path / "prod.config.json"
    values.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(StackFileError) as caught:
        run_plan(config_file=path, resolved_config=values)
    assert fragment in str(caught.value)


def test_a_stack_file_without_environments_plans_as_before(tmp_path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(json.dumps({"config": {"lago:target": "local"}}))
    assert run_plan(config_file=path).target == "local"
