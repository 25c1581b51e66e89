"""``lago:aws``: the AWS target's own keys. The region is the provider's (``aws:region``)."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from ...config.base import NonEmpty, Section

NatStrategy = Literal["none", "single", "perAz"]
CpuArchitecture = Literal["ARM64", "X86_64"]


class ExistingVpc(Section):
    """A VPC the user already runs. Each list needs subnets in at least two availability zones
    (the ALB and the database subnet group refuse fewer)."""

    vpc_id: NonEmpty
    #: For the ALB (and for tasks when ``privateSubnetIds`` have no route out).
    public_subnet_ids: list[NonEmpty] = Field(min_length=2)
    #: For the tasks; they need a route to the internet (NAT) to pull images.
    private_subnet_ids: list[NonEmpty] = Field(min_length=2)
    #: For the database and Redis; the private subnets when unset.
    isolated_subnet_ids: Optional[list[NonEmpty]] = Field(None, min_length=2)


class Network(Section):
    #: Address range of a new VPC; split into /20s per tier and zone.
    cidr: NonEmpty = "10.0.0.0/16"
    #: Availability zones of a new VPC.
    az_count: int = Field(2, ge=2, le=3)
    #: ``none``: tasks run in public subnets with public addresses (inbound still ALB-only);
    #: ``single``: one NAT gateway; ``perAz``: one per zone, so a zone outage keeps egress.
    nat: NatStrategy = "single"
    existing: Optional[ExistingVpc] = None


class Database(Section):
    instance_class: NonEmpty = "db.t4g.micro"
    #: GiB at creation; gp3 grows itself up to ``maxAllocatedStorage``.
    allocated_storage: int = Field(20, ge=20, le=65536)
    max_allocated_storage: int = Field(100, ge=20, le=65536)
    multi_az: bool = False
    backup_retention_days: int = Field(1, ge=1, le=35)
    #: Snapshot on destroy, under a name of its own so a second destroy does not collide.
    final_snapshot: bool = False
    performance_insights: bool = False
    #: Export the postgresql and upgrade logs to CloudWatch Logs.
    log_exports: bool = False
    #: Subnets the database lives in: ``isolated`` have no route out at all.
    subnets: Literal["isolated", "private"] = "isolated"

    @model_validator(mode="after")
    def _storage(self) -> "Database":
        if self.max_allocated_storage < self.allocated_storage:
            raise ValueError(
                f"maxAllocatedStorage ({self.max_allocated_storage}) is below allocatedStorage ({self.allocated_storage}). "
                "Fix: raise lago:aws.database.maxAllocatedStorage"
            )
        return self


class Redis(Section):
    engine: Literal["valkey", "redis"] = "valkey"
    #: Major.minor as ElastiCache names it (Valkey 7.2/8.0, Redis 7.1).
    engine_version: NonEmpty = "8.0"
    node_type: NonEmpty = "cache.t4g.micro"
    #: Read replicas per group; one or more turns on Multi-AZ with automatic failover.
    replicas: int = Field(0, ge=0, le=5)
    snapshot_retention_days: int = Field(0, ge=0, le=35)


class Storage(Section):
    #: Keep overwritten and deleted files as old versions.
    versioning: bool = False
    #: Days an old version is kept before it expires.
    noncurrent_version_days: int = Field(30, ge=1)


class Edge(Section):
    """The ALB. With ``lago:domain`` it serves HTTPS with an ACM certificate."""

    #: Route 53 hosted zone of ``lago:domain``: certificate validation and the two host records.
    #: Unset: add the validation records shown in the outputs yourself; ``pulumi up`` waits.
    route53_zone_id: Optional[NonEmpty] = None
    #: An issued ACM certificate covering both hosts, instead of a new one.
    certificate_arn: Optional[NonEmpty] = None
    #: Without a domain, the api answers on this ALB port (the front on 80).
    api_port: int = Field(3000, ge=1, le=65535)
    ssl_policy: NonEmpty = "ELBSecurityPolicy-TLS13-1-2-2021-06"


class Services(Section):
    #: ARM64 (Graviton) is about 20 % cheaper; Lago publishes arm64 images.
    cpu_architecture: CpuArchitecture = "ARM64"
    #: Run workers on Fargate Spot (interruptible, about 70 % cheaper): Sidekiq retries jobs.
    fargate_spot_workers: bool = False
    log_retention_days: int = Field(14, ge=1)
    #: Average CPU the autoscaler holds api and workers at.
    cpu_target: int = Field(60, ge=10, le=90)


class Baseline(Section):
    """Production baseline controls (README "Production baseline"); each is on in the prod preset."""

    #: CloudWatch alarms to the ``lago:alerts`` recipients, and ECS crash events.
    alarms: bool = False
    #: A CloudWatch dashboard of the same signals.
    dashboard: bool = False
    #: ALB access logs and S3 server access logs to a dedicated log bucket.
    access_logs: bool = False
    #: VPC flow logs of the stack's VPC (new or existing), to the log bucket.
    flow_logs: bool = False
    #: Days the log bucket keeps access and flow logs.
    log_retention_days: int = Field(365, ge=1, le=3650)
    #: Strip every rule from a new VPC's default security group.
    lock_default_security_group: bool = True
    #: AWS WAF on the ALB: AWS managed rule groups and a per-address rate limit.
    waf: bool = False
    #: Requests per 5 minutes one address may send before WAF blocks it.
    waf_rate_limit: int = Field(2000, ge=10, le=2000000000)
    #: One customer-managed KMS key (rotated yearly) for RDS, ElastiCache, S3, Secrets Manager,
    #: CloudWatch Logs and the alarm topic. Changing it on an existing stack replaces RDS and Redis.
    kms: bool = False
    #: RDS Enhanced Monitoring interval in seconds; 0 turns it off.
    enhanced_monitoring_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = 0
    #: Read-only root filesystems for the containers whose images allow it.
    read_only_root: bool = False


class AwsSettings(Section):
    network: Network = Network()
    database: Database = Database()
    redis: Redis = Redis()
    storage: Storage = Storage()
    edge: Edge = Edge()
    services: Services = Services()
    baseline: Baseline = Baseline()


#: What each preset changes for ``lago:aws``.
PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "network": {"azCount": 2, "nat": "single"},
        "database": {"instanceClass": "db.t4g.micro", "multiAz": False, "backupRetentionDays": 1, "finalSnapshot": False},
        "redis": {"nodeType": "cache.t4g.micro", "replicas": 0, "snapshotRetentionDays": 0},
        "storage": {"versioning": False},
        "services": {"fargateSpotWorkers": True, "logRetentionDays": 7},
        "baseline": {"alarms": False, "dashboard": False, "accessLogs": False, "flowLogs": False, "logRetentionDays": 30, "waf": False, "kms": False, "enhancedMonitoringSeconds": 0, "readOnlyRoot": True},
    },
    "prod": {
        "network": {"azCount": 3, "nat": "perAz"},
        "database": {
            "instanceClass": "db.m7g.large",
            "allocatedStorage": 50,
            "maxAllocatedStorage": 500,
            "multiAz": True,
            "backupRetentionDays": 14,
            "finalSnapshot": True,
            "performanceInsights": True,
            "logExports": True,
        },
        "redis": {"nodeType": "cache.t4g.medium", "replicas": 1, "snapshotRetentionDays": 7},
        "storage": {"versioning": True, "noncurrentVersionDays": 30},
        # A year of logs: what audits of billing systems ask for.
        "services": {"fargateSpotWorkers": False, "logRetentionDays": 365},
        "baseline": {"alarms": True, "dashboard": True, "accessLogs": True, "flowLogs": True, "logRetentionDays": 365, "waf": True, "kms": True, "enhancedMonitoringSeconds": 60, "readOnlyRoot": True},
    },
}
