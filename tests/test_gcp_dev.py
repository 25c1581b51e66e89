"""Issue 25, item 7 (GCP): the dev preset at or under $130 a month with every role running, each
saving a preset value whose trade-off is written down: one AUTH-only Memorystore instance for the
queue, the cache and ActionCable (``lago:gcp.redis.sharedCable``), db-f1-micro with a worker sized
so a rollout's worst case fits it, the clock inside the worker's container
(``lago:gcp.run.clockInWorker``), and no Cloud NAT (``lago:gcp.network.nat``)."""

from __future__ import annotations

import copy

import pytest

from lago_infra.cost import estimate
from lago_infra.plan import ordering
from lago_infra.policy import evaluate, view_of_plan
from lago_infra.policy.rules.lago import connections
from lago_infra.targets.gcp import apis, limits, settings

from .conftest import stack_plan
from .helpers import named, refused

BASE = {"gcp:project": "lago-test-1", "gcp:region": "europe-west1", "lago:target": "gcp"}
SERVICE = "gcp:cloudrunv2/service:Service"
WORKER_POOL = "gcp:cloudrunv2/workerPool:WorkerPool"
JOB = "gcp:cloudrunv2/job:Job"
REDIS = "gcp:redis/instance:Instance"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
NAT = "gcp:compute/routerNat:RouterNat"
ZONE = "gcp:dns/managedZone:ManagedZone"
RECORDS = "gcp:dns/recordSet:RecordSet"
HTTP = ("api", "front", "pdf")
TARGET_PER_MONTH = 130


def _doc(plan) -> dict:
    return copy.deepcopy(plan.to_json())


def _cost(plan) -> tuple[float, float]:
    est = estimate(_doc(plan))
    assert est.unpriced == []
    return est.monthly


# -- the bill ---------------------------------------------------------------------------------------


def test_gcp_dev_costs_at_most_130_a_month_with_every_role_running(plan_of):
    """Every role runs: the worker and the clock on their worker-pool instance, all month; the
    migrations once per release; api, front and pdf deployed and serving, Cloud Run starting an
    instance per request (scale to zero, billed per request). The range's maximum adds only what
    the estimator assumes those three request-billed services use at their maximum instance each
    (busy a quarter of the month): nothing else moves between minimum and maximum."""
    plan = plan_of("gcp-dev")
    est = estimate(_doc(plan))
    assert est.unpriced == []
    assert est.monthly[0] <= TARGET_PER_MONTH, f"gcp-dev costs ${est.monthly[0]:.2f} a month with every role running"
    # The worker and the clock: one worker-pool instance, priced all month.
    [pool] = plan.by_type(WORKER_POOL)
    assert pool.inputs["scaling"] == {"manualInstanceCount": 1}
    [line] = [l for l in est.lines if l.urn == pool.urn and l.tier == "compute"]
    assert line.monthly[0] == line.monthly[1] > 0
    # The migrations: a job priced for its runs.
    assert [l for l in est.lines if l.type == JOB and l.monthly[0] > 0]
    # api, front and pdf: deployed, reachable, billed per request.
    for role in HTTP:
        service = named(plan, f"-{role}", SERVICE)
        assert service.inputs["template"]["scaling"]["maxInstanceCount"] >= 1, role
        assert service.inputs["template"]["containers"][0]["resources"]["cpuIdle"] is True, role
    request_billed = [l for l in est.lines if l.type == SERVICE and l.tier == "compute" and l.monthly[1] > l.monthly[0]]
    assert {l.role for l in request_billed} == set(HTTP)
    assert est.monthly[1] - est.monthly[0] == pytest.approx(sum(l.monthly[1] - l.monthly[0] for l in request_billed), abs=0.01)
    # Nothing of what was cut bills any more.
    assert not [l for l in est.lines if l.type == NAT]
    assert len([l for l in est.lines if l.type == REDIS]) == 1


def test_each_saving_is_a_preset_value_prod_does_not_take():
    dev, prod = settings.PRESETS["dev"], settings.PRESETS["prod"]
    assert (dev["redis"]["sharedCable"], prod["redis"]["sharedCable"]) == (True, False)
    assert (dev["network"]["nat"], prod["network"]["nat"]) == (False, True)
    assert (dev["run"]["clockInWorker"], prod["run"]["clockInWorker"]) == (True, False)
    assert dev["database"]["tier"] == "db-f1-micro" and prod["database"]["tier"].startswith("db-custom-")
    assert settings.SHARED_PRESETS == {"dev": {"workers": {"concurrency": 4}}, "prod": {}}


@pytest.mark.parametrize(
    ("undone", "line_type", "rises_by"),
    [
        # ActionCable's own BASIC 1 GB instance.
        ({"lago:gcp": {"redis": {"sharedCable": False}}}, REDIS, 730 * 0.049),
        # db-g1-small's instance-hour instead of db-f1-micro's.
        ({"lago:gcp": {"database": {"tier": "db-g1-small"}}}, SQL, 730 * (0.035 - 0.0105)),
        # The clock's own worker pool: 1 vCPU and its 0.5 GiB, all month, less the 0.5 GiB the
        # worker's container no longer holds for it.
        ({"lago:gcp": {"run": {"clockInWorker": False}}}, WORKER_POOL, 730 * 3600 * 0.000018),
    ],
)
def test_each_saving_undone_raises_the_bill_by_what_it_bills(plan_config, undone, line_type, rises_by):
    base = _cost(plan_config(BASE))
    assert base[0] <= TARGET_PER_MONTH
    back = _cost(plan_config({**BASE, **undone}))
    assert back[0] - base[0] == pytest.approx(rises_by, abs=0.02)


def test_without_the_nat_saving_the_gateway_bills_every_instance_behind_it(plan_config):
    base, back = plan_config(BASE), plan_config({**BASE, "lago:gcp": {"network": {"nat": True}}})
    est = estimate(_doc(back))
    [nat] = [l for l in est.lines if l.type == NAT]
    assert nat.monthly[0] > 5 and "1–4 Cloud Run instances" in nat.quantity
    assert est.monthly[0] - _cost(base)[0] == pytest.approx(nat.monthly[0] - 0.20, abs=0.01)  # less the zone it replaces


# -- the database: db-f1-micro, computed ----------------------------------------------------------


def test_the_dev_worst_case_fits_a_micro_by_the_policys_arithmetic(plan_of):
    assert [v.what for v in connections(view_of_plan(plan_of("gcp-dev")))] == []
    flags = {f["name"]: f["value"] for f in plan_of("gcp-dev").one(SQL).inputs["settings"]["databaseFlags"]}
    assert plan_of("gcp-dev").one(SQL).inputs["settings"]["tier"] == "db-f1-micro" and flags["max_connections"] == "85"
    # Cloud SQL's own default for the tier (0.6 GiB) would hold none of it.
    assert limits.cloud_sql_max_connections("db-f1-micro") == 25


def test_lagos_default_worker_would_not_fit_the_micro_from_the_next_release(plan_config):
    """Lago's ten threads fit today's two pools a process (72 of 75), not the three of the release
    after v1.51.0: the preset's four threads fit both."""
    default = {**BASE, "lago:workers": {"concurrency": 10}}
    assert [v.what for v in connections(view_of_plan(plan_config(default)))] == []
    [what] = [v.what for v in connections(view_of_plan(plan_config({**default, "lago:version": "v1.52.0"})))]
    assert "worker 2x1x12x3=72" in what and "max_connections 85" in what


def test_the_next_lago_with_three_pools_per_process_still_fits(plan_config):
    assert [v.what for v in connections(view_of_plan(plan_config({**BASE, "lago:version": "v1.52.0"})))] == []


def test_the_worker_size_is_gcp_dev_only(plan_config):
    env = lambda plan: plan.roles["worker"]["env"]
    assert env(plan_config(BASE))["SIDEKIQ_CONCURRENCY"] == "4"
    assert env(plan_config({**BASE, "lago:preset": "prod"}))["SIDEKIQ_CONCURRENCY"] == "10"
    assert env(plan_config({**BASE, "lago:workers": {"concurrency": 6}}))["SIDEKIQ_CONCURRENCY"] == "6"


# -- one Redis for the queue, the cache and ActionCable ------------------------------------------


def test_one_auth_only_redis_on_the_private_network_serves_all_three(plan_of):
    plan = plan_of("gcp-dev")
    [redis] = plan.by_type(REDIS)
    assert redis.inputs["transitEncryptionMode"] == "DISABLED" and redis.inputs["authEnabled"] is True
    assert redis.inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS" and redis.inputs["labels"]["lago-redis"] == "queue-cable"
    # The queue's durability stays: noeviction and hourly snapshots.
    assert redis.inputs["redisConfigs"] == {"maxmemory-policy": "noeviction"}
    assert redis.inputs["persistenceConfig"]["persistenceMode"] == "RDB"
    assert plan.outputs["redis_host"] == plan.outputs["redis_cable_host"] and "redis_cache_host" not in plan.outputs
    for role in ("api", "worker", "clock"):
        env = plan.roles[role]["env"]
        assert env["REDIS_URL"] == env["LAGO_REDIS_CACHE_URL"] == env["LAGO_REDIS_CABLE_URL"] == "[secret]"


def test_the_urls_name_one_plain_redis_on_three_databases(plan_config):
    """What each variable says, read from the deployment's own endpoints: the queue on 0, the cache
    on 1, ActionCable's URL with the password inside, all ``redis://`` (no TLS) to the same host."""
    [deployment] = plan_config(BASE).deployments
    e = deployment.endpoints
    assert e.cable is None and e.queue.tls is False and e.cache is None
    assert (deployment.cache_endpoint.db, deployment.cable_endpoint.db) == (1, 0)
    assert deployment.cable_endpoint is e.queue


def test_the_guardrails_hold_the_shared_redis_to_auth_on_the_private_network(plan_of):
    view = view_of_plan(plan_of("gcp-dev"))
    assert not [f for f in evaluate(view) if f.mandatory]

    def findings_when(**inputs) -> set[str]:
        broken = copy.deepcopy(view)
        redis = next(r for r in broken.resources if r.type == REDIS)
        redis.inputs.update(inputs)
        return {f.rule for f in evaluate(broken) if f.mandatory and f.resource == redis.name}

    assert findings_when(authEnabled=False) == {"redis-encrypted"}
    assert findings_when(connectMode="DIRECT_PEERING") == {"redis-encrypted"}
    # A queue ActionCable does not read still needs in-transit encryption.
    assert findings_when(labels={"lago-redis": "queue"}) == {"redis-encrypted"}


# -- the clock inside the worker's container ------------------------------------------------------


def test_the_clock_runs_inside_the_one_worker_instance(plan_of):
    plan = plan_of("gcp-dev")
    [pool] = plan.by_type(WORKER_POOL)
    assert pool.inputs["name"] == "lago-worker"
    [container] = pool.inputs["template"]["containers"]
    # One container with both roles' memory, on the 1 vCPU a worker-pool instance gets at least.
    worker, clock = plan.roles["worker"]["size"], plan.roles["clock"]["size"]
    assert container["resources"]["limits"] == {
        "cpu": str(limits.RUN_WORKER_POOL_MIN_VCPU),
        "memory": f"{worker['memory'] + clock['memory']}Mi",
    }
    args = container["args"]
    assert args[-1:] == plan.roles["clock"]["command"] and plan.roles["worker"]["command"][0] in args
    assert plan.outputs["service_accounts"] and "lago-clock" not in {r.inputs.get("name") for r in plan.resources}


@pytest.mark.parametrize(
    ("worker", "run", "fragment"),
    [
        ({"replicas": 2}, {}, "is 2 while lago:gcp.run.clockInWorker"),
        ({"replicas": 1, "maxReplicas": 3}, {"autoscaleWorkers": True}, "is 1 (up to 3)"),
    ],
)
def test_a_clock_beside_more_than_one_worker_is_refused(plan_config, worker, run, fragment):
    refused(
        plan_config,
        {**BASE, "lago:roles": {"worker": worker}, "lago:gcp": {"run": run}},
        "lago:roles.worker.replicas",
        fragment,
        "every scheduled job would run once per instance",
        "set lago:gcp.run.clockInWorker to false",
    )
    # With a pool of its own, the clock stays one instance however many workers run.
    plan = plan_config({**BASE, "lago:roles": {"worker": worker}, "lago:gcp": {"run": {**run, "clockInWorker": False}}})
    assert named(plan, "-clock", WORKER_POOL).inputs["scaling"] == {"manualInstanceCount": 1}


def test_a_container_too_large_for_its_vcpu_is_refused(plan_config):
    refused(
        plan_config,
        {**BASE, "lago:roles": {"worker": {"memory": 3900}}},
        "lago:roles.worker.memory",
        "holds the clock too (3900 + 512 MiB)",
    )


# -- no Cloud NAT -----------------------------------------------------------------------------------


def test_without_a_nat_every_role_sends_only_private_ranges_through_the_vpc(plan_of):
    plan = plan_of("gcp-dev")
    assert not plan.by_type(NAT) and not plan.by_type("gcp:compute/router:Router")
    runners = [r for t in (SERVICE, WORKER_POOL, JOB) for r in plan.by_type(t)]
    for r in runners:
        template = r.inputs["template"].get("template", r.inputs["template"]) if r.type == JOB else r.inputs["template"]
        assert template["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY", r.name
    # The pdf service stays internal-only: run.app resolves to Private Google Access in the VPC.
    assert named(plan, "-pdf", SERVICE).inputs["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    [records] = plan.by_type(RECORDS)
    assert records.inputs["rrdatas"] == list(limits.PRIVATE_GOOGLE_ACCESS_ADDRESSES)
    assert apis.DNS_API in {s.inputs["service"] for s in plan.by_type(apis.SERVICE)}


def test_every_role_waits_for_the_run_app_zone(plan_of):
    """The ordering table's pair: a role started before the zone would call the pdf service from
    outside the VPC, which refuses it; dropping the wait is reported."""
    plan = plan_of("gcp-dev")
    assert not ordering.violations(plan.resources)
    [records] = plan.by_type(RECORDS)
    regs = copy.deepcopy(plan.resources)
    pdf = next(r for r in regs if r.type == SERVICE and r.name == "lago-pdf")
    by_urn = {r.urn: r for r in regs}
    pdf.dependencies[:] = [
        u for u in pdf.dependencies if u != records.urn and by_urn.get(u) is not None and by_urn[u].type != "lago:gcp:Network"
    ]
    pdf.parent = None
    found = ordering.violations(regs)
    assert (RECORDS, "lago-pdf") in {(v.first.type, v.then.name) for v in found}


def test_a_brought_network_keeps_all_traffic_through_its_own_nat(plan_config):
    network = {
        "network": "projects/lago-test-1/global/networks/shared",
        "subnetwork": "projects/lago-test-1/regions/europe-west1/subnetworks/run",
    }
    plan = plan_config({**BASE, "lago:gcp": {"network": {"existing": network}}})
    assert not plan.by_type(ZONE) and not plan.by_type(NAT)
    assert named(plan, "-api", SERVICE).inputs["template"]["vpcAccess"]["egress"] == "ALL_TRAFFIC"
    assert apis.DNS_API not in {s.inputs["service"] for s in plan.by_type(apis.SERVICE)}


def test_prod_keeps_its_nat_its_redis_and_its_clock(plan_of):
    prod = stack_plan("gcp-prod")
    assert prod.by_type(NAT) and not prod.by_type(ZONE)
    assert {r.inputs["labels"]["lago-redis"] for r in prod.by_type(REDIS)} == {"queue", "cache", "cable"}
    assert named(prod, "-clock", WORKER_POOL).inputs["template"]["containers"][0]["args"] == prod.roles["clock"]["command"]


def test_the_clocks_alerts_watch_the_pool_it_runs_in(plan_config):
    """With alerts on, the clock's (no instance for 10 minutes, no job run for 15) read the worker's
    pool, where its instance and its log lines are; the crash alert names that pool once."""
    plan = plan_config({**BASE, "lago:alerts": {"emails": ["ops@example.com"]}, "lago:gcp": {"baseline": {"alarms": True}}})
    filters = {r.name: str(r.inputs["conditions"]) for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    assert 'worker_pool_name="lago-worker"' in filters["lago-baseline-monitoring-clock-not-running"]
    [metric] = [m for m in plan.by_type("gcp:logging/metric:Metric") if m.name.endswith("-clock-runs")]
    assert 'worker_pool_name="lago-worker"' in metric.inputs["filter"]
    assert filters["lago-baseline-monitoring-crashes"].count('"lago-worker"') == 1
    assert not [name for name, f in filters.items() if "lago-clock" in f]
