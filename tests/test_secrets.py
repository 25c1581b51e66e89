"""Lago's own secrets: generated once, stable across updates, replaceable by the user's own."""

import base64

import pytest

from lago_infra.app_secrets import rsa_variable

from .conftest import STACKS

SECRET_TYPES = ("random:index/randomId:RandomId", "random:index/randomPassword:RandomPassword", "tls:index/privateKey:PrivateKey")


def generators(plan):
    return {r.urn: r.inputs for r in plan.resources if r.type in SECRET_TYPES and "secrets" in r.name}


def test_every_lago_secret_has_a_generator(plan_of):
    names = {r.name for r in plan_of("local").resources if r.type in SECRET_TYPES}
    assert {
        "lago-secrets-secret-key-base",
        "lago-secrets-rsa-key",
        "lago-secrets-encryption-primary-key",
        "lago-secrets-encryption-deterministic-key",
        "lago-secrets-encryption-key-derivation-salt",
    } <= names


def test_generators_are_unchanged_by_an_upgrade_or_a_resize(plan_of, plan_config):
    """Same URN and same inputs means the engine keeps the value: a new release or a bigger
    deployment never regenerates encryption keys (which would make stored secrets unreadable)."""
    before = generators(plan_of("local"))
    after = generators(
        plan_config(
            {"lago:target": "local", "lago:version": "v1.52.0", "lago:workers": {"dedicated": ["pdfs"]}, "lago:api": {"threads": 6}},
            stack="local",
        )
    )
    assert before == after
    assert all("keepers" not in inputs for inputs in before.values())
    rsa = next(i for u, i in before.items() if u.endswith("rsa-key"))
    assert rsa["algorithm"] == "RSA" and rsa["rsaBits"] == 2048


def test_generated_values_are_secret_in_state(plan_of):
    plan = plan_of("local")
    key_base = next(r for r in plan.resources if r.name == "lago-secrets-secret-key-base")
    assert key_base.inputs["byteLength"] == 64  # 128 hex characters, as `rails secret` makes


def test_brought_secrets_replace_generators(plan_config):
    plan = plan_config(
        {
            "lago:target": "local",
            "lago:secrets": {"secretKeyBase": {"secure": "v1:a"}, "rsaPrivateKey": {"secure": "v1:b"}},
        }
    )
    names = {r.name for r in plan.resources}
    assert "lago-secrets-secret-key-base" not in names and "lago-secrets-rsa-key" not in names
    assert "lago-secrets-encryption-primary-key" in names
    assert plan.roles["api"]["env"]["SECRET_KEY_BASE"] == "[secret]"
    assert plan.roles["api"]["env"]["LAGO_RSA_PRIVATE_KEY"] == "[secret]"


def test_rsa_variable_is_one_line_base64_of_a_pem():
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
    encoded = rsa_variable(pem)
    assert "\n" not in encoded
    assert base64.b64decode(encoded).decode().startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert rsa_variable(encoded) == encoded  # already base64: taken as it is


@pytest.mark.parametrize("stack", STACKS)
def test_generators_are_protected_wherever_the_data_they_unlock_is(plan_of, stack):
    """A replaced generator is a new key: Lago's encrypted data becomes unreadable. Where the
    stack protects its data, the engine must refuse to delete or replace any generator too."""
    plan = plan_of(stack)
    protects_data = plan.settings.protection.protect
    lago_secrets = [r for r in plan.resources if r.type in SECRET_TYPES and r.name.startswith("lago-secrets-")]
    assert len(lago_secrets) == 5
    assert {r.name: r.protect for r in lago_secrets} == {r.name: protects_data for r in lago_secrets}
    assert protects_data == stack.endswith("-prod")
