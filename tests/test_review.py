"""plan diff on real offline plans of modified stack files: what changes, what the cloud will do,
what is dangerous, and the exit code a pipeline reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lago_infra.__main__ import main
from lago_infra.plan import run_plan
from lago_infra.review import dangers, diff, exit_code
from lago_infra.review.comment import review
from lago_infra.review.danger import EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_DANGER, EXIT_NO_CHANGES, HOLDS_DATA
from lago_infra.review.effects import notices
from lago_infra.review.flatten import flatten
from lago_infra.review.report import as_markdown, as_text
from lago_infra.app_secrets import LOST_WHEN_REGENERATED

from .review_fixtures import SCENARIOS, planned, plans, scenario

GOLDEN = Path(__file__).parent / "golden"
BUMP = {"lago:version": "v1.52.0"}
#: Where Lago's roles run, per target: a version bump may touch these and nothing else.
SERVICE_TYPES = {
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:ecs/service:Service",
    "gcp:cloudrunv2/service:Service",
    "gcp:cloudrunv2/workerPool:WorkerPool",
    "gcp:cloudrunv2/job:Job",
    "docker:index/container:Container",
    "docker:index/remoteImage:RemoteImage",
    # GCP's migrate job runs once per release: a RandomId keyed on the image triggers it.
    "random:index/randomId:RandomId",
    # AWS's migrations run once per release: the Invocation's input holds the migrate task's revision.
    "aws:lambda/invocation:Invocation",
}


def _edit(plans_: tuple[dict, dict], type_: str, **inputs) -> tuple:
    """The diff of ``plans_`` after setting ``inputs`` on the head's first resource of ``type_``."""
    base, head = plans_
    resource = next(r for r in head["resources"] if r["type"] == type_)
    resource["inputs"].update(inputs)
    return diff(base, head), resource


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_golden_diffs(name):
    """What a reviewer reads for each kind of change (the Markdown of one stack, without the cost,
    which tests/test_review_comment.py covers). Regenerate after a reviewed change:
    UPDATE_GOLDEN=1 make test."""
    r = review(*scenario(name))
    text = as_markdown(r.diff, r.flags, None, notices=r.notices)
    golden = GOLDEN / f"diff-{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


# -- item: migrations are visible; a downgrade is dangerous --------------------------------------


@pytest.mark.parametrize("stack", ["local", "aws-dev", "gcp-prod"])
def test_version_bump_changes_only_services_and_says_migrations_run(stack):
    base, head = plans(stack, BUMP)
    d = diff(base, head)
    flags = dangers(d)
    assert d.resources, "a new Lago version must reach the containers"
    assert {r.type for r in d.resources} <= SERVICE_TYPES
    assert flags == []
    assert exit_code(d, flags) == EXIT_CHANGES
    images = {c.path: (c.old, c.new) for c in d.roles if c.path.endswith(".image")}
    assert images["api.image"] == ("getlago/api:v1.51.0", "getlago/api:v1.52.0")
    [migrations] = [n for n in notices(d) if n.kind == "migrations"]
    assert migrations.message.startswith("migrations will run for getlago/api:v1.52.0")
    assert "do not roll back" in migrations.message


def test_the_migrations_runner_is_replaced_not_updated():
    """The Invocation's input names the new migrate revision; with the default lifecycle scope
    that is a new invocation (terraform-provider-aws lambda/invocation.go), so the task runs."""
    d = diff(*plans("aws-dev", BUMP))
    run = next(r for r in d.resources if r.type == "aws:lambda/invocation:Invocation")
    assert run.kind == "replace" and run.replaced_by == ["input.taskDefinition"]
    assert any("lago-ecs-migrate-run is replaced, which runs the migrate task again" in n.message for n in notices(d))


def test_a_cloud_run_job_whose_token_changes_runs_an_execution():
    d, job = _edit(plans("gcp-dev", {}), "gcp:cloudrunv2/job:Job", runExecutionToken="a-new-token")
    assert next(r for r in d.resources if r.name == job["name"]).kind == "update"
    assert any("gets a new runExecutionToken, which starts an execution" in n.message for n in notices(d))


@pytest.mark.parametrize("stack", ["aws-dev", "local"])
def test_a_downgrade_is_dangerous(stack):
    d = diff(*plans(stack, {"lago:version": "v1.51.0"}, {"lago:version": "v1.52.0"}))
    flags = dangers(d)
    [downgrade] = [f for f in flags if f.kind == "downgrade"]
    assert "v1.52.0 → v1.51.0 is a downgrade" in downgrade.message and "do not roll back" in downgrade.message
    assert exit_code(d, flags) == EXIT_DANGER


def test_an_upgrade_with_image_tags_that_are_not_versions_is_not_guessed():
    base, head = plans("aws-dev", {})
    head["roles"]["migrate"]["image"] = "registry.example.com/lago/api@sha256:0123"
    flags = [f for f in dangers(diff(base, head)) if f.kind == "downgrade"]
    assert flags and "cannot tell an upgrade from a downgrade" in flags[0].message


# -- item: what the cloud will actually do -------------------------------------------------------


def test_a_major_version_aws_refuses_is_not_called_an_upgrade():
    """RDS refuses a major EngineVersion while AllowMajorVersionUpgrade is off (botocore rds
    ModifyDBInstance), and the instance has it off: the change fails, it does not upgrade."""
    d = diff(*plans("aws-dev", {"lago:database": {"version": 17}}))
    flags = dangers(d)
    assert [f.kind for f in flags] == ["refused"]
    assert "RDS refuses it" in flags[0].message and "`pulumi up` fails there" in flags[0].message
    assert not [n for n in notices(d) if n.kind == "deferred"], "a refused change is not waiting for a window"
    assert exit_code(d, flags) == EXIT_DANGER


def test_a_major_version_with_upgrades_allowed_is_an_irreversible_deferred_upgrade():
    d, _ = _edit(plans("aws-dev", {"lago:database": {"version": 17}}), "aws:rds/instance:Instance", allowMajorVersionUpgrade=True)
    assert [f.kind for f in dangers(d)] == ["engine-major"]
    [deferred] = [n for n in notices(d) if n.kind == "deferred"]
    assert "`engineVersion` 16 → 17 waits for the next maintenance window" in deferred.message


@pytest.mark.parametrize("stack", ["local", "gcp-dev"])
def test_a_database_major_upgrade_elsewhere_is_dangerous(stack):
    d = diff(*plans(stack, {"lago:database": {"version": 17}}))
    flags = dangers(d)
    assert [f.kind for f in flags] == ["engine-major"]
    assert exit_code(d, flags) == EXIT_DANGER


def test_a_resize_without_apply_immediately_waits_for_the_window_and_its_alarm_does_not():
    base, head = scenario("deferred-resize")
    d = diff(base, head)
    found = {n.kind: n for n in notices(d)}
    assert "db.m7g.large → db.m7g.xlarge waits for the next maintenance window (sun:03:30-sun:04:30 UTC)" in found["deferred"].message
    assert found["at-once"].name == "lago-baseline-alarms-database-connections"
    old, new = (
        next(r["inputs"]["threshold"] for r in side["resources"] if r["name"] == "lago-baseline-alarms-database-connections")
        for side in (base, head)
    )
    assert old < new
    assert f"threshold {old} → {new} changes at once" in found["at-once"].message
    assert dangers(d) == []


def test_apply_immediately_defers_nothing():
    d, _ = _edit(scenario("deferred-resize"), "aws:rds/instance:Instance", applyImmediately=True)
    assert not [n for n in notices(d) if n.kind in ("deferred", "at-once")]


def test_a_tags_only_change_updates_task_definitions_in_place():
    d = diff(*scenario("tags-only"))
    task_definitions = [r for r in d.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
    assert task_definitions and {r.kind for r in task_definitions} == {"update"}
    assert d.of_kind("replace") == []
    assert dangers(d) == []


def test_a_container_definition_change_replaces_the_task_definition():
    d = diff(*plans("aws-dev", BUMP))
    api = next(r for r in d.resources if r.name == "lago-ecs-api" and r.type.startswith("aws:ecs/taskDefinition"))
    assert api.kind == "replace"
    change = next(c for c in api.changes if c.path == "containerDefinitions.api.image")
    assert (change.old, change.new) == ("getlago/api:v1.51.0", "getlago/api:v1.52.0")
    assert "containerDefinitions.api.image: getlago/api:v1.51.0 → getlago/api:v1.52.0" in as_text(d, [])


# -- item: replacement rules with sources; unknown is unknown -------------------------------------


def test_a_type_without_a_rule_is_unknown_not_updated():
    d, listener = _edit(plans("aws-dev", {}), "aws:lb/listener:Listener", port=8443)
    changed = next(r for r in d.resources if r.urn == listener["urn"])
    assert changed.kind == "unknown" and changed.unknown == ["port"]
    assert "in place or replaced: not known offline for port" in as_text(d, [])


def test_an_input_a_rule_does_not_list_is_unknown_and_dangerous_on_data():
    d, db = _edit(plans("aws-dev", {}), "aws:rds/instance:Instance", someFutureInput="x")
    assert next(r for r in d.resources if r.urn == db["urn"]).kind == "unknown"
    [flag] = dangers(d)
    assert flag.kind == "maybe-replaced" and "`someFutureInput`" in flag.message


@pytest.mark.parametrize("stack, changes, resource", [("aws-dev", {"lago:database": {"name": "billing"}}, "lago-db")])
def test_changed_database_identifier_is_dangerous(stack, changes, resource):
    d = diff(*plans(stack, changes))
    flags = dangers(d)
    assert any(f.kind == "data-loss" and f.name == resource for f in flags)
    assert exit_code(d, flags) == EXIT_DANGER


@pytest.mark.parametrize("stack", ["local", "aws-dev"])
def test_lago_name_change_is_dangerous(stack):
    d = diff(*plans(stack, {"lago:name": "billing"}))
    flags = dangers(d)
    assert flags[0].kind == "renamed"
    assert any(f.kind == "data-loss" for f in flags)
    assert exit_code(d, flags) == EXIT_DANGER


@pytest.mark.parametrize("stack, base", [("aws-prod", {}), ("local", {"lago:preset": "prod"})])
def test_protection_off_in_prod_is_dangerous(stack, base):
    changes = {"lago:protection": {"protect": False, "deletionProtection": False, "acknowledgeDataLoss": True}}
    d = diff(*plans(stack, changes, base))
    flags = [f for f in dangers(d) if f.kind == "protection-off"]
    assert flags
    assert exit_code(d, dangers(d)) == EXIT_DANGER


def _regenerate(stack: str, name: str) -> tuple:
    base = planned(stack, {})
    head = json.loads(json.dumps(base))
    generated = next(r for r in head["resources"] if r["name"] == name)
    generated["inputs"]["byteLength" if "byteLength" in generated["inputs"] else "length"] += 8
    d = diff(base, head)
    return d, dangers(d), notices(d)


def test_a_regenerated_lago_secret_names_what_stops_working():
    _, flags, _ = _regenerate("local", "lago-secrets-encryption-primary-key")
    assert [f.kind for f in flags] == ["secret-regenerated"]
    assert "payment-provider credentials stored in the database can no longer be decrypted" in flags[0].message
    _, flags, _ = _regenerate("aws-prod", "lago-secrets-secret-key-base")
    assert "every user is logged out" in flags[0].message and "It is protected" in flags[0].message


def test_a_regenerated_password_is_a_new_credential_not_lost_data():
    _, flags, _ = _regenerate("aws-dev", "lago-db-password")
    [flag] = flags
    assert "a new password for lago-db, lago-secret-database-url" in flag.message
    assert "encrypted" not in flag.message


def test_a_random_suffix_that_names_a_snapshot_loses_nothing():
    d, flags, found = _regenerate("aws-prod", "lago-db-final-snapshot")
    assert flags == [] and exit_code(d, flags) == EXIT_CHANGES
    [note] = [n for n in found if n.kind == "name-only"]
    assert "nothing stored is lost" in note.message and "lago-db" in note.message


def test_every_lago_secret_generator_says_what_its_loss_costs(plan_of):
    """LOST_WHEN_REGENERATED is keyed by the generators' names: a generator added or renamed in
    lago_infra/app_secrets.py without its entry would fall back to a vague message."""
    generators = [
        r.name for r in plan_of("aws-prod").resources if r.type.startswith(("random:", "tls:")) and "lago:index:LagoSecrets$" in r.urn
    ]
    assert len(generators) == 5
    for name in generators:
        assert any(name.endswith(f"-{suffix}") for suffix in LOST_WHEN_REGENERATED), name


def test_every_data_type_has_a_replacement_rule():
    from lago_infra.review.replacements import TABLE

    assert set(HOLDS_DATA) <= set(TABLE)


# -- plumbing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack, role", [("aws-prod", "worker"), ("local", "worker")])
def test_one_roles_size_touches_only_that_role(stack, role):
    d = diff(*plans(stack, {"lago:roles": {role: {"replicas": 3, "maxReplicas": 9, "cpu": 2, "memory": 4096}}}))
    assert d.resources
    for r in d.resources:
        assert r.name.endswith(f"-{role}") or f"-{role}-" in r.name, f"{r.name} changed for a {role} setting"
    assert {c.path.split(".")[0] for c in d.roles} == {role}


# The dev stacks run the same target code as their prod twins; one of each target suffices.
@pytest.mark.parametrize("stack", ["local", "aws-prod", "gcp-prod"])
def test_planning_twice_gives_an_empty_diff(plan_of, stack):
    d = diff(plan_of(stack).to_json(), run_plan(stack=stack).to_json())
    assert d.empty, [(r.name, [c.path for c in r.changes]) for r in d.resources]
    assert exit_code(d, dangers(d)) == EXIT_NO_CHANGES


def test_secrets_stay_masked_in_every_format(capsys, tmp_path):
    base, head = plans("local", {"lago:secretEnv": {"STRIPE_API_KEY": {"secure": "AAABAGZha2UtY2lwaGVydGV4dA=="}}})
    for name, doc in (("base", base), ("head", head)):
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    for fmt in ("text", "markdown", "json"):
        code = main(["plan", "diff", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", fmt])
        out = capsys.readouterr().out
        assert code == EXIT_CHANGES
        assert "STRIPE_API_KEY" in out and "[secret]" in out
        assert "AAABAGZha2UtY2lwaGVydGV4dA" not in out


def test_json_string_inputs_are_diffed_structurally():
    policy = '{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]}'
    containers = '[{"name": "api", "image": "a:1", "environment": [{"name": "X", "value": "1"}]}]'
    assert flatten({"policy": policy}) == {"policy.Statement[0].Action": ["s3:GetObject"], "policy.Statement[0].Effect": "Allow"}
    assert flatten({"c": containers}) == {"c.api.environment.X": "1", "c.api.image": "a:1"}


def test_bad_input_is_one_message_and_exit_2(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"not": "a plan"}')
    assert main(["plan", "diff", str(tmp_path / "x.json"), str(tmp_path / "x.json")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "not an offline plan" in err and "Traceback" not in err
    assert main(["plan", "diff", str(tmp_path / "missing.json"), str(tmp_path / "x.json")]) == EXIT_BAD_INPUT
    assert "cannot read it" in capsys.readouterr().err


def test_plans_of_two_stacks_are_refused(tmp_path, capsys):
    for stack in ("local", "aws-dev"):
        (tmp_path / f"{stack}.json").write_text(json.dumps(planned(stack, {})))
    assert main(["plan", "diff", str(tmp_path / "local.json"), str(tmp_path / "aws-dev.json")]) == EXIT_BAD_INPUT
    assert "two stacks" in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["plan", "diff", "--help"])
    out = capsys.readouterr().out
    for code in (EXIT_NO_CHANGES, EXIT_CHANGES, EXIT_DANGER, EXIT_BAD_INPUT):
        assert f"  {code} " in out


def test_every_replacement_rule_cites_the_provider_schema_it_was_read_from():
    from lago_infra.review.replacements import TABLE

    repository = {
        "aws": "hashicorp/terraform-provider-aws",
        "gcp": "hashicorp/terraform-provider-google",
        "random": "hashicorp/terraform-provider-random",
    }
    repository |= {"tls": "hashicorp/terraform-provider-tls", "docker": "kreuzwerker/terraform-provider-docker"}
    for type_, rule in TABLE.items():
        assert rule.source.startswith(repository[type_.split(":")[0]] + " "), type_
        assert rule.source.endswith(".go"), type_
        assert rule.replaces or rule.updates, type_


def test_rules_decide_by_the_longest_path_and_their_conditions():
    from lago_infra.review.replacements import REPLACE, TABLE, UNKNOWN, UPDATE

    sql = TABLE["gcp:sql/databaseInstance:DatabaseInstance"]
    assert sql.decide("settings.tier") == UPDATE and sql.decide("settings.collation") == REPLACE
    pool = TABLE["gcp:cloudrunv2/workerPool:WorkerPool"]
    assert pool.decide("template.containers.worker.image") == UPDATE
    assert pool.decide("template.containers.worker.dependsOn") == REPLACE
    redis = TABLE["gcp:redis/instance:Instance"]
    assert redis.decide("redisVersion", "REDIS_7_2", "REDIS_7_0") == REPLACE
    assert redis.decide("redisVersion", "REDIS_7_0", "REDIS_7_2") == UPDATE
    subnet = TABLE["gcp:compute/subnetwork:Subnetwork"]
    assert subnet.decide("ipCidrRange", "10.0.0.0/20", "10.0.0.0/16") == UPDATE
    assert subnet.decide("ipCidrRange", "10.0.0.0/16", "10.0.0.0/20") == REPLACE
    invocation = TABLE["aws:lambda/invocation:Invocation"]
    assert invocation.decide("input.x", 1, 2, {}) == REPLACE
    assert invocation.decide("input.x", 1, 2, {"lifecycleScope": "CRUD"}) == UPDATE
    assert TABLE["aws:ecs/service:Service"].decide("capacityProviderStrategies") == UNKNOWN
