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
    found, message = problems({"target": "local", "smtp": {"address": "smtp.x", "fromEmail": "a@x.test", "password": "hunter2"}})
    assert "--secret" in found["lago:smtp.password"].fix
    assert "hunter2" not in message
    # The same value from a secure: key is accepted.
    validate(RawConfig({"target": "local", "smtp": {"address": "smtp.x", "fromEmail": "a@x.test", "password": "hunter2"}}, {"smtp"}))


def test_variables_owned_by_typed_keys_or_holding_credentials_cannot_go_through_env():
    found, _ = problems({"target": "local", "env": {"LAGO_SMTP_ADDRESS": "x", "STRIPE_API_KEY": "x"}})
    assert "lago:smtp" in found["lago:env.LAGO_SMTP_ADDRESS"].fix
    assert "lago:secretEnv" in found["lago:env.STRIPE_API_KEY"].fix


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


def test_a_range_error_states_the_range_and_a_valid_example():
    found, _ = problems({"target": "local", "roles": {"api": {"replicas": 500}}, "database": {"version": 14}})
    replicas = found["lago:roles.api.replicas"]
    assert "must be from 1 to 100 (got 500)" in replicas.what
    assert "pulumi config set --path lago:roles.api.replicas 1" in replicas.fix
    assert "from 15 to 17" in found["lago:database.version"].what and "database.version 16" in found["lago:database.version"].fix


def test_snake_and_camel_spellings_are_one_key_over_the_presets():
    prod = validate(RawConfig({"target": "local", "preset": "prod", "roles": {"api": {"max_replicas": 9}}}))
    assert (prod.roles.api.replicas, prod.roles.api.max_replicas) == (2, 9)
    found, _ = problems({"target": "local", "roles": {"api": {"max_replicas": 9, "maxReplicas": 3}}})
    assert "given twice, as 'max_replicas' and 'maxReplicas'" in found["lago:roles.api.maxReplicas"].what


def test_a_plain_text_secret_is_reported_with_the_other_problems():
    found, _ = problems({"target": "local", "license": "abc", "roles": {"api": {"replicas": 0}}, "webhookAttempts": "x"})
    assert {"lago:license", "lago:roles.api.replicas", "lago:webhookAttempts"} <= set(found)


def test_model_level_rules_name_the_key_they_are_about():
    found, _ = problems({"target": "aws", "preset": "prod", "protection": {"protect": False, "deletionProtection": False}})
    assert {"lago:protection.protect", "lago:protection.deletionProtection"} <= set(found)
    found, _ = problems({"target": "gcp", "features": {"sidekiqWeb": True}})
    assert "lago:features.sidekiqWeb" in found
    assert all("::" not in k and k != "lago:" for k in found)


def test_a_domain_in_another_script_is_refused_with_its_punycode_form():
    found, message = problems({"target": "aws", "domain": {"app": "lago.bücher.de", "api": "api.bücher.de"}})
    assert "write its punycode form, lago.xn--bcher-kva.de" in found["lago:domain.app"].fix
    assert "api.xn--bcher-kva.de" in found["lago:domain.api"].fix
    ok = validate(RawConfig({"target": "aws", "domain": {"app": "lago.xn--bcher-kva.de", "api": "api.xn--bcher-kva.de"}}))
    assert ok.domain.app == "lago.xn--bcher-kva.de"
    found, _ = problems({"target": "aws", "domain": {"app": "https://lago.example.com", "api": "api"}})
    assert "is a URL" in found["lago:domain.app"].what and "not a hostname" in found["lago:domain.api"].what


def test_local_front_and_api_ports_that_clash_are_refused():
    found, _ = problems({"target": "local", "local": {"frontPort": 8080, "apiPort": 8080}})
    assert "same host port" in found["lago:local.apiPort"].what and "3000" in found["lago:local.apiPort"].fix


def test_provider_keys_come_from_the_pinned_sdks():
    from lago_infra.config.namespaces import provider_keys

    assert {"region", "profile", "skipCredentialsValidation"} <= provider_keys("aws")
    assert {"project", "region", "zone"} <= provider_keys("gcp")
    assert "host" in provider_keys("docker") and "regin" not in provider_keys("aws")
    found, _ = problems_with_others({"target": "aws"}, {"aws:regin", "aws:region", "pulumi:disable-default-providers"})
    assert list(found) == ["aws:regin"] and "did you mean 'aws:region'" in found["aws:regin"].fix


def problems_with_others(values, others):
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig(values, set(), "stacks/Pulumi.test.yaml", set(others)))
    return {p.key: p for p in caught.value.problems}, str(caught.value)


def test_duplicate_yaml_keys_are_refused_at_any_depth(tmp_path):
    from lago_infra.config.source import StackFileError, read_stack_file

    path = tmp_path / "Pulumi.dup.yaml"
    path.write_text("config:\n  lago:target: local\n  lago:target: aws\n")
    with pytest.raises(StackFileError, match="line 3: key 'lago:target' is given twice in one mapping \\(first on line 2\\)"):
        read_stack_file(path, "lago")
