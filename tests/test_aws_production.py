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


def test_account_wide_names_carry_the_project_and_stack(plan_config):
    a = plan_config(BASE, stack="one")
    b = plan_config(BASE, stack="two")

    def unique_names(plan):
        names = {r.inputs["name"] for r in plan.by_type("aws:cloudwatch/logGroup:LogGroup")}
        names |= {r.inputs["name"] for r in plan.by_type("aws:servicediscovery/httpNamespace:HttpNamespace")}
        names |= {r.inputs["family"] for r in plan.by_type(TASK)}
        names |= {r.inputs["identifier"] for r in plan.by_type("aws:rds/instance:Instance")}
        return names

    assert unique_names(a) and not unique_names(a) & unique_names(b)


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


def test_runner_lambda_source_waits_and_fails_clearly():
    from lago_infra.targets.aws.migrations import LAMBDA_SOURCE

    source = LAMBDA_SOURCE.read_text()
    compile(source, "index.py", "exec")
    assert "run_task" in source and "describe_tasks" in source and "list_tasks" in source


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
    version = named(plan, "-secret-database-url", "aws:secretsmanager/secretVersion:SecretVersion")
    version_id = plan.states[version.urn]["versionId"]
    for role in ("api", "worker", "clock", "migrate"):
        refs = {s["name"]: s["valueFrom"] for s in task_containers(plan, role)[0]["secrets"]}
        assert refs["DATABASE_URL"].endswith(":::" + version_id)


def test_pg_partman_maintenance_runs_on_rds(plan):
    params = {p["name"]: p for p in named(plan, "-db-params").inputs["parameters"]}
    assert "pg_partman_bgw" in params["shared_preload_libraries"]["value"]
    assert params["pg_partman_bgw.dbname"]["value"] == plan.settings.database.name
    assert params["shared_preload_libraries"]["applyMethod"] == "pending-reboot"


def test_prod_protects_the_secrets(dev, prod):
    assert all(s.protect for s in resources(prod, "aws:secretsmanager/secret:Secret"))
    assert not any(s.protect for s in resources(dev, "aws:secretsmanager/secret:Secret"))
    generated = [r for r in prod.resources if r.type.startswith(("random:", "tls:")) and "-secrets-" in r.name]
    assert generated and all(r.protect for r in generated)


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
