"""The AWS data tier a platform brings: its KMS key, its PostgreSQL server (the Lago database and
user managed on it, or nothing but a URL secret) and its Redis endpoints; asserted on recorded
plans of the shipped stack files with those keys set."""

from __future__ import annotations

import functools
import json
import re

import pytest

from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.cost import estimate
from lago_infra.plan import Plan, run_plan
from lago_infra.plan.runner import run_plan_with
from lago_infra.policy import views_of_plan
from lago_infra.policy.engine import evaluate

from .conftest import PROJECT_DIR
from .helpers import env_of, named, resources

KEY = "arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012"
# The form of RDS's managed master user secret.
ADMIN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"
URL_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-database-url-AbCdEf"
TOKEN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth-AbCdEf"
SERVER = "pg.cluster-abc.eu-west-1.rds.amazonaws.com"
SERVER_SG = "sg-0123456789abcdef0"
QUEUE, CACHE = "queue.redis.internal", "cache.redis.internal"

TASK = "aws:ecs/taskDefinition:TaskDefinition"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
DATABASE_TYPES = ("aws:rds/", "aws:elasticache/", "aws:kms/")
BACKEND = ("api", "worker", "clock", "migrate")

ON_SERVER = {"existing": {"host": SERVER, "adminSecretArn": ADMIN, "securityGroupId": SERVER_SG}}
BROUGHT_REDIS = {
    "existing": {"queue": {"host": QUEUE, "authTokenSecretArn": TOKEN}, "cache": {"host": CACHE, "port": 6380, "authTokenSecretArn": TOKEN}}
}


@functools.lru_cache(maxsize=None)
def prod_with(changes: str) -> Plan:
    """aws-prod (the preset that creates the most: its own key, Multi-AZ RDS, two Redis groups,
    alarms) with ``lago:aws`` changes given as JSON, planned once per session."""
    return run_plan_with(PROJECT_DIR / "stacks" / "Pulumi.aws-prod.yaml", {"lago:aws": json.loads(changes)})


#: The platform's VPC, where its server and Redis live (a VPC of the stack's own cannot reach them).
PLATFORM_VPC = {
    "existing": {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
    }
}


def plan_with(**aws) -> Plan:
    if "existing" in aws.get("database", {}) or "existing" in aws.get("redis", {}):
        aws.setdefault("network", PLATFORM_VPC)
    return prod_with(json.dumps(aws, sort_keys=True))


def everything_brought(mode: str) -> Plan:
    database = ON_SERVER if mode == "server" else {"existingUrlSecretArn": URL_SECRET}
    return plan_with(baseline={"existingKmsKeyArn": KEY}, database=database, redis=BROUGHT_REDIS)


def types(plan: Plan) -> set[str]:
    return {r.type for r in plan.resources}


def containers(plan: Plan, role: str) -> list[dict]:
    return json.loads(named(plan, f"-ecs-{role}", TASK).inputs["containerDefinitions"])


def value_from(plan: Plan, role: str, variable: str) -> str:
    main = next(c for c in containers(plan, role) if c["name"] == role)
    return next(s["valueFrom"] for s in main["secrets"] if s["name"] == variable)


def stored(plan: Plan, variable: str) -> str:
    """The value the plan stores in the stack's own secret (or parameter) for ``variable`` (the
    mocks' state)."""
    slug = variable.lower().replace("_", "-")
    [entry] = [r for r in plan.resources if r.name.endswith(f"-secret-{slug}") and r.type in (VERSION, "aws:ssm/parameter:Parameter")]
    value = plan.states[entry.urn]["secretString" if entry.type == VERSION else "value"]
    return value["value"] if isinstance(value, dict) else value  # a secret, as the mocks record it


def data_alarms(plan: Plan) -> list[str]:
    return [
        r.name
        for r in resources(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")
        if r.inputs.get("namespace") in ("AWS/RDS", "AWS/ElastiCache")
    ]


def policy_text(plan: Plan, arn_suffix: str) -> list[dict]:
    return [json.loads(r.inputs["policy"]) for r in resources(plan, "aws:iam/rolePolicy:RolePolicy") if r.name.endswith(arn_suffix)]


# -- a KMS key the platform brings --------------------------------------------------------------


def test_a_brought_key_creates_no_key_and_encrypts_everything():
    plan = plan_with(baseline={"existingKmsKeyArn": KEY})
    assert not resources(plan, "aws:kms/key:Key") and not resources(plan, "aws:kms/alias:Alias")
    assert named(plan, "-db", "aws:rds/instance:Instance").inputs["kmsKeyId"] == KEY
    assert {r.inputs["kmsKeyId"] for r in resources(plan, "aws:elasticache/replicationGroup:ReplicationGroup")} == {KEY}
    assert {r.inputs["kmsKeyId"] for r in resources(plan, "aws:secretsmanager/secret:Secret")} == {KEY}
    assert {r.inputs.get("kmsKeyId") for r in resources(plan, "aws:cloudwatch/logGroup:LogGroup")} == {KEY}
    assert {r.inputs["kmsMasterKeyId"] for r in resources(plan, "aws:sns/topic:Topic")} == {KEY}
    sse = [
        r
        for r in resources(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if r.name.startswith("lago-files")
    ]
    assert sse and all(rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == KEY for r in sse for rule in r.inputs["rules"])


def test_a_brought_key_is_granted_to_the_task_roles_through_its_services_only():
    plan = plan_with(baseline={"existingKmsKeyArn": KEY})
    execution = policy_text(plan, "-api-execution-key")[0]["Statement"]
    backend = policy_text(plan, "-backend-task-files")[0]["Statement"][2:]
    assert execution == [
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": KEY,
            "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}},
        }
    ]
    assert backend[0]["Resource"] == KEY and backend[0]["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    # The stack's own key grants the same in its key policy: no IAM statements of that kind.
    default = prod_with("{}")
    assert not policy_text(default, "-key") and len(policy_text(default, "-backend-task-files")[0]["Statement"]) == 2


# -- a PostgreSQL server the platform runs -------------------------------------------------------


def test_on_a_brought_server_no_database_resource_is_created():
    plan = everything_brought("server")
    assert not [t for t in types(plan) if t.startswith(DATABASE_TYPES)]
    # Nor a security group of ours for a server the platform's own groups guard.
    groups = {g.name for g in resources(plan, "aws:ec2/securityGroup:SecurityGroup")}
    assert "lago-sg-api" in groups and not {"lago-sg-database", "lago-sg-redis"} & groups
    # The platform watches its own server and Redis; the stack's other alarms stay.
    assert data_alarms(prod_with("{}")) and not data_alarms(plan)
    assert resources(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")


def test_a_bootstrap_readies_the_lago_database_and_user_before_migrate():
    plan = everything_brought("server")
    bootstrap, migrate, files = containers(plan, "migrate")
    assert (bootstrap["name"], bootstrap["essential"]) == ("db-bootstrap", False)
    # Through the stack's pull-through cache, as the migrate container's image (item 14).
    registry = migrate["image"].split("/getlago/")[0]
    assert bootstrap["image"] == f"{registry}/library/postgres:16-alpine"
    # The CA file first (prod verifies the server), then the bootstrap, then the migrations.
    assert bootstrap["dependsOn"] == [{"containerName": files["name"], "condition": "SUCCESS"}]
    assert migrate["dependsOn"] == [
        {"containerName": files["name"], "condition": "SUCCESS"},
        {"containerName": "db-bootstrap", "condition": "SUCCESS"},
    ]
    env = {e["name"]: e["value"] for e in bootstrap["environment"]}
    assert (env["PGHOST"], env["PGPORT"], env["PGSSLMODE"], env["LAGO_DATABASE_USER"], env["LAGO_DATABASE_NAME"]) == (
        SERVER,
        "5432",
        "verify-full",
        "lago",
        "lago",
    )
    assert env["PGSSLROOTCERT"] == "/lago-tls/postgres-ca.pem"
    assert {"sourceVolume": "files-lago-tls", "containerPath": "/lago-tls", "readOnly": True} in bootstrap["mountPoints"]
    secrets = {s["name"]: s["valueFrom"] for s in bootstrap["secrets"]}
    assert (secrets["PGUSER"], secrets["PGPASSWORD"]) == (f"{ADMIN}:username::", f"{ADMIN}:password::")
    assert secrets["LAGO_DATABASE_PASSWORD"].startswith(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-secret/LAGO_DATABASE_PASSWORD-"
    )
    script = bootstrap["command"][0]
    # Additive and idempotent: create if missing, set the password, never drop.
    assert "WHERE NOT EXISTS (SELECT FROM pg_roles" in script and "WHERE NOT EXISTS (SELECT FROM pg_database" in script
    assert "PASSWORD :'lago_password'" in script and "DROP" not in script.upper()
    # Only the migrate task's execution role reads the admin secret.
    readers = [
        r.name
        for r in resources(plan, "aws:iam/rolePolicy:RolePolicy")
        if r.name.endswith("-execution-secrets") and ADMIN in r.inputs["policy"]
    ]
    assert readers == ["lago-ecs-migrate-execution-secrets"]


def test_the_bootstrap_image_is_never_an_anonymous_docker_hub_pull(plan_config):
    """With Docker Hub credentials and no cache, it pulls with them, as Lago's images do; with
    neither (dev), from ECR Public's copy of Docker's official image instead of Docker Hub."""
    hub = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
    with_credentials = plan_with(database=ON_SERVER, images={"pullThroughCache": False, "dockerHubCredentialsArn": hub})
    bootstrap = containers(with_credentials, "migrate")[0]
    assert bootstrap["image"] == "postgres:16-alpine" and bootstrap["repositoryCredentials"] == {"credentialsParameter": hub}
    dev = plan_config(
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:database": {"version": 16},
            "lago:aws": {"database": ON_SERVER, "network": PLATFORM_VPC},
        }
    )
    bootstrap = containers(dev, "migrate")[0]
    assert bootstrap["image"] == "public.ecr.aws/docker/library/postgres:16-alpine" and "repositoryCredentials" not in bootstrap


def test_database_url_names_the_brought_server_and_stays_a_reference():
    plan = everything_brought("server")
    url = stored(plan, "DATABASE_URL")
    assert url.startswith("postgresql://lago:") and f"@{SERVER}:5432/lago?" in url
    # prod: verified against RDS's CA bundle of the region (an RDS or Aurora server).
    assert url.endswith("&sslmode=verify-full&sslrootcert=/lago-tls/postgres-ca.pem")
    password = stored(plan, "LAGO_DATABASE_PASSWORD")
    assert f"lago:{password}@" in url, "the bootstrap sets the password DATABASE_URL carries"
    for role in BACKEND:
        assert env_of(plan, role)["DATABASE_URL"] == "[secret]"
        assert value_from(plan, role, "DATABASE_URL").startswith(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-secret/DATABASE_URL-"
        )


def test_the_servers_security_group_admits_exactly_the_backend_tasks():
    plan = everything_brought("server")
    rules = [
        r for r in resources(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == SERVER_SG
    ]
    sources = {r.inputs["referencedSecurityGroupId"].split("-")[2] for r in rules}
    assert sources == {"api", "worker", "clock"} and {(r.inputs["fromPort"], r.inputs["toPort"]) for r in rules} == {(5432, 5432)}
    assert "database_client_security_group_ids" not in plan.outputs
    untouched = plan_with(database={"existing": {"host": SERVER, "adminSecretArn": ADMIN}})
    assert not [
        r for r in resources(untouched, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.name.startswith("lago-db-")
    ]
    assert len(untouched.outputs["database_client_security_group_ids"]) == 3


# -- a database brought as a URL secret ----------------------------------------------------------


def test_a_url_secret_creates_nothing_for_the_database_and_is_referenced_as_is():
    plan = everything_brought("url")
    assert not [t for t in types(plan) if t.startswith(DATABASE_TYPES)]
    assert not [r for r in plan.resources if "database" in r.name.lower() and "secret" in r.type]
    assert not [r for r in plan.resources if r.name.startswith("lago-db")]
    assert "database_endpoint" not in plan.outputs
    for role in BACKEND:
        assert value_from(plan, role, "DATABASE_URL") == URL_SECRET
        assert env_of(plan, role)["DATABASE_URL"] == "[secret]"
        # What Lago derives apart from the URL stays the stack's.
        assert env_of(plan, role)["POSTGRES_SCHEMA"] == "public" and int(env_of(plan, role)["DATABASE_POOL"]) >= 2
    readers = {
        r.name
        for r in resources(plan, "aws:iam/rolePolicy:RolePolicy")
        if r.name.endswith("-execution-secrets") and URL_SECRET in r.inputs["policy"]
    }
    assert readers == {f"lago-ecs-{role}-execution-secrets" for role, spec in plan.roles.items() if "DATABASE_URL" in spec["env"]}
    assert all(c["name"] != "db-bootstrap" for c in containers(plan, "migrate"))


# -- Redis endpoints the platform runs ----------------------------------------------------------


def test_brought_redis_creates_no_elasticache_and_reaches_containers_as_references():
    plan = plan_with(redis=BROUGHT_REDIS)
    assert not [t for t in types(plan) if t.startswith("aws:elasticache/")]
    groups = {g.name for g in resources(plan, "aws:ec2/securityGroup:SecurityGroup")}
    assert "lago-sg-database" in groups and "lago-sg-redis" not in groups
    assert stored(plan, "REDIS_URL") == f"rediss://{QUEUE}:6379/0"
    assert stored(plan, "LAGO_REDIS_CACHE_URL") == f"rediss://{CACHE}:6380/0"
    token = stored(plan, "REDIS_PASSWORD")
    assert token and stored(plan, "LAGO_REDIS_CABLE_URL") == f"rediss://:{token}@{QUEUE}:6379/0"
    for variable in ("REDIS_URL", "REDIS_PASSWORD", "LAGO_REDIS_CACHE_URL", "LAGO_REDIS_CACHE_PASSWORD", "LAGO_REDIS_CABLE_URL"):
        assert env_of(plan, "worker")[variable] == "[secret]"
        assert value_from(plan, "worker", variable).startswith(
            f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-secret/{variable}-"
        )
    assert plan.outputs["redis_queue_endpoint"] == f"{QUEUE}:6379" and plan.outputs["redis_cache_endpoint"] == f"{CACHE}:6380"


def test_without_a_brought_cache_the_queue_redis_holds_it():
    plan = plan_with(redis={"existing": {"queue": {"host": QUEUE, "tls": False}}})
    assert stored(plan, "REDIS_URL") == f"redis://{QUEUE}:6379/0"
    assert stored(plan, "LAGO_REDIS_CACHE_URL") == f"redis://{QUEUE}:6379/1"
    assert "REDIS_PASSWORD" not in env_of(plan, "api")


# -- secrets, guardrails and costs ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["server", "url"])
def test_no_brought_or_generated_secret_is_in_the_printed_plan(mode):
    plan = everything_brought(mode)
    printed = json.dumps(plan.to_json())
    values = [
        stored(plan, v) for v in ("REDIS_PASSWORD", "DATABASE_URL", "LAGO_DATABASE_PASSWORD") if mode == "server" or v == "REDIS_PASSWORD"
    ]
    assert values and not [v for v in values if v in printed]
    # Only the reference of the brought URL secret, never a URL.
    assert "postgresql://" not in printed


@pytest.mark.parametrize("mode", ["server", "url"])
def test_guardrails_and_costs_run_on_a_plan_without_a_database(mode):
    plan = everything_brought(mode)
    findings = [f for view in views_of_plan(plan) for f in evaluate(view)]
    about_data = [
        f
        for f in findings
        if f.rule in ("database-encrypted", "redis-encrypted", "backups", "highly-available", "final-snapshot", "deletion-protection")
    ]
    assert about_data == []
    est = estimate(plan.to_json())
    assert est.unpriced == []
    assert not [line for line in est.lines if "rds" in line.name.lower() or "elasticache" in line.name.lower()]


# -- bad values ----------------------------------------------------------------------------------


def problems(aws: dict, **top) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig({"target": "aws", "aws": aws, **top}, set(), "stacks/Pulumi.test.yaml"))
    assert "stacks/Pulumi.test.yaml" in str(caught.value)
    return {p.key: f"{p.what}. Fix: {p.fix}" for p in caught.value.problems}


@pytest.mark.parametrize(
    ("aws", "key", "said"),
    [
        ({"baseline": {"existingKmsKeyArn": "alias/lago"}}, "lago:aws.baseline.existingKmsKeyArn", "not a KMS key ARN"),
        ({"baseline": {"existingKmsKeyArn": KEY.replace(":key/", ":alias/")}}, "lago:aws.baseline.existingKmsKeyArn", "not a KMS key ARN"),
        (
            {"database": {"existingUrlSecretArn": "postgresql://lago:pw@db/lago"}},
            "lago:aws.database.existingUrlSecretArn",
            "not a complete Secrets Manager secret ARN",
        ),
        (
            {"database": {"existing": {"host": "db.internal", "adminSecretArn": "admin"}}},
            "lago:aws.database.existing.adminSecretArn",
            "not a complete Secrets Manager secret ARN",
        ),
        (
            {"database": {"existing": {"host": "db internal", "adminSecretArn": ADMIN}}},
            "lago:aws.database.existing.host",
            "not a host name",
        ),
        (
            {"database": {"existing": {"host": SERVER, "adminSecretArn": ADMIN, "securityGroupId": "db-sg"}}},
            "lago:aws.database.existing.securityGroupId",
            "not a security group id",
        ),
        ({"database": {"existing": {"host": SERVER}}}, "lago:aws.database.existing.adminSecretArn", ""),
        (
            {"redis": {"existing": {"queue": {"host": QUEUE, "authTokenSecretArn": "token"}}}},
            "lago:aws.redis.existing.queue.authTokenSecretArn",
            "not a complete Secrets Manager secret ARN",
        ),
        # A partial ARN (no suffix): ECS cannot read a JSON key through it, nor IAM match it.
        (
            {"database": {"existing": {"host": SERVER, "adminSecretArn": ADMIN.rsplit("-", 1)[0]}}},
            "lago:aws.database.existing.adminSecretArn",
            "six characters",
        ),
    ],
)
def test_a_bad_brought_value_is_refused_naming_its_key(aws, key, said):
    found = problems(aws)
    assert key in found and said in found[key], found


def test_both_ways_of_bringing_a_database_at_once_are_refused():
    found = problems({"database": {**ON_SERVER, "existingUrlSecretArn": URL_SECRET}})
    assert list(found) == ["lago:aws.database"] and "give one" in found["lago:aws.database"]


def test_a_brought_server_needs_the_migrate_task(tmp_path, capsys):
    from lago_infra.__main__ import main

    stack = tmp_path / "Pulumi.x.yaml"
    stack.write_text(
        json.dumps(
            {
                "config": {
                    "aws:region": "eu-west-1",
                    "lago:target": "aws",
                    "lago:runtime": "external",
                    "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"},
                    "lago:aws": {"database": ON_SERVER},
                }
            }
        )
    )
    assert main(["plan", "--config", str(stack)]) == 2
    said = capsys.readouterr().err
    assert "lago:aws.database.existing" in said and "existingUrlSecretArn" in said and "Traceback" not in said


def test_every_field_of_the_data_sections_is_described():
    from lago_infra.config.base import describe
    from lago_infra.targets.aws import settings

    sections = (
        settings.Database,
        settings.ExistingDatabase,
        settings.Redis,
        settings.ExistingRedis,
        settings.ExistingRedisEndpoint,
        settings.Storage,
        settings.Baseline,
    )
    for section in sections:
        describe(section)
    undescribed = [f"{s.__name__}.{n}" for s in sections for n, f in s.model_fields.items() if not f.description]
    assert undescribed == []


PLATFORM = """
import pulumi
import pulumi_aws as aws
from lago_infra.config import LagoSettings
from lago_infra.targets.aws.component import LagoAws
from lago_infra.targets.aws.settings import AwsSettings, Baseline, Database, ExistingDatabase, ExistingVpc, Network

key = aws.kms.Key("platform-key")
server = aws.rds.Instance("platform-pg", engine="postgres", instance_class="db.m7g.large", manage_master_user_password=True, username="admin")
admin = aws.secretsmanager.Secret("platform-admin")
settings = LagoSettings(
    target="aws",
    aws=AwsSettings(
        baseline=Baseline(existing_kms_key_arn=key.arn),
        database=Database(existing=ExistingDatabase(host=server.address, admin_secret_arn=admin.arn)),
        # The VPC the server lives in (a VPC of Lago's own could not reach it).
        network=Network(existing=ExistingVpc(vpc_id="vpc-0123456789abcdef0", public_subnet_ids=["subnet-0000000a", "subnet-0000000b"], private_subnet_ids=["subnet-1000000a", "subnet-1000000b"])),
    ),
)
LagoAws("billing", settings)
"""


def plan_program(tmp_path, program: str) -> Plan:
    """The plan of a platform's own program (``__main__.py`` text) in eu-west-1."""
    project = tmp_path / "platform"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (project / "__main__.py").write_text(program)
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text("config:\n  aws:region: eu-west-1\n")
    return run_plan(config_file=stack, project_dir=project, prevalidate=False)


def test_brought_pieces_may_be_a_platforms_outputs(tmp_path):
    plan = plan_program(tmp_path, PLATFORM)
    lago = [r for r in plan.resources if r.name.startswith("billing")]
    assert not [r for r in lago if r.type.startswith(("aws:rds/", "aws:kms/"))]
    assert f"@{plan.states[plan.one('aws:rds/instance:Instance', 'platform-pg').urn]['address']}:5432/" in stored(plan, "DATABASE_URL")
    key_arn = plan.states[plan.one("aws:kms/key:Key", "platform-key").urn]["arn"]
    # The dev preset's parameters, encrypted with the platform's key.
    assert {r.inputs["keyId"] for r in lago if r.type == "aws:ssm/parameter:Parameter"} == {key_arn}
    bootstrap = json.loads(next(r for r in lago if r.type == TASK and r.name.endswith("-migrate")).inputs["containerDefinitions"])[0]
    admin_arn = plan.states[plan.one("aws:secretsmanager/secret:Secret", "platform-admin").urn]["arn"]
    assert {s["valueFrom"] for s in bootstrap["secrets"]} >= {f"{admin_arn}:username::", f"{admin_arn}:password::"}


URL_PLATFORM = (
    """
import pulumi
from lago_infra.config import LagoSettings
from lago_infra.targets.aws.component import LagoAws

settings = LagoSettings.model_validate({"target": "aws", "aws": {"database": {"existingUrlSecretArn": "%s"}}})
lago = LagoAws("billing", settings)
pulumi.export("roles", lago.role_environments)
"""
    % URL_SECRET
)


def test_role_environments_hand_on_the_platforms_url_secret_as_it_is(tmp_path):
    roles = plan_program(tmp_path, URL_PLATFORM).outputs["roles"]
    backend = [name for name, role in roles.items() if "DATABASE_URL" in role["secrets"]]
    assert {"api", "worker", "clock", "migrate"} <= set(backend)
    assert {roles[name]["secrets"]["DATABASE_URL"] for name in backend} == {URL_SECRET}
    # The stack's own entries: parameters of the dev preset's Parameter Store.
    assert re.search(r":ssm:eu-west-1:\d{12}:parameter/lago/[\w-]+/billing-secret/REDIS_URL$", roles["api"]["secrets"]["REDIS_URL"])


def data_tier_alone(plan_config, aws: dict) -> Plan:
    """``lago:runtime: external`` (Lago's roles run by the platform) with these ``lago:aws`` keys."""
    domain = {"app": "lago.example.com", "api": "api.lago.example.com"}
    return plan_config(
        {"aws:region": "eu-west-1", "lago:target": "aws", "lago:runtime": "external", "lago:domain": domain, "lago:aws": aws}
    )


def test_a_data_tier_alone_lets_the_platforms_pods_read_its_url_secret(plan_config):
    plan = data_tier_alone(plan_config, {"database": {"existingUrlSecretArn": URL_SECRET}, "redis": BROUGHT_REDIS})
    assert not [t for t in types(plan) if t.startswith(("aws:rds/", "aws:elasticache/", "aws:ecs/"))]
    readers = [r for r in resources(plan, "aws:iam/policy:Policy") if URL_SECRET in r.inputs["policy"]]
    assert [r.name for r in readers] == ["lago-platform-secrets"]
    assert "database_endpoint" not in plan.outputs and plan.outputs["redis_queue_endpoint"] == f"{QUEUE}:6379"


def test_a_data_tier_alone_lets_the_platforms_pods_use_a_brought_key_for_the_files(plan_config):
    plan = data_tier_alone(plan_config, {"baseline": {"existingKmsKeyArn": KEY}})
    files = json.loads(named(plan, "-platform-files", "aws:iam/policy:Policy").inputs["policy"])["Statement"]
    assert {
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": KEY,
        "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
    } in files
