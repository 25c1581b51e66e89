"""Every rule, written once. A rule either reads the roles (Lago's own rules) or asks the
stack's target for its check of that rule id (``target_rules/<name>.py``); a target that lists no
check for an id is out of that rule's scope."""

from __future__ import annotations

from typing import Iterable

from ..model import Rule, StackView, Violation
from ..target_rules import TARGETS
from ..target_rules import gcp as gcp_checks
from . import lago, plain_text

#: Rules that guard data against mistakes: they apply to prod stacks only.
PROD_ONLY = frozenset({"protect", "deletion-protection", "final-snapshot", "backups", "highly-available", "bucket-versioning"})


def _by_target(rule_id: str):
    def run(view: StackView) -> Iterable[Violation]:
        check = TARGETS[view.target].checks.get(rule_id)
        return check(view) if check else ()

    return run


def _target_rule(rule_id: str, mandatory: bool, checks: str, fix: str) -> Rule:
    return Rule(rule_id, mandatory, checks, fix, _by_target(rule_id))


RULES: tuple[Rule, ...] = (
    _target_rule(
        "database-encrypted",
        True,
        "RDS storage encrypted and SSL forced; Cloud SQL accepts TLS connections only",
        "storageEncrypted=true, rds.force_ssl=1; sslMode=ENCRYPTED_ONLY",
    ),
    _target_rule(
        "redis-encrypted",
        True,
        "ElastiCache encrypted at rest and in transit with AUTH; Memorystore TLS (SERVER_AUTHENTICATION) with AUTH, but for a Redis ActionCable reads (AUTH on the private network: its client verifies certificates)",
        "atRestEncryptionEnabled, transitEncryptionEnabled, authToken; transitEncryptionMode, authEnabled",
    ),
    _target_rule(
        "bucket-encrypted",
        True,
        "S3 buckets have default encryption and a policy denying plain HTTP (GCS is always both)",
        "add SSE and a Deny on aws:SecureTransport=false",
    ),
    _target_rule(
        "database-private",
        True,
        "no publicly accessible RDS, no public IP on Cloud SQL, no host port on local Postgres",
        "publiclyAccessible=false; ipv4Enabled=false; no ports",
    ),
    _target_rule(
        "redis-private",
        True,
        "Redis not reachable from outside the network (local: no host port; cloud Redis is VPC-only and its security groups fall under network-closed)",
        "remove the host port",
    ),
    _target_rule(
        "bucket-not-public",
        True,
        "every S3 bucket has a full public access block; GCS enforces public access prevention and uniform access",
        "BucketPublicAccessBlock (4 x true); publicAccessPrevention=enforced",
    ),
    _target_rule(
        "network-closed",
        True,
        "no security group / firewall open to the world except the load balancer's, on 80/443 or a port its own listeners serve; locally only api and front publish ports",
        "restrict the source to the VPC or a security group",
    ),
    Rule(
        "secrets-not-plain",
        True,
        "no password, token, key, PEM or URL with credentials in a plain environment variable, stack output or non-secret input",
        plain_text.FIX,
        plain_text.plain_text_secrets,
    ),
    _target_rule("protect", True, "(prod) databases, Redis, buckets and data volumes carry Pulumi protect", "lago:protection.protect=true"),
    _target_rule(
        "deletion-protection", True, "(prod) the cloud's deletion protection on the database", "lago:protection.deletionProtection=true"
    ),
    _target_rule(
        "final-snapshot",
        True,
        "(prod) a final snapshot / final backup is taken when the database is deleted",
        "skipFinalSnapshot=false + finalSnapshotIdentifier; finalBackupConfig.enabled",
    ),
    _target_rule(
        "backups",
        True,
        "(prod) automated backups kept 7 days or more (Cloud SQL: with point-in-time recovery)",
        "backupRetentionPeriod>=7; backupConfiguration",
    ),
    _target_rule(
        "highly-available",
        True,
        "(prod) Multi-AZ RDS and ElastiCache with failover; REGIONAL Cloud SQL and STANDARD_HA Memorystore",
        "multiAz; availabilityType=REGIONAL; tier=STANDARD_HA",
    ),
    _target_rule("bucket-versioning", True, "(prod) bucket versioning enabled", "BucketVersioning Enabled; versioning.enabled=true"),
    Rule("one-clock", True, "exactly one clock runs and it is never autoscaled", "leave lago:roles.clock at one replica", lago.one_clock),
    Rule(
        "sidekiq-flags",
        True,
        "every SIDEKIQ_* flag has the same value on all backend roles, and each true flag has its dedicated worker (and each dedicated worker its flag)",
        "declare dedicated workers in lago:workers.dedicated",
        lago.sidekiq_flags,
    ),
    Rule(
        "sidekiq-web-private", True, "LAGO_SIDEKIQ_WEB is off when the api is public", "remove lago:features.sidekiqWeb", lago.sidekiq_web
    ),
    Rule(
        "urls-consistent",
        True,
        "LAGO_API_URL and LAGO_FRONT_URL are the same base URLs on every backend role, and the front's API_URL equals LAGO_API_URL",
        "set lago:urls once",
        lago.urls,
    ),
    Rule(
        "required-variables",
        True,
        "every backend role (and the front) has the variables Lago needs to boot",
        "build environments with LagoDeployment",
        lago.required_variables,
    ),
    Rule(
        "connections-fit",
        True,
        "sum over backend roles of max replicas x deployment surge x processes x DATABASE_POOL x pools (by Lago version) fits the database's max_connections minus a reserve",
        "lower replicas or pools, or raise max_connections",
        lago.connections,
    ),
    _target_rule("health-checks", True, "every role with a health endpoint (api, workers, front, pdf) is probed", "add the role's probe"),
    _target_rule(
        "log-retention",
        True,
        "log groups / log buckets have a retention period; every ECS container sends its logs",
        "set retentionInDays / retentionDays",
    ),
    # On every plan whatever its target: a platform's own instance or policy beside Lago's too.
    Rule(
        "sql-limits",
        True,
        "every Cloud SQL instance's tier fits its edition (unset: ENTERPRISE_PLUS from POSTGRES_16, which refuses custom and shared-core tiers), shared-core tiers stay ZONAL, log retention fits the edition",
        "set settings.edition=ENTERPRISE or a db-perf-optimized-N-* tier",
        gcp_checks.sql_limits,
    ),
    Rule(
        "armor-rule-order",
        True,
        "no Cloud Armor rule that lets every request through (allow, or a throttle allowing requests under its limit) precedes a deny rule, which would then never run",
        "give the rate limit and allow rules a higher priority number than every deny rule",
        gcp_checks.armor_order,
    ),
    _target_rule(
        "alarms",
        False,
        "alarms exist for the database, Redis and the load balancer (or Cloud Run), and each notifies someone",
        "lago:<target>.baseline.alarms=true and lago:alerts.emails (or an existing topic / channel)",
    ),
)

__all__ = ["PROD_ONLY", "RULES"]
