"""Guardrails and the plan's roles on programs of one's own: keyed on each Lago component (its
type token and the preset it was built with), never on the stack file's lago: keys."""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

from pulumi_policy import StackValidationArgs

from lago_infra.__main__ import main
from lago_infra.plan import run_plan
from lago_infra.policy import views_of_plan
from lago_infra.policy.pack import policies

from .conftest import PROJECT_DIR

EXAMPLE = PROJECT_DIR / "examples" / "embedded"

#: Two Lagos in one program, built with the classes: a dev one and a prod one whose data
#: protection is off (acknowledged), which only the prod rules report.
TWO_LAGOS = """
import pulumi
from lago_infra.config import LagoSettings
from lago_infra.config.model import Protection
from lago_infra.targets.local.component import LagoLocal
from lago_infra.targets.local.settings import LocalSettings

billing = LagoLocal("billing", LagoSettings(target="local", name="billing", local=LocalSettings(front_port=8080, api_port=3001)))
audit = LagoLocal("audit", LagoSettings(
    target="local", preset="prod", name="audit", local=LocalSettings(front_port=8081, api_port=3002),
    protection=Protection(protect=False, deletion_protection=False, acknowledge_data_loss=True),
))
pulumi.export("billing_url", billing.front_url)
pulumi.export("audit_url", audit.front_url)
"""


def _empty_stack(tmp_path):
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text("config: {}\n")
    return stack_file


def _two_lagos(tmp_path):
    project = tmp_path / "platform"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (project / "__main__.py").write_text(textwrap.dedent(TWO_LAGOS))
    return project


def test_cli_policy_runs_on_the_embedded_example(tmp_path, capsys):
    code = main(["plan", "--config", str(_empty_stack(tmp_path)), "--project-dir", str(EXAMPLE), "--policy"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "0 mandatory violation(s)" in out.out


def test_two_lagos_keep_their_own_roles_in_the_plan(tmp_path):
    plan = run_plan(config_file=_empty_stack(tmp_path), project_dir=_two_lagos(tmp_path), prevalidate=False)
    assert plan.target == "local"
    assert {"billing/api", "audit/api", "billing/clock", "audit/clock"} <= set(plan.roles)
    assert plan.roles["billing/api"]["env"]["LAGO_FRONT_URL"] == "http://localhost:8080"
    assert plan.roles["audit/api"]["env"]["LAGO_FRONT_URL"] == "http://localhost:8081"
    # The prod preset reached the prod Lago built with the classes.
    assert plan.roles["audit/api"]["replicas"] == {"min": 2, "max": 6}
    assert plan.roles["billing/api"]["replicas"] == {"min": 1, "max": 1}
    components = plan.to_json()["components"]
    assert {name: (c["type"], c["preset"]) for name, c in components.items()} == {
        "billing": ("lago:local:LagoDocker", "dev"),
        "audit": ("lago:local:LagoDocker", "prod"),
    }
    assert components["audit"]["roles"]["api"] == "audit/api"


def test_one_lago_keeps_plain_role_names(tmp_path):
    plan = run_plan(config_file=_empty_stack(tmp_path), project_dir=EXAMPLE, prevalidate=False)
    assert "api" in plan.roles and not any("/" in key for key in plan.roles)


def test_offline_guardrails_judge_each_lago_by_its_own_preset(tmp_path, capsys):
    project = _two_lagos(tmp_path)
    plan = run_plan(config_file=_empty_stack(tmp_path), project_dir=project, prevalidate=False)
    views = views_of_plan(plan)
    assert sorted((v.target, v.prod, sorted(v.roles)[0]) for v in views) == [("local", False, "api"), ("local", True, "api")]

    code = main(["plan", "--config", str(_empty_stack(tmp_path)), "--project-dir", str(project), "--policy"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[MANDATORY] protect audit-postgres-data" in out
    assert "billing-postgres-data" not in out


def _as_pack(plan):
    """The plan's resources as pulumi-policy hands them to a stack policy (parents as objects)."""
    out = {}
    for r in plan.resources:
        out[r.urn] = SimpleNamespace(
            resource_type=r.type,
            props=r.inputs,
            urn=r.urn,
            name=r.name,
            opts=SimpleNamespace(protect=r.protect),
            parent=None,
            dependencies=[],
        )
    for r in plan.resources:
        out[r.urn].parent = out.get(r.parent)
        out[r.urn].dependencies = [out[d] for d in r.dependencies if d in out]
    return list(out.values())


def test_pack_judges_each_lago_by_its_own_preset(tmp_path):
    plan = run_plan(config_file=_empty_stack(tmp_path), project_dir=_two_lagos(tmp_path), prevalidate=False)
    args = StackValidationArgs(_as_pack(plan), {})
    reported: dict[str, list[str]] = {}
    for policy in policies():
        policy.validate(args, lambda message, urn=None, _id=policy.name: reported.setdefault(_id, []).append(message))
    protect = reported.get("protect", [])
    assert any(m.startswith("audit-postgres-data") for m in protect), reported
    assert not any(m.startswith("billing-") for m in protect)


def test_pack_sees_the_embedded_example_as_one_dev_lago(tmp_path):
    from lago_infra.policy import views_of_pack

    plan = run_plan(config_file=_empty_stack(tmp_path), project_dir=EXAMPLE, prevalidate=False)
    views = views_of_pack(_as_pack(plan))
    assert [(v.target, v.prod) for v in views] == [("local", False)]
    # Every rule runs on it (the offline plan masks whole Docker env lists, so their findings
    # here say nothing about a real pack run; that the rules run at all is the point).
    args = StackValidationArgs(_as_pack(plan), {})
    for policy in policies():
        policy.validate(args, lambda message, urn=None: None)
