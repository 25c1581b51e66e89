"""plan diff on real offline plans of modified stack files: what changes, what is dangerous,
and the exit code a pipeline reads."""

from __future__ import annotations

import json

import pytest

from lago_infra.__main__ import main
from lago_infra.plan import run_plan
from lago_infra.review import dangers, diff, exit_code
from lago_infra.review.danger import EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_DANGER, EXIT_NO_CHANGES
from lago_infra.review.flatten import flatten
from lago_infra.review.report import as_text
from lago_infra.review.replacements import TABLE

from .review_fixtures import planned, plans

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


@pytest.mark.parametrize("stack", ["local", "aws-dev", "gcp-prod"])
def test_version_bump_changes_only_services_without_danger(stack):
    base, head = plans(stack, BUMP)
    d = diff(base, head)
    flags = dangers(d)
    assert d.resources, "a new Lago version must reach the containers"
    assert {r.type for r in d.resources} <= SERVICE_TYPES
    assert flags == []
    assert exit_code(d, flags) == EXIT_CHANGES
    images = {c.path: (c.old, c.new) for c in d.roles if c.path.endswith(".image")}
    assert images["api.image"] == ("getlago/api:v1.51.0", "getlago/api:v1.52.0")


def test_version_bump_shows_the_image_inside_the_container_definitions():
    d = diff(*plans("aws-dev", BUMP))
    api = next(r for r in d.resources if r.name == "lago-ecs-api" and r.type.startswith("aws:ecs/taskDefinition"))
    assert api.kind == "replace"
    change = next(c for c in api.changes if c.path == "containerDefinitions.api.image")
    assert (change.old, change.new) == ("getlago/api:v1.51.0", "getlago/api:v1.52.0")
    assert "containerDefinitions.api.image: getlago/api:v1.51.0 → getlago/api:v1.52.0" in as_text(d, [])


@pytest.mark.parametrize(
    "stack, changes, resource",
    [
        ("aws-dev", {"lago:database": {"name": "billing"}}, "lago-db"),
    ],
)
def test_changed_database_identifier_is_dangerous(stack, changes, resource):
    d = diff(*plans(stack, changes))
    flags = dangers(d)
    assert any(f.kind == "data-loss" and f.name == resource for f in flags)
    assert exit_code(d, flags) == EXIT_DANGER


@pytest.mark.parametrize("stack", ["aws-dev", "local"])
def test_database_major_upgrade_is_dangerous(stack):
    d = diff(*plans(stack, {"lago:database": {"version": 17}}))
    flags = dangers(d)
    assert [f.kind for f in flags if f.kind == "engine-major"] == ["engine-major"]
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


def test_regenerated_secret_is_dangerous():
    base = run_plan(stack="local").to_json()
    head = json.loads(json.dumps(base))
    password = next(r for r in head["resources"] if r["type"] == "random:index/randomPassword:RandomPassword")
    password["inputs"]["length"] = 48
    flags = dangers(diff(base, head))
    assert {f.kind for f in flags} == {"data-loss", "secret-regenerated"}


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


def test_every_replacement_rule_cites_its_source():
    for type_, rule in TABLE.items():
        assert rule.source.startswith("https://"), type_
        assert rule.inputs, type_


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
