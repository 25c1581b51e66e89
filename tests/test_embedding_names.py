"""Names are measured on the names resources really get (issue 22, class 4). Embedded, children
are named after the component's name, not ``lago:name``: a long component name is refused as the
component's argument (it would break AWS's 32-character and Google's 30-character limits at
deploy), and a short component with a long ``lago:name`` is not refused for it."""

from __future__ import annotations

import textwrap

import pytest

from lago_infra.__main__ import main
from lago_infra.plan import run_plan
from lago_infra.targets.aws import limits as aws_limits
from lago_infra.targets.gcp import limits as gcp_limits

CONFIG = {
    "aws": "config:\n  aws:region: eu-west-1\n",
    "gcp": "config:\n  gcp:project: lago-test-1\n  gcp:region: europe-west1\n",
}
COMPONENT = {"aws": "LagoAws", "gcp": "LagoGcp"}


def project(tmp_path, target: str, component_name: str, lago_name: str = "lago"):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(f"""
        from lago_infra import LagoSettings, {COMPONENT[target]}
        {COMPONENT[target]}({component_name!r}, LagoSettings(target={target!r}, name={lago_name!r}))
    """)
    )
    (tmp_path / "Pulumi.dev.yaml").write_text(CONFIG[target])
    return tmp_path


@pytest.mark.parametrize(
    "target, fragment",
    [("aws", "leaves no room in the TargetGroup name (at most 32"), ("gcp", "service account name Google refuses")],
)
def test_a_long_component_name_is_refused_as_the_components_argument(tmp_path, capsys, target, fragment):
    name = "billing-platform-production-eu"
    directory = project(tmp_path, target, name)
    assert main(["plan", "--project-dir", str(directory), "--config", str(directory / "Pulumi.dev.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Invalid args of {COMPONENT[target]} '{name}'"), err
    assert f"  - name: '{name}'" in err and fragment in err and "lago:name" not in err and "Traceback" not in err


def test_a_short_component_with_a_long_lago_name_plans(tmp_path):
    """lago:name names nothing when a program names the component: it is not measured (on GCP
    every lago:name the model takes fits Google's limits anyway)."""
    directory = project(tmp_path, "aws", "b", lago_name="billingplatformprod")
    plan = run_plan(config_file=directory / "Pulumi.dev.yaml", project_dir=directory)
    assert plan.components.keys() == {"b"}


def _physical_name(registration) -> str:
    given = registration.inputs.get("name") or registration.inputs.get("identifier") or registration.inputs.get("replicationGroupId")
    return given or registration.name + "x" * aws_limits.AUTONAME_SUFFIX


def test_aws_every_physical_name_of_a_component_named_at_the_budget_fits(tmp_path):
    """The names resources get from the component's name, measured on the plan."""
    budget, _ = aws_limits.lago_name_budget()
    name = "c" * budget
    directory = project(tmp_path, "aws", name)
    plan = run_plan(config_file=directory / "Pulumi.dev.yaml", project_dir=directory)
    measured = [r for r in plan.resources if r.type in aws_limits.NAME_LIMITS]
    assert measured and all(r.name.startswith(name) for r in measured)
    for r in measured:
        assert len(_physical_name(r)) <= aws_limits.NAME_LIMITS[r.type].max_length, (r.type, r.name)


def test_gcp_every_derived_name_of_a_component_named_at_the_limit_fits(tmp_path):
    """The longest component name Google takes for every name derived from it plans; one more
    character is refused."""
    from lago_infra.targets.gcp.preflight import derived_names

    fits = max(
        n
        for n in range(1, 40)
        if all(gcp_limits.name_problem(kind, x) is None for kind, names in derived_names("c" * n, "lago-test-1").items() for x in names)
    )
    directory = project(tmp_path, "gcp", "c" * fits)
    plan = run_plan(config_file=directory / "Pulumi.dev.yaml", project_dir=directory)
    accounts = [r.inputs["accountId"] for r in plan.by_type("gcp:serviceaccount/account:Account")]
    assert accounts and all(x.startswith("c" * fits) and len(x) <= 30 for x in accounts)


def test_the_ready_program_still_names_lago_name_and_the_stack_file(plan_config):
    from .helpers import refused

    budget, _ = aws_limits.lago_name_budget()
    message = refused(
        plan_config,
        {"aws:region": "eu-west-1", "lago:target": "aws", "lago:name": "a" * (budget + 1)},
        "lago:name",
        f"at most {budget} characters",
    )
    assert "Invalid stack configuration in " in message and "Pulumi.adhoc.yaml" in message
