"""The offline plan's contract: its JSON shape, and that no secret value ever reaches it."""

import json
import re
import subprocess
import sys

import pytest

from lago_infra.plan import render

from .conftest import PROJECT_DIR, STACKS

LEAK = re.compile(r"(postgres(ql)?|rediss?)://[^/ \"@]*:[^@ \"/]+@|-----BEGIN [A-Z ]*PRIVATE KEY|LS0tLS1CRUdJTi")


def test_json_has_exactly_the_documented_shape(plan_of):
    doc = json.loads(render.as_json(plan_of("local")))
    assert set(doc) == {"project", "stack", "target", "resources", "outputs", "roles", "components"}
    assert doc["components"] == {
        "lago": {
            "urn": next(r["urn"] for r in doc["resources"] if r["type"] == "lago:local:LagoDocker"),
            "type": "lago:local:LagoDocker",
            "target": "local",
            "preset": "dev",
            "roles": {name: name for name in doc["roles"]},
        }
    }
    assert (doc["project"], doc["stack"], doc["target"]) == ("lago", "local", "local")
    for r in doc["resources"]:
        assert set(r) == {"urn", "type", "name", "parent", "dependencies", "protect", "retain_on_delete", "ignore_changes", "inputs"}
        assert isinstance(r["protect"], bool) and isinstance(r["dependencies"], list)
    urns = {r["urn"] for r in doc["resources"]}
    assert all(r["parent"] in urns for r in doc["resources"] if r["parent"] is not None)
    for role in doc["roles"].values():
        assert set(role) == {"image", "command", "replicas", "size", "env"}
        assert set(role["replicas"]) == {"min", "max"} and set(role["size"]) == {"cpu", "memory"}


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_value_appears_in_any_output_of_any_stack(plan_of, stack):
    plan = plan_of(stack)
    printed = render.as_json(plan) + render.as_text(plan)
    assert not LEAK.search(printed)
    # Every value a secret generator produced (as the mocks returned it) stays out of the plan.
    # (A RandomId may also name things, e.g. a final snapshot suffix: only the secret one counts.)
    generated = []
    for r in plan.resources:
        secret_id = r.type == "random:index/randomId:RandomId" and r.name.endswith("secret-key-base")
        if secret_id or r.type.startswith(("random:index/randomPassword", "tls:")):
            state = plan.states[r.urn]
            generated += [v for k, v in state.items() if k in ("result", "hex", "b64Std", "privateKeyPem") and isinstance(v, str)]
    assert generated, "the stack generates its secrets"
    for value in generated:
        assert value not in printed
        assert value[:24] not in printed


def test_text_plan_shows_the_tree_and_each_roles_environment():
    run = subprocess.run([sys.executable, "-m", "lago_infra", "plan", "--stack", "local"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "+ pulumi:pulumi:Stack  lago-local" in out
    assert "    + docker:index/container:Container  lago-api" in out
    assert "      DATABASE_URL=[secret]" in out
    assert "      LAGO_API_URL=http://localhost:3000" in out


def test_json_cli_matches_the_library(plan_of):
    run = subprocess.run(
        [sys.executable, "-m", "lago_infra", "plan", "--stack", "local", "--format", "json"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(render.as_json(plan_of("local")))


def test_two_runs_are_identical(plan_of, plan_config):
    import yaml

    config = yaml.safe_load((PROJECT_DIR / "stacks" / "Pulumi.local.yaml").read_text())["config"]
    again = plan_config(config, stack="local")
    assert render.as_json(again) == render.as_json(plan_of("local"))


def test_secure_values_in_a_stack_file_plan_offline_as_secrets(plan_config):
    plan = plan_config(
        {
            "lago:target": "local",
            "lago:smtp": {
                "address": "smtp.example.com",
                "fromEmail": "billing@example.com",
                "username": "lago",
                "password": {"secure": "v1:abc"},
            },
            "lago:secretEnv": {"STRIPE_API_KEY": {"secure": "v1:def"}},
        }
    )
    env = plan.roles["worker"]["env"]
    assert env["LAGO_SMTP_PASSWORD"] == "[secret]" and env["STRIPE_API_KEY"] == "[secret]"
    assert env["LAGO_SMTP_ADDRESS"] == "smtp.example.com" and env["LAGO_SMTP_USERNAME"] == "lago"


def test_bare_keys_take_the_projects_namespace_as_the_engine_gives_them(plan_config):
    plan = plan_config({"target": "local", "version": "v1.50.0"}, stack="bare")
    assert plan.target == "local"
    assert plan.roles["api"]["image"] == "getlago/api:v1.50.0"


def test_a_setting_a_target_cannot_honour_is_a_config_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A check that runs while the program builds resources reaches the user like a bad key."""
    from lago_infra import program
    from lago_infra.__main__ import main
    from lago_infra.config.errors import SettingError

    def refuse(settings):
        raise SettingError("lago:roles.api.memory", "no such size", "use 2048")

    monkeypatch.setattr(program, "deploy", refuse)
    assert main(["plan", "--stack", "local"]) == 2
    err = capsys.readouterr().err
    assert "stacks/Pulumi.local.yaml" in err and "lago:roles.api.memory: no such size. Fix: use 2048" in err
    assert "Traceback" not in err


def test_text_plan_of_aws_prod_shows_the_database_class_and_every_roles_size(plan_of):
    plan = plan_of("aws-prod")
    text = render.as_text(plan)
    db = plan.one("aws:rds/instance:Instance")
    assert f"instanceClass={db.inputs['instanceClass']}" in text
    assert db.inputs["instanceClass"] == plan.settings.aws.database.instance_class
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("  ") and len(line.split()) >= 5}
    for name, size in plan.settings.roles:
        if name not in plan.roles:
            continue
        row = rows[name]
        cpu = str(int(size.cpu)) if float(size.cpu).is_integer() else str(size.cpu)
        count = str(size.replicas) if size.replicas == size.max_replicas else f"{size.replicas}..{size.max_replicas}"
        assert row[1:4] == [count, cpu, str(size.memory)], (name, row)


def test_text_plan_marks_protected_resources_and_counts_them(plan_of):
    plan = plan_of("aws-prod")
    text = render.as_text(plan)
    protected = [r for r in plan.resources if r.protect]
    assert protected and f"{len(protected)} protected" in text.splitlines()[0]
    for r in protected:
        assert re.search(rf"\+ {re.escape(r.type)}  {re.escape(r.name)}  \[protect", text)


def test_the_shared_backend_environment_is_shown_once_with_each_roles_own_values(plan_of):
    plan = plan_of("aws-prod")
    text = render.as_text(plan)
    assert text.count("      DATABASE_URL=[secret]") == 1
    assert "    worker only:" in text and "      SIDEKIQ_CONCURRENCY=10" in text
    pools = {n: plan.roles[n]["env"]["DATABASE_POOL"] for n in ("api", "worker")}
    assert pools["api"] != pools["worker"]  # so each appears under its role
    for name, pool in pools.items():
        own = text.split(f"    {name} only:\n", 1)[1].split("\n    ", 1)[0]
        assert f"DATABASE_POOL={pool}" in own


def test_outputs_are_sorted_and_wrapped(plan_of):
    text = render.as_text(plan_of("aws-prod"))
    outputs = text.split("\nOutputs:\n", 1)[1].splitlines()
    top = [line.split(":")[0].strip() for line in outputs if re.match(r"^  \S", line)]
    assert top == sorted(top) and len(top) == len(plan_of("aws-prod").outputs)
    assert all(len(line) <= render.WIDTH or " " not in line.strip() for line in outputs)


def test_detail_shows_every_input(plan_of):
    plan = plan_of("gcp-prod")
    short, full = render.as_text(plan), render.as_text(plan, detail=True)
    sql = plan.one("gcp:sql/databaseInstance:DatabaseInstance")
    assert f"settings.tier={sql.inputs['settings']['tier']}" in full
    assert "settings.ipConfiguration.sslMode=" in full and "sslMode" not in short
    assert "tier=" in short  # the summary still names the machine tier


def test_the_summary_table_names_only_inputs_the_shipped_plans_have(plan_of):
    """Every path in the table resolves on at least one resource of its type in some stack: a
    renamed input would otherwise vanish from the plan silently."""
    from lago_infra.plan.summary import INPUTS, values_at

    found = {(t, p): False for t, paths in INPUTS.items() for p in paths}
    for stack in STACKS:
        for r in plan_of(stack).resources:
            for p in INPUTS.get(r.type, ()):
                if list(values_at(r.inputs, p)):
                    found[(r.type, p)] = True
    assert [k for k, ok in found.items() if not ok] == []
