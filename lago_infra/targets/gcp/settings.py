"""``lago:gcp``: the GCP target's own keys.

Project and region are the provider's (``gcp:project``, ``gcp:region``); ``project`` / ``region``
here only override them for this program. Everything else has a preset default below.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from ...config.base import NonEmpty, Section


class ExistingNetwork(Section):
    """A VPC the user already runs. It must already have private services access (a
    service-networking connection) for Cloud SQL and Memorystore to take private addresses."""

    #: Network self link or ``projects/P/global/networks/N``.
    network: NonEmpty
    #: Subnet in the target region for Cloud Run Direct VPC egress (a /26 or larger), with
    #: Private Google Access on and a Cloud NAT for internet egress.
    subnetwork: NonEmpty


class Network(Section):
    #: Bring your own VPC instead of creating one.
    existing: Optional[ExistingNetwork] = None
    #: The Direct VPC egress subnet; Cloud Run takes up to two addresses per instance.
    subnet_cidr: NonEmpty = "10.20.0.0/24"
    #: Size of the private services access range Cloud SQL and Memorystore draw from.
    private_services_prefix_length: int = Field(20, ge=8, le=24)


class CloudSql(Section):
    tier: NonEmpty
    edition: Literal["ENTERPRISE", "ENTERPRISE_PLUS"] = "ENTERPRISE"
    #: REGIONAL keeps a standby in a second zone with automatic failover.
    availability: Literal["ZONAL", "REGIONAL"]
    disk_size_gb: int = Field(10, ge=10, le=65536)
    #: Automated backups kept (one a day).
    backups_retained: int = Field(7, ge=1, le=365)
    #: Days of write-ahead log kept for point-in-time recovery (at most 7 on ENTERPRISE).
    log_retention_days: int = Field(7, ge=1, le=35)
    #: A last backup taken when the instance is deleted, kept this many days; None: no final backup.
    final_backup_days: Optional[int] = Field(None, ge=1, le=365)
    #: PostgreSQL ``max_connections``; None keeps Cloud SQL's default for the tier.
    max_connections: Optional[int] = Field(None, ge=25, le=262143)


class Memorystore(Section):
    tier: Literal["BASIC", "STANDARD_HA"]
    memory_size_gb: int = Field(1, ge=1, le=300)
    #: Memory of the separate cache instance (``lago:redis.separateCache``).
    cache_memory_size_gb: int = Field(1, ge=1, le=300)
    version: Literal["REDIS_7_0", "REDIS_7_2"] = "REDIS_7_2"


class Bucket(Section):
    #: Keep overwritten and deleted files as noncurrent versions.
    versioning: bool
    #: Noncurrent versions are deleted this many days after they stop being current.
    noncurrent_version_days: int = Field(30, ge=1, le=3650)


class Run(Section):
    #: api, front and pdf may scale to zero instances when idle (slow first request after idle).
    scale_to_zero: bool = False


class Baseline(Section):
    """Production baseline controls (README "Production baseline"); each is on in the prod preset."""

    #: Cloud Monitoring alert policies to the ``lago:alerts`` recipients.
    alarms: bool = False
    #: A Cloud Monitoring dashboard of the same signals.
    dashboard: bool = False
    #: Request logs on the load balancer's backend services (with a domain).
    lb_logging: bool = False
    #: Data Access audit logs (reads and writes) for Cloud Storage.
    bucket_audit_logs: bool = False
    #: VPC flow logs on the subnet the stack creates.
    flow_logs: bool = False
    #: Cloud SQL logging flags: connections, disconnections, lock waits, slow statements, pgaudit.
    sql_logging: bool = False
    #: Statements slower than this many milliseconds are logged (with ``sqlLogging``).
    slow_statement_ms: int = Field(1000, ge=-1)
    #: Cloud Armor on the load balancer (with a domain): preconfigured WAF rules and a rate limit.
    armor: bool = False
    #: Requests per minute one address may send before Cloud Armor answers 429.
    armor_rate_limit: int = Field(600, ge=1, le=1000000)
    #: One Cloud KMS key (rotated every 90 days) for Cloud SQL, Memorystore, GCS and Secret Manager.
    #: Set it when the stack is created: switching it later replaces the database, Redis and secrets.
    cmek: bool = False
    #: Days the project's ``_Default`` log bucket keeps logs (where Cloud Run, load balancer and
    #: audit logs land); 0 leaves the project's setting alone (30 days unless changed).
    log_retention_days: int = Field(0, ge=0, le=3650)


class GcpSettings(Section):
    #: Overrides ``gcp:project``.
    project: Optional[str] = None
    #: Overrides ``gcp:region``.
    region: Optional[str] = None
    network: Network = Network()
    database: CloudSql
    redis: Memorystore
    storage: Bucket
    run: Run = Run()
    baseline: Baseline = Baseline()

    @model_validator(mode="after")
    def _tier_fits_availability(self) -> "GcpSettings":
        if self.database.availability == "REGIONAL" and self.database.tier.startswith(("db-f1-", "db-g1-")):
            raise ValueError(
                f"{self.database.tier} is a shared-core tier that cannot be REGIONAL. "
                "Fix: set lago:gcp.database.tier to a db-custom-* tier or availability to ZONAL"
            )
        return self


#: camelCase defaults merged under ``lago:gcp`` by preset.
PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "database": {"tier": "db-g1-small", "availability": "ZONAL", "backupsRetained": 7, "logRetentionDays": 3},
        "redis": {"tier": "BASIC", "memorySizeGb": 1},
        "storage": {"versioning": False},
        "run": {"scaleToZero": True},
        "baseline": {"alarms": False, "dashboard": False, "lbLogging": False, "bucketAuditLogs": False, "flowLogs": False, "sqlLogging": False, "armor": False, "cmek": False},
    },
    "prod": {
        "database": {
            "tier": "db-custom-2-7680",
            "availability": "REGIONAL",
            "diskSizeGb": 20,
            "backupsRetained": 14,
            "logRetentionDays": 7,
            "finalBackupDays": 30,
            # Two pools per process: api 6 x 6 + workers 8 x 24 + clock + migrate stays under 400.
            "maxConnections": 400,
        },
        "redis": {"tier": "STANDARD_HA", "memorySizeGb": 1, "cacheMemorySizeGb": 1},
        "storage": {"versioning": True, "noncurrentVersionDays": 30},
        "run": {"scaleToZero": False},
        "baseline": {
            "alarms": True, "dashboard": True, "lbLogging": True, "bucketAuditLogs": True, "flowLogs": True, "sqlLogging": True, "armor": True, "cmek": True,
            # A year of logs: what audits of billing systems ask for.
            "logRetentionDays": 365,
        },
    },
}
