"""Stack config: typed, preset-driven, and one clear message for every bad key."""

import subprocess
import sys

import pytest
import yaml

from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.plan import ProgramFailed, run_plan

from .conftest import PROJECT_DIR


def problems(values, secret_keys=()):
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig(values, set(secret_keys), "stacks/Pulumi.test.yaml"))
    return {p.key: p for p in caught.value.problems}, str(caught.value)


def test_presets_give_safe_defaults_that_a_stack_overrides():
    dev = validate(RawConfig({"target": "local"}))
    prod = validate(RawConfig({"target": "local", "preset": "prod", "roles": {"api": {"maxReplicas": 9}}}))
    assert (dev.roles.api.replicas, dev.protection.protect, dev.redis.separate_cache) == (1, False, False)
    assert (prod.roles.api.replicas, prod.roles.api.max_replicas) == (2, 9)
    assert prod.protection.deletion_protection and prod.protection.protect and prod.redis.separate_cache


def test_every_bad_key_is_listed_with_file_key_and_fix():
    found, message = problems(
        {
            "target": "local",
            "roles": {"api": {"replics": 3, "cpu": 3}},
            "workers": {"dedicated": ["pdf"]},
            "env": {"REDIS_URL": "x", "LAGO_LOG_LEVL": "debug"},
            "webhookAttempts": "many",
        }
    )
    assert message.startswith("Invalid stack configuration in stacks/Pulumi.test.yaml")
    assert "nothing was created" in message
    assert set(found) >= {
        "lago:roles.api.replics",
        "lago:roles.api.cpu",
        "lago:workers.dedicated",
        "lago:env.REDIS_URL",
        "lago:env.LAGO_LOG_LEVL",
        "lago:webhookAttempts",
    }
    assert "did you mean 'replicas'" in found["lago:roles.api.replics"].fix
    assert "did you mean 'pdfs'" in found["lago:workers.dedicated"].fix
    assert "LAGO_LOG_LEVEL" in found["lago:env.LAGO_LOG_LEVL"].fix
    assert all(p.fix for p in found.values())


def test_a_second_clock_is_refused():
    found, _ = problems({"target": "local", "roles": {"clock": {"replicas": 2}}})
    assert "exactly once" in found["lago:roles.clock"].what


def test_prod_without_protection_needs_an_explicit_acknowledgement():
    found, _ = problems({"target": "aws", "preset": "prod", "protection": {"deletionProtection": False}})
    assert "acknowledgeDataLoss" in next(iter(found.values())).fix
    validate(RawConfig({"target": "local", "preset": "prod", "protection": {"protect": False, "acknowledgeDataLoss": True}}))


def test_secrets_written_in_plain_text_are_refused_without_echoing_them():
    found, message = problems({"target": "local", "smtp": {"address": "smtp.x", "fromEmail": "a@x", "password": "hunter2"}})
    assert "--secret" in found["lago:smtp.password"].fix
    assert "hunter2" not in message
    # The same value from a secure: key is accepted.
    validate(RawConfig({"target": "local", "smtp": {"address": "smtp.x", "fromEmail": "a@x", "password": "hunter2"}}, {"smtp"}))


def test_variables_owned_by_typed_keys_or_holding_credentials_cannot_go_through_env():
    found, _ = problems({"target": "local", "env": {"LAGO_SMTP_ADDRESS": "x", "LAGO_KAFKA_PASSWORD": "x"}})
    assert "lago:smtp" in found["lago:env.LAGO_SMTP_ADDRESS"].fix
    assert "lago:secretEnv" in found["lago:env.LAGO_KAFKA_PASSWORD"].fix


def test_another_targets_section_and_public_sidekiq_web_are_refused():
    found, _ = problems({"target": "aws", "gcp": {"project": "x"}})
    # Said once, for the section itself, not buried under the gcp section's own missing keys.
    assert list(found) == ["lago:gcp"]
    assert "settings for the gcp target, but this stack's lago:target is aws" in found["lago:gcp"].what
    assert "the aws target reads lago:aws" in found["lago:gcp"].fix
    found, _ = problems({"target": "gcp", "features": {"sidekiqWeb": True}})
    assert any("unauthenticated /sidekiq" in p.what for p in found.values())


def test_pools_below_threads_or_concurrency_are_refused():
    found, _ = problems({"target": "local", "api": {"threads": 5}, "database": {"pool": {"web": 3}}})
    assert "(3) is below api.threads (5)" in found["lago:database.pool.web"].what


def write(tmp_path, config, name="Pulumi.broken.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def test_cli_reports_a_broken_stack_file_without_traceback(tmp_path):
    path = write(tmp_path, {"lago:target": "lokal", "lago:roles": {"clock": {"replicas": 2}}})
    run = subprocess.run(
        [sys.executable, "-m", "lago_infra", "plan", "--config", str(path)], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert str(path) in run.stderr
    assert "lago:target" in run.stderr and "Fix:" in run.stderr


def test_missing_or_malformed_stack_files_are_clear(tmp_path):
    with pytest.raises(Exception, match="no such stack file"):
        run_plan(config_file=tmp_path / "Pulumi.none.yaml")
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config: [1, 2")
    run = subprocess.run(
        [sys.executable, "-m", "lago_infra", "plan", "--config", str(bad)], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert run.returncode != 0 and "not valid YAML" in run.stderr and "Traceback" not in run.stderr


def test_the_program_itself_stops_before_registering_anything(tmp_path):
    """Under a real engine there is no pre-check: the program must refuse on its own."""
    path = write(tmp_path, {"lago:target": "local", "lago:roles": {"clock": {"replicas": 2}}})
    with pytest.raises(ProgramFailed) as caught:
        run_plan(config_file=path, prevalidate=False)
    assert "lago:roles.clock" in str(caught.value)
    assert [r.type for r in caught.value.registrations] == ["pulumi:pulumi:Stack"]


def test_bad_config_registers_nothing(tmp_path, monkeypatch):
    from lago_infra.plan import runner

    created = []
    monkeypatch.setattr(runner, "RecordingMonitor", lambda *a: created.append(a) or None)
    with pytest.raises(ConfigError):
        run_plan(config_file=write(tmp_path, {"lago:target": "local", "lago:preset": "staging"}))
    assert created == []
