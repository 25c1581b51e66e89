"""The component package other Pulumi languages use: its schema (built offline, as the engine's
GetSchema would), the hosted components under the plan's mocks, and the YAML example against
the schema."""

import json
import re
import textwrap
from functools import lru_cache

import pytest
import yaml
from pulumi.errors import InputPropertiesError

from lago_infra.config import ConfigError
from lago_infra.config.model import LagoSettings
from lago_infra.package.hosting import settings_from_args
from lago_infra.package.provider import LagoProvider
from lago_infra.plan import run_plan
from tools.docgen import package as generate

from .conftest import PROJECT_DIR

PACKAGE = "lago-infra"
COMPONENTS = {f"{PACKAGE}:index:{c}" for c in ("LagoAws", "LagoGcp", "LagoDocker")}
YAML_EXAMPLE = PROJECT_DIR / "examples" / "platform-yaml" / "Pulumi.yaml"


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(LagoProvider().schema)


def _type(ref: str) -> dict:
    return schema()["types"][ref.removeprefix("#/types/")]


def _properties_of(prop: dict):
    """Every property reachable inside ``prop`` (list items, map values), itself first."""
    yield prop
    for inner in (prop.get("items"), prop.get("additionalProperties")):
        if inner:
            yield from _properties_of(inner)


def test_the_package_names_its_components_and_version():
    s = schema()
    assert s["name"] == PACKAGE
    assert s["version"] == "0.1.0"  # the library's own version (pyproject.toml)
    assert set(s["resources"]) == COMPONENTS
    assert all(r["isComponent"] and r["description"] for r in s["resources"].values())


def test_every_input_and_nested_property_has_a_description():
    """Every settings field's description reaches the schema, and every type has one."""
    s = schema()
    bare = []
    for token, resource in s["resources"].items():
        for name, prop in {**resource["inputProperties"], **resource["properties"]}.items():
            bare += [f"{token}.{name}" for p in _properties_of(prop) if not p.get("description")]
    for token, typ in s["types"].items():
        assert typ.get("description"), f"type {token} has no description"
        bare += [f"{token}.{name}" for name, prop in typ["properties"].items() if not prop.get("description")]
    assert not bare


def test_key_inputs_are_typed_for_other_languages():
    aws = schema()["resources"][f"{PACKAGE}:index:LagoAws"]
    inputs = aws["inputProperties"]
    # The whole lago: namespace but the target and the other targets' sections.
    assert {"preset", "runtime", "version", "roles", "workers", "aws"} <= set(inputs)
    assert not {"target", "gcp", "local"} & set(inputs)
    assert "One of `dev`, `prod`." in inputs["preset"]["description"] and inputs["preset"]["type"] == "string"
    assert aws["requiredInputs"] == []  # every key has a default or a preset value
    # An id a platform brings takes an Output (not plain); the lists holding them are plain.
    existing = _type(_type(_type(inputs["aws"]["$ref"])["properties"]["network"]["$ref"])["properties"]["existing"]["$ref"])
    assert existing["properties"]["vpcId"]["type"] == "string" and "plain" not in existing["properties"]["vpcId"]
    assert existing["properties"]["publicSubnetIds"]["items"]["type"] == "string"
    assert "plain" not in existing["properties"]["publicSubnetIds"]["items"]
    assert set(existing["required"]) >= {"vpcId", "publicSubnetIds", "privateSubnetIds"}
    # A secret takes an Output too, and says it is one.
    organization = _type(inputs["organization"]["$ref"])["properties"]
    assert "plain" not in organization["password"] and "Secret" in organization["password"]["description"]
    # Settings that share a class name across targets stay apart.
    assert {"Database", "AwsDatabase", "AwsNetwork", "GcpNetwork", "GcpCloudSql", "Redis", "AwsRedis"} <= {
        t.rsplit(":", 1)[-1] for t in schema()["types"]
    }
    # Dedicated workers: a map of role sizes.
    workers = _type(inputs["workers"]["$ref"])["properties"]["dedicated"]
    assert workers["type"] == "object" and workers["additionalProperties"]["$ref"].endswith(":RoleSize")


def test_key_outputs():
    resources = schema()["resources"]
    for token in COMPONENTS:
        assert {"frontUrl", "apiUrl"} <= set(resources[token]["properties"])
        assert {"frontUrl", "apiUrl"} <= set(resources[token]["required"])
    assert resources[f"{PACKAGE}:index:LagoAws"]["properties"]["roleEnvironments"]["type"] == "object"
    assert "roleEnvironments" not in resources[f"{PACKAGE}:index:LagoAws"]["required"]  # None without a store
    assert resources[f"{PACKAGE}:index:LagoDocker"]["properties"]["networkId"]["type"] == "string"


def test_the_generated_args_and_components_are_current():
    assert generate.ARGS_FILE.read_text() == generate.args_module(), "run `make generate`"
    assert generate.HOSTED_FILE.read_text() == generate.hosted_module(), "run `make generate`"


def test_the_hosted_components_declare_the_python_components_outputs():
    """Every output attribute of a Python component the schema can state is an output of the
    package's component, with the same docstring; Python-only ones (the deployment) are not."""
    from tools.docgen.reference import attribute_docs

    for component in generate.COMPONENTS:
        inner = attribute_docs(generate.python_component(component))
        outputs = schema()["resources"][f"{PACKAGE}:index:{component}"]["properties"]
        stated = {n for n, (annotation, _) in inner.items() if generate.output_annotation(annotation)}
        assert {"front_url", "api_url"} <= stated and "deployment" not in stated
        assert {n.split("_")[0] + "".join(w.title() for w in n.split("_")[1:]) for n in stated} == set(outputs)


@pytest.mark.parametrize(
    "annotation, stated",
    [
        ("pulumi.Output[str]", True),
        ("Optional[pulumi.Output[list[str]]]", True),
        ("pulumi.Output[dict[str, Any]]", True),
        ("LagoDeployment", False),
        ("pulumi.Output[dict[int, str]]", False),
        ("Optional[aws.lb.LoadBalancer]", False),
    ],
)
def test_which_output_annotations_the_schema_can_state(annotation, stated):
    assert (generate.output_annotation(annotation) is not None) is stated


def test_a_field_without_a_description_stops_the_generation_naming_its_key(monkeypatch):
    monkeypatch.setattr(LagoSettings.model_fields["webhook_attempts"], "description", "")
    with pytest.raises(generate.UndocumentedFields, match="lago:webhookAttempts"):
        generate.build()


# -- the hosted components under the plan's mocks -----------------------------------------------

_PROGRAM = """
import json, pulumi
from pulumi.errors import InputPropertiesError
from lago_infra.package.provider import LagoProvider

inputs = json.loads({inputs!r})
for key, value in {outputs!r}.items():
    inputs_at = inputs
    *path, leaf = key.split(".")
    for part in path:
        inputs_at = inputs_at[part]
    inputs_at[leaf] = pulumi.Output.secret(value) if leaf in {secrets!r} else pulumi.Output.from_input(value)
try:
    result = LagoProvider().construct("billing", {token!r}, inputs, None)
    pulumi.export("state", result.state)
except InputPropertiesError as error:
    pulumi.export("error", {{"message": error.message, "errors": error.errors}})
"""


def plan_construct(tmp_path, token: str, inputs: dict, outputs: dict = {}, secrets=(), config: str = "config: {}\n"):
    """Plan a program that constructs ``token`` through the provider, as the engine would hand it
    camelCase ``inputs``; ``outputs`` (dotted path -> value) arrive as Outputs, ``secrets`` among
    them as secret Outputs."""
    (tmp_path / "Pulumi.yaml").write_text("name: package-host\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(_PROGRAM).format(inputs=json.dumps(inputs), outputs=outputs, secrets=tuple(secrets), token=token)
    )
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text(config)
    return run_plan(config_file=stack, project_dir=tmp_path, prevalidate=False)


def test_the_docker_component_constructs_from_camel_case_inputs(tmp_path):
    plan = plan_construct(
        tmp_path, f"{PACKAGE}:index:LagoDocker", {"workers": {"dedicated": ["pdfs"]}, "local": {"frontPort": 8080, "apiPort": 3001}}
    )
    host = plan.one(f"{PACKAGE}:index:LagoDocker")
    inner = plan.one("lago:local:LagoDocker")
    assert inner.parent == host.urn and inner.name == "billing"
    assert {"billing-api", "billing-worker-pdfs"} <= {r.name for r in plan.resources}
    state = plan.outputs["state"]
    assert (state["frontUrl"], state["apiUrl"]) == ("http://localhost:8080", "http://localhost:3001")
    assert state["networkId"]  # every output attribute the Python component sets, copied
    assert "roleEnvironments" not in state  # None on the local target: left out, not null


def test_a_secret_given_as_an_output_stays_a_secret(tmp_path):
    plan = plan_construct(
        tmp_path,
        f"{PACKAGE}:index:LagoDocker",
        {"features": {"signup": False}, "organization": {"name": "Example", "email": "admin@example.com"}},
        outputs={"organization.password": "a-long-admin-password"},
        secrets=("password",),
    )
    assert "a-long-admin-password" not in json.dumps(plan.to_json())
    assert "LAGO_ORG_USER_PASSWORD" in json.dumps(plan.roles["migrate"])


def test_bad_inputs_are_one_message_per_property_without_a_traceback():
    provider = LagoProvider()
    with pytest.raises(InputPropertiesError) as caught:
        provider.construct("billing", f"{PACKAGE}:index:LagoDocker", {"runtime": "sometimes", "roles": {"clock": {"replicas": 2}}}, None)
    error = caught.value
    paths = {e["property_path"] for e in error.errors}
    assert paths == {"runtime", "roles.clock"}
    assert error.message.startswith("Invalid args of LagoDocker 'billing' (2 problems)") and "Traceback" not in error.message
    assert all("Fix:" in e["reason"] for e in error.errors)


def test_fixes_name_the_inputs_not_the_stack_file():
    """A stack file's fix (``pulumi config set --secret --path lago:...``) becomes the input to set."""
    with pytest.raises(InputPropertiesError) as caught:
        LagoProvider().construct("billing", f"{PACKAGE}:index:LagoAws", {"features": {"signup": False}}, None)
    [error] = caught.value.errors
    assert error["property_path"] == "organization"
    assert "set the input organization.password (a secret)" in error["reason"]
    # A secret passed as a plain value by a program is no plain-text stack file: accepted.
    settings = settings_from_args(
        "aws",
        "LagoAws",
        "billing",
        {"secret_env": {"STRIPE_API_KEY": "x"}, "smtp": {"address": "smtp.test", "from_email": "a@b.test", "password": "p"}},
    )
    assert settings.smtp.password.get_secret_value() == "p"
    assert "pulumi config" not in caught.value.message and "lago:" not in caught.value.message


def test_a_setting_the_cloud_refuses_is_a_property_error_too(tmp_path):
    """A SettingError, found while the AWS component builds (a size Fargate has no shape for),
    reaches the caller as the same per-property error as a bad key."""
    plan = plan_construct(
        tmp_path,
        f"{PACKAGE}:index:LagoAws",
        {"roles": {"api": {"cpu": 0.25, "memory": 8192}}},
        config="config:\n  aws:region: eu-west-1\n",
    )
    error = plan.outputs["error"]
    assert [e["property_path"] for e in error["errors"]] == ["roles.api.memory"]
    assert error["message"].startswith("Invalid args of LagoAws 'billing'") and "Fix:" in error["errors"][0]["reason"]
    # Nothing of AWS's registered: only the package's component itself.
    assert not [r for r in plan.resources if r.type.startswith("aws:")]


def test_the_python_settings_accept_the_generated_args_shape():
    """A TypedDict's snake_case keys are what the hosted component passes to the model."""
    settings = LagoSettings.model_validate(
        {"target": "aws", "preset": "prod", "aws": {"network": {"az_count": 3}}, "protection": {"acknowledge_data_loss": True}}
    )
    assert settings.aws.network.az_count == 3 and settings.roles.api.replicas == 2


# -- the YAML example ---------------------------------------------------------------------------

_JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}
_EXPRESSION = re.compile(r"^\$\{([A-Za-z_][\w-]*)\}$")


def _check(value, prop: dict, where: str, config: dict, problems: list[str]) -> None:
    if isinstance(value, str) and "${" in value:
        match = _EXPRESSION.match(value)
        if not match or match[1] not in config:
            problems.append(f"{where}: {value} is not a config value of the program")
            return
        declared = config[match[1]]
        if prop.get("plain") and declared.get("secret"):
            problems.append(f"{where}: a secret config value reaches a plain property")
        kind = "object" if "$ref" in prop else prop.get("type")
        if declared.get("type", "string") != kind:
            problems.append(f"{where}: config {match[1]} is a {declared.get('type')}, the property a {kind}")
        return
    if "$ref" in prop:
        if not prop["$ref"].startswith("#/types/"):
            return
        typ = _type(prop["$ref"])
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a mapping")
            return
        _check_object(value, typ["properties"], typ.get("required", []), where, config, problems)
        return
    expected = _JSON_TYPES[prop["type"]]
    if not isinstance(value, expected) or (prop["type"] in ("integer", "number") and isinstance(value, bool)):
        problems.append(f"{where}: {value!r} is not a {prop['type']}")
        return
    if prop["type"] == "array":
        for i, item in enumerate(value):
            _check(item, prop["items"], f"{where}[{i}]", config, problems)
    if prop["type"] == "object" and "additionalProperties" in prop:
        for k, item in value.items():
            _check(item, prop["additionalProperties"], f"{where}.{k}", config, problems)


def _check_object(value: dict, properties: dict, required: list, where: str, config: dict, problems: list[str]) -> None:
    for key, item in value.items():
        if key not in properties:
            problems.append(f"{where}.{key}: no such property")
            continue
        _check(item, properties[key], f"{where}.{key}", config, problems)
    problems += [f"{where}.{key}: required" for key in required if key not in value]


def example() -> dict:
    return yaml.safe_load(YAML_EXAMPLE.read_text())


def test_the_yaml_example_sets_only_properties_the_schema_has_with_their_types():
    program = example()
    assert program["runtime"] == "yaml" and program["packages"] == {PACKAGE: "../../provider"}
    assert (YAML_EXAMPLE.parent / program["packages"][PACKAGE] / "PulumiPlugin.yaml").is_file()
    ours = {n: r for n, r in program["resources"].items() if r["type"].startswith(f"{PACKAGE}:")}
    assert ours, "the example uses no component of the package"
    problems: list[str] = []
    for name, resource in ours.items():
        assert resource["type"] in COMPONENTS
        spec = schema()["resources"][resource["type"]]
        _check_object(resource["properties"], spec["inputProperties"], spec["requiredInputs"], name, program["config"], problems)
    for output, expression in program["outputs"].items():
        resource, _, prop = expression.strip("${}").partition(".")
        if resource in ours and prop not in schema()["resources"][ours[resource]["type"]]["properties"]:
            problems.append(f"outputs.{output}: {resource} has no output {prop}")
    assert problems == []


def test_the_schema_check_catches_a_wrong_property():
    spec = schema()["resources"][f"{PACKAGE}:index:LagoAws"]
    problems: list[str] = []
    _check_object(
        {"preset": 1, "aws": {"network": {"azcount": 3}}, "tags": {"a": "${nope}"}}, spec["inputProperties"], [], "x", {}, problems
    )
    assert problems == [
        "x.preset: 1 is not a string",
        "x.aws.network.azcount: no such property",
        "x.tags.a: ${nope} is not a config value of the program",
    ]


_SAMPLE_CONFIG = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "privateSubnetIds": ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
    "zoneId": "Z0123456789EXAMPLE",
    "listenerArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform/0123456789abcdef/0123456789abcdef",
    "albSecurityGroupId": "sg-0123456789abcdef0",
    "albDnsName": "platform-1234567890.eu-west-1.elb.amazonaws.com",
    "albZoneId": "Z32O12XQLNTSW2",
    "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/platform",
    "adminPassword": "a-long-admin-password",
}


def _resolved(value, outputs: dict, path: str):
    """The example's properties with each ``${config}`` replaced: known values in place, ids and
    secrets (which YAML would hand over as Outputs) recorded in ``outputs``."""
    if isinstance(value, dict):
        return {k: _resolved(v, outputs, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, outputs, path) for v in value]
    match = _EXPRESSION.match(value) if isinstance(value, str) else None
    if match:
        sample = _SAMPLE_CONFIG[match[1]]
        if isinstance(sample, str):
            outputs[path] = sample
            return None
        return sample
    return value


def test_the_yaml_example_plans_through_the_provider(tmp_path):
    resource = example()["resources"]["billing"]
    outputs: dict = {}
    inputs = _resolved(resource["properties"], outputs, "")
    plan = plan_construct(tmp_path, resource["type"], inputs, outputs, secrets=("password",), config="config:\n  aws:region: eu-west-1\n")
    # The platform's network, load balancer, listener and cluster: none created.
    for kind in ("aws:ec2/vpc:Vpc", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener", "aws:ecs/cluster:Cluster"):
        assert plan.by_type(kind) == [], kind
    rules = plan.by_type("aws:lb/listenerRule:ListenerRule")
    assert rules and all(r.inputs["listenerArn"] == _SAMPLE_CONFIG["listenerArn"] and 100 <= r.inputs["priority"] <= 119 for r in rules)
    assert plan.one(f"{PACKAGE}:index:LagoAws").name == "billing"
    assert plan.outputs["state"]["frontUrl"] == "https://billing.example.com"
    assert "a-long-admin-password" not in json.dumps(plan.to_json())


def test_the_example_config_is_what_the_program_declares():
    assert set(_SAMPLE_CONFIG) == set(example()["config"])
    # Its stack file sets each of them, so `plan --project-dir examples/platform-yaml` plans it.
    stack = yaml.safe_load((YAML_EXAMPLE.parent / "Pulumi.dev.yaml").read_text())["config"]
    assert {k.removeprefix(f"{example()['name']}:") for k in stack if k.startswith(f"{example()['name']}:")} == set(_SAMPLE_CONFIG)
