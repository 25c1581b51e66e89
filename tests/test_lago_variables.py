"""Every variable Lago reads can be set, or is refused with a reason that leads somewhere: each key
a refusal names exists in the settings, and each variable a release ignores says which replaces it."""

from __future__ import annotations

import re

import pytest

from lago_infra.config.model import LagoSettings
from lago_infra.config.shape import field_at
from lago_infra.lago.variables import CATALOGUE

from .helpers import refused

KEY = re.compile(r"lago:([A-Za-z][\w.]*)")


def _keys(text: str) -> list[tuple[str, ...]]:
    return [tuple(k.rstrip(".").split(".")) for k in KEY.findall(text)]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_key_a_variable_names_is_a_real_setting(name):
    var = CATALOGUE[name]
    for text in (var.owner or "", var.refused or "", var.versions_note):
        for key in _keys(text):
            if key[0] in ("aws", "gcp", "local"):
                continue  # a target's section: checked below through its own model
            assert field_at(LagoSettings, key) is not None, f"{name}: lago:{'.'.join(key)} is no setting"


def test_target_keys_named_in_notes_exist():
    from lago_infra.targets.aws.settings import AwsSettings

    notes = " ".join(v.versions_note for v in CATALOGUE.values())
    for key in _keys(notes):
        if key[0] == "aws":
            assert field_at(AwsSettings, key[1:]) is not None, key


def test_the_issues_variables_are_known():
    for name in (
        "DATABASE_VIA_RDS_PROXY",
        "DATABASE_PROXY_URL",
        "SUPERSET_URL",
        "SUPERSET_USERNAME",
        "SUPERSET_PASSWORD",
        "SENTRY_DSN_FRONT",
    ):
        assert name in CATALOGUE, name
    assert CATALOGUE["SUPERSET_PASSWORD"].secret and CATALOGUE["DATABASE_PROXY_URL"].secret


def test_rds_proxy_switch_of_v1_51_is_accepted_and_refused_on_a_release_that_ignores_it(plan_config):
    plan = plan_config({"lago:target": "local", "lago:env": {"DATABASE_VIA_RDS_PROXY": "true"}})
    assert plan.roles["api"]["env"]["DATABASE_VIA_RDS_PROXY"] == "true"
    refused(
        plan_config,
        {"lago:target": "local", "lago:version": "v1.52.0", "lago:env": {"DATABASE_VIA_RDS_PROXY": "true"}},
        "lago:env.DATABASE_VIA_RDS_PROXY",
        "DATABASE_PROXY_URL",
        "ignores it",
    )


def test_the_proxy_url_of_later_releases_is_refused_on_v1_51_with_the_way_that_works(plan_config):
    message = refused(
        plan_config,
        {"lago:target": "local", "lago:secretEnv": {"DATABASE_PROXY_URL": {"secure": "v1:x"}}},
        "lago:secretEnv.DATABASE_PROXY_URL",
        "DATABASE_VIA_RDS_PROXY",
        "existingUrlSecretArn",
    )
    assert "lago:database" not in message.replace("lago:database.", "")
    plan = plan_config({"lago:target": "local", "lago:version": "v1.52.0", "lago:secretEnv": {"DATABASE_PROXY_URL": {"secure": "v1:x"}}})
    assert plan.roles["worker"]["env"]["DATABASE_PROXY_URL"] == "[secret]"


def test_superset_reaches_the_api_and_the_front(plan_config):
    plan = plan_config(
        {
            "lago:target": "local",
            "lago:superset": {"url": "https://superset.example.com/", "username": "lago", "password": {"secure": "v1:p"}},
        }
    )
    api, front = plan.roles["api"]["env"], plan.roles["front"]["env"]
    assert api["SUPERSET_URL"] == "https://superset.example.com" and api["SUPERSET_USERNAME"] == "lago"
    assert api["SUPERSET_PASSWORD"] == "[secret]" and front["LAGO_SUPERSET_URL"] == "https://superset.example.com"
    refused(plan_config, {"lago:target": "local", "lago:env": {"SUPERSET_URL": "https://x.example.com"}}, "is set through lago:superset")


def test_the_front_reports_to_its_own_sentry_project(plan_config):
    plan = plan_config(
        {"lago:target": "local", "lago:sentry": {"dsn": "https://b@sentry.example/1", "frontDsn": "https://f@sentry.example/2"}}
    )
    assert plan.roles["front"]["env"]["SENTRY_DSN"] == "https://f@sentry.example/2"
    assert plan.roles["api"]["env"]["SENTRY_DSN"] == "https://b@sentry.example/1"
    refused(plan_config, {"lago:target": "local", "lago:env": {"SENTRY_DSN_FRONT": "x"}}, "lago:sentry.frontDsn")
