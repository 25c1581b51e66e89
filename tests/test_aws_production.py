"""What a real ``pulumi up`` and production need on AWS (issue 9), on the recorded plans."""

from __future__ import annotations

import json

from .helpers import ancestors_and_deps, named, resources

TARGET = "aws"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
BASE = {"aws:region": "eu-west-1", "lago:target": "aws"}


def task_containers(plan, role):
    return json.loads(named(plan, f"-ecs-{role}", TASK).inputs["containerDefinitions"])


# -- item 3: two stacks in one account and region ----------------------------------------------------


#: Inputs that carry a physical name AWS wants unique in the account (and region), by type.
ACCOUNT_WIDE = {
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "name",
    "aws:ecs/taskDefinition:TaskDefinition": "family",
    "aws:rds/instance:Instance": "identifier",
    "aws:kms/alias:Alias": "name",
    "aws:wafv2/webAcl:WebAcl": "name",
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": "ecrRepositoryPrefix",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
}
PROD_WITH_EVERYTHING = {
    **BASE,
    "lago:preset": "prod",
    "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"},
    "lago:aws": {
        "images": {"dockerHubCredentialsArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf"},
        "edge": {"route53ZoneId": "Z0123456789EXAMPLE"},
    },
}


def physical_names(plan) -> set[tuple[str, str]]:
    return {
        (r.type, str(r.inputs[ACCOUNT_WIDE[r.type]])) for r in plan.resources if r.type in ACCOUNT_WIDE and ACCOUNT_WIDE[r.type] in r.inputs
    }


def test_two_stacks_share_no_account_wide_name(plan_config):
    one, two = (
        physical_names(plan_config(PROD_WITH_EVERYTHING, stack="one")),
        physical_names(plan_config(PROD_WITH_EVERYTHING, stack="two")),
    )
    # Every kind is there to compare: a kind missing from the plans would prove nothing.
    assert {t for t, _ in one} == set(ACCOUNT_WIDE)
    assert not one & two, one & two


def test_a_long_account_wide_name_stays_within_its_limit_and_unique():
    from lago_infra.targets.aws import limits, names

    long = [
        names.account_wide(f"a-very-long-component-name-{i}-ecs-images", limits.ECR_REPOSITORY_PREFIX_MAX, lower=True) for i in range(3)
    ]
    assert all(len(n) <= limits.ECR_REPOSITORY_PREFIX_MAX and n == n.lower() for n in long) and len(set(long)) == 3


TWO_COMPONENTS = """
import pulumi
from lago_infra import config
from lago_infra.targets.aws.component import LagoAws

settings = config.load()
LagoAws("lago", settings)
LagoAws("billing", settings.model_copy(update={"name": "billing"}))
"""


def test_two_components_in_one_program_share_no_account_wide_name(tmp_path):
    import yaml

    from lago_infra.plan import run_plan

    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(TWO_COMPONENTS)
    (tmp_path / "Pulumi.both.yaml").write_text(yaml.safe_dump({"config": PROD_WITH_EVERYTHING}))
    plan = run_plan(config_file=tmp_path / "Pulumi.both.yaml", project_dir=tmp_path)
    names = [
        (r.type, str(r.inputs[ACCOUNT_WIDE[r.type]])) for r in plan.resources if r.type in ACCOUNT_WIDE and ACCOUNT_WIDE[r.type] in r.inputs
    ]
    assert {t for t, _ in names} == set(ACCOUNT_WIDE)
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


# -- item 5: services wait for what attaches their target group --------------------------------------


def test_services_depend_on_the_listener_rules_of_their_target_group(prod):
    for role in ("api", "front"):
        group = named(prod, f"-edge-{role}", "aws:lb/targetGroup:TargetGroup")
        rules = [
            r
            for r in resources(prod, "aws:lb/listenerRule:ListenerRule")
            if any(group.name in (a.get("targetGroupArn") or "") for a in r.inputs["actions"])
        ]
        assert rules
        waits_on = ancestors_and_deps(prod, named(prod, f"-ecs-{role}", SERVICE).urn)
        assert all(r.urn in waits_on for r in rules)


# -- item 7: migrations once per release, before any service -------------------------------------------


def test_migrations_run_once_as_their_own_task_and_gate_every_service(plan):
    migrate = named(plan, "-ecs-migrate", TASK)
    spec, *files = json.loads(migrate.inputs["containerDefinitions"])
    # Besides the migrations, only the container writing the database's CA file (prod).
    assert [c["name"] for c in files] == (["files"] if plan.settings.preset == "prod" else [])
    assert spec["command"] == plan.roles["migrate"]["command"]
    # lago:roles.migrate is the migrate task's size (item 14).
    expected = plan.settings.roles.migrate
    assert (migrate.inputs["cpu"], migrate.inputs["memory"]) == (str(int(expected.cpu * 1024)), str(expected.memory))
    # No service task migrates: scale-outs, restarts and Spot replacements never do.
    for service in resources(plan, SERVICE):
        role = service.name.removeprefix("lago-ecs-")
        assert [c["name"] for c in task_containers(plan, role) if c["name"] != "files"] == [role]
        assert "./scripts/migrate.sh" not in json.dumps(task_containers(plan, role))
    invocation = named(plan, "-ecs-migrate-run", "aws:lambda/invocation:Invocation")
    event = json.loads(invocation.inputs["input"])
    # The task definition's revision is in the input: a new release re-invokes, nothing else does.
    assert event["taskDefinition"] == plan.states[migrate.urn]["arn"] and event["family"] == migrate.inputs["family"]
    for role in ("api", "worker", "clock", "front"):
        assert invocation.urn in ancestors_and_deps(plan, named(plan, f"-ecs-{role}", SERVICE).urn), role
    function = named(plan, "-ecs-migrate-runner", "aws:lambda/function:Function").inputs
    assert function["timeout"] == 900


def test_the_runner_may_start_only_the_migrate_task(dev):
    policy = json.loads(named(dev, "-ecs-migrate-runner-ecs").inputs["policy"])
    run = next(s for s in policy["Statement"] if s["Action"] == "ecs:RunTask")
    assert run["Resource"].endswith("-ecs-migrate:*")


# -- item 8 / issue 8: health, /metrics, secret rotation, pg_partman, protected secrets ---------------


def test_alb_and_containers_probe_liveness_never_the_database(plan):
    api_group = named(plan, "-edge-api", "aws:lb/targetGroup:TargetGroup").inputs["healthCheck"]
    assert api_group["path"] == "/ready"
    api = " ".join(task_containers(plan, "api")[0]["healthCheck"]["command"])
    assert "/ready" in api and "/health" not in api
    # Every image gets a probe its own image can run (the front's nginx has wget, not curl).
    assert task_containers(plan, "front")[0]["healthCheck"]["command"][:2] == ["CMD", "wget"]
    worker = task_containers(plan, "worker")[0]["healthCheck"]
    # The worker's probe pings Redis: retried across a failover (about three minutes).
    assert worker["retries"] * worker["interval"] >= 180


def test_the_alb_closes_idle_connections_before_its_targets_do(plan):
    """AWS asks for a target keep-alive longer than the ALB's idle timeout: a connection the
    target closed first and the ALB reuses is a 502 (Puma and the front's nginx keep 65 s)."""
    from lago_infra.targets.aws import limits

    assert named(plan, "-edge-alb", "aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"] < limits.TARGET_KEEPALIVE_SECONDS == 65


def test_private_paths_are_denied_at_the_public_edge(plan):
    from lago_infra.lago.roles import PRIVATE_API_PATHS

    rules = [r.inputs for r in resources(plan, "aws:lb/listenerRule:ListenerRule") if "-private-" in r.name]
    denied = set()
    for rule in rules:
        assert rule["actions"][0]["type"] == "fixed-response"
        values = [v for c in rule["conditions"] for v in next(iter(c.values()))["values"]]
        assert len(values) <= 5  # the ALB's match values per rule
        denied |= set(next(c["pathPattern"]["values"] for c in rule["conditions"] if "pathPattern" in c))
    assert "/metrics" in denied and set(PRIVATE_API_PATHS) <= denied
    host_rules = [r.inputs["priority"] for r in resources(plan, "aws:lb/listenerRule:ListenerRule") if "-private-" not in r.name]
    assert all(rule["priority"] < p for rule in rules for p in host_rules)


def test_a_new_secret_value_changes_the_task_definitions_that_read_it(plan):
    """Secrets Manager: the reference is pinned to the version. Parameter Store (ECS pins no
    parameter version): the container's label carries the version it reads."""
    for role in ("api", "worker", "clock", "migrate"):
        container = task_containers(plan, role)[0]
        refs = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        if plan.settings.aws.secrets.store == "secretsManager":
            version = named(plan, "-secret-database-url", "aws:secretsmanager/secretVersion:SecretVersion")
            assert refs["DATABASE_URL"].endswith(":::" + plan.states[version.urn]["versionId"])
        else:
            parameter = named(plan, "-secret-database-url", "aws:ssm/parameter:Parameter")
            version = plan.states[parameter.urn]["version"]
            assert refs["DATABASE_URL"] == plan.states[parameter.urn]["arn"]
            assert f"DATABASE_URL={version}" in container["dockerLabels"]["lago-parameter-versions"].split(",")


def test_pg_partman_maintenance_runs_through_pg_cron_on_rds(plan, postgres_server):
    """RDS preloads only what AWS documents (pg_cron, no pg_partman background worker); a real
    server started with the parameter group's own settings lets Lago's user create pg_cron in
    Lago's database and schedule pg_partman's maintenance there."""
    from lago_infra.lago.roles import PG_PARTMAN_MAINTENANCE
    from lago_infra.targets.aws import limits

    params = {p["name"]: p for p in named(plan, "-db-params").inputs["parameters"]}
    assert not [name for name in params if name.startswith("pg_partman_bgw")]
    preload = params["shared_preload_libraries"]["value"].split(",")
    assert set(preload) <= set(limits.RDS_PRELOAD_LIBRARIES) and "pg_cron" in preload
    assert params["shared_preload_libraries"]["applyMethod"] == "pending-reboot"
    database = params["cron.database_name"]["value"]
    assert database == plan.settings.database.name

    server = postgres_server(
        {"shared_preload_libraries": f"'{params['shared_preload_libraries']['value']}'", "cron.database_name": f"'{database}'"}
    )
    server.psql(f"CREATE DATABASE {database}")
    lago = server.url(database=database)
    server.psql("CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman; CREATE EXTENSION IF NOT EXISTS pg_cron", url=lago)
    server.psql(f"SELECT cron.schedule('lago-partman-maintenance', '@hourly', '{PG_PARTMAN_MAINTENANCE}')", url=lago)
    assert server.value("SELECT command FROM cron.job", url=lago) == PG_PARTMAN_MAINTENANCE


def test_prod_protects_the_secrets(dev, prod):
    assert all(s.protect for s in resources(prod, "aws:secretsmanager/secret:Secret"))
    assert not any(s.protect for s in resources(dev, "aws:secretsmanager/secret:Secret"))
    generated = [r for r in prod.resources if r.type.startswith(("random:", "tls:")) and "-secrets-" in r.name]
    assert generated and all(r.protect for r in generated)


def test_a_secrets_value_can_be_rotated_on_prod(prod):
    """The README's rotation runbook (``config set --secret``, then ``up``) replaces the secret's
    version (``secret_string`` forces a new one): the version is no data of its own, so it is never
    protected, while the secret that holds it is."""
    versions = resources(prod, "aws:secretsmanager/secretVersion:SecretVersion")
    assert versions and not [v.name for v in versions if v.protect]


# -- item 9: images -------------------------------------------------------------------------------------


def test_prod_pulls_through_an_ecr_cache(prod):
    rule = named(prod, "-ecs-images", "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").inputs
    assert rule["upstreamRegistryUrl"] == "registry-1.docker.io" and "ecr-pullthroughcache/" in rule["credentialArn"]
    image = task_containers(prod, "api")[0]["image"]
    assert image.startswith(f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{rule['ecrRepositoryPrefix']}/getlago/api:")
    grants = json.loads(named(prod, "-ecs-api-execution-images").inputs["policy"])["Statement"]
    assert "ecr:BatchImportUpstreamImage" in grants[0]["Action"]


def test_registry_credentials_and_digests(plan_config):
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
    digest = "sha256:" + "a" * 64
    plan = plan_config({**BASE, "lago:aws": {"images": {"dockerHubCredentialsArn": arn, "digests": {"api": digest}}}})
    api = task_containers(plan, "api")[0]
    assert api["repositoryCredentials"] == {"credentialsParameter": arn}
    assert api["image"] == f"getlago/api@{digest}"
    assert task_containers(plan, "front")[0]["image"].startswith("getlago/front:v")


# -- item 11: a dev destroy completes -------------------------------------------------------------------


def test_unprotected_bucket_is_emptied_on_destroy(dev, prod):
    assert named(dev, "lago-files", "aws:s3/bucket:Bucket").inputs["forceDestroy"] is True
    assert named(prod, "lago-files", "aws:s3/bucket:Bucket").inputs["forceDestroy"] is False


# -- item 12: tags --------------------------------------------------------------------------------------


def test_every_taggable_resource_carries_the_stack_and_user_tags(plan_config):
    import pulumi_aws  # noqa: F401  (resource classes tell which types take tags)

    plan = plan_config({**BASE, "lago:tags": {"team": "billing", "cost-center": "42"}}, stack="tagged")
    tagged = [r for r in plan.resources if r.type.startswith("aws:") and "tags" in r.inputs]
    assert len(tagged) > 40
    for r in tagged:
        assert {"team": "billing", "cost-center": "42", "lago-stack": "tagged"}.items() <= r.inputs["tags"].items(), r.name
    for role in ("api", "worker", "front"):
        service = named(plan, f"-ecs-{role}", SERVICE).inputs
        assert service["tags"]["lago-role"] == role and service["propagateTags"] == "SERVICE"
    untaggable = {r.type for r in plan.resources if r.type.startswith("aws:") and "tags" not in r.inputs}
    assert not untaggable & {"aws:ec2/vpc:Vpc", "aws:rds/instance:Instance", "aws:s3/bucket:Bucket", TASK, SERVICE}


# -- item 13: log retention everywhere ------------------------------------------------------------------


def test_rds_log_groups_exist_first_with_the_stack_retention(prod):
    db = named(prod, "lago-db", "aws:rds/instance:Instance")
    groups = {r.inputs["name"]: r for r in resources(prod, "aws:cloudwatch/logGroup:LogGroup") if r.inputs["name"].startswith("/aws/rds/")}
    assert set(groups) == {f"/aws/rds/instance/{db.inputs['identifier']}/{k}" for k in db.inputs["enabledCloudwatchLogsExports"]}
    for group in groups.values():
        assert group.inputs["retentionInDays"] == 365  # the prod preset keeps logs a year
        assert group.urn in db.dependencies


# -- item 14 --------------------------------------------------------------------------------------------


def test_task_role_may_abort_multipart_uploads(plan):
    policy = json.loads(named(plan, "-backend-task-files").inputs["policy"])
    assert any("s3:AbortMultipartUpload" in s["Action"] for s in policy["Statement"])


def test_ecs_exec_is_opt_in(dev, plan_config):
    assert not any(s.inputs["enableExecuteCommand"] for s in resources(dev, SERVICE))
    # ECS Exec needs a writable root filesystem (test_baseline: refused with readOnlyRoot on).
    plan = plan_config({**BASE, "lago:aws": {"services": {"exec": True}, "baseline": {"readOnlyRoot": False}}})
    assert named(plan, "-ecs-api", SERVICE).inputs["enableExecuteCommand"] is True
    assert named(plan, "-ecs-front", SERVICE).inputs["enableExecuteCommand"] is False
    assert "ssmmessages:OpenDataChannel" in named(plan, "-backend-task-exec").inputs["policy"]


def test_pdf_requests_may_take_lagos_whole_wait(plan):
    [published] = named(plan, "-ecs-pdf", SERVICE).inputs["serviceConnectConfiguration"]["services"]
    assert published["timeout"]["perRequestTimeoutSeconds"] >= 300


# -- item 10: certificate validation as a visible step, never a wait ------------------------------------

DOMAIN = {"app": "lago.example.org", "api": "api.lago.example.org"}


def test_without_a_zone_the_first_up_shows_the_records_and_waits_for_nothing(plan_config):
    plan = plan_config({**BASE, "lago:domain": DOMAIN})
    assert not plan.by_type("aws:acm/certificateValidation:CertificateValidation")
    assert plan.by_type("aws:acm/certificate:Certificate")
    records = plan.outputs["certificate_validation_records"]
    assert len(records) == 2 and all(" CNAME " in r for r in records)
    [listener] = plan.by_type("aws:lb/listener:Listener")
    assert listener.inputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "503"
    # No service whose target group no listener uses (ECS would refuse it); the rest is built.
    services = {r.name.removeprefix("lago-ecs-") for r in plan.by_type(SERVICE)}
    assert services == {"worker", "clock", "pdf"}


def test_once_validated_the_second_up_serves_https(plan_config):
    plan = plan_config({**BASE, "lago:domain": DOMAIN, "lago:aws": {"edge": {"certificateValidated": True}}})
    [validation] = plan.by_type("aws:acm/certificateValidation:CertificateValidation")
    https = next(r for r in plan.by_type("aws:lb/listener:Listener") if r.inputs["port"] == 443)
    assert validation.urn in ancestors_and_deps(plan, https.urn)
    assert {"api", "front"} <= {r.name.removeprefix("lago-ecs-") for r in plan.by_type(SERVICE)}


def test_runner_logs_into_the_stacks_log_group(plan):
    function = named(plan, "-ecs-migrate-runner", "aws:lambda/function:Function").inputs
    assert function["loggingConfig"]["logGroup"] == named(plan, "-ecs-logs", "aws:cloudwatch/logGroup:LogGroup").inputs["name"]
