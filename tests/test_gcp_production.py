"""What Google Cloud would refuse or bill wrongly (issue 10), on the recorded GCP plans and on the
config errors. Every limit asserted here comes from ``lago_infra.targets.gcp.limits``."""

from __future__ import annotations

import copy
import re

import pytest

from lago_infra.lago import together
from lago_infra.lago.roles import MIGRATE
from lago_infra.plan import ProgramFailed, mocks
from lago_infra.policy import evaluate, view_of_plan
from lago_infra.targets.gcp import limits, services

from . import helpers
from .helpers import ancestors_and_deps, env_of, named
from .test_gcp import JOB, REDIS, RUN_SERVICE, SQL, WORKER_POOL, container, role_of, run_resources, template_of

TARGET = "gcp"
BASE = {"gcp:project": "lago-test-1", "gcp:region": "europe-west1", "lago:target": "gcp"}


def refused(plan_config, extra: dict, key: str, *words: str) -> str:
    """The message a stack with ``extra`` gets (a ``None`` value drops a key of BASE), with
    nothing from Google registered."""
    config = {k: v for k, v in {**BASE, **extra}.items() if v is not None}
    return helpers.refused(plan_config, config, key, *words, none_of="gcp:")


# -- item 5 and issue 11: values Google refuses --------------------------------------------------


def test_a_stack_without_a_project_gets_one_message(plan_config):
    refused(plan_config, {"gcp:project": None}, "gcp:project", "pulumi config set gcp:project")


@pytest.mark.parametrize(
    "extra, key, words",
    [
        ({"gcp:region": "europe-west99"}, "gcp:region", ["not a Google Cloud region"]),
        ({"gcp:region": "europe-wset1"}, "gcp:region", ["did you mean europe-west1"]),
        ({"lago:gcp": {"region": "mars-north1"}}, "lago:gcp.region", ["not a Google Cloud region"]),
        ({"gcp:project": "My Project"}, "gcp:project", ["project id"]),
    ],
)
def test_unknown_region_or_malformed_project_is_refused(plan_config, extra, key, words):
    refused(plan_config, extra, key, *words)


@pytest.mark.parametrize("cidr", ["banana", "10.20.0.0/33", "10.20.0.1/24"])
def test_a_subnet_cidr_that_is_not_an_address_is_refused(plan_config, cidr):
    refused(plan_config, {"lago:gcp": {"network": {"subnetCidr": cidr}}}, "lago:gcp.network.subnetCidr")


@pytest.mark.parametrize(
    "size, allowed",
    [({"cpu": 1, "memory": 8192}, "between 512 and 4096"), ({"cpu": 4, "memory": 1024}, "between 2048 and 16384")],
)
def test_memory_the_cpu_cannot_have_is_refused(plan_config, size, allowed):
    refused(plan_config, {"lago:roles": {"api": size}}, "lago:roles.api.memory", allowed)
    assert limits.run_size_problem(size["cpu"], size["memory"])


def test_dedicated_worker_sizes_are_checked_too(plan_config):
    extra = {"lago:workers": {"dedicated": {"pdfs": {"cpu": 2, "memory": 16384}}}}
    refused(plan_config, extra, "lago:workers.dedicated.pdfs.memory", "between 512 and 8192")


@pytest.mark.parametrize(
    "database, words",
    [
        ({"edition": "ENTERPRISE", "logRetentionDays": 14, "backupsRetained": 30}, ["1-7 days"]),
        ({"logRetentionDays": 7, "backupsRetained": 7}, ["greater than logRetentionDays"]),
        ({"tier": "db-perf-optimized-N-4"}, ["ENTERPRISE_PLUS tier"]),
        ({"edition": "ENTERPRISE_PLUS", "tier": "db-custom-2-7680"}, ["not an ENTERPRISE_PLUS tier"]),
        ({"tier": "db-custom-3-7680"}, ["even number"]),
        ({"tier": "db-custom-2-1024"}, ["multiples of 256"]),
        ({"tier": "db-g1-small", "availability": "REGIONAL"}, ["shared-core"]),
    ],
)
def test_cloud_sql_values_google_refuses(plan_config, database, words):
    refused(plan_config, {"lago:gcp": {"database": database}}, "lago:gcp.database", *words)


def test_enterprise_plus_keeps_up_to_35_days_of_log(plan_config):
    p = plan_config(
        {
            **BASE,
            "lago:gcp": {
                "database": {"edition": "ENTERPRISE_PLUS", "tier": "db-perf-optimized-N-2", "logRetentionDays": 35, "backupsRetained": 36}
            },
        }
    )
    backup = p.one(SQL).inputs["settings"]["backupConfiguration"]
    assert backup["transactionLogRetentionDays"] == 35 and backup["backupRetentionSettings"]["retainedBackups"] == 36


def test_the_longest_names_the_config_allows_still_fit_google(plan_config):
    """A 30-character project id and a 20-character lago:name (the config's maxima) with the
    longest dedicated worker: every derived name passes the pre-flight and the limits."""
    p = plan_config({**BASE, "gcp:project": "a" * 30, "lago:name": "lago-billing-europe1", "lago:workers": {"dedicated": ["ai_agent"]}})
    test_every_name_in_the_plans_fits_google(p)


def test_every_name_in_the_plans_fits_google(plan):
    kinds = {
        RUN_SERVICE: "run_service",
        WORKER_POOL: "run_worker_pool",
        JOB: "run_job",
        REDIS: "redis",
        SQL: "sql_instance",
        "gcp:storage/bucket:Bucket": "bucket",
    }
    for reg in plan.resources:
        if reg.type in kinds:
            assert limits.name_problem(kinds[reg.type], reg.inputs["name"]) is None, reg.name
        if reg.type == "gcp:serviceaccount/account:Account":
            assert limits.name_problem("service_account", reg.inputs["accountId"]) is None
        if reg.type == "gcp:secretmanager/secret:Secret":
            assert limits.name_problem("secret", reg.inputs["secretId"]) is None
    job = plan.one(JOB)
    assert len(job.inputs["name"]) + len(job.inputs["runExecutionToken"]) <= limits.RUN_JOB_NAME_AND_TOKEN_MAX


def test_every_size_and_retention_in_the_plans_fits_google(plan):
    for reg in run_resources(plan):
        lim = container(reg)["resources"]["limits"]
        assert limits.run_size_problem(int(lim["cpu"]), int(lim["memory"].removesuffix("Mi"))) is None, reg.name
    s = plan.one(SQL).inputs["settings"]
    assert limits.sql_tier_problem(s["tier"], s["edition"]) is None
    b = s["backupConfiguration"]
    assert (
        limits.sql_retention_problem(s["edition"], b["transactionLogRetentionDays"], b["backupRetentionSettings"]["retainedBackups"])
        is None
    )


# -- item 1, 2, 3, 4: a first `pulumi up` that finishes, and re-runs that are safe -------------------


def test_provider_waits_longer_than_the_migration_may_run(plan):
    job = plan.one(JOB)
    task = job.inputs["template"]["template"]
    attempts = task["maxRetries"] + 1
    task_s = int(task["timeout"].removesuffix("s"))
    assert limits.RUN_TASK_RETRIES[0] <= task["maxRetries"] <= limits.RUN_TASK_RETRIES[1]
    for op in ("create", "update"):
        assert int(job.custom_timeouts[op].removesuffix("s")) > attempts * task_s, op


def test_migration_waits_for_the_database_and_never_runs_twice_at_once(plan):
    job = plan.one(JOB)
    assert job.inputs["template"]["taskCount"] == 1 and job.inputs["template"]["parallelism"] == 1
    # The migrate role's command as every runtime runs it: the wrapper around Lago's migrations.
    assert container(job)["args"] == list(MIGRATE.command) == plan.roles["migrate"]["command"]


def test_roles_start_after_the_grants_have_propagated(plan):
    pause = plan.one("pulumi-python:dynamic:Resource", "iam-propagation")
    assert pause.inputs["seconds"] >= 60
    grants = [
        *plan.by_type("gcp:secretmanager/secretIamMember:SecretIamMember"),
        *plan.by_type("gcp:storage/bucketIAMMember:BucketIAMMember"),
    ]
    assert {g.urn for g in grants} <= set(pause.dependencies)
    for reg in run_resources(plan):
        assert pause.urn in ancestors_and_deps(plan, reg.urn), reg.name


def _live_job(token: str, state: str) -> dict:
    return {
        "runExecutionToken": token,
        "latestCreatedExecutions": [{"name": "lago-migrate-x1", "createTime": "t0", "completionTime": "t1"}],
        "terminalConditions": [{"type": "Ready", "state": state}],
    }


JOB_READ = "gcp:cloudrunv2/getJob:getJob"


def reads_of_the_job(monkeypatch, before: dict, after=None) -> list[dict]:
    """getJob answers ``before`` until the program registered the job, then ``after(token)`` (by
    default the mocks' own: that execution succeeded). Returns the answers given, in order."""
    answers: list[dict] = []
    default = mocks.CALLS[JOB_READ]

    def read(args):
        job = next((s for s in mocks.REGISTERED.get(JOB, {}).values() if s.get("name") == args.args.get("name")), None)
        answer = before if job is None else (after(job["runExecutionToken"]) if after else default(args))
        answers.append(answer)
        return answer

    monkeypatch.setitem(mocks.CALLS, JOB_READ, read)
    return answers


def test_a_failed_migration_runs_again_before_anything_rolls(plan_config, monkeypatch):
    def token_with(live):
        reads_of_the_job(monkeypatch, live)
        p = plan_config(BASE)
        return p, p.one(JOB).inputs["runExecutionToken"]

    _, release = token_with({})
    # Same image, the live job's last execution failed: a new token, so a new execution first.
    again, retry = token_with(_live_job(release, "CONDITION_FAILED"))
    assert retry != release and retry.startswith(release)
    job = again.one(JOB)
    assert len(job.inputs["name"]) + len(retry) <= limits.RUN_JOB_NAME_AND_TOKEN_MAX
    for reg in [*again.by_type(WORKER_POOL), named(again, "-api", RUN_SERVICE), named(again, "-front", RUN_SERVICE)]:
        assert job.urn in ancestors_and_deps(again, reg.urn), reg.name
    # That retry succeeded: its token stays, so the migration does not run a third time.
    assert token_with(_live_job(retry, "CONDITION_SUCCEEDED"))[1] == retry
    assert token_with(_live_job(release, "CONDITION_SUCCEEDED"))[1] == release
    # A new release starts from its own token whatever the live job says.
    assert token_with(_live_job("0123abcd", "CONDITION_FAILED"))[1] == release


def _failed_job(token: str, state: str = "CONDITION_FAILED") -> dict:
    return {
        "runExecutionToken": token,
        "reconciling": False,
        "latestCreatedExecutions": [{"name": f"lago-migrate-{token}", "createTime": "t0", "completionTime": "t1"}],
        "terminalConditions": [
            {"type": "Ready", "state": state, "reason": "NON_ZERO_EXIT_CODE", "message": "Task lago-migrate-x exited with 1"}
        ],
    }


def test_a_migration_read_back_as_failed_stops_the_up_before_any_role_of_the_release(plan_config, monkeypatch):
    """Item 11: the provider fails the job only when the API's operation reports an error; the
    program does not rely on it. It reads the job back after its update, and an execution that
    did not succeed stops `pulumi up` with the execution's name: no api, front, worker or clock
    of the release is even registered."""
    reads_of_the_job(monkeypatch, {}, _failed_job)
    with pytest.raises(ProgramFailed) as stopped:
        plan_config(BASE)
    message = str(stopped.value)
    assert "Lago's migrations did not succeed" in message and "lago-migrate-" in message and "Traceback" not in message
    assert "NON_ZERO_EXIT_CODE: Task lago-migrate-x exited with 1" in message
    registered = {r.name for r in stopped.value.registrations}
    assert {"lago-migrate"} <= registered
    assert not registered & {"lago-api", "lago-front", "lago-worker", "lago-clock"}, registered
    assert not [r for r in stopped.value.registrations if r.type == WORKER_POOL]


def test_the_gate_waits_while_the_execution_runs_then_lets_the_release_roll(plan_config, monkeypatch):
    from lago_infra.targets.gcp import services

    monkeypatch.setattr(services, "GATE_POLL_S", 0)
    states = ["CONDITION_RECONCILING", "CONDITION_RECONCILING", "CONDITION_SUCCEEDED"]
    answers = reads_of_the_job(monkeypatch, {}, lambda token: _failed_job(token, states.pop(0) if len(states) > 1 else states[0]))
    plan = plan_config(BASE)
    assert [a["terminalConditions"][0]["state"] for a in answers if a] == [
        "CONDITION_RECONCILING",
        "CONDITION_RECONCILING",
        "CONDITION_SUCCEEDED",
    ]
    job = plan.one(JOB)
    for reg in [*plan.by_type(WORKER_POOL), named(plan, "-api", RUN_SERVICE), named(plan, "-front", RUN_SERVICE)]:
        assert job.urn in ancestors_and_deps(plan, reg.urn), reg.name


def test_what_the_job_says_of_an_execution():
    from types import SimpleNamespace as O

    from lago_infra.targets.gcp.services import FAILED, RUNNING, SUCCEEDED, migration_outcome

    def job(state, token="t1", done=True, reconciling=False, live="t1"):
        return O(
            run_execution_token=live,
            reconciling=reconciling,
            terminal_conditions=[O(type="Ready", state=state, reason="R", message="m")],
            latest_created_executions=[O(name=f"lago-migrate-{token}", completion_time="t" if done else "")],
        )

    assert migration_outcome(job("CONDITION_SUCCEEDED"), "t1")[0] == SUCCEEDED
    assert migration_outcome(job("CONDITION_FAILED"), "t1") == (FAILED, "execution lago-migrate-t1 did not succeed (R: m)")
    assert migration_outcome(job("CONDITION_SUCCEEDED", reconciling=True), "t1")[0] == RUNNING
    assert migration_outcome(job("CONDITION_RECONCILING"), "t1")[0] == RUNNING
    assert migration_outcome(job("CONDITION_SUCCEEDED", done=False), "t1")[0] == RUNNING
    # Ready from an older execution while this token's has not started counts only once it ran.
    assert migration_outcome(job("CONDITION_SUCCEEDED", live="t0"), "t1")[0] == FAILED
    assert migration_outcome(O(), "t1")[0] == FAILED


# -- items 6-10: billing, concurrency, identities, scaling, init process ------------------------------


def _concurrency(p, role):
    return named(p, role, RUN_SERVICE).inputs["template"]["maxInstanceRequestConcurrency"]


def test_http_roles_bill_per_request(plan):
    for role in ("-api", "-front", "-pdf"):
        assert container(named(plan, role, RUN_SERVICE))["resources"]["cpuIdle"] is True, role


def test_concurrency_follows_each_roles_capacity(plan):
    api = env_of(plan, "api")
    assert _concurrency(plan, "-api") == int(api["RAILS_MAX_THREADS"]) * max(1, int(api["WEB_CONCURRENCY"]))
    assert _concurrency(plan, "-pdf") < 80


def test_billing_and_concurrency_are_configurable(plan_config):
    run = {"alwaysAllocatedCpu": ["api"], "concurrency": {"pdf": 1}}
    p = plan_config({**BASE, "lago:api": {"threads": 5, "webConcurrency": 2}, "lago:gcp": {"run": run}})
    assert container(named(p, "-api", RUN_SERVICE))["resources"]["cpuIdle"] is False
    assert container(named(p, "-front", RUN_SERVICE))["resources"]["cpuIdle"] is True
    assert _concurrency(p, "-api") == 10 and _concurrency(p, "-pdf") == 1


def test_front_and_pdf_run_as_accounts_without_grants(plan):
    backend = plan.outputs["service_account"]
    granted = {
        g.inputs["member"]
        for t in (
            "secretmanager/secretIamMember:SecretIamMember",
            "storage/bucketIAMMember:BucketIAMMember",
            "serviceaccount/iAMMember:IAMMember",
        )
        for g in plan.by_type(f"gcp:{t}")
    }
    assert granted == {f"serviceAccount:{backend}"}
    for reg in run_resources(plan):
        account = template_of(reg)["serviceAccount"]
        if role_of(reg) in ("front", "pdf"):
            assert account != backend and account == plan.outputs["service_accounts"][role_of(reg)]
        else:
            assert account == backend, reg.name
    assert len(set(plan.outputs["service_accounts"].values())) == 3


def test_the_presets_depend_on_no_pre_ga_worker_scaling(plan, plan_config):
    """Item 3: Google's GA API scales a worker pool by a fixed count alone
    (limits.RUN_WORKER_POOL_GA_SCALING); CPU autoscaling is pre-GA. The presets send only GA
    scaling fields, whatever maxReplicas says; autoscaling is an opt-in that declares a preview
    launch stage."""
    for pool in plan.by_type(WORKER_POOL):
        assert set(pool.inputs["scaling"]) <= set(limits.RUN_WORKER_POOL_GA_SCALING), pool.name
        assert pool.inputs["launchStage"] in ("GA", "BETA")
    # An autoscaled worker runs the clock in a pool of its own (dev's clockInWorker would run one per instance).
    opted = plan_config(
        {
            **BASE,
            "lago:roles": {"worker": {"replicas": 1, "maxReplicas": 3}},
            "lago:gcp": {"run": {"autoscaleWorkers": True, "clockInWorker": False}},
        }
    )
    worker = named(opted, "-worker", WORKER_POOL)
    assert worker.inputs["scaling"] == {"scalingMode": "AUTOMATIC", "minInstanceCount": 1, "maxInstanceCount": 3}
    assert worker.inputs["launchStage"] == services.AUTOSCALING_LAUNCH_STAGE
    # The clock never autoscales, opt-in or not.
    assert named(opted, "-clock", WORKER_POOL).inputs["scaling"] == {"manualInstanceCount": 1}


def test_nothing_in_a_worker_pool_stands_between_sigterm_and_the_roles_own_shutdown(plan):
    """Item 2: Cloud Run stops an instance 10 s after SIGTERM; what the role needs to stop cleanly
    is its command's (the Lago module's), so each worker pool runs exactly the role's command as
    args under the image's entrypoint (Lago's start scripts exec Sidekiq: it gets the signal),
    and a fixed count scales nothing in between rollouts."""
    for pool in plan.by_type(WORKER_POOL):
        (c,) = pool.inputs["template"]["containers"]
        command = plan.roles[role_of(pool)]["command"]
        if c["args"][:4] == ["sh", "-c", together.SCRIPT, together.NAME]:
            # The clock beside the worker (dev): the supervisor hands SIGTERM to both at once
            # (tests/test_together.py runs it), each running its role's own command.
            count = int(c["args"][4])
            assert c["args"][5 : 5 + count] == command and c["args"][-1:] == plan.roles["clock"]["command"], pool.name
        else:
            assert c["args"] == command, pool.name
        assert "commands" not in c, pool.name
        assert "scalingMode" not in pool.inputs["scaling"], pool.name


def test_pdf_keeps_gotenbergs_init_process(plan):
    pdf = container(named(plan, "-pdf", RUN_SERVICE))
    assert "commands" not in pdf
    assert pdf["args"] == plan.roles["pdf"]["command"] and pdf["args"][0] == "gotenberg"


# -- item 11: production hygiene ---------------------------------------------------------------------


def test_prod_database_has_a_maintenance_window_and_insights(prod, dev):
    s = prod.one(SQL).inputs["settings"]
    assert 1 <= s["maintenanceWindow"]["day"] <= 7 and 0 <= s["maintenanceWindow"]["hour"] <= 23
    assert s["insightsConfig"]["queryInsightsEnabled"] is True
    assert "maintenanceWindow" not in dev.one(SQL).inputs["settings"]


def test_dev_connections_cover_a_rollout(dev):
    """Old and new revisions side by side: every process's two pools, twice, plus migrate."""
    flags = {f["name"]: int(f["value"]) for f in dev.one(SQL).inputs["settings"]["databaseFlags"] if f["name"] == "max_connections"}
    need = 4 * int(env_of(dev, "migrate")["DATABASE_POOL"])
    for role in ("api", "worker", "clock"):
        need += 2 * 2 * int(env_of(dev, role)["DATABASE_POOL"]) * dev.roles[role]["replicas"]["max"]
    assert flags["max_connections"] >= need


def test_load_balancer_has_modern_tls_and_access_logs(prod):
    policy = prod.one("gcp:compute/sSLPolicy:SSLPolicy")
    assert policy.inputs["profile"] == "MODERN" and policy.inputs["minTlsVersion"] == "TLS_1_2"
    assert prod.one("gcp:compute/targetHttpsProxy:TargetHttpsProxy").inputs["sslPolicy"].endswith(policy.inputs["name"])
    for backend in prod.by_type("gcp:compute/backendService:BackendService"):
        assert backend.inputs["logConfig"]["enable"] is True, backend.name


def test_cache_tier_is_settable_on_its_own(plan_config):
    p = plan_config({**BASE, "lago:preset": "prod", "lago:gcp": {"redis": {"cacheTier": "BASIC"}}})
    assert p.one(REDIS, "redis-instance").inputs["tier"] == "STANDARD_HA"
    assert p.one(REDIS, "cache-instance").inputs["tier"] == "BASIC"


# -- item 12, 13 --------------------------------------------------------------------------------------


def test_gcs_keyfile_path_reaches_the_container_as_nil_credentials(plan):
    """storage.yml renders `credentials: <value>`: the value sent must be one YAML reads as nil
    and must not be empty (an empty value is dropped on the way to Cloud Run)."""
    for reg in run_resources(plan):
        if role_of(reg) in ("api", "worker", "clock", "migrate"):
            envs = {e["name"]: e.get("value") for e in container(reg)["envs"]}
            assert envs["LAGO_GCS_KEYFILE_JSON_PATH"] == "null", reg.name


def test_tags_become_labels_on_every_labelled_resource(plan_config):
    p = plan_config(
        {
            **BASE,
            "lago:preset": "prod",
            "lago:domain": {"app": "a.example.com", "api": "b.example.com"},
            "lago:tags": {"cost-center": "billing", "env": "prod"},
        }
    )
    labelled = {
        RUN_SERVICE: "labels",
        WORKER_POOL: "labels",
        JOB: "labels",
        REDIS: "labels",
        "gcp:storage/bucket:Bucket": "labels",
        "gcp:secretmanager/secret:Secret": "labels",
        "gcp:compute/globalAddress:GlobalAddress": "labels",
        "gcp:compute/globalForwardingRule:GlobalForwardingRule": "labels",
    }
    seen = 0
    for reg in p.resources:
        if reg.type in labelled and not reg.name.endswith("private-services"):
            assert {"cost-center": "billing", "env": "prod"}.items() <= reg.inputs[labelled[reg.type]].items(), reg.name
            seen += 1
    assert seen > 20
    assert {"cost-center": "billing"}.items() <= p.one(SQL).inputs["settings"]["userLabels"].items()


@pytest.mark.parametrize("tags, key", [({"Cost Center": "x"}, "lago:tags.Cost Center"), ({"team": "Billing!"}, "lago:tags.team")])
def test_tags_google_refuses_as_labels_are_refused(plan_config, tags, key):
    refused(plan_config, {"lago:tags": tags}, key, "Google")


# -- issue 8 wiring --------------------------------------------------------------------------------


def test_probes_ready_on_readiness_restart_on_liveness(plan):
    for reg in run_resources(plan):
        role = plan.roles[role_of(reg)]
        c = container(reg)
        if reg.type == RUN_SERVICE:
            assert c["startupProbe"]["httpGet"]["path"] == role.get("readiness", {}).get("path", c["startupProbe"]["httpGet"]["path"])
        live = c.get("livenessProbe")
        if live:
            # The api's liveness never runs SQL: a Cloud SQL failover restarts nothing.
            assert live["httpGet"]["path"] != "/health" or role_of(reg) == "pdf"
    api = container(named(plan, "-api", RUN_SERVICE))
    assert api["startupProbe"]["httpGet"]["path"] == "/health" and api["livenessProbe"]["httpGet"]["path"] == "/ready"
    probe = api["startupProbe"]
    assert probe["periodSeconds"] * probe["failureThreshold"] <= limits.RUN_STARTUP_PROBE_MAX_S


def test_metrics_is_denied_at_the_load_balancer(prod):
    url_map = prod.one("gcp:compute/uRLMap:URLMap", "-urls")
    [api] = [m for m in url_map.inputs["pathMatchers"] if m["name"] == "api"]
    [rule] = api["routeRules"]
    assert {m["prefixMatch"] for m in rule["matchRules"]} >= {"/metrics"}
    assert rule["routeAction"]["faultInjectionPolicy"]["abort"] == {"httpStatus": 403, "percentage": 100}


def test_a_changed_secret_rolls_the_roles_that_read_it(plan):
    """Each reference pins the SecretVersion's own number: a new value is a new version, hence a
    new revision; "latest" would leave running instances on the old value."""
    for reg in run_resources(plan):
        for env in container(reg).get("envs", []):
            ref = env.get("valueSource", {}).get("secretKeyRef")
            if ref:
                assert re.fullmatch(r"\d+", ref["version"]), (reg.name, env["name"])


def test_pg_partman_maintenance_is_scheduled_with_pg_cron(plan):
    flags = {f["name"]: f["value"] for f in plan.one(SQL).inputs["settings"]["databaseFlags"]}
    assert flags["cloudsql.enable_pg_cron"] == "on" and flags["cron.database_name"] == plan.one("gcp:sql/database:Database").inputs["name"]
    # The migration job's wrapper schedules it there (tests/test_migrate_wrapper.py runs it).
    assert container(plan.one(JOB))["args"] == list(MIGRATE.command)


def test_actioncable_gets_a_private_redis_it_can_verify(dev, prod):
    """ActionCable verifies certificates and Memorystore's CA is private: a Redis without in-transit
    encryption but with AUTH, on the private network only; in prod its own, holding nothing worth
    protecting, in dev the queue's (lago:gcp.redis.sharedCable). Its URL carries the password, so
    it is a secret."""
    cable, queue = prod.one(REDIS, "cable-instance"), prod.one(REDIS, "redis-instance")
    assert cable.inputs["transitEncryptionMode"] == "DISABLED" and cable.inputs["authEnabled"] is True
    assert cable.inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    assert cable.inputs["authorizedNetwork"] == queue.inputs["authorizedNetwork"]
    assert cable.inputs["tier"] == "BASIC" and not cable.protect and "persistenceConfig" not in cable.inputs
    assert queue.inputs["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    assert prod.outputs["redis_cable_host"] != prod.outputs["redis_host"]
    (shared,) = dev.by_type(REDIS)
    assert shared.inputs["transitEncryptionMode"] == "DISABLED" and shared.inputs["authEnabled"] is True
    assert shared.inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS" and shared.inputs["labels"]["lago-redis"] == "queue-cable"
    assert dev.outputs["redis_cable_host"] == dev.outputs["redis_host"]
    for p in (dev, prod):
        for role in ("api", "worker", "clock"):
            assert env_of(p, role)["LAGO_REDIS_CABLE_URL"] == "[secret]"


def test_every_google_resource_waits_for_the_apis_it_needs(plan, plan_config):
    services = plan.by_type("gcp:projects/service:Service")
    assert {s.inputs["service"] for s in services} >= {"run.googleapis.com", "sqladmin.googleapis.com", "redis.googleapis.com"}
    assert all(s.inputs["disableOnDestroy"] is False for s in services)
    urns = {s.urn for s in services}
    for reg in plan.resources:
        if reg.custom and reg.type.startswith("gcp:") and reg.urn not in urns:
            assert urns & ancestors_and_deps(plan, reg.urn), reg.name
    off = plan_config({**BASE, "lago:gcp": {"enableApis": False}})
    assert not off.by_type("gcp:projects/service:Service")


@pytest.mark.parametrize(
    "kind, name",
    [
        ("service_account", "a-pdf"),  # under 6
        ("service_account", "x" * 31),
        ("run_service", "lago-api-"),  # trailing hyphen
        ("run_service", "a" * 50),
        ("redis", "r" * 41),
        ("bucket", "goog-lago-files"),
        ("bucket", "b" * 64),
        ("secret", "lago.secret"),
    ],
)
def test_names_google_refuses(kind, name):
    assert limits.name_problem(kind, name)


def test_guardrails_hold_the_cable_redis_to_auth_on_the_private_network(prod):
    """The cable Redis is plain by design; the rules still refuse it without AUTH or off the
    private network, and still refuse any other Redis without in-transit encryption."""
    view = view_of_plan(prod)
    assert not [f for f in evaluate(view) if f.mandatory]

    def findings_when(name: str, **inputs) -> set[str]:
        broken = copy.deepcopy(view)
        redis = next(r for r in broken.resources if r.type == REDIS and r.name.endswith(name))
        redis.inputs.update(inputs)
        return {f.rule for f in evaluate(broken) if f.mandatory and f.resource == redis.name}

    assert findings_when("cable-instance", authEnabled=False) == {"redis-encrypted"}
    assert findings_when("cable-instance", connectMode="DIRECT_PEERING") == {"redis-encrypted"}
    assert "redis-encrypted" in findings_when("redis-instance", transitEncryptionMode="DISABLED")


# -- item 7: images through an Artifact Registry remote repository -----------------------------------

REPOSITORY = "gcp:artifactregistry/repository:Repository"
DIGEST = "sha256:" + "ab" * 32


def test_prod_pulls_every_image_through_a_remote_repository_of_docker_hub(prod, dev):
    (repository,) = prod.by_type(REPOSITORY)
    assert repository.inputs["mode"] == "REMOTE_REPOSITORY" and repository.inputs["format"] == "DOCKER"
    assert repository.inputs["remoteRepositoryConfig"]["dockerRepository"] == {"publicRepository": "DOCKER_HUB"}
    assert repository.inputs["location"] == "europe-west1"
    registry = f"europe-west1-docker.pkg.dev/lago-prod-example/{repository.inputs['repositoryId']}/"
    for reg in run_resources(prod):
        assert container(reg)["image"] == registry + prod.roles[role_of(reg)]["image"], reg.name
        assert repository.urn in ancestors_and_deps(prod, reg.urn), reg.name
    # Scanned by Artifact Analysis (a project-wide switch, on in prod).
    assert "containerscanning.googleapis.com" in {s.inputs["service"] for s in prod.by_type("gcp:projects/service:Service")}
    # dev pulls from Docker Hub and scans nothing.
    assert not dev.by_type(REPOSITORY)
    assert all(container(reg)["image"] == dev.roles[role_of(reg)]["image"] for reg in run_resources(dev))
    assert "containerscanning.googleapis.com" not in {s.inputs["service"] for s in dev.by_type("gcp:projects/service:Service")}


def test_images_pinned_by_digest_and_pulled_with_docker_hub_credentials(plan_config):
    version = "projects/platform-prj/secrets/dockerhub-token/versions/3"
    images = {"remoteRepository": True, "digests": {"api": DIGEST}, "dockerHub": {"username": "lago-ci", "passwordSecretVersion": version}}
    plan = plan_config({**BASE, "lago:gcp": {"images": images}})
    api = container(named(plan, "-api", RUN_SERVICE))["image"]
    assert api.endswith(f"-dockerhub/getlago/api@{DIGEST}")
    assert container(named(plan, "-front", RUN_SERVICE))["image"].endswith("-dockerhub/getlago/front:v1.51.0")
    (repository,) = plan.by_type(REPOSITORY)
    creds = repository.inputs["remoteRepositoryConfig"]["upstreamCredentials"]["usernamePasswordCredentials"]
    assert creds == {"username": "lago-ci", "passwordSecretVersion": version}
    (agent,) = [
        r for r in plan.by_type("gcp:projects/serviceIdentity:ServiceIdentity") if r.inputs["service"] == "artifactregistry.googleapis.com"
    ]
    grant = plan.one("gcp:secretmanager/secretIamMember:SecretIamMember", "agent-reads-token")
    assert grant.inputs["secretId"] == "projects/platform-prj/secrets/dockerhub-token" and agent.urn in grant.dependencies
    assert grant.inputs["role"] == "roles/secretmanager.secretAccessor"


def test_docker_hub_references_as_paths_under_a_mirror():
    from lago_infra.targets.gcp.images import docker_hub_path, pinned

    assert docker_hub_path("getlago/api:v1.51.0") == "getlago/api:v1.51.0"
    assert docker_hub_path("postgres:16-alpine") == "library/postgres:16-alpine"
    assert pinned("getlago/lago-gotenberg:8.15", DIGEST) == f"getlago/lago-gotenberg@{DIGEST}"
    assert pinned("localhost:5000/lago/api", DIGEST) == f"localhost:5000/lago/api@{DIGEST}"
    assert pinned("getlago/api:v1", None) == "getlago/api:v1"


@pytest.mark.parametrize(
    "images, key",
    [
        ({"scan": True}, "lago:gcp.images"),
        ({"remoteRepository": True, "digests": {"api": "sha256:short"}}, "lago:gcp.images.digests.api"),
        (
            {"remoteRepository": True, "dockerHub": {"username": "u", "passwordSecretVersion": "dockerhub-token"}},
            "lago:gcp.images.dockerHub.passwordSecretVersion",
        ),
    ],
)
def test_image_settings_google_would_refuse(plan_config, images, key):
    refused(plan_config, {"lago:gcp": {"images": images}}, key, "Fix")
