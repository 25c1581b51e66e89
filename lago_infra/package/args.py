"""Typed args of the component package (other Pulumi languages), generated from the settings
models by lago_infra.package.generate: do not edit; `python -m lago_infra docs` rewrites it.

No `from __future__ import annotations`: the component analyzer reads real types.
"""

from typing import TypedDict

import pulumi
from typing_extensions import NotRequired


class Images(TypedDict):
    """Image repositories, for registries that mirror Lago's. Tags come from ``lago:version``."""

    api: NotRequired[str]
    front: NotRequired[str]
    pdf: NotRequired[str]
    """Full reference with tag: Gotenberg is versioned apart from Lago."""


class Urls(TypedDict):
    """Public URLs, when something in front of the target (a CDN, another proxy) decides them. Left unset, each target derives them from its own edge."""

    front: NotRequired[str]
    api: NotRequired[str]


class Domain(TypedDict):
    """Hostnames the browser uses: ``app`` serves the front, ``api`` the api."""

    app: str
    api: str


class Features(TypedDict):
    """Lago switches; each maps to one ``LAGO_*`` variable."""

    signup: NotRequired[bool]
    """LAGO_DISABLE_SIGNUP=false: anyone reaching the front may create an organisation."""
    pdf_generation: NotRequired[bool]
    """LAGO_DISABLE_PDF_GENERATION inverse."""
    wallet_refresh: NotRequired[bool]
    """LAGO_DISABLE_WALLET_REFRESH inverse."""
    segment: NotRequired[bool]
    """LAGO_DISABLE_SEGMENT inverse. Off: no usage telemetry leaves the deployment."""
    sidekiq_web: NotRequired[bool]
    """LAGO_SIDEKIQ_WEB: mounts an unauthenticated /sidekiq on the api. Local target only."""


class Smtp(TypedDict):
    """The lago:smtp settings."""

    address: str
    port: NotRequired[int]
    username: NotRequired[str]
    password: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    domain: NotRequired[str]
    from_email: str


class GoogleAuth(TypedDict):
    """The lago:googleAuth settings."""

    client_id: str
    client_secret: pulumi.Input[str]
    """Secret: the component stores it encrypted."""


class Sentry(TypedDict):
    """The lago:sentry settings."""

    dsn: str
    environment: NotRequired[str]
    traces_sample_rate: NotRequired[float]


class Organization(TypedDict):
    """First-organisation seed, read by migrate (``signup:seed_organization``)."""

    name: str
    email: str
    password: pulumi.Input[str]
    """Secret: the component stores it encrypted."""
    api_key: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""


class TierValues(TypedDict):
    """A value per connection tier: the api (web), the workers, the clock, migrations."""

    web: NotRequired[int]
    worker: NotRequired[int]
    clock: NotRequired[int]
    migrate: NotRequired[int]


class Timeouts(TypedDict):
    """Milliseconds per tier; unset means no limit (Lago's default)."""

    statement: NotRequired[TierValues]
    """A value per connection tier: the api (web), the workers, the clock, migrations."""
    idle_transaction: NotRequired[TierValues]
    """A value per connection tier: the api (web), the workers, the clock, migrations."""
    lock: NotRequired[TierValues]
    """A value per connection tier: the api (web), the workers, the clock, migrations."""


class Database(TypedDict):
    """The lago:database settings."""

    name: NotRequired[str]
    user: NotRequired[str]
    schema_: NotRequired[str]
    version: NotRequired[int]
    """PostgreSQL major version; Lago's migrations need 15 or newer (NULLS NOT DISTINCT)."""
    pool: NotRequired[TierValues]
    """DATABASE_POOL per tier; derived from threads / concurrency when unset."""
    timeouts: NotRequired[Timeouts]
    """Milliseconds per tier; unset means no limit (Lago's default)."""
    prepared_statements: NotRequired[bool]
    """False behind a transaction-mode pooler (PgBouncer, RDS Proxy in transaction pinning)."""


class Redis(TypedDict):
    """The lago:redis settings."""

    separate_cache: NotRequired[bool]
    """A second Redis for the Rails cache (``allkeys-lru``), apart from the Sidekiq queue (``noeviction``)."""
    cache_pool_size: NotRequired[int]
    """LAGO_REDIS_CACHE_POOL_SIZE."""


class Api(TypedDict):
    """The lago:api settings."""

    threads: NotRequired[int]
    """RAILS_MAX_THREADS: puma threads per process."""
    web_concurrency: NotRequired[int]
    """WEB_CONCURRENCY: puma worker processes (0 = single process)."""


class RoleSize(TypedDict):
    """How many of a role run and how big each is, in target-neutral units."""

    replicas: NotRequired[int]
    max_replicas: NotRequired[int]
    """Autoscaling ceiling; equal to ``replicas`` means no autoscaling."""
    cpu: NotRequired[float]
    memory: NotRequired[int]
    """MiB"""


class Workers(TypedDict):
    """The lago:workers settings."""

    concurrency: NotRequired[int]
    """SIDEKIQ_CONCURRENCY per worker process."""
    dedicated: NotRequired[dict[str, RoleSize]]
    """Dedicated workers by queue; each sets its ``SIDEKIQ_<QUEUE>`` flag on every backend role."""


class Roles(TypedDict):
    """The lago:roles settings."""

    api: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""
    worker: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""
    clock: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""
    front: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""
    pdf: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""
    migrate: NotRequired[RoleSize]
    """How many of a role run and how big each is, in target-neutral units."""


class BroughtSecrets(TypedDict):
    """Secrets the user brings instead of generated ones (e.g. when moving an existing Lago). Each must be a ``secure:`` value; unset ones are generated once and never change."""

    secret_key_base: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    rsa_private_key: NotRequired[pulumi.Input[str]]
    """A PEM RSA private key, or base64 of one (as LAGO_RSA_PRIVATE_KEY takes it). Secret: the component stores it encrypted."""
    encryption_primary_key: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    encryption_deterministic_key: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    encryption_key_derivation_salt: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""


class Protection(TypedDict):
    """What keeps data alive through a mistaken ``pulumi destroy``."""

    deletion_protection: NotRequired[bool]
    """The cloud's own deletion protection on databases."""
    protect: NotRequired[bool]
    """Pulumi ``protect`` on data-bearing resources (databases, buckets, Redis)."""
    acknowledge_data_loss: NotRequired[bool]
    """Needed to run a prod preset with either switch off."""


class Thresholds(TypedDict):
    """When an alarm fires. Percentages are 0-100."""

    api_error_percent: NotRequired[float]
    """Share of api requests answered 5xx (by the api or by the load balancer), over 5 minutes."""
    api_latency_p99_seconds: NotRequired[float]
    """p99 api response time at the load balancer, seconds, over 5 minutes."""
    database_cpu_percent: NotRequired[float]
    """Database CPU, averaged over 15 minutes."""
    database_free_storage_percent: NotRequired[float]
    """Free database storage below this share of the storage allocated at creation."""
    database_connections_percent: NotRequired[float]
    """Open connections above this share of the database's max_connections."""
    redis_memory_percent: NotRequired[float]
    """Redis memory in use (queue and cache), share of the node's maxmemory."""
    redis_connections: NotRequired[int]
    """Client connections per Redis node."""
    redis_replica_lag_seconds: NotRequired[float]
    """Seconds a Redis replica may lag its primary."""
    certificate_days: NotRequired[int]
    """Days before the load balancer's certificate expires (it renews itself well before)."""
    workers_at_ceiling_minutes: NotRequired[int]
    """Minutes the workers may sit at their autoscaling ceiling before the backlog alarm fires."""


class Alerts(TypedDict):
    """Where alarms go: e-mail addresses subscribed to a topic / channel the stack creates, and/or ones that already exist. With none of them, alarms still exist and show on the dashboard, but nobody is told."""

    emails: NotRequired[list[str]]
    sns_topic_arn: NotRequired[str]
    """AWS: an existing SNS topic (e.g. wired to PagerDuty or Slack) that receives every alarm."""
    notification_channels: NotRequired[list[str]]
    """GCP: existing Cloud Monitoring notification channels (``projects/P/notificationChannels/N``)."""
    thresholds: NotRequired[Thresholds]
    """When an alarm fires. Percentages are 0-100."""


class AwsImages(TypedDict):
    """Where ECS pulls Lago's images from. Docker Hub limits anonymous pulls per address (the NAT's), so a first deploy or a crash loop can be refused; credentials lift that limit."""

    docker_hub_credentials_arn: NotRequired[str]
    """A Secrets Manager secret holding ``{"username": …, "password": …}`` of a Docker Hub account (an access token as password). For the pull-through cache its name must begin with ``ecr- pullthroughcache/``."""
    pull_through_cache: NotRequired[bool]
    """Pull through an ECR pull-through cache rule (images copied into this account's ECR once, then pulled from there). ECR needs Docker Hub credentials for it: without ``dockerHubCredentialsArn`` the stack warns and ECS pulls from Docker Hub directly."""
    digests: NotRequired[dict[str, str]]
    """Pin images by digest (``sha256:…``) by role image: api, front, pdf."""


class AwsExistingVpc(TypedDict):
    """A VPC the user already runs. Each list needs subnets in at least two availability zones (the ALB and the database subnet group refuse fewer)."""

    vpc_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Input[str]]
    """For the ALB (and for tasks when ``privateSubnetIds`` have no route out)."""
    private_subnet_ids: list[pulumi.Input[str]]
    """For the tasks; they need a route to the internet (NAT) to pull images."""
    isolated_subnet_ids: NotRequired[list[pulumi.Input[str]]]
    """For the database and Redis; the private subnets when unset."""


class AwsNetwork(TypedDict):
    """The lago:aws.network settings."""

    cidr: NotRequired[str]
    """Address range of a new VPC; split into /20s per tier and zone."""
    az_count: NotRequired[int]
    """Availability zones of a new VPC."""
    nat: NotRequired[str]
    """``none``: tasks run in public subnets with public addresses (inbound still ALB-only); ``single``: one NAT gateway; ``perAz``: one per zone, so a zone outage keeps egress. One of `none`, `single`, `perAz`."""
    existing: NotRequired[AwsExistingVpc]
    """A VPC the user already runs. Each list needs subnets in at least two availability zones (the ALB and the database subnet group refuse fewer)."""


class AwsDatabase(TypedDict):
    """The lago:aws.database settings."""

    instance_class: NotRequired[str]
    allocated_storage: NotRequired[int]
    """GiB at creation; gp3 grows itself up to ``maxAllocatedStorage``."""
    max_allocated_storage: NotRequired[int]
    multi_az: NotRequired[bool]
    backup_retention_days: NotRequired[int]
    final_snapshot: NotRequired[bool]
    """Snapshot on destroy, under a name of its own so a second destroy does not collide."""
    performance_insights: NotRequired[bool]
    log_exports: NotRequired[bool]
    """Export the postgresql and upgrade logs to CloudWatch Logs."""
    subnets: NotRequired[str]
    """Subnets the database lives in: ``isolated`` have no route out at all. One of `isolated`, `private`."""


class AwsRedis(TypedDict):
    """The lago:aws.redis settings."""

    engine: NotRequired[str]
    """One of `valkey`, `redis`."""
    engine_version: NotRequired[str]
    """Major.minor as ElastiCache names it (Valkey 7.2-8.2; Redis OSS ends at 7.1). Unset: the newest the engine has (Valkey 8.0, Redis 7.1)."""
    node_type: NotRequired[str]
    replicas: NotRequired[int]
    """Read replicas per group; one or more turns on Multi-AZ with automatic failover."""
    snapshot_retention_days: NotRequired[int]


class AwsStorage(TypedDict):
    """The lago:aws.storage settings."""

    versioning: NotRequired[bool]
    """Keep overwritten and deleted files as old versions."""
    noncurrent_version_days: NotRequired[int]
    """Days an old version is kept before it expires."""


class AwsEdge(TypedDict):
    """The ALB. With ``lago:domain`` it serves HTTPS with an ACM certificate."""

    route53_zone_id: NotRequired[pulumi.Input[str]]
    """Route 53 hosted zone of ``lago:domain``: certificate validation and the two host records. Unset: two phases. The first ``pulumi up`` creates the certificate and shows its validation records (output ``certificate_validation_records``) without waiting; add them to your DNS, then set ``certificateValidated`` and run ``pulumi up`` again."""
    certificate_arn: NotRequired[pulumi.Input[str]]
    """An issued ACM certificate covering both hosts, instead of a new one."""
    certificate_validated: NotRequired[bool]
    """Phase two of the flow above: the records are in DNS and ACM shows the certificate Issued."""
    api_port: NotRequired[int]
    """Without a domain, the api answers on this ALB port (the front on 80)."""
    ssl_policy: NotRequired[str]


class AwsServices(TypedDict):
    """The lago:aws.services settings."""

    cpu_architecture: NotRequired[str]
    """ARM64 (Graviton) is about 20 % cheaper; Lago publishes arm64 images. One of `ARM64`, `X86_64`."""
    fargate_spot_workers: NotRequired[bool]
    """Run workers on Fargate Spot (interruptible, about 70 % cheaper): Sidekiq retries jobs. AWS runs Spot for X86_64 tasks only, so this needs ``cpuArchitecture: X86_64``."""
    log_retention_days: NotRequired[int]
    """Days CloudWatch keeps the tasks' (and the database's exported) logs."""
    cpu_target: NotRequired[int]
    """Average CPU the autoscaler holds api and workers at."""
    container_insights: NotRequired[bool]
    """CloudWatch Container Insights on the cluster (per-task metrics; billed as custom metrics)."""
    exec: NotRequired[bool]
    """ECS Exec (``aws ecs execute-command`` into a backend task, e.g. for ``rails console``). Off by default: it opens an interactive shell next to the production data."""


class AwsBaseline(TypedDict):
    """Production baseline controls (README "Production baseline"); each is on in the prod preset."""

    alarms: NotRequired[bool]
    """CloudWatch alarms to the ``lago:alerts`` recipients, and ECS crash events."""
    dashboard: NotRequired[bool]
    """A CloudWatch dashboard of the same signals."""
    access_logs: NotRequired[bool]
    """ALB access logs and S3 server access logs to a dedicated log bucket."""
    flow_logs: NotRequired[bool]
    """VPC flow logs of the stack's VPC (new or existing), to the log bucket."""
    log_retention_days: NotRequired[int]
    """Days the log bucket keeps access and flow logs."""
    lock_default_security_group: NotRequired[bool]
    """Strip every rule from a new VPC's default security group."""
    waf: NotRequired[bool]
    """AWS WAF on the ALB: AWS managed rule groups and a per-address rate limit."""
    waf_rate_limit: NotRequired[int]
    """Requests per 5 minutes one address may send before WAF blocks it."""
    kms: NotRequired[bool]
    """One customer-managed KMS key (rotated yearly) for RDS, ElastiCache, S3, Secrets Manager, CloudWatch Logs and the alarm topic. Changing it on an existing stack replaces RDS and Redis."""
    enhanced_monitoring_seconds: NotRequired[int]
    """RDS Enhanced Monitoring interval in seconds; 0 turns it off. One of `0`, `1`, `5`, `10`, `15`, `30`, `60`."""
    read_only_root: NotRequired[bool]
    """Read-only root filesystems for the containers whose images allow it."""


class AwsSettings(TypedDict):
    """The lago:aws settings."""

    images: NotRequired[AwsImages]
    """Where ECS pulls Lago's images from. Docker Hub limits anonymous pulls per address (the NAT's), so a first deploy or a crash loop can be refused; credentials lift that limit."""
    network: NotRequired[AwsNetwork]
    database: NotRequired[AwsDatabase]
    redis: NotRequired[AwsRedis]
    storage: NotRequired[AwsStorage]
    edge: NotRequired[AwsEdge]
    """The ALB. With ``lago:domain`` it serves HTTPS with an ACM certificate."""
    services: NotRequired[AwsServices]
    baseline: NotRequired[AwsBaseline]
    """Production baseline controls (README "Production baseline"); each is on in the prod preset."""


class GcpExistingNetwork(TypedDict):
    """A VPC the user already runs. It must already have private services access (a service-networking connection) for Cloud SQL and Memorystore to take private addresses."""

    network: pulumi.Input[str]
    """Network self link or ``projects/P/global/networks/N``."""
    subnetwork: pulumi.Input[str]
    """Subnet in the target region for Cloud Run Direct VPC egress (a /26 or larger), with Private Google Access on and a Cloud NAT for internet egress."""


class GcpNetwork(TypedDict):
    """The lago:gcp.network settings."""

    existing: NotRequired[GcpExistingNetwork]
    """Bring your own VPC instead of creating one."""
    subnet_cidr: NotRequired[str]
    """The Direct VPC egress subnet; Cloud Run takes up to two addresses per instance."""
    private_services_prefix_length: NotRequired[int]
    """Size of the private services access range Cloud SQL and Memorystore draw from."""


class GcpCloudSql(TypedDict):
    """The lago:gcp.database settings."""

    tier: NotRequired[str]
    edition: NotRequired[str]
    """One of `ENTERPRISE`, `ENTERPRISE_PLUS`."""
    availability: NotRequired[str]
    """REGIONAL keeps a standby in a second zone with automatic failover. One of `ZONAL`, `REGIONAL`."""
    disk_size_gb: NotRequired[int]
    backups_retained: NotRequired[int]
    """Automated backups kept (one a day)."""
    log_retention_days: NotRequired[int]
    """Days of write-ahead log kept for point-in-time recovery: 1-7 on ENTERPRISE, 1-35 on ENTERPRISE_PLUS, and fewer than ``backupsRetained``."""
    final_backup_days: NotRequired[int]
    """A last backup taken when the instance is deleted, kept this many days; None: no final backup."""
    max_connections: NotRequired[int]
    """PostgreSQL ``max_connections``; None keeps Cloud SQL's default for the tier."""
    maintenance_day: NotRequired[int]
    """Weekly maintenance window (UTC): day 1 = Monday ... 7 = Sunday, and the hour it starts. None lets Google pick any time."""
    maintenance_hour: NotRequired[int]
    query_insights: NotRequired[bool]
    """Query Insights: per-query load and plans in the console, kept 7 days at no charge."""


class GcpMemorystore(TypedDict):
    """The lago:gcp.redis settings."""

    tier: NotRequired[str]
    """The queue's tier: STANDARD_HA keeps a replica in another zone with automatic failover. One of `BASIC`, `STANDARD_HA`."""
    memory_size_gb: NotRequired[int]
    cache_tier: NotRequired[str]
    """The separate cache's tier (``lago:redis.separateCache``); None: the queue's. A cache is disposable, so BASIC is enough where a cold cache after a zone outage is acceptable. One of `BASIC`, `STANDARD_HA`."""
    cache_memory_size_gb: NotRequired[int]
    """Memory of the separate cache instance."""
    version: NotRequired[str]
    """One of `REDIS_7_0`, `REDIS_7_2`."""


class GcpBucket(TypedDict):
    """The lago:gcp.storage settings."""

    versioning: NotRequired[bool]
    """Keep overwritten and deleted files as noncurrent versions."""
    noncurrent_version_days: NotRequired[int]
    """Noncurrent versions are deleted this many days after they stop being current."""


class GcpConcurrency(TypedDict):
    """Requests one instance serves at once (Cloud Run's ``maxInstanceRequestConcurrency``); a request beyond it starts another instance instead of queueing. None: derived from the role's real capacity (api: ``lago:api.threads`` x processes; pdf: Gotenberg's conversions; front: 80)."""

    api: NotRequired[int]
    front: NotRequired[int]
    pdf: NotRequired[int]


class GcpRun(TypedDict):
    """The lago:gcp.run settings."""

    scale_to_zero: NotRequired[bool]
    """api, front and pdf may scale to zero instances when idle (slow first request after idle)."""
    always_allocated_cpu: NotRequired[list[str]]
    """HTTP roles billed per instance (CPU always allocated) instead of per request. Request-based billing (the default for all three) charges CPU only while a request is in flight, which is what api, front and pdf need: none of them works between requests. One of `api`, `front`, `pdf`."""
    concurrency: NotRequired[GcpConcurrency]
    """Requests one instance serves at once (Cloud Run's ``maxInstanceRequestConcurrency``); a request beyond it starts another instance instead of queueing. None: derived from the role's real capacity (api: ``lago:api.threads`` x processes; pdf: Gotenberg's conversions; front: 80)."""
    autoscale_workers: NotRequired[bool]
    """Workers between ``replicas`` and ``maxReplicas`` scale on CPU utilisation (Cloud Run worker pool CPU autoscaling); False keeps exactly ``replicas`` and refuses ``maxReplicas`` above it."""


class GcpEdge(TypedDict):
    """The HTTPS load balancer used when ``lago:domain`` is set."""

    log_sample_rate: NotRequired[float]
    """Fraction of requests the load balancer logs to Cloud Logging (0 turns access logs off)."""


class GcpBaseline(TypedDict):
    """Production baseline controls (README "Production baseline"); each is on in the prod preset. Load balancer request logs are ``lago:gcp.edge.logSampleRate``."""

    alarms: NotRequired[bool]
    """Cloud Monitoring alert policies to the ``lago:alerts`` recipients."""
    dashboard: NotRequired[bool]
    """A Cloud Monitoring dashboard of the same signals."""
    bucket_audit_logs: NotRequired[bool]
    """Data Access audit logs (reads and writes) for Cloud Storage."""
    flow_logs: NotRequired[bool]
    """VPC flow logs on the subnet the stack creates."""
    sql_logging: NotRequired[bool]
    """Cloud SQL logging flags: connections, disconnections, lock waits, slow statements, pgaudit."""
    slow_statement_ms: NotRequired[int]
    """Statements slower than this many milliseconds are logged (with ``sqlLogging``); -1: none."""
    armor: NotRequired[bool]
    """Cloud Armor on the load balancer (with a domain): preconfigured WAF rules and a rate limit."""
    armor_rate_limit: NotRequired[int]
    """Requests per minute one address may send before Cloud Armor answers 429."""
    cmek: NotRequired[bool]
    """One Cloud KMS key (rotated every 90 days) for Cloud SQL, Memorystore, GCS and Secret Manager. Set it when the stack is created: switching it later replaces the database, Redis and secrets."""
    log_retention_days: NotRequired[int]
    """Days the project's ``_Default`` log bucket keeps logs (where Cloud Run, load balancer and audit logs land); 0 leaves the project's setting alone (30 days unless changed)."""


class GcpSettings(TypedDict):
    """The lago:gcp settings."""

    project: NotRequired[str]
    """Overrides ``gcp:project``."""
    region: NotRequired[str]
    """Overrides ``gcp:region``."""
    enable_apis: NotRequired[bool]
    """Enable the Google APIs the target calls (never disabled on destroy). Off where a platform team enables APIs itself and the deployer may not (serviceusage.services.enable)."""
    network: NotRequired[GcpNetwork]
    database: NotRequired[GcpCloudSql]
    redis: NotRequired[GcpMemorystore]
    storage: NotRequired[GcpBucket]
    run: NotRequired[GcpRun]
    edge: NotRequired[GcpEdge]
    """The HTTPS load balancer used when ``lago:domain`` is set."""
    baseline: NotRequired[GcpBaseline]
    """Production baseline controls (README "Production baseline"); each is on in the prod preset. Load balancer request logs are ``lago:gcp.edge.logSampleRate``."""


class LocalSettings(TypedDict):
    """The lago:local settings."""

    front_port: NotRequired[int]
    """Host port of the front (the browser's origin is http://localhost:<frontPort>)."""
    api_port: NotRequired[int]
    """Host port of the api."""
    bind_address: NotRequired[str]
    """Host address the two ports bind to. Loopback only: Docker publishes the api port with every path on it, including the unauthenticated /metrics (and /sidekiq when enabled) that no edge may serve (roles.PRIVATE_API_PATHS); there is no proxy here to deny them."""
    storage: NotRequired[str]
    """``volume``: a named volume at /app/storage shared by api and workers. One of `volume`."""
    postgres_image: NotRequired[str]
    """Defaults to the official image of ``lago:database.version``."""
    redis_image: NotRequired[str]


class LagoAwsArgs(TypedDict):
    """Settings of Lago on AWS (ECS Fargate behind an ALB, RDS, ElastiCache, S3, Secrets Manager): the keys of a stack file's lago: namespace (camelCase here too), without lago:target and the other targets' sections. Keys left out take the preset's value."""

    preset: NotRequired[str]
    """``dev`` is cheap and quick; ``prod`` is durable and highly available. Every key left unset takes the preset's value. One of `dev`, `prod`."""
    runtime: NotRequired[str]
    """``managed``: the target runs Lago's roles (ECS Fargate, Cloud Run, Docker). ``external``: the data tier only (database, Redis, storage, secrets); a runtime the platform owns (Lago's Helm chart on EKS or GKE, say) runs the roles from each role's environment, which the component exposes as ``role_environments`` with secrets as references into the cloud's secret store. One of `managed`, `external`."""
    name: NotRequired[str]
    """Resource name prefix; child names derive from it and never change after the first up."""
    version: NotRequired[str]
    """Lago release tag of the api and front images (there is no ``latest``)."""
    images: NotRequired[Images]
    """Image repositories, for registries that mirror Lago's. Tags come from ``lago:version``."""
    urls: NotRequired[Urls]
    """Public URLs, when something in front of the target (a CDN, another proxy) decides them. Left unset, each target derives them from its own edge."""
    domain: NotRequired[Domain]
    """Hostnames the browser uses: ``app`` serves the front, ``api`` the api."""
    features: NotRequired[Features]
    """Lago switches; each maps to one ``LAGO_*`` variable."""
    smtp: NotRequired[Smtp]
    google_auth: NotRequired[GoogleAuth]
    oauth_proxy_url: NotRequired[str]
    license: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    sentry: NotRequired[Sentry]
    organization: NotRequired[Organization]
    """First-organisation seed, read by migrate (``signup:seed_organization``)."""
    webhook_attempts: NotRequired[int]
    database: NotRequired[Database]
    redis: NotRequired[Redis]
    api: NotRequired[Api]
    workers: NotRequired[Workers]
    roles: NotRequired[Roles]
    secrets: NotRequired[BroughtSecrets]
    """Secrets the user brings instead of generated ones (e.g. when moving an existing Lago). Each must be a ``secure:`` value; unset ones are generated once and never change."""
    protection: NotRequired[Protection]
    """What keeps data alive through a mistaken ``pulumi destroy``."""
    tags: NotRequired[dict[str, str]]
    """Tags (AWS) or labels (GCP) on every resource that takes them, beside the ``lago-stack`` / ``lago- role`` ones the targets add; each target checks them against its cloud's rules."""
    alerts: NotRequired[Alerts]
    """Where alarms are sent and their thresholds (cloud targets; switched by each target's ``baseline.alarms``)."""
    env: NotRequired[dict[str, str]]
    """Further Lago variables by name (plain); names owned by a typed key are refused."""
    secret_env: NotRequired[dict[str, pulumi.Input[str]]]
    """Further Lago variables holding credentials; each must be a ``secure:`` value. Secret: the component stores it encrypted."""
    aws: NotRequired[AwsSettings]


class LagoGcpArgs(TypedDict):
    """Settings of Lago on GCP (Cloud Run, Cloud SQL, Memorystore, GCS, Secret Manager): the keys of a stack file's lago: namespace (camelCase here too), without lago:target and the other targets' sections. Keys left out take the preset's value."""

    preset: NotRequired[str]
    """``dev`` is cheap and quick; ``prod`` is durable and highly available. Every key left unset takes the preset's value. One of `dev`, `prod`."""
    runtime: NotRequired[str]
    """``managed``: the target runs Lago's roles (ECS Fargate, Cloud Run, Docker). ``external``: the data tier only (database, Redis, storage, secrets); a runtime the platform owns (Lago's Helm chart on EKS or GKE, say) runs the roles from each role's environment, which the component exposes as ``role_environments`` with secrets as references into the cloud's secret store. One of `managed`, `external`."""
    name: NotRequired[str]
    """Resource name prefix; child names derive from it and never change after the first up."""
    version: NotRequired[str]
    """Lago release tag of the api and front images (there is no ``latest``)."""
    images: NotRequired[Images]
    """Image repositories, for registries that mirror Lago's. Tags come from ``lago:version``."""
    urls: NotRequired[Urls]
    """Public URLs, when something in front of the target (a CDN, another proxy) decides them. Left unset, each target derives them from its own edge."""
    domain: NotRequired[Domain]
    """Hostnames the browser uses: ``app`` serves the front, ``api`` the api."""
    features: NotRequired[Features]
    """Lago switches; each maps to one ``LAGO_*`` variable."""
    smtp: NotRequired[Smtp]
    google_auth: NotRequired[GoogleAuth]
    oauth_proxy_url: NotRequired[str]
    license: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    sentry: NotRequired[Sentry]
    organization: NotRequired[Organization]
    """First-organisation seed, read by migrate (``signup:seed_organization``)."""
    webhook_attempts: NotRequired[int]
    database: NotRequired[Database]
    redis: NotRequired[Redis]
    api: NotRequired[Api]
    workers: NotRequired[Workers]
    roles: NotRequired[Roles]
    secrets: NotRequired[BroughtSecrets]
    """Secrets the user brings instead of generated ones (e.g. when moving an existing Lago). Each must be a ``secure:`` value; unset ones are generated once and never change."""
    protection: NotRequired[Protection]
    """What keeps data alive through a mistaken ``pulumi destroy``."""
    tags: NotRequired[dict[str, str]]
    """Tags (AWS) or labels (GCP) on every resource that takes them, beside the ``lago-stack`` / ``lago- role`` ones the targets add; each target checks them against its cloud's rules."""
    alerts: NotRequired[Alerts]
    """Where alarms are sent and their thresholds (cloud targets; switched by each target's ``baseline.alarms``)."""
    env: NotRequired[dict[str, str]]
    """Further Lago variables by name (plain); names owned by a typed key are refused."""
    secret_env: NotRequired[dict[str, pulumi.Input[str]]]
    """Further Lago variables holding credentials; each must be a ``secure:`` value. Secret: the component stores it encrypted."""
    gcp: NotRequired[GcpSettings]


class LagoDockerArgs(TypedDict):
    """Settings of Lago on one Docker host (Lago's compose layout): the keys of a stack file's lago: namespace (camelCase here too), without lago:target and the other targets' sections. Keys left out take the preset's value."""

    preset: NotRequired[str]
    """``dev`` is cheap and quick; ``prod`` is durable and highly available. Every key left unset takes the preset's value. One of `dev`, `prod`."""
    runtime: NotRequired[str]
    """``managed``: the target runs Lago's roles (ECS Fargate, Cloud Run, Docker). ``external``: the data tier only (database, Redis, storage, secrets); a runtime the platform owns (Lago's Helm chart on EKS or GKE, say) runs the roles from each role's environment, which the component exposes as ``role_environments`` with secrets as references into the cloud's secret store. One of `managed`, `external`."""
    name: NotRequired[str]
    """Resource name prefix; child names derive from it and never change after the first up."""
    version: NotRequired[str]
    """Lago release tag of the api and front images (there is no ``latest``)."""
    images: NotRequired[Images]
    """Image repositories, for registries that mirror Lago's. Tags come from ``lago:version``."""
    urls: NotRequired[Urls]
    """Public URLs, when something in front of the target (a CDN, another proxy) decides them. Left unset, each target derives them from its own edge."""
    domain: NotRequired[Domain]
    """Hostnames the browser uses: ``app`` serves the front, ``api`` the api."""
    features: NotRequired[Features]
    """Lago switches; each maps to one ``LAGO_*`` variable."""
    smtp: NotRequired[Smtp]
    google_auth: NotRequired[GoogleAuth]
    oauth_proxy_url: NotRequired[str]
    license: NotRequired[pulumi.Input[str]]
    """Secret: the component stores it encrypted."""
    sentry: NotRequired[Sentry]
    organization: NotRequired[Organization]
    """First-organisation seed, read by migrate (``signup:seed_organization``)."""
    webhook_attempts: NotRequired[int]
    database: NotRequired[Database]
    redis: NotRequired[Redis]
    api: NotRequired[Api]
    workers: NotRequired[Workers]
    roles: NotRequired[Roles]
    secrets: NotRequired[BroughtSecrets]
    """Secrets the user brings instead of generated ones (e.g. when moving an existing Lago). Each must be a ``secure:`` value; unset ones are generated once and never change."""
    protection: NotRequired[Protection]
    """What keeps data alive through a mistaken ``pulumi destroy``."""
    tags: NotRequired[dict[str, str]]
    """Tags (AWS) or labels (GCP) on every resource that takes them, beside the ``lago-stack`` / ``lago- role`` ones the targets add; each target checks them against its cloud's rules."""
    alerts: NotRequired[Alerts]
    """Where alarms are sent and their thresholds (cloud targets; switched by each target's ``baseline.alarms``)."""
    env: NotRequired[dict[str, str]]
    """Further Lago variables by name (plain); names owned by a typed key are refused."""
    secret_env: NotRequired[dict[str, pulumi.Input[str]]]
    """Further Lago variables holding credentials; each must be a ``secure:`` value. Secret: the component stores it encrypted."""
    local: NotRequired[LocalSettings]
