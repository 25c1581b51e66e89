"""The components work inside another program: examples/embedded is planned as it stands."""

from lago_infra.plan import run_plan

from .conftest import PROJECT_DIR
from .helpers import descendants

EXAMPLE = PROJECT_DIR / "examples" / "embedded"


def test_embedded_example_plans_with_its_own_names_and_ports(tmp_path):
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text("config: {}\n")
    plan = run_plan(config_file=stack_file, project_dir=EXAMPLE, prevalidate=False)
    assert plan.project == "billing-platform"
    assert plan.outputs == {"lago_url": "http://localhost:8080", "lago_api_url": "http://localhost:3001"}
    names = {r.name for r in plan.resources}
    assert {"billing", "billing-api", "billing-worker-pdfs", "billing-secrets"} <= names
    # Every resource of the component is parented inside it.
    component = next(r for r in plan.resources if r.name == "billing")
    inside = {r.urn for r in descendants(plan, component.urn)} | {component.urn}
    assert all(r.urn in inside for r in plan.resources if r.type != "pulumi:pulumi:Stack")
    assert plan.roles["api"]["env"]["LAGO_FRONT_URL"] == "http://localhost:8080"
