"""Issue 25, item 7 (AWS): the dev preset at or under $100 a month with every role running, each
saving a preset value whose trade-off is written down: no NAT gateway (tasks with public IPs in the
public subnets), every serving role on Fargate Spot (X86_64), secrets in SSM Parameter Store, and
db.t4g.micro with a worker sized so the worst case of connections fits it."""

from __future__ import annotations

import base64
import copy
import json

import botocore.loaders
import pytest

from lago_infra.config.errors import ConfigError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lago_infra.config.model import LagoSettings
from lago_infra.cost import estimate
from lago_infra.plan import ordering
from lago_infra.plan.monitor import Registration
from lago_infra.policy.credentials import plain_credential
from lago_infra.policy.from_plan import view_of_plan
from lago_infra.policy.rules.lago import connections
from lago_infra.app_secrets import rsa_variable
from lago_infra.targets.aws import checks, limits, settings

from .conftest import stack_plan
from .helpers import named, refused, resources

BASE = {"aws:region": "eu-west-1", "lago:target": "aws"}
SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
PARAMETER = "aws:ssm/parameter:Parameter"
SERVING = ("api", "worker", "clock", "front", "pdf")
TARGET_PER_MONTH = 100


def _doc(plan) -> dict:
    return copy.deepcopy(plan.to_json())


# -- the bill ---------------------------------------------------------------------------------------


def test_aws_dev_costs_at_most_100_a_month_with_every_role_running(plan_of):
    plan = plan_of("aws-dev")
    est = estimate(_doc(plan))
    assert est.unpriced == []
    assert est.monthly[1] <= TARGET_PER_MONTH, f"aws-dev costs ${est.monthly[1]:.2f} a month at its most"
    # Every serving role runs at least one task, and each task is priced.
    for role in SERVING:
        service = named(plan, f"-ecs-{role}", SERVICE)
        assert service.inputs["desiredCount"] >= 1, role
        compute = [l for l in est.lines if l.urn == service.urn and l.tier == "compute"]
        assert compute and all(l.monthly[0] > 0 for l in compute), role
    # The migrations run once per release, before the services: their task and its run are planned.
    assert named(plan, "-ecs-migrate", TASK) and named(plan, "-ecs-migrate-run")
    # Nothing of what was cut bills any more: no NAT gateway, no Secrets Manager secret.
    assert not [l for l in est.lines if l.type in ("aws:ec2/natGateway:NatGateway", "aws:secretsmanager/secret:Secret")]


def test_each_saving_is_a_preset_value_prod_does_not_take():
    dev, prod = settings.PRESETS["dev"], settings.PRESETS["prod"]
    assert (dev["network"]["nat"], prod["network"]["nat"]) == ("none", "perAz")
    assert (dev["services"]["fargateSpot"], prod["services"]["fargateSpot"]) == ("all", "none")
    assert (dev["secrets"]["store"], prod["secrets"]["store"]) == ("parameterStore", "secretsManager")
    assert dev["database"]["instanceClass"] == "db.t4g.micro"
    assert settings.SHARED_PRESETS["prod"] == {}


def test_the_savings_are_read_from_the_plan_not_the_preset(plan_of):
    """Each saving undone on the recorded plan raises the estimate by what that line costs."""
    base = estimate(_doc(plan_of("aws-dev"))).monthly[0]
    d = _doc(plan_of("aws-dev"))
    for r in d["resources"]:
        if r["type"] == SERVICE:
            r["inputs"]["capacityProviderStrategies"] = [{"capacityProvider": "FARGATE", "weight": 1}]
    assert estimate(d).monthly[0] > base + 30  # five X86_64 tasks at the on-demand rate
    d = _doc(plan_of("aws-dev"))
    next(r for r in d["resources"] if r["type"] == "aws:rds/instance:Instance")["inputs"]["instanceClass"] = "db.t4g.small"
    assert estimate(d).monthly[0] == pytest.approx(base + 730 * 0.018)


# -- the database: db.t4g.micro, computed --------------------------------------------------------------


def _worst(view) -> list[str]:
    return [v.what for v in connections(view)]


def test_the_dev_worst_case_fits_a_micro_by_the_policys_arithmetic():
    view = view_of_plan(stack_plan("aws-dev"))
    assert _worst(view) == []
    assert limits.rds_default_max_connections("db.t4g.micro") == 76


def test_lagos_default_worker_would_not_fit_the_micro(plan_config):
    plan = plan_config({**BASE, "lago:workers": {"concurrency": 10}})
    (what,) = _worst(view_of_plan(plan))
    assert "worker 2x1x12x2=48" in what and "max_connections 76" in what


def test_the_next_lago_with_three_pools_per_process_still_fits(plan_config):
    plan = plan_config({**BASE, "lago:version": "v1.52.0"})
    assert _worst(view_of_plan(plan)) == []


def test_the_worker_size_is_aws_dev_only(plan_config):
    env = lambda plan: plan.roles["worker"]["env"]
    assert env(plan_config({**BASE}))["SIDEKIQ_CONCURRENCY"] == "4"
    assert env(plan_config({**BASE, "lago:preset": "prod"}))["SIDEKIQ_CONCURRENCY"] == "10"
    assert env(plan_config({"lago:target": "local"}))["SIDEKIQ_CONCURRENCY"] == "10"
    # A stack file's own value still wins.
    assert env(plan_config({**BASE, "lago:workers": {"concurrency": 6}}))["SIDEKIQ_CONCURRENCY"] == "6"


# -- no NAT: public subnets, and the order the first pulumi up needs --------------------------------


def test_without_nat_every_task_and_the_migrations_get_a_public_ip(plan_of):
    plan = plan_of("aws-dev")
    public = {r.name for r in resources(plan, "aws:ec2/subnet:Subnet") if r.inputs["tags"]["lago:tier"] == "public"}
    for role in SERVING:
        network = named(plan, f"-ecs-{role}", SERVICE).inputs["networkConfiguration"]
        assert network["assignPublicIp"] is True, role
        assert {next(n for n in public if s.startswith(n + "-")) for s in network["subnets"]} == public, role
    assert json.loads(named(plan, "-ecs-migrate-run").inputs["input"])["assignPublicIp"] is True
    # Inbound stays ALB-only: no rule opens a task's group to an address range.
    groups = {r.name: r for r in resources(plan, "aws:ec2/securityGroup:SecurityGroup")}
    for rule in resources(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        owner = next(n for n in groups if rule.inputs["securityGroupId"].startswith(n + "-"))
        assert owner == "lago-sg-alb" or "cidrIpv4" not in rule.inputs, owner


def _without_network_wait(plan, name: str, type_: str) -> list[Registration]:
    """The plan's registrations, with ``name`` keeping of its dependencies only what its inputs use
    besides the network's routes (its subnets still place it in the VPC)."""
    regs = copy.deepcopy(plan.resources)
    by_urn = {r.urn: r for r in regs}
    target = next(r for r in regs if r.name == name and r.type == type_)
    keep = {u for u in target.dependencies if by_urn.get(u) is not None and by_urn[u].type == "aws:ec2/subnet:Subnet"}
    target.dependencies[:] = sorted(keep)
    target.parent = None
    return regs


@pytest.mark.parametrize(("name", "type_"), [("lago-ecs-api", SERVICE), ("lago-ecs-migrate-run", "aws:lambda/invocation:Invocation")])
def test_a_task_with_a_public_ip_waits_for_the_internet_route(plan_of, name, type_):
    plan = plan_of("aws-dev")
    assert not [v for v in ordering.violations(plan.resources) if v.then.name == name]
    found = ordering.violations(_without_network_wait(plan, name, type_))
    firsts = {(v.first.type, v.then.name) for v in found}
    assert ("aws:ec2/route:Route", name) in firsts
    assert ("aws:ec2/routeTableAssociation:RouteTableAssociation", name) in firsts


# -- Spot ------------------------------------------------------------------------------------------


def test_spot_roles_follow_the_setting(plan_config):
    on = lambda plan, role: named(plan, f"-ecs-{role}", SERVICE).inputs["capacityProviderStrategies"][0]["capacityProvider"]
    dev = plan_config({**BASE})
    assert {on(dev, role) for role in SERVING} == {"FARGATE_SPOT"}
    back = plan_config({**BASE, "lago:aws": {"services": {"fargateSpot": "none", "cpuArchitecture": "ARM64"}}})
    assert {on(back, role) for role in SERVING} == {"FARGATE"}
    assert {t.inputs["runtimePlatform"]["cpuArchitecture"] for t in resources(back, TASK)} == {"ARM64"}


# -- secrets in SSM Parameter Store ----------------------------------------------------------------


def _ssm_model() -> dict:
    return botocore.loaders.Loader().load_service_model("ssm", "service-2")


def test_parameter_names_are_names_ssm_takes(plan_of):
    names = [r.inputs["name"] for r in resources(plan_of("aws-dev"), PARAMETER)]
    assert len(names) == len(set(names)) == 11
    for name in names:
        assert limits.ssm_parameter_name_problem(name) is None, name
        assert name.startswith("/lago/lago-aws-dev/lago-secret/")
    # The constraints are the API reference's own (botocore's ssm model, PutParameter Name).
    doc = _ssm_model()["shapes"]["PutParameterRequest"]["members"]["Name"]["documentation"]
    for phrase in ("a-zA-Z0-9_.-", "can't be prefixed with", "maximum depth of fifteen levels", "1011 characters"):
        assert phrase in doc
    assert limits.ssm_parameter_name_problem("/aws-lago/x") and limits.ssm_parameter_name_problem("/SSM/x")
    assert limits.ssm_parameter_name_problem("/lago/a b") and limits.ssm_parameter_name_problem("/" + "/".join("abcdefghijklmnop"))


def test_parameters_are_secure_strings_in_the_tier_their_size_needs(plan_of):
    assert resources(plan_of("aws-dev"), PARAMETER)
    for r in resources(plan_of("aws-dev"), PARAMETER):
        assert (r.inputs["type"], r.inputs["tier"], r.inputs["value"]) == ("SecureString", "Intelligent-Tiering", "[secret]")
    model = _ssm_model()["shapes"]
    assert "Intelligent-Tiering" in model["ParameterTier"]["enum"] and "SecureString" in model["ParameterType"]["enum"]
    value_doc = model["PutParameterRequest"]["members"]["Value"]["documentation"]
    assert "Standard parameters have a value limit of 4 KB" in value_doc and "Advanced parameters have a value limit of 8 KB" in value_doc


@pytest.mark.parametrize(("bits", "fits"), [(2048, "standard"), (4096, "advanced")])
def test_the_rsa_key_as_lago_reads_it_fits_a_parameter(bits, fits):
    """LAGO_RSA_PRIVATE_KEY is base64 of the PEM: the generated 2048-bit key stays in the free tier;
    a brought 4096-bit key needs the advanced one, which Intelligent-Tiering picks."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    for fmt in (serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8):
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()
        size = len(rsa_variable(pem))
        assert base64.b64decode(rsa_variable(pem)).decode().strip() == pem.strip()
        assert size <= limits.SSM_VALUE_MAX
        assert (size <= limits.SSM_STANDARD_VALUE_MAX) == (fits == "standard"), size


def _problems(config: dict) -> list:
    """The problems LagoSettings finds in ``config`` as it validates (the target's checks of the
    whole settings run in the same round)."""
    try:
        LagoSettings.model_validate(config)
    except ConfigError as error:
        return error.problems
    return []


def test_a_secret_too_large_for_a_parameter_is_refused_before_anything_is_created():
    """Checked on the settings (a stack file's ``secure:`` values are only decrypted by the engine)."""
    big = "x" * (limits.SSM_VALUE_MAX + 1)
    config = {"target": "aws", "secretEnv": {"STRIPE_API_KEY": big}}
    [problem] = _problems(config)
    assert problem.key == "lago:secretEnv.STRIPE_API_KEY" and "8192" in problem.what and "secretsManager" in problem.fix
    # Secrets Manager takes it, and a value at the limit fits a parameter.
    assert not _problems({**config, "aws": {"secrets": {"store": "secretsManager"}}})
    assert not _problems({**config, "secretEnv": {"STRIPE_API_KEY": big[1:]}})
    # The RSA key is stored as base64 of its PEM, a third larger than the PEM.
    pem = "-----BEGIN PRIVATE KEY-----\n" + "A" * 6200 + "\n-----END PRIVATE KEY-----"
    [problem] = _problems({"target": "aws", "secrets": {"rsaPrivateKey": pem}})
    assert problem.key == "lago:secrets.rsaPrivateKey"


def _definitions(plan) -> dict[str, str]:
    return {r.name: r.inputs["containerDefinitions"] for r in resources(plan, TASK)}


def test_a_new_value_rolls_exactly_the_tasks_that_read_it(plan_config):
    """ECS pins no parameter version: the version each container reads is its label, so a new
    value changes those task definitions (ECS rolls their services) and no other."""
    before = _definitions(plan_config({**BASE, "lago:secretEnv": {"STRIPE_API_KEY": {"secure": "b25l"}}}))
    after = _definitions(plan_config({**BASE, "lago:secretEnv": {"STRIPE_API_KEY": {"secure": "dHdv"}}}))
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["lago-ecs-api", "lago-ecs-clock", "lago-ecs-migrate", "lago-ecs-worker"]


def test_execution_roles_may_read_the_parameters_and_nothing_broader(plan_of):
    """ssm:GetParameters on exactly the task's parameters (ECS's documented permission; GetParameters
    is the action SSM authorises that call against)."""
    plan = plan_of("aws-dev")
    ops = _ssm_model()["operations"]
    assert "ssm:GetParameters" in ops["GetParameters"]["documentation"]
    for role in ("api", "worker", "clock"):
        used = {s["valueFrom"] for c in json.loads(named(plan, f"-ecs-{role}", TASK).inputs["containerDefinitions"]) for s in c["secrets"]}
        [statement] = json.loads(named(plan, f"-ecs-{role}-execution-secrets").inputs["policy"])["Statement"]
        assert statement == {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": sorted(used)}


def test_a_stack_key_encrypts_the_parameters_and_the_readers_may_decrypt_through_ssm_only(plan_config):
    plan = plan_config({**BASE, "lago:aws": {"baseline": {"kms": True}}})
    [key] = resources(plan, "aws:kms/key:Key")
    key_arn = {r.inputs["keyId"] for r in resources(plan, PARAMETER)}
    assert len(key_arn) == 1 and next(iter(key_arn)).startswith("arn:aws:kms:")
    statements = json.loads(named(plan, "-api-execution-key").inputs["policy"])["Statement"]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": next(iter(key_arn)),
            "Condition": {"StringEquals": {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}},
        }
    ]
    assert "Decrypt" in botocore.loaders.Loader().load_service_model("kms", "service-2")["operations"]


def test_a_platforms_runtime_is_handed_parameter_references(plan_config):
    plan = plan_config(
        {**BASE, "lago:runtime": "external", "lago:urls": {"front": "https://app.example.com", "api": "https://api.example.com"}}
    )
    [policy] = [r for r in resources(plan, "aws:iam/policy:Policy") if r.name.endswith("-platform-secrets")]
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    assert {"GetParameter", "GetParameters"} <= set(_ssm_model()["operations"])
    assert all(":ssm:eu-west-1:" in arn for arn in statement["Resource"])
    # The guardrail reads a parameter ARN as a reference, not a credential.
    assert plain_credential("DATABASE_URL", statement["Resource"][0]) is None


def test_a_brought_url_secret_stays_in_secrets_manager_beside_the_parameters(plan_config):
    brought = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-db-url-AbCdEf"
    plan = plan_config({**BASE, "lago:aws": {"database": {"existingUrlSecretArn": brought}}})
    statements = json.loads(named(plan, "-ecs-api-execution-secrets").inputs["policy"])["Statement"]
    assert [s["Action"] for s in statements] == ["secretsmanager:GetSecretValue", "ssm:GetParameters"]
    assert statements[0]["Resource"] == [brought]


def test_parameters_are_priced_by_tier(plan_of):
    d = _doc(plan_of("aws-dev"))
    lines = [l for l in estimate(d).lines if l.type == PARAMETER]
    assert len(lines) == 11 and all(l.monthly == (0.0, 0.0) and "over 4 KB" in l.note for l in lines)
    next(r for r in d["resources"] if r["type"] == PARAMETER)["inputs"]["tier"] = "Advanced"
    assert sum(l.monthly[0] for l in estimate(d).lines if l.type == PARAMETER) == pytest.approx(0.05)


def test_the_bootstrap_reads_the_platforms_admin_secret_and_the_stacks_password_parameter(plan_config):
    """A brought server on dev: the admin secret is the platform's (Secrets Manager), the Lago user's
    password the stack's (a parameter); the migrate task's execution role reads each by its own
    action, and the bootstrap container carries the password parameter's version."""
    admin = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"
    platform_vpc = {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
    }
    plan = plan_config(
        {
            **BASE,
            "lago:aws": {
                "database": {"existing": {"host": "pg.platform.internal", "adminSecretArn": admin}},
                "network": {"existing": platform_vpc},
            },
        }
    )
    bootstrap = json.loads(named(plan, "-ecs-migrate", TASK).inputs["containerDefinitions"])[0]
    password = next(s["valueFrom"] for s in bootstrap["secrets"] if s["name"] not in ("PGUSER", "PGPASSWORD"))
    assert ":ssm:" in password and "lago-parameter-versions" in bootstrap["dockerLabels"]
    statements = json.loads(named(plan, "-ecs-migrate-execution-secrets").inputs["policy"])["Statement"]
    by_action = {s["Action"]: s["Resource"] for s in statements}
    assert by_action["secretsmanager:GetSecretValue"] == [admin] and password in by_action["ssm:GetParameters"]
