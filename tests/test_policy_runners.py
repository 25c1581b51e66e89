"""The two runners: the CLI's --policy over the offline plan, and the pack over what
pulumi-policy hands a stack policy; plus the per-target extractors the pack relies on."""

from __future__ import annotations

import json
from types import SimpleNamespace

from pulumi_policy import StackValidationArgs

from lago_infra.__main__ import main
from lago_infra.policy import RULES
from lago_infra.policy.from_pack import view_of_pack
from lago_infra.policy.model import SECRET
from lago_infra.policy.pack import policies
from lago_infra.policy.target_rules import TARGETS
from lago_infra.plan.monitor import SECRET as PLAN_SECRET
from .policy_fixtures import res


def test_the_view_masks_secrets_like_the_plan():
    assert SECRET == PLAN_SECRET


def test_cli_policy_passes_the_local_stack(capsys):
    assert main(["plan", "--stack", "local", "--policy"]) == 0
    assert "0 mandatory violation(s)" in capsys.readouterr().out


def test_cli_policy_fails_on_a_mandatory_violation(tmp_path, capsys):
    stack = tmp_path / "Pulumi.localprod.yaml"
    stack.write_text(
        json.dumps(
            {
                "config": {
                    "lago:target": "local",
                    "lago:preset": "prod",
                    "lago:protection": {"protect": False, "deletionProtection": False, "acknowledgeDataLoss": True},
                }
            }
        )
    )
    assert main(["plan", "--config", str(stack), "--policy"]) == 1
    out = capsys.readouterr().out
    assert "[MANDATORY] protect lago-postgres-data" in out and "Fix:" in out


def test_ecs_extractor_reads_environment_secrets_and_scaling():
    task = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "lago-api",
        containerDefinitions=json.dumps(
            [
                {
                    "name": "api",
                    "environment": [{"name": "DATABASE_POOL", "value": "3"}],
                    "secrets": [{"name": "DATABASE_URL", "valueFrom": "arn:aws:secretsmanager:...:lago-db-url"}],
                }
            ]
        ),
    )
    service = res("aws:ecs/service:Service", "lago-api-service", name="lago-api", desiredCount=2)
    scaling = res("aws:appautoscaling/target:Target", "lago-api-scaling", resourceId="service/lago/lago-api", minCapacity=2, maxCapacity=6)
    roles = TARGETS["aws"].roles([task, service, scaling], False)
    assert roles["api"].env == {"DATABASE_POOL": "3", "DATABASE_URL": SECRET}
    assert (roles["api"].min_replicas, roles["api"].max_replicas) == (2, 6)


def test_cloud_run_extractor_reads_values_secret_refs_and_scaling():
    svc = res(
        "gcp:cloudrunv2/service:Service",
        "lago-worker-pdfs",
        template={
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": 4},
            "containers": [
                {
                    "name": "worker-pdfs",
                    "envs": [
                        {"name": "SIDEKIQ_PDFS", "value": "true"},
                        {"name": "REDIS_URL", "valueSource": {"secretKeyRef": {"secret": "lago-redis-url", "version": "latest"}}},
                    ],
                }
            ],
        },
    )
    job = res(
        "gcp:cloudrunv2/job:Job",
        "lago-migrate",
        template={"template": {"containers": [{"envs": [{"name": "RAILS_ENV", "value": "production"}]}]}},
    )
    roles = TARGETS["gcp"].roles([svc, job], False)
    assert roles["worker-pdfs"].env == {"SIDEKIQ_PDFS": "true", "REDIS_URL": SECRET}
    assert roles["worker-pdfs"].max_replicas == 4 and roles["migrate"].env == {"RAILS_ENV": "production"}


def test_docker_extractor_counts_containers_and_trusts_catalogue_secrets_in_a_pack():
    def container(name):
        return res(
            "docker:index/container:Container",
            name,
            labels=[{"label": "lago.role", "value": "worker"}],
            envs=["DATABASE_POOL=12", "DATABASE_URL=postgresql://lago:pw@db:5432/lago"],
        )

    roles = TARGETS["local"].roles([container("lago-worker-1"), container("lago-worker-2")], False)
    assert roles["worker"].max_replicas == 2
    assert roles["worker"].env == {"DATABASE_POOL": "12", "DATABASE_URL": SECRET}


def _policy_resource(r, by_urn):
    return SimpleNamespace(
        resource_type=r.type,
        props=r.inputs,
        urn=r.urn,
        name=r.name,
        opts=SimpleNamespace(protect=r.protect),
        parent=None,
        dependencies=[by_urn[d] for d in r.dependencies if d in by_urn],
    )


def _as_pack_resources(resources):
    by_urn = {}
    out = []
    for r in resources:
        pr = _policy_resource(r, by_urn)
        by_urn[r.urn] = pr
        out.append(pr)
    return out


def test_pack_runs_the_same_rules_on_what_pulumi_hands_it():
    from copy import deepcopy

    task = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "lago-api",
        containerDefinitions=json.dumps(
            [{"name": "api", "environment": [{"name": "LAGO_SIDEKIQ_WEB", "value": "true"}], "logConfiguration": {"logDriver": "awslogs"}}]
        ),
    )
    db = res("aws:rds/instance:Instance", "lago-db", publiclyAccessible=True, storageEncrypted=True, instanceClass="db.t4g.medium")
    stack = res("pulumi:pulumi:Stack", "lago-aws-prod")
    stack.urn = "urn:pulumi:aws-prod::lago::pulumi:pulumi:Stack::lago-aws-prod"
    args = StackValidationArgs(_as_pack_resources([stack, deepcopy(task), deepcopy(db)]), {})
    reported = {}
    for policy in policies():
        policy.validate(args, lambda message, urn=None, _id=policy.name: reported.setdefault(_id, []).append((message, urn)))
    assert [urn for _, urn in reported["database-private"]] == [db.urn]
    assert "LAGO_SIDEKIQ_WEB=true" in reported["sidekiq-web-private"][0][0]
    assert "backups" in reported  # aws-prod is a prod stack by its name


def test_pack_view_unmasked_secrets_judged_by_where_they_sit():
    # Pulumi hands the pack secrets in clear: a generated password in an RDS input is not a finding,
    # a URL with a password in a plain ECS variable is.
    db = res("aws:rds/instance:Instance", "lago-db", password="Zx8rT1generated")
    task = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "lago-worker",
        containerDefinitions=json.dumps(
            [{"name": "worker", "environment": [{"name": "LAGO_CLICKHOUSE_HOST", "value": "https://u:pw@ch:8443"}]}]
        ),
    )
    view = view_of_pack(_as_pack_resources([db, task]), prod=False)
    from lago_infra.policy.rules.plain_text import plain_text_secrets

    found = list(plain_text_secrets(view))
    assert [(v.resource, "LAGO_CLICKHOUSE_HOST" in v.what) for v in found] == [("worker", True)]


def test_the_docs_list_every_rule():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "guardrails.md").read_text()
    rules_table = text[text.index("## Rules") : text.index("## How the two runners see a stack")]
    assert [r.id for r in RULES if f"| `{r.id}` |" not in rules_table] == []
