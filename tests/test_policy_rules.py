"""Each rule: a compliant stack passes it, a stack broken in one place trips it (and only it)."""

from __future__ import annotations

import copy
from typing import Callable

import pytest

from lago_infra.policy import RULES, StackView, evaluate, view_of_plan
from .conftest import EXAMPLE_STACKS
from .policy_fixtures import good_aws, good_gcp, res


@pytest.fixture(scope="module")
def local_view(request) -> StackView:
    from .conftest import stack_plan

    return view_of_plan(stack_plan("local"))


@pytest.fixture(scope="module")
def stacks(local_view) -> dict[str, StackView]:
    return {"local": local_view, "aws": good_aws(local_view.roles), "gcp": good_gcp(local_view.roles)}


def one(view: StackView, type_: str, name: str = ""):
    return next(r for r in view.resources if r.type == type_ and r.name.endswith(name))


def drop(view: StackView, type_: str) -> None:
    view.resources = [r for r in view.resources if r.type != type_]


def set_input(type_: str, path: str, value) -> Callable[[StackView], None]:
    def mutate(view: StackView) -> None:
        inputs = one(view, type_).inputs
        *parents, leaf = path.split(".")
        for p in parents:
            inputs = inputs[int(p)] if isinstance(inputs, list) else inputs[p]
        inputs[leaf] = value

    return mutate


def env(role: str, name: str, value) -> Callable[[StackView], None]:
    def mutate(view: StackView) -> None:
        view.roles[role].env[name] = value

    return mutate


RDS, REDIS = "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"
SQL, MEMORYSTORE, GCS = "gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance", "gcp:storage/bucket:Bucket"
ARMOR = "gcp:compute/securityPolicy:SecurityPolicy"


def unprotect(type_):
    return lambda v: setattr(one(v, type_), "protect", False)


def open_db_port(view):
    one(view, "docker:index/container:Container", "-postgres").inputs["ports"] = [{"internal": 5432, "external": 5432}]


def clock_scaled(view):
    view.roles["clock"].max_replicas = 2


def flag_without_worker(view):
    for role in view.roles.values():
        if "SIDEKIQ_PDFS" in role.env:
            role.env["SIDEKIQ_PDFS"] = "true"


def worker_without_flag(view):
    view.roles["worker-pdfs"] = copy.deepcopy(view.roles["worker"])
    view.roles["worker-pdfs"].name = "worker-pdfs"


def many_api_replicas(view):
    view.roles["api"].max_replicas = 100


BROKEN = [
    ("aws", "database-encrypted", set_input(RDS, "storageEncrypted", False)),
    (
        "aws",
        "database-encrypted",
        set_input("aws:rds/parameterGroup:ParameterGroup", "parameters", [{"name": "rds.force_ssl", "value": "0"}]),
    ),
    ("gcp", "database-encrypted", set_input(SQL, "settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")),
    ("aws", "redis-encrypted", set_input(REDIS, "transitEncryptionEnabled", False)),
    ("aws", "redis-encrypted", set_input(REDIS, "authToken", None)),
    ("gcp", "redis-encrypted", set_input(MEMORYSTORE, "authEnabled", False)),
    (
        "aws",
        "bucket-encrypted",
        lambda v: drop(v, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
    ),
    ("aws", "bucket-encrypted", lambda v: drop(v, "aws:s3/bucketPolicy:BucketPolicy")),
    ("aws", "database-private", set_input(RDS, "publiclyAccessible", True)),
    ("gcp", "database-private", set_input(SQL, "settings.ipConfiguration.ipv4Enabled", True)),
    ("local", "database-private", open_db_port),
    (
        "local",
        "redis-private",
        lambda v: one(v, "docker:index/container:Container", "-redis").inputs.__setitem__("ports", [{"internal": 6379, "external": 6379}]),
    ),
    ("aws", "bucket-not-public", set_input("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "restrictPublicBuckets", False)),
    ("gcp", "bucket-not-public", set_input(GCS, "publicAccessPrevention", "inherited")),
    ("aws", "network-closed", set_input("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "fromPort", 22)),
    (
        "aws",
        "network-closed",
        lambda v: v.resources.append(
            res(
                "aws:ec2/securityGroup:SecurityGroup",
                "lago-db-sg",
                protect=False,
                ingress=[{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 443, "toPort": 443}],
            )
        ),
    ),
    (
        "gcp",
        "network-closed",
        lambda v: v.resources.append(
            res(
                "gcp:compute/firewall:Firewall",
                "lago-ssh",
                protect=False,
                sourceRanges=["0.0.0.0/0"],
                allows=[{"protocol": "tcp", "ports": ["22"]}],
            )
        ),
    ),
    ("local", "secrets-not-plain", env("api", "LAGO_CLICKHOUSE_HOST", "postgres://u:hunter2@db:5432/x")),
    ("aws", "secrets-not-plain", env("worker", "STRIPE_API_KEY", "sk_live_123")),
    ("aws", "secrets-not-plain", lambda v: v.outputs.__setitem__("database_url", "postgresql://lago:pw@db/lago")),
    ("aws", "secrets-not-plain", set_input(RDS, "password", "hunter2hunter2")),
    ("gcp", "secrets-not-plain", set_input(GCS, "labels", {"key": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ=="})),
    ("aws", "protect", unprotect(RDS)),
    ("gcp", "protect", unprotect(GCS)),
    ("aws", "deletion-protection", set_input(RDS, "deletionProtection", False)),
    ("gcp", "deletion-protection", set_input(SQL, "settings.deletionProtectionEnabled", False)),
    ("aws", "final-snapshot", set_input(RDS, "skipFinalSnapshot", True)),
    ("gcp", "final-snapshot", set_input(SQL, "settings.finalBackupConfig.enabled", False)),
    ("aws", "backups", set_input(RDS, "backupRetentionPeriod", 1)),
    ("gcp", "backups", set_input(SQL, "settings.backupConfiguration.backupRetentionSettings.retainedBackups", 3)),
    ("aws", "highly-available", set_input(RDS, "multiAz", False)),
    ("gcp", "highly-available", set_input(MEMORYSTORE, "tier", "BASIC")),
    ("aws", "bucket-versioning", set_input("aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status", "Suspended")),
    ("gcp", "bucket-versioning", set_input(GCS, "versioning.enabled", False)),
    ("local", "one-clock", clock_scaled),
    ("aws", "one-clock", lambda v: v.roles.pop("clock")),
    ("local", "sidekiq-flags", env("clock", "SIDEKIQ_EVENTS", "true")),
    ("local", "sidekiq-flags", flag_without_worker),
    ("local", "sidekiq-flags", worker_without_flag),
    ("aws", "sidekiq-web-private", env("api", "LAGO_SIDEKIQ_WEB", "true")),
    ("local", "urls-consistent", env("front", "API_URL", "http://localhost:3001")),
    ("local", "urls-consistent", env("worker", "LAGO_FRONT_URL", "http://127.0.0.1")),
    ("local", "required-variables", lambda v: v.roles["worker"].env.pop("LAGO_RSA_PRIVATE_KEY")),
    ("local", "required-variables", lambda v: v.roles["front"].env.pop("API_URL")),
    ("local", "connections-fit", many_api_replicas),
    ("gcp", "connections-fit", set_input(SQL, "settings.tier", "db-f1-micro")),
    ("local", "health-checks", lambda v: one(v, "docker:index/container:Container", "-api").inputs.pop("healthcheck")),
    ("aws", "health-checks", lambda v: drop(v, "aws:lb/targetGroup:TargetGroup")),
    ("gcp", "health-checks", set_input("gcp:cloudrunv2/service:Service", "template.containers", [{"name": "api"}])),
    ("gcp", "sql-limits", lambda v: one(v, SQL).inputs["settings"].pop("edition")),
    ("gcp", "sql-limits", set_input(SQL, "settings.tier", "db-custom-3-7680")),
    ("gcp", "armor-rule-order", set_input(ARMOR, "rules.1.priority", 900)),
    (
        "gcp",
        "armor-rule-order",
        lambda v: v.resources.append(
            res(
                "gcp:compute/securityPolicyRule:SecurityPolicyRule",
                "lago-allow-all",
                protect=False,
                securityPolicy="lago-armor",
                priority=10,
                action="allow",
                match={"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}},
            )
        ),
    ),
    ("aws", "log-retention", set_input("aws:cloudwatch/logGroup:LogGroup", "retentionInDays", 0)),
    ("aws", "alarms", lambda v: drop(v, "aws:cloudwatch/metricAlarm:MetricAlarm")),
    ("gcp", "alarms", lambda v: drop(v, "gcp:monitoring/alertPolicy:AlertPolicy")),
    ("aws", "alarms", set_input("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmActions", [])),
    ("gcp", "alarms", set_input("gcp:monitoring/alertPolicy:AlertPolicy", "notificationChannels", [])),
]


#: Breakages that honestly break a second rule too.
OVERLAPS = {
    "database-private": {"network-closed"},  # a host port on Postgres
    "redis-private": {"network-closed"},
    "required-variables": {"urls-consistent"},  # the front without API_URL
    "connections-fit": {"sql-limits"},  # db-f1-micro is shared-core, which a REGIONAL instance refuses
}


@pytest.mark.parametrize("target", ["local", "aws", "gcp"])
def test_a_compliant_stack_passes_every_rule(stacks, target):
    view = copy.deepcopy(stacks[target])
    view.prod = target != "local"  # the local component protects nothing in a dev preset
    assert evaluate(view) == []


@pytest.mark.parametrize("target,rule_id,breaks", BROKEN, ids=[f"{t}-{r}-{i}" for i, (t, r, _) in enumerate(BROKEN)])
def test_a_broken_stack_trips_the_rule(stacks, target, rule_id, breaks):
    view = copy.deepcopy(stacks[target])
    breaks(view)
    tripped = {f.rule for f in evaluate(view)}
    assert rule_id in tripped
    assert tripped - {rule_id} <= OVERLAPS.get(rule_id, set()), tripped


def test_armor_order_reads_the_first_match_not_the_list_order():
    """Cloud Armor sorts by priority: a throttle listed last but numbered first still shadows."""
    from lago_infra.policy.target_rules.gcp import armor_order_problems

    deny = {"priority": 1000, "action": "deny(403)", "description": "sqli"}
    everyone = {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}}
    throttle = {"priority": 900, "action": "throttle", "match": everyone, "rateLimitOptions": {"conformAction": "allow"}}
    assert armor_order_problems([deny, throttle]) == [
        "rule 1000 (sqli) never runs: rule 900 (throttle) matches every request first and lets it through"
    ]
    # A ban whose conforming requests are denied, a rule in preview, or one for some addresses shadow nothing.
    assert armor_order_problems([deny, {**throttle, "rateLimitOptions": {"conformAction": "deny(403)"}}]) == []
    assert armor_order_problems([deny, {**throttle, "preview": True}]) == []
    assert armor_order_problems([deny, {**throttle, "match": {"config": {"srcIpRanges": ["10.0.0.0/8"]}}}]) == []
    assert armor_order_problems([deny, {**throttle, "action": "allow", "match": {"expr": {"expression": "true"}}}])


def test_an_unset_edition_is_the_one_cloud_sql_picks_for_the_version():
    from lago_infra.policy.model import Resource
    from lago_infra.policy.target_rules.gcp import sql_limits

    def found(version, **settings):
        view = StackView("gcp", [Resource("u", SQL, "pg", inputs={"databaseVersion": version, "settings": settings})], {}, {})
        return [v.what for v in sql_limits(view)]

    assert found("POSTGRES_15", tier="db-custom-2-7680") == []
    (what,) = found("POSTGRES_16", tier="db-custom-2-7680")
    assert "not an ENTERPRISE_PLUS tier" in what and "Cloud SQL makes POSTGRES_16 ENTERPRISE_PLUS" in what
    assert found("POSTGRES_17", tier="db-perf-optimized-N-2") == []
    assert found("POSTGRES_16", tier="db-custom-2-7680", edition="ENTERPRISE") == []
    assert found("POSTGRES_15", tier="db-g1-small", availabilityType="REGIONAL")
    assert found("POSTGRES_15", tier="db-custom-2-7680", backupConfiguration={"transactionLogRetentionDays": 14})


def test_every_rule_has_a_broken_example():
    assert {r.id for r in RULES} <= {rule for _, rule, _ in BROKEN}


def test_prod_only_rules_stay_silent_on_dev(stacks):
    view = copy.deepcopy(stacks["aws"])
    view.prod = False
    one(view, RDS).protect = False
    one(view, RDS).inputs["multiAz"] = False
    assert evaluate(view) == []


def test_findings_say_how_to_fix(stacks):
    view = copy.deepcopy(stacks["aws"])
    one(view, RDS).inputs["publiclyAccessible"] = True
    (finding,) = evaluate(view)
    assert finding.mandatory and finding.resource == "lago-db"
    assert "Fix: set publiclyAccessible=false" in finding.message


def test_connection_message_shows_the_arithmetic(stacks):
    view = copy.deepcopy(stacks["local"])
    view.roles["api"].max_replicas = 10
    view.roles["api"].env["WEB_CONCURRENCY"] = "2"
    (finding,) = evaluate(view)
    # api: 10 replicas x 2 processes x pool 3 x 2 pools = 120 > 100 - 10.
    assert "api 10x2x3x2=120" in finding.message
    assert "max_connections 100" in finding.message and "= 90" in finding.message


def test_local_stack_fits_its_database_with_room_to_spare(stacks):
    from lago_infra.policy.rules.lago import connections

    assert list(connections(stacks["local"])) == []


def test_max_connections_from_the_database_resource(stacks):
    from lago_infra.policy.target_rules import TARGETS

    aws, gcp = copy.deepcopy(stacks["aws"]), copy.deepcopy(stacks["gcp"])
    assert TARGETS["aws"].max_connections(aws)[0] == 392  # db.t4g.medium: DBInstanceClassMemory / 9531392
    one(aws, "aws:rds/parameterGroup:ParameterGroup").inputs["parameters"].append({"name": "max_connections", "value": "250"})
    assert TARGETS["aws"].max_connections(aws)[0] == 250
    assert TARGETS["gcp"].max_connections(gcp)[0] == 400  # 7.5 GiB tier
    one(gcp, SQL).inputs["settings"]["databaseFlags"] = [{"name": "max_connections", "value": "800"}]
    assert TARGETS["gcp"].max_connections(gcp)[0] == 800
    assert TARGETS["local"].max_connections(stacks["local"])[0] == 100


def rule_ids(view: StackView) -> set[str]:
    return {f.rule for f in evaluate(view) if f.mandatory}


def test_a_listener_port_of_the_load_balancer_may_face_the_world(stacks):
    """A dev stack without a domain serves the api on a second listener (e.g. 3000)."""
    view = copy.deepcopy(stacks["aws"])
    alb_sg = next(r for r in view.resources if r.name == "lago-alb-sg")
    view.resources.append(
        res(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "lago-alb-api",
            (alb_sg.urn,),
            False,
            cidrIpv4="0.0.0.0/0",
            fromPort=3000,
            toPort=3000,
            ipProtocol="tcp",
        )
    )
    assert "network-closed" in rule_ids(view)  # no listener serves 3000 yet
    view.resources.append(res("aws:lb/listener:Listener", "lago-api-listener", protect=False, port=3000, protocol="HTTP"))
    assert "network-closed" not in rule_ids(view)


def test_outputs_that_point_into_a_secret_store_are_not_credentials(stacks):
    view = copy.deepcopy(stacks["aws"])
    view.outputs["secret_arns"] = {"DATABASE_URL": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-database-url-AbCdEf"}
    view.outputs["secret_ids"] = {"REDIS_PASSWORD": "projects/acme/secrets/lago-redis-password"}
    assert "secrets-not-plain" not in rule_ids(view)
    view.outputs["secret_ids"] = {"REDIS_PASSWORD": "hunter2hunter2"}
    assert "secrets-not-plain" in rule_ids(view)


@pytest.mark.parametrize("stack", ["local", "aws-dev", "aws-prod", "gcp-dev", "gcp-prod"])
def test_every_shipped_stack_passes_every_mandatory_rule(stack):
    from .conftest import stack_plan

    findings = [f for f in evaluate(view_of_plan(stack_plan(stack))) if f.mandatory]
    assert findings == [], "\n".join(f"{f.rule} {f.resource}: {f.message}" for f in findings)


@pytest.mark.parametrize(("example", "stack"), EXAMPLE_STACKS)
def test_every_example_passes_every_mandatory_rule(example, stack):
    """An example deploys as written: the guardrails a user runs on it find nothing mandatory."""
    from lago_infra.policy import views_of_plan

    from .conftest import example_plan

    findings = [f for view in views_of_plan(example_plan(example, stack)) for f in evaluate(view) if f.mandatory]
    assert findings == [], "\n".join(f"{f.rule} {f.resource}: {f.message}" for f in findings)


@pytest.mark.parametrize(("example", "stack"), EXAMPLE_STACKS)
def test_cloud_limits_hold_on_every_resource_of_every_example(example, stack):
    """The rules for what a cloud refuses or silently skips read every resource of a plan: the
    examples' own (a platform's Cloud SQL instance beside Lago's database) too."""
    from lago_infra.policy import views_of_plan

    from .conftest import example_plan

    cloud = [r for r in RULES if r.id in ("sql-limits", "armor-rule-order")]
    findings = [f for view in views_of_plan(example_plan(example, stack)) for f in evaluate(view, cloud)]
    assert findings == [], "\n".join(f"{f.rule} {f.resource}: {f.message}" for f in findings)


def test_a_platforms_own_instance_beside_several_lagos_is_checked_once():
    """With several Lago components each view holds its own resources; what none holds (a
    platform's Cloud SQL instance, its security policy) is checked too, once."""
    from types import SimpleNamespace as O

    from lago_infra.policy import views_of_pack

    def pr(urn, type_, parent=None, **props):
        return O(urn=urn, resource_type=type_, name=urn, props=props, parent=parent, dependencies=[], opts=O(protect=False))

    a, b = pr("a", "lago:gcp:LagoGcp", preset="dev"), pr("b", "lago:gcp:LagoGcp", preset="dev")
    shared = pr("shared-pg", SQL, databaseVersion="POSTGRES_16", settings={"tier": "db-custom-2-7680"})
    throttle_first = [
        {
            "priority": 900,
            "action": "throttle",
            "match": {"config": {"srcIpRanges": ["*"]}},
            "rateLimitOptions": {"conformAction": "allow"},
        },
        {"priority": 1000, "action": "deny(403)"},
    ]
    armor = pr("edge-armor", ARMOR, name="edge-armor", rules=throttle_first)
    views = views_of_pack([a, b, pr("a-pg", SQL, parent=a, databaseVersion="POSTGRES_15", settings={"tier": "db-g1-small"}), shared, armor])
    cloud = [r for r in RULES if r.id in ("sql-limits", "armor-rule-order")]
    found = [(f.rule, f.resource) for view in views for f in evaluate(view, cloud)]
    assert sorted(found) == [("armor-rule-order", "edge-armor"), ("sql-limits", "shared-pg")]
