"""The GCP target: Cloud Run v2, Cloud SQL for PostgreSQL, Memorystore, Cloud Storage."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable, Optional

from ...targets.gcp import limits
from ..model import SECRET, Resource, RoleView, StackView, Violation
from .base import ROLES_BY_NAME, WORLD, TargetPolicy, as_int, is_true, missing, role_of, unprotected

SQL = ("gcp:sql/databaseInstance:DatabaseInstance",)
#: Lago's database inside an instance: alone in a plan when the instance is brought.
LAGO_DATABASE = "gcp:sql/database:Database"
REDIS = ("gcp:redis/instance:Instance",)
BUCKET = ("gcp:storage/bucket:Bucket",)
SERVICE = "gcp:cloudrunv2/service:Service"
JOB = "gcp:cloudrunv2/job:Job"
FIREWALL = ("gcp:compute/firewall:Firewall",)
ALERT = "gcp:monitoring/alertPolicy:AlertPolicy"
LOG_BUCKET = ("gcp:logging/projectBucketConfig:ProjectBucketConfig",)


# -- roles ---------------------------------------------------------------------------------------


def _containers(r: Resource) -> list[dict[str, Any]]:
    template = r.inputs.get("template") or {}
    if r.type == JOB:
        template = template.get("template") or {}
    return [c for c in template.get("containers") or [] if isinstance(c, dict)]


def _container_env(container: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for e in container.get("envs") or []:
        if isinstance(e, dict) and "name" in e:
            env[e["name"]] = SECRET if (e.get("valueSource") or {}).get("secretKeyRef") else e.get("value", "")
    return env


def roles(resources: list[Resource], masked: bool) -> dict[str, RoleView]:
    found: dict[str, RoleView] = {}
    for r in (r for r in resources if r.type in (SERVICE, JOB)):
        containers = _containers(r)
        if not containers:
            continue
        role = role_of(r.inputs.get("name"), r.name, containers[0].get("name"))
        if role is None or role in found:
            continue
        scaling = (r.inputs.get("template") or {}).get("scaling") or r.inputs.get("scaling") or {}
        low = as_int(scaling.get("minInstanceCount")) or as_int(scaling.get("manualInstanceCount")) or 1
        high = as_int(scaling.get("maxInstanceCount")) or as_int(scaling.get("manualInstanceCount")) or low
        found[role] = RoleView(role, _container_env(containers[0]), low, high, image=str(containers[0].get("image") or ""))
    return found


#: A new revision of a service or worker pool starts its instances while the old revision's still
#: run, until traffic (or the instance split) has moved (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration):
#: twice the instances at worst. The migration job runs one task.
RUN_ROLLOUT_SURGE = 200


# -- the database --------------------------------------------------------------------------------


def max_connections(view: StackView) -> tuple[Optional[int], Optional[str]]:
    """The instance's max_connections and where it comes from; (None, None) when Lago's database
    is on a brought instance (``lago:gcp.database.existing``), whose size the stack does not know."""
    dbs = view.of_type(*SQL)
    if not dbs and view.of_type(LAGO_DATABASE):
        return None, None
    if not dbs:
        return None, "no Cloud SQL instance found"
    db = dbs[0]
    for flag in db.get("settings.databaseFlags", []) or []:
        if isinstance(flag, dict) and flag.get("name") == "max_connections" and as_int(flag.get("value")):
            return as_int(flag.get("value")), f"{db.name} database flag max_connections"
    tier = str(db.get("settings.tier", ""))
    gib = limits.sql_tier_memory_gib(tier)
    if gib is None:
        return None, f"tier {tier or '(unset)'} has no known default"
    return limits.cloud_sql_max_connections(tier), f"tier {tier} default ({gib:g} GiB)"


def _sql_encrypted(db: Resource) -> Optional[str]:
    mode = db.get("settings.ipConfiguration.sslMode")
    if mode in ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") or is_true(db.get("settings.ipConfiguration.requireSsl")):
        return None
    return f"sslMode is {mode or 'unset'} (connections without TLS accepted)"


def _sql_backups(db: Resource) -> Optional[str]:
    if not is_true(db.get("settings.backupConfiguration.enabled")):
        return "backupConfiguration.enabled is not true"
    if not is_true(db.get("settings.backupConfiguration.pointInTimeRecoveryEnabled")):
        return "pointInTimeRecoveryEnabled is not true"
    kept = as_int(db.get("settings.backupConfiguration.backupRetentionSettings.retainedBackups", 7))
    return None if (kept or 0) >= 7 else f"only {kept} backups kept"


# -- network and operations ----------------------------------------------------------------------


def _network_closed(view: StackView) -> Iterable[Violation]:
    for fw in view.of_type(*FIREWALL):
        if fw.inputs.get("direction", "INGRESS") != "INGRESS" or not set(fw.inputs.get("sourceRanges") or []) & set(WORLD):
            continue
        ports = {p for a in fw.inputs.get("allows") or [] for p in (a.get("ports") or ["all"])}
        if not ports or not ports <= {"80", "443"}:
            yield Violation(
                fw.name,
                f"firewall open to the world on {', '.join(sorted(ports)) or 'every port'}",
                "allow the world only on 80/443; use the VPC's ranges elsewhere",
            )


def _health(view: StackView) -> Iterable[Violation]:
    for svc in view.of_type(SERVICE):
        containers = _containers(svc)
        role = ROLES_BY_NAME.get(role_of(svc.inputs.get("name"), svc.name, containers[0].get("name") if containers else None) or "")
        check = role.readiness or role.liveness if role else None
        if check and not any(c.get("startupProbe") or c.get("livenessProbe") for c in containers):
            yield Violation(svc.name, f"role {role.name} has no startup or liveness probe", f"probe {check.path} on port {check.port}")


def _alarms(view: StackView) -> Iterable[Violation]:
    filters = " ".join(str(c) for a in view.of_type(ALERT) for c in a.inputs.get("conditions") or [])
    for types, metric in ((SQL, "cloudsql_database"), (REDIS, "redis_instance")):
        for r in view.of_type(*types):
            if metric not in filters:
                yield Violation(r.name, f"no alert policy on {metric}", f'add a monitoring AlertPolicy on resource.type="{metric}"')
    if view.of_type(SERVICE) and not re.search(r"https_lb_rule|cloud_run_revision", filters):
        yield Violation(
            "stack", "no alert policy on the load balancer or Cloud Run", "alert on https_lb_rule 5xx or cloud_run_revision request errors"
        )
    for a in view.of_type(ALERT):
        if not a.inputs.get("notificationChannels"):
            yield Violation(
                a.name,
                "the alert policy notifies nobody (no notificationChannels)",
                "set lago:alerts.emails or lago:alerts.notificationChannels",
            )


def _is_cable(r: Resource) -> bool:
    """ActionCable's Redis (targets/gcp/redis.py): broadcasts only, nothing to keep or fail over,
    and plain inside the VPC because ActionCable verifies certificates Memorystore's CA fails."""
    return (r.inputs.get("labels") or {}).get("lago-redis") == "cable"


def _serves_cable(r: Resource) -> bool:
    """An instance ActionCable reads: its own (``cable``), or the queue's when ActionCable shares it
    (``queue-cable``, ``lago:gcp.redis.sharedCable``), which still holds the queue's data."""
    return (r.inputs.get("labels") or {}).get("lago-redis") in ("cable", "queue-cable")


def _redis_encrypted(r: Resource) -> Optional[str]:
    auth = is_true(r.inputs.get("authEnabled"))
    if _serves_cable(r):
        private = r.inputs.get("connectMode") == "PRIVATE_SERVICE_ACCESS"
        return None if auth and private else "a Redis ActionCable reads needs AUTH and a private connection"
    return None if r.inputs.get("transitEncryptionMode") == "SERVER_AUTHENTICATION" and auth else "transit encryption or AUTH is off"


def _not_cable(check):
    return lambda r: None if _is_cable(r) else check(r)


# -- what Google refuses, or what silently does nothing, on any plan ---------------------------------


def sql_limits(view: StackView) -> Iterable[Violation]:
    """Every Cloud SQL instance of the plan (Lago's or the platform's own) against the tier and
    retention limits Cloud SQL enforces; an unset edition is the one Cloud SQL picks for the
    version (POSTGRES_16 and later: ENTERPRISE_PLUS, which refuses custom tiers)."""
    for db in view.every(*SQL):
        version = db.inputs.get("databaseVersion")
        given = db.get("settings.edition")
        edition = str(given or limits.sql_default_edition(version))
        backup = db.get("settings.backupConfiguration", {}) or {}
        retained = (backup.get("backupRetentionSettings") or {}).get("retainedBackups") if isinstance(backup, dict) else None
        problem = limits.sql_settings_problem(
            str(db.get("settings.tier", "")),
            edition,
            db.get("settings.availabilityType"),
            as_int(backup.get("transactionLogRetentionDays")) if isinstance(backup, dict) else None,
            as_int(retained),
        )
        if problem:
            what, _, fix = problem.partition(" Fix: ")
            edition_said = "" if given else f" (edition unset: Cloud SQL makes {version} {edition})"
            yield Violation(db.name, f"{what.rstrip('.')}{edition_said}", fix or None)


SECURITY_POLICY = "gcp:compute/securityPolicy:SecurityPolicy"
SECURITY_POLICY_RULE = "gcp:compute/securityPolicyRule:SecurityPolicyRule"
#: What ``srcIpRanges`` matching every address looks like.
_EVERY_ADDRESS = {"*", *WORLD}


def _matches_everything(rule: dict[str, Any]) -> bool:
    match = rule.get("match") or {}
    ranges = set((match.get("config") or {}).get("srcIpRanges") or [])
    expression = str((match.get("expr") or {}).get("expression") or "").strip()
    return bool(ranges & _EVERY_ADDRESS) or expression == "true"


def _lets_through(rule: dict[str, Any]) -> bool:
    """Allows a request it matches: ``allow``, or a throttle / rate-based ban whose conforming
    requests are allowed (every request under the limit)."""
    action = str(rule.get("action") or "")
    if action == "allow":
        return True
    return action in ("throttle", "rate_based_ban") and (rule.get("rateLimitOptions") or {}).get("conformAction") == "allow"


def armor_order_problems(rules: list[dict[str, Any]]) -> list[str]:
    """Deny rules that never run: Cloud Armor evaluates rules by priority, lowest number first, and
    the first match decides (https://cloud.google.com/armor/docs/security-policy-overview, "Rule
    evaluation order"), so an enforced rule letting every request through shadows every deny rule
    after it. Rules in preview mode enforce nothing and shadow nothing."""
    enforced = sorted(
        (r for r in rules if isinstance(r, dict) and not is_true(r.get("preview"))), key=lambda r: as_int(r.get("priority")) or 0
    )
    problems = []
    for i, first in enumerate(enforced):
        if not (_matches_everything(first) and _lets_through(first)):
            continue
        for later in enforced[i + 1 :]:
            if str(later.get("action") or "").startswith("deny"):
                problems.append(
                    f"rule {later.get('priority')} ({later.get('description') or later.get('action')}) never runs: rule "
                    f"{first.get('priority')} ({first.get('action')}) matches every request first and lets it through"
                )
    return problems


def armor_order(view: StackView) -> Iterable[Violation]:
    """Every Cloud Armor policy of the plan, its inline rules and its separate rule resources."""
    policies = view.every(SECURITY_POLICY)
    separate: dict[str, list[dict[str, Any]]] = {}
    for r in view.every(SECURITY_POLICY_RULE):
        separate.setdefault(str(r.inputs.get("securityPolicy")), []).append(r.inputs)
    for policy in policies:
        name = str(policy.inputs.get("name") or policy.name)
        rules = [*(policy.inputs.get("rules") or []), *separate.pop(name, [])]
        for problem in armor_order_problems(rules):
            yield Violation(policy.name, problem)
    for name, rules in separate.items():
        for problem in armor_order_problems(rules):
            yield Violation(name, problem)


DATA = (*SQL, *REDIS, *BUCKET)

TARGET = TargetPolicy(
    name="gcp",
    provider="gcp:",
    roles=roles,
    max_connections=max_connections,
    deploy_surge=lambda view, role: RUN_ROLLOUT_SURGE,
    # Cloud Run behind the external load balancer: the api is always public.
    api_public=lambda view: True,
    checks={
        "database-encrypted": lambda v: missing(v, SQL, _sql_encrypted, "set settings.ipConfiguration.sslMode=ENCRYPTED_ONLY"),
        "redis-encrypted": lambda v: missing(
            v, REDIS, _redis_encrypted, "set transitEncryptionMode=SERVER_AUTHENTICATION and authEnabled=true"
        ),
        "database-private": lambda v: missing(
            v,
            SQL,
            lambda r: (
                None
                if r.get("settings.ipConfiguration.ipv4Enabled") is False
                else "the instance has a public IP (ipv4Enabled is not false)"
            ),
            "set settings.ipConfiguration.ipv4Enabled=false and use private IP",
        ),
        "bucket-not-public": lambda v: missing(
            v,
            BUCKET,
            lambda b: (
                None
                if b.inputs.get("publicAccessPrevention") == "enforced" and is_true(b.inputs.get("uniformBucketLevelAccess"))
                else "public access prevention not enforced or uniform access off"
            ),
            "set publicAccessPrevention=enforced and uniformBucketLevelAccess=true",
        ),
        "network-closed": _network_closed,
        "protect": lambda v: unprotected(dataclasses.replace(v, resources=[r for r in v.resources if not _is_cable(r)]), DATA),
        "deletion-protection": lambda v: missing(
            v,
            SQL,
            lambda r: (
                None
                if r.inputs.get("deletionProtection") is not False and is_true(r.get("settings.deletionProtectionEnabled"))
                else "deletion protection is off"
            ),
            "keep deletionProtection and set settings.deletionProtectionEnabled=true",
        ),
        "final-snapshot": lambda v: missing(
            v,
            SQL,
            lambda r: None if is_true(r.get("settings.finalBackupConfig.enabled")) else "no final backup on deletion",
            "set settings.finalBackupConfig.enabled=true",
        ),
        "backups": lambda v: missing(v, SQL, _sql_backups, "enable backups with point-in-time recovery, 7 or more kept"),
        "highly-available": lambda v: [
            *missing(
                v,
                SQL,
                lambda r: None if r.get("settings.availabilityType") == "REGIONAL" else "availabilityType is not REGIONAL",
                "set settings.availabilityType=REGIONAL",
            ),
            *missing(
                v,
                REDIS,
                _not_cable(lambda r: None if r.inputs.get("tier") == "STANDARD_HA" else "tier is not STANDARD_HA"),
                "set tier=STANDARD_HA",
            ),
        ],
        "bucket-versioning": lambda v: missing(
            v,
            BUCKET,
            lambda b: None if is_true(b.get("versioning.enabled")) else "versioning is not enabled",
            "set versioning.enabled=true",
        ),
        "health-checks": _health,
        # Cloud Run logs land in the _Default bucket (30 days) unless a bucket config says otherwise.
        "log-retention": lambda v: missing(
            v, LOG_BUCKET, lambda b: None if as_int(b.inputs.get("retentionDays")) else "retentionDays is not set", "set retentionDays"
        ),
        "alarms": _alarms,
    },
)
