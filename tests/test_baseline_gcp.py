"""The production baseline on GCP: each control on the recorded gcp-prod plan, and each
documented ``lago:gcp.baseline.*`` key turning its control off."""

from __future__ import annotations

import json

import pytest
import yaml

from lago_infra.policy.target_rules.gcp import armor_order_problems
from lago_infra.targets.gcp.armor import WAF_RULES

from .conftest import PROJECT_DIR
from .helpers import ancestors_and_deps, named, resources

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
REDIS = "gcp:redis/instance:Instance"
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"


def policies(plan) -> dict[str, dict]:
    return {r.name.removeprefix("lago-baseline-monitoring-"): r.inputs for r in resources(plan, POLICY)}


def flags(plan) -> dict[str, str]:
    return {f["name"]: f["value"] for f in resources(plan, SQL)[0].inputs["settings"].get("databaseFlags") or []}


# -- CMEK -------------------------------------------------------------------------------------


def test_one_rotating_key_encrypts_sql_redis_bucket_and_secrets_after_its_grants(plan_of):
    prod = plan_of("gcp-prod")
    (key,) = resources(prod, "gcp:kms/cryptoKey:CryptoKey")
    assert key.inputs["rotationPeriod"] == f"{90 * 86400}s" and key.protect
    (ring,) = resources(prod, "gcp:kms/keyRing:KeyRing")
    assert ring.inputs["location"] == "europe-west1"
    key_id = key.inputs["keyRing"] + "/cryptoKeys/" + key.inputs["name"]
    assert resources(prod, SQL)[0].inputs["encryptionKeyName"] == key_id
    # The queue and the cache hold data; the cable Redis holds only broadcasts.
    keys = {r.inputs["labels"]["lago-redis"]: r.inputs.get("customerManagedKey") for r in resources(prod, REDIS)}
    assert keys == {"queue": key_id, "cache": key_id, "cable": None}
    assert named(prod, "-files-bucket", "gcp:storage/bucket:Bucket").inputs["encryption"] == {"defaultKmsKeyName": key_id}
    for secret in resources(prod, "gcp:secretmanager/secret:Secret"):
        (replica,) = secret.inputs["replication"]["userManaged"]["replicas"]
        assert replica == {"location": "europe-west1", "customerManagedEncryption": {"kmsKeyName": key_id}}
    grants = resources(prod, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    members = sorted(g.inputs["member"].split("@")[1].split(".")[0] for g in grants)
    assert members == ["cloud-redis", "gcp-sa-cloud-sql", "gcp-sa-secretmanager", "gs-project-accounts"]
    assert {g.inputs["role"] for g in grants} == {"roles/cloudkms.cryptoKeyEncrypterDecrypter"}
    grant_urns = {g.urn for g in grants}
    data_redis = [r for r in resources(prod, REDIS) if r.inputs.get("customerManagedKey")]
    for r in (*resources(prod, SQL), *data_redis, named(prod, "-files-bucket", "gcp:storage/bucket:Bucket")):
        assert grant_urns <= ancestors_and_deps(prod, r.urn), f"{r.name} may be created before the key grants"


def test_each_service_agent_is_created_and_its_grant_applied_before_the_key_is_used(plan_of):
    """A fresh project has no service agent yet: each one granted the key comes from a
    ServiceIdentity the grant waits for (the GCS agent from the invoke that creates it), and what
    uses the key waits for a pause after the grants (IAM changes take minutes to apply)."""
    prod = plan_of("gcp-prod")
    identities = {r.urn: r for r in resources(prod, "gcp:projects/serviceIdentity:ServiceIdentity")}
    assert {r.inputs["service"] for r in identities.values()} == {
        "sqladmin.googleapis.com",
        "redis.googleapis.com",
        "secretmanager.googleapis.com",
    }
    grants = resources(prod, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    for g in grants:
        if "@gs-project-accounts." in g.inputs["member"]:
            continue
        assert set(g.dependencies) & set(identities), f"{g.name} grants an agent no ServiceIdentity created"
    pauses = [p for p in resources(prod, "pulumi-python:dynamic:Resource") if {g.urn for g in grants} <= set(p.dependencies)]
    assert len(pauses) == 1 and pauses[0].inputs["seconds"] >= 60
    keyed = [
        r
        for r in prod.resources
        if r.type.startswith("gcp:")
        and json.dumps(r.inputs).count("cryptoKeys/")
        and r.type != "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
    ]
    assert len(keyed) >= 5
    for r in keyed:
        assert pauses[0].urn in ancestors_and_deps(prod, r.urn), f"{r.name} may use the key before its grants apply"


# -- edge -------------------------------------------------------------------------------------


def test_cloud_armor_and_request_logs_on_both_backends(plan_of):
    prod = plan_of("gcp-prod")
    (policy,) = resources(prod, "gcp:compute/securityPolicy:SecurityPolicy")
    rules = {r["priority"]: r for r in policy.inputs["rules"]}
    for priority, rule_set in WAF_RULES:
        assert rules[priority]["action"] == "deny(403)" and rule_set in rules[priority]["match"]["expr"]["expression"]
    # The throttle allows every request under the limit: it comes after every WAF rule, or
    # those never see a request (Cloud Armor: lowest priority number first, first match wins).
    (throttle,) = [p for p, r in rules.items() if r["action"] == "throttle"]
    assert rules[throttle]["rateLimitOptions"]["rateLimitThreshold"] == {"count": 600, "intervalSec": 60}
    assert throttle > max(p for p, _ in WAF_RULES)
    assert rules[2147483647]["action"] == "allow"
    assert armor_order_problems(policy.inputs["rules"]) == []
    backends = resources(prod, BACKEND_SERVICE)
    assert len(backends) == 2
    for b in backends:
        assert b.inputs["securityPolicy"].endswith(f"/securityPolicies/{policy.inputs['name']}")
        assert b.inputs["logConfig"] == {"enable": True, "sampleRate": 1}


def test_no_armor_without_a_load_balancer(plan_of):
    dev = plan_of("gcp-dev")
    assert not resources(dev, BACKEND_SERVICE) and not resources(dev, "gcp:compute/securityPolicy:SecurityPolicy")


# -- logs -------------------------------------------------------------------------------------


def test_flow_logs_sql_logging_storage_audit_logs_and_a_year_of_retention(plan_of):
    prod = plan_of("gcp-prod")
    subnet = named(prod, "-net-run-subnet", "gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["logConfig"] == {"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 1, "metadata": "INCLUDE_ALL_METADATA"}
    assert (
        flags(prod).items()
        >= {
            "log_connections": "on",
            "log_disconnections": "on",
            "log_lock_waits": "on",
            "log_min_duration_statement": "1000",
            "cloudsql.enable_pgaudit": "on",
            "pgaudit.log": "ddl,role",
        }.items()
    )
    (audit,) = resources(prod, "gcp:projects/iAMAuditConfig:IAMAuditConfig")
    assert audit.inputs["service"] == "storage.googleapis.com"
    assert sorted(c["logType"] for c in audit.inputs["auditLogConfigs"]) == ["DATA_READ", "DATA_WRITE"]
    (bucket,) = resources(prod, "gcp:logging/projectBucketConfig:ProjectBucketConfig")
    assert (bucket.inputs["bucketId"], bucket.inputs["retentionDays"]) == ("_Default", 365)


# -- alert policies ---------------------------------------------------------------------------


def test_alert_policies_cover_lago_signals_and_notify_the_alerts_channel(plan_of):
    prod = plan_of("gcp-prod")
    found = policies(prod)
    assert {
        "api-5xx-rate",
        "api-latency-p99",
        "crashes",
        "clock-not-running",
        "clock-silent",
        "database-cpu",
        "database-disk",
        "database-connections",
        "redis-queue-memory",
        "redis-queue-connections",
        "redis-queue-evictions",
        "redis-queue-replica-lag",
        "redis-cache-memory",
        "redis-cache-connections",
        "redis-cache-replica-lag",
        "front-uptime",
        "api-uptime",
        "front-certificate",
        "api-certificate",
    } == set(found)
    (channel,) = resources(prod, "gcp:monitoring/notificationChannel:NotificationChannel")
    assert channel.inputs["type"] == "email" and channel.inputs["labels"] == {"email_address": "ops@example.com"}
    # Every policy notifies the one channel (its name is the channel's resource name).
    notified = {tuple(p["notificationChannels"]) for p in found.values()}
    assert len(notified) == 1 and next(iter(notified))[0].startswith("projects/lago-prod-example/notificationChannels/")
    rate = found["api-5xx-rate"]["conditions"][0]["conditionThreshold"]
    assert (
        'response_code_class="5xx"' in rate["filter"]
        and "response_code_class" not in rate["denominatorFilter"]
        and rate["thresholdValue"] == 0.05
    )
    assert 'resource.labels.service_name="lago-api"' in rate["filter"]
    clock = found["clock-not-running"]["conditions"][0]["conditionAbsent"]
    assert 'worker_pool_name="lago-clock"' in clock["filter"]
    db = found["database-connections"]["conditions"][0]["conditionThreshold"]
    assert 'database_id="lago-prod-example:lago-db-pg"' in db["filter"] and db["thresholdValue"] == 640  # 80 % of max_connections 800
    evictions = found["redis-queue-evictions"]["conditions"][0]["conditionThreshold"]
    assert "instances/lago-redis" in evictions["filter"] and evictions["thresholdValue"] == 0
    assert "conditionMatchedLog" in found["crashes"]["conditions"][0] and found["crashes"]["alertStrategy"]["notificationRateLimit"]
    checks = resources(prod, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
    assert {(c.inputs["monitoredResource"]["labels"]["host"], c.inputs["httpCheck"]["path"]) for c in checks} == {
        ("lago.example.com", "/"),
        ("api.lago.example.com", "/ready"),
    }


def test_the_dashboard_charts_the_threshold_policies(plan_of):
    prod = plan_of("gcp-prod")
    (board,) = resources(prod, "gcp:monitoring/dashboard:Dashboard")
    tiles = json.loads(board.inputs["dashboardJson"])["mosaicLayout"]["tiles"]
    charted = {t["widget"]["title"] for t in tiles}
    assert charted == {k for k, p in policies(prod).items() if "conditionThreshold" in p["conditions"][0]}


# -- off switches -----------------------------------------------------------------------------

SWITCHES = {
    "cmek": lambda p: not resources(p, "gcp:kms/cryptoKey:CryptoKey") and not resources(p, SQL)[0].inputs.get("encryptionKeyName"),
    "armor": lambda p: (
        not resources(p, "gcp:compute/securityPolicy:SecurityPolicy")
        and not any(b.inputs.get("securityPolicy") for b in resources(p, BACKEND_SERVICE))
    ),
    "edge.logSampleRate": lambda p: not any((b.inputs.get("logConfig") or {}).get("enable") for b in resources(p, BACKEND_SERVICE)),
    "flowLogs": lambda p: not named(p, "-net-run-subnet", "gcp:compute/subnetwork:Subnetwork").inputs.get("logConfig"),
    "sqlLogging": lambda p: "log_connections" not in flags(p),
    "bucketAuditLogs": lambda p: not resources(p, "gcp:projects/iAMAuditConfig:IAMAuditConfig"),
    "alarms": lambda p: not resources(p, POLICY) and not resources(p, "gcp:monitoring/notificationChannel:NotificationChannel"),
    "dashboard": lambda p: not resources(p, "gcp:monitoring/dashboard:Dashboard"),
    "logRetentionDays": lambda p: not resources(p, "gcp:logging/projectBucketConfig:ProjectBucketConfig"),
}


@pytest.mark.parametrize("key", sorted(SWITCHES))
def test_each_control_has_a_key_that_turns_it_off(plan_config, plan_of, key):
    stack = yaml.safe_load((PROJECT_DIR / "stacks/Pulumi.gcp-prod.yaml").read_text())["config"]
    section, _, leaf = key.rpartition(".")
    stack["lago:gcp"] = {section or "baseline": {leaf: 0 if leaf in ("logRetentionDays", "logSampleRate") else False}}
    plan = plan_config(stack)
    assert SWITCHES[key](plan)
    assert not SWITCHES[key](plan_of("gcp-prod")), "the prod preset turns it on"
    for other, gone in SWITCHES.items():
        if other != key:
            assert not gone(plan), f"turning {key} off also removed {other}"


def test_dev_can_turn_the_controls_on(plan_config):
    plan = plan_config(
        {
            "gcp:project": "lago-dev-example",
            "gcp:region": "europe-west1",
            "lago:target": "gcp",
            "lago:gcp": {"baseline": {"alarms": True, "cmek": True, "sqlLogging": True, "flowLogs": True}},
            "lago:alerts": {"notificationChannels": ["projects/lago-dev-example/notificationChannels/42"]},
        }
    )
    for control in ("alarms", "cmek", "sqlLogging", "flowLogs"):
        assert not SWITCHES[control](plan), control
    # Without a domain there is no load balancer: no uptime checks, no Cloud Armor, and the
    # existing channel is the only recipient.
    assert not resources(plan, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig") and not resources(
        plan, "gcp:compute/securityPolicy:SecurityPolicy"
    )
    assert {tuple(p["notificationChannels"]) for p in policies(plan).values()} == {("projects/lago-dev-example/notificationChannels/42",)}


def test_the_projects_logging_settings_are_owned_by_one_switch_and_survive_a_destroy(plan_config, plan_of):
    """Item 8: the storage audit config and the _Default bucket's retention are the project's, not
    the stack's: kept on destroy (retainOnDelete), and left alone where another stack or the
    platform owns them (projectLogging: false), whatever the other keys say."""
    prod = plan_of("gcp-prod")
    project_wide = [
        *resources(prod, "gcp:projects/iAMAuditConfig:IAMAuditConfig"),
        *resources(prod, "gcp:logging/projectBucketConfig:ProjectBucketConfig"),
    ]
    assert len(project_wide) == 2 and all(r.retain_on_delete for r in project_wide)
    stack = yaml.safe_load((PROJECT_DIR / "stacks/Pulumi.gcp-prod.yaml").read_text())["config"]
    stack["lago:gcp"] = {"baseline": {"projectLogging": False}}
    plan = plan_config(stack)
    assert SWITCHES["bucketAuditLogs"](plan) and SWITCHES["logRetentionDays"](plan)
    assert not SWITCHES["alarms"](plan) and not SWITCHES["cmek"](plan)


# -- item 10: what drifts, what pages too soon, what cannot be replaced, the clock -------------------


def test_the_dashboard_body_is_what_the_monitoring_api_returns(plan_of):
    """Protocol-buffer JSON leaves out fields at their default: a tile at x 0 or a threshold at 0
    spelled out differs from what the provider reads back, a diff on every `pulumi up`."""
    (board,) = resources(plan_of("gcp-prod"), "gcp:monitoring/dashboard:Dashboard")

    def defaults(value, path=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from defaults(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from ([f"{path}[{i}]"] if v == {} else defaults(v, f"{path}[{i}]"))
        elif value in (0, "", None):
            yield path

    body = json.loads(board.inputs["dashboardJson"])
    assert list(defaults(body)) == []
    assert len(body["mosaicLayout"]["tiles"]) > 3  # tiles at x 0, y 0 are there, without those fields


def test_the_api_error_rate_pages_on_a_sustained_share_not_a_single_error(plan_of):
    rate = policies(plan_of("gcp-prod"))["api-5xx-rate"]["conditions"][0]["conditionThreshold"]
    assert int(rate["duration"].removesuffix("s")) >= 300
    assert rate["denominatorFilter"] and rate["aggregations"][0]["perSeriesAligner"] == "ALIGN_RATE"


def test_a_new_domain_gets_a_new_certificate_before_the_old_one_goes(plan_config, plan_of):
    """A managed certificate's domains cannot change: replaced, its new name must differ from the
    old, which the proxy still uses, so the new one is created first."""
    prod = plan_of("gcp-prod")
    stack = yaml.safe_load((PROJECT_DIR / "stacks/Pulumi.gcp-prod.yaml").read_text())["config"]
    stack["lago:domain"] = {"app": "billing.example.com", "api": "api.billing.example.com"}
    moved = plan_config(stack)
    (old,), (new,) = (
        resources(prod, "gcp:compute/managedSslCertificate:ManagedSslCertificate"),
        resources(moved, "gcp:compute/managedSslCertificate:ManagedSslCertificate"),
    )
    assert old.inputs["name"] != new.inputs["name"] and not new.delete_before_replace
    assert len(new.inputs["name"]) <= 63


def test_a_silent_clock_pages(plan_of):
    """Clockwork serves no port, so no worker-pool probe can see a stuck clock: its 'Running <job>'
    lines (clock.rb's handler, one a minute by default) are counted, and their absence pages."""
    prod = plan_of("gcp-prod")
    (metric,) = resources(prod, "gcp:logging/metric:Metric")
    assert 'worker_pool_name="lago-clock"' in metric.inputs["filter"] and '"Running schedule:"' in metric.inputs["filter"]
    silent = policies(prod)["clock-silent"]["conditions"][0]["conditionAbsent"]
    assert f"logging.googleapis.com/user/{metric.inputs['name']}" in silent["filter"]
    assert int(silent["duration"].removesuffix("s")) >= 600
    assert named(prod, "-clock-silent", POLICY).inputs["notificationChannels"]
