"""The production baseline's shared parts: ``lago:alerts``, the advisory "alarms" rule on the
shipped stacks, and where Lago's roles write (read-only root filesystems)."""

from __future__ import annotations

import pytest

from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.lago.roles import DEDICATED_QUEUES, roles_for
from lago_infra.policy import evaluate, view_of_plan


def alarm_findings(plan) -> list[str]:
    return [f"{f.resource}: {f.message}" for f in evaluate(view_of_plan(plan)) if f.rule == "alarms"]


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_prod_presets_satisfy_the_alarms_rule(plan_of, stack):
    assert alarm_findings(plan_of(stack)) == []


@pytest.mark.parametrize("stack", ["aws-dev", "gcp-dev"])
def test_dev_presets_leave_alarms_off_and_the_rule_says_so(plan_of, stack):
    assert alarm_findings(plan_of(stack))


def test_alarms_that_notify_nobody_are_reported(plan_config):
    plan = plan_config(
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:aws": {"baseline": {"alarms": True}, "services": {"containerInsights": True}},
        }
    )
    found = alarm_findings(plan)
    assert found and all("notifies nobody" in f for f in found)


@pytest.mark.parametrize(
    "alerts, key",
    [
        ({"emails": ["ops-at-example.com"]}, "alerts.emails"),
        ({"snsTopicArn": "arn:aws:sqs:eu-west-1:123456789012:q"}, "alerts.snsTopicArn"),
        ({"notificationChannels": ["ops@example.com"]}, "alerts.notificationChannels"),
        ({"thresholds": {"apiErrorPercent": 0}}, "alerts.thresholds.apiErrorPercent"),
        ({"thresholds": {"databaseCpu": 70}}, "alerts.thresholds.databaseCpu"),
    ],
)
def test_bad_alert_settings_name_the_key_and_the_fix(alerts, key):
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig({"target": "aws", "alerts": alerts}, set(), "stacks/Pulumi.test.yaml"))
    (problem,) = caught.value.problems
    assert problem.key.endswith(key) and "Fix" in str(caught.value) and "stacks/Pulumi.test.yaml" in str(caught.value)


def test_ecs_exec_and_a_read_only_root_are_refused_together():
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig({"target": "aws", "aws": {"services": {"exec": True}}}, set(), "stacks/Pulumi.test.yaml"))
    assert "lago:aws.baseline.readOnlyRoot" in str(caught.value)
    settings = validate(RawConfig({"target": "aws", "aws": {"services": {"exec": True}, "baseline": {"readOnlyRoot": False}}}))
    assert settings.aws.services.exec and not settings.aws.baseline.read_only_root


def test_rails_roles_say_where_they_write_and_the_others_keep_a_writable_root():
    for role in roles_for(DEDICATED_QUEUES):
        if role.backend:
            assert role.writable_paths == ("/app/tmp", "/tmp"), role.name
        else:
            assert role.writable_paths is None, role.name
