"""Every problem in one round: the target's checks return every problem they find, and the checks
that need only the settings run in the same round as every other key, so one message lists them
all (a closed sign-up without a first admin and a size Fargate does not offer, together)."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from lago_infra.__main__ import main
from lago_infra.config import ConfigError, LagoSettings
from lago_infra.config.errors import SettingError
from lago_infra.targets.aws import checks as aws_checks
from lago_infra.targets.gcp import preflight


def plan_file(tmp_path, capsys, config: dict) -> tuple[int, str]:
    path = tmp_path / "Pulumi.adhoc.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    code = main(["plan", "--config", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def problem_keys(message: str) -> list[str]:
    return [line.split(": ", 1)[0].removeprefix("  - ") for line in message.splitlines() if line.startswith("  - ")]


def test_aws_a_closed_sign_up_and_sizes_fargate_refuses_are_one_message(tmp_path, capsys):
    code, err = plan_file(
        tmp_path,
        capsys,
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:features": {"signup": False},
            "lago:roles": {"api": {"cpu": 0.25, "memory": 4096}, "worker": {"cpu": 4, "memory": 1024}},
            "lago:tags": {"aws:owner": "x"},
        },
    )
    assert code == 2
    assert "(4 problems)" in err.splitlines()[0]
    assert problem_keys(err) == ["lago:organization", "lago:roles.api.memory", "lago:roles.worker.memory", "lago:tags.aws:owner"]


def test_gcp_every_size_and_label_google_refuses_is_one_message(tmp_path, capsys):
    code, err = plan_file(
        tmp_path,
        capsys,
        {
            "gcp:project": "lago-test-1",
            "gcp:region": "europe-west1",
            "lago:target": "gcp",
            "lago:roles": {"api": {"cpu": 4, "memory": 512}, "worker": {"cpu": 8, "memory": 1024}},
            "lago:tags": {"app": "x", "Cost Center": "y"},
            "lago:gcp": {
                "run": {"autoscaleWorkers": False},
                "redis": {"existing": {"queue": {"host": "10.0.0.3", "tls": False}, "cache": {"host": "10.0.0.4", "tls": False}}},
            },
        },
    )
    assert code == 2
    assert set(problem_keys(err)) == {
        "lago:roles.api.memory",
        "lago:roles.worker.memory",
        "lago:tags.app",
        "lago:tags.Cost Center",
        "lago:gcp.redis.existing.cache",
        "lago:gcp.redis.existing",  # and the network it needs
    }


def test_gcp_placement_problems_are_one_message(tmp_path, capsys):
    """No project, no region: both said at once (each was a round of its own)."""
    code, err = plan_file(tmp_path, capsys, {"lago:target": "gcp"})
    assert code == 2
    assert problem_keys(err) == ["gcp:project", "gcp:region"]


def test_aws_placement_problems_are_one_message(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent("""
        from lago_infra import LagoAws, LagoSettings
        LagoAws("billing-platform-production", LagoSettings(target="aws"))
    """)
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-atlantis-1\n")
    code = main(["plan", "--project-dir", str(tmp_path), "--config", str(tmp_path / "Pulumi.dev.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert problem_keys(err) == ["name", "aws:region"]


def test_settings_built_in_python_list_the_target_problems_with_the_others():
    with pytest.raises(ConfigError) as caught:
        LagoSettings(target="aws", features={"signup": False}, roles={"api": {"cpu": 0.25, "memory": 4096}})
    assert [p.key for p in caught.value.problems] == ["lago:organization", "lago:roles.api.memory"]


@pytest.mark.parametrize("target", ["aws", "gcp"])
def test_the_checks_return_every_problem_rather_than_raise_the_first(target):
    """The functions themselves: a list, or a SettingError carrying them all."""
    settings = LagoSettings.model_construct(**LagoSettings(target=target).__dict__)
    settings.roles.api.memory, settings.roles.worker.memory = 100_000, 100_000
    module = aws_checks if target == "aws" else preflight
    found = module.settings_problems(settings)
    assert {p.key for p in found} >= {"lago:roles.api.memory", "lago:roles.worker.memory"}
    with pytest.raises(SettingError) as caught:
        if target == "aws":
            aws_checks.check(settings, "eu-atlantis-1", "x" * 40)
        else:
            preflight.check(settings, None, None, name="x" * 40)
    assert len(caught.value.problems) >= 2
