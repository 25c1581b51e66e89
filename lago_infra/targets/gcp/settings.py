"""``lago:gcp``: the GCP target's own keys.

Project and region are the provider's (``gcp:project``, ``gcp:region``); ``project`` / ``region``
here only override them for this program. Everything else has a preset default below.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

import pulumi
from pydantic import Field, PlainValidator, SecretStr, ValidationInfo, WithJsonSchema, field_validator, model_validator

from ...config.base import Cidr, NonEmpty, Section, brought_id
from . import limits


def _accepted(problem_of):
    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise ValueError(problem)
        return value

    return check


# Names a user brings: checked when written as text, passed through as pulumi Outputs.
SecretVersionName = brought_id(_accepted(limits.secret_version_problem))
NetworkName = brought_id(_accepted(limits.network_problem))
SubnetworkName = brought_id(_accepted(limits.subnetwork_problem))
SqlInstanceName = brought_id(_accepted(limits.sql_instance_problem), "name")
PrivateAddress = brought_id(_accepted(limits.ipv4_problem), "private_ip_address")
ServiceAccountEmail = brought_id(_accepted(limits.service_account_problem), "email")
BucketName = brought_id(_accepted(limits.bucket_problem), "name")


def _brought_secret(value: Any) -> Any:
    # A stack file's ``secure:`` value arrives as text (the loader then insists it was secure);
    # a program of one's own may hand another resource's Output, kept secret.
    if isinstance(value, pulumi.Output):
        return pulumi.Output.secret(value)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if not isinstance(value, str) or not value:
        raise ValueError(
            "is not a secret value. Fix: set it with `pulumi config set --secret --path ...` (or, from Python, a pulumi.Output)"
        )
    return SecretStr(value)


#: A credential a user brings: a ``secure:`` value in a stack file, or a pulumi Output in Python.
#: Declared a SecretStr (what the component schema and the secret checks recognise); the plain
#: validator above admits exactly a SecretStr or a secret pulumi.Output.
BroughtSecret = Annotated[
    SecretStr, PlainValidator(_brought_secret), WithJsonSchema({"type": "string", "format": "password", "writeOnly": True})
]


class ExistingNetwork(Section):
    """A VPC the user already runs. It must already have private services access (a
    service-networking connection) for Cloud SQL and Memorystore to take private addresses. With
    ``lago:runtime: external`` give the network of the platform's runtime (the GKE cluster's):
    Cloud SQL and Memorystore are reachable from that VPC only, never through a peering of it
    (VPC peering is not transitive)."""

    network: NetworkName
    """Network self link or ``projects/P/global/networks/N``."""
    subnetwork: SubnetworkName
    """Subnet in the target region for Cloud Run Direct VPC egress (a /26 or larger), with Private Google
    Access on and a Cloud NAT for internet egress.
    """


class Network(Section):
    """The VPC: created by the stack, or brought with ``existing``."""

    existing: Optional[ExistingNetwork] = None
    """Bring your own VPC instead of creating one; with ``lago:runtime: external``, the runtime's network."""
    subnet_cidr: Cidr = "10.20.0.0/24"
    """The Direct VPC egress subnet; Cloud Run takes up to two addresses per instance."""
    private_services_prefix_length: int = Field(20, ge=8, le=24)
    """Size of the private services access range Cloud SQL and Memorystore draw from."""
    nat: bool = True
    """All of Cloud Run's egress goes through the VPC and a Cloud NAT: webhooks, payment providers
    and mail leave from the NAT's address. Off (the dev preset): the roles send only private
    ranges through the VPC (Direct VPC egress ``PRIVATE_RANGES_ONLY``), no router or NAT is
    created, and internet traffic leaves from Google's shared addresses, which change from one
    connection to the next: nothing outside can allow-list the stack. The backend still reaches
    the internal-only pdf service through the VPC: a private Cloud DNS zone ``run.app.`` on the
    stack's network answers Private Google Access's addresses (``private.googleapis.com``) for
    every ``*.run.app`` host, so those calls stay inside (the zone bills $0.20 a month). Unused
    with ``existing``: a brought network keeps all traffic through its own NAT.
    """


class ExistingCloudSql(Section):
    """A Cloud SQL for PostgreSQL instance the platform already runs, with a private IP on the
    network the roles use and TLS required (``sslMode`` ENCRYPTED_ONLY). No instance is created:
    lago-infra creates Lago's database and user on it (the Cloud SQL Admin API, a generated
    password) and the secrets. Every other key of ``lago:gcp.database`` is then unused: the
    instance's size, backups and flags are the platform's. Lago's migrations schedule pg_partman's
    maintenance with pg_cron, which needs the flags ``cloudsql.enable_pg_cron=on`` and
    ``cron.database_name`` = Lago's database (``lago:database.name``) on the instance; without them
    the migration warns and the schedule is left to the platform."""

    instance: SqlInstanceName
    """The instance's name (``platform-pg``), or its connection name ``PROJECT:REGION:INSTANCE`` when it
    lives in another project than Lago's."""
    private_ip: PrivateAddress
    """The instance's private IP address, which the roles connect to (TLS, verified against the
    instance's server CAs as ``lago:database.sslMode`` says)."""


class CloudSql(Section):
    existing: Optional[ExistingCloudSql] = None
    """Use an existing Cloud SQL instance instead of creating one."""
    # The required keys default to the dev preset's values, so the classes build in Python
    # without them; the chosen preset then fills every key its author did not set.
    tier: NonEmpty = "db-f1-micro"
    """Machine type (``db-custom-CPUS-MIB``, ``db-perf-optimized-N-*``, or shared-core ``db-f1-micro`` /
    ``db-g1-small``)."""
    edition: Literal["ENTERPRISE", "ENTERPRISE_PLUS"] = "ENTERPRISE"
    """Cloud SQL edition; ENTERPRISE_PLUS takes db-perf-optimized tiers and keeps up to 35 days of log."""
    availability: Literal["ZONAL", "REGIONAL"] = "ZONAL"
    """REGIONAL keeps a standby in a second zone with automatic failover."""
    disk_size_gb: int = Field(10, ge=10, le=65536)
    """Initial SSD size in GB; the disk grows by itself when nearly full."""
    backups_retained: int = Field(7, ge=limits.SQL_BACKUPS_RETAINED[0], le=limits.SQL_BACKUPS_RETAINED[1])
    """Automated backups kept (one a day)."""
    log_retention_days: int = 3
    """Days of write-ahead log kept for point-in-time recovery: 1-7 on ENTERPRISE, 1-35 on ENTERPRISE_PLUS,
    and fewer than ``backupsRetained``.
    """
    final_backup_days: Optional[int] = Field(None, ge=1, le=365)
    """A last backup taken when the instance is deleted, kept this many days; None: no final backup."""
    max_connections: Optional[int] = Field(None, ge=limits.SQL_MAX_CONNECTIONS[0], le=limits.SQL_MAX_CONNECTIONS[1])
    """PostgreSQL ``max_connections``; None keeps Cloud SQL's default for the tier."""
    maintenance_day: Optional[int] = Field(None, ge=1, le=7)
    """Weekly maintenance window (UTC): day 1 = Monday ... 7 = Sunday, and the hour it starts. None lets
    Google pick any time.
    """
    maintenance_hour: int = Field(3, ge=0, le=23)
    """Hour (UTC) the weekly maintenance window starts, with ``maintenanceDay``."""
    query_insights: bool = False
    """Query Insights: per-query load and plans in the console, kept 7 days at no charge."""

    @model_validator(mode="after")
    def _cloud_sql_accepts(self) -> "CloudSql":
        problem = limits.sql_settings_problem(self.tier, self.edition, self.availability, self.log_retention_days, self.backups_retained)
        if problem:
            raise ValueError(problem)
        return self


_REDIS_GB = dict(ge=limits.REDIS_MEMORY_GB[0], le=limits.REDIS_MEMORY_GB[1])


class ExistingRedis(Section):
    """A Redis (Memorystore or another) reachable from the roles' network."""

    host: PrivateAddress
    """The instance's private IP address."""
    port: Optional[int] = Field(None, ge=1, le=65535)
    """Its port; None: 6378 with ``tls``, else 6379 (Memorystore's ports)."""
    tls: bool = True
    """In-transit encryption (Memorystore's SERVER_AUTHENTICATION, a private CA the clients do not
    verify)."""
    auth: Optional[BroughtSecret] = None
    """The AUTH string (``secure:`` in a stack file; a secret Output in Python); None: no AUTH."""


class ExistingMemorystore(Section):
    """Redis instances the platform already runs: no Memorystore instance is created."""

    queue: ExistingRedis
    """Sidekiq's queue. It must never evict keys (``maxmemory-policy noeviction``: an evicted key is a
    lost job) and should persist (RDB snapshots): Lago's own requirement, the platform's to keep."""
    cache: Optional[ExistingRedis] = None
    """The Rails cache (``allkeys-lru`` fits), required with ``lago:redis.separateCache``."""
    cable: Optional[ExistingRedis] = None
    """ActionCable's Redis (broadcasts only). ActionCable verifies the server certificate and takes no
    CA, so it must have ``tls: false``; None: the queue's, which then must have ``tls: false`` too."""

    @model_validator(mode="after")
    def _cable_reachable(self) -> "ExistingMemorystore":
        if self.cable is None and self.queue.tls:
            raise ValueError(
                "the queue has tls and no cable Redis is given: ActionCable verifies the server certificate, which "
                "Memorystore's private CA fails. Fix: set lago:gcp.redis.existing.cable to a Redis with tls: false"
            )
        if self.cable is not None and self.cable.tls:
            raise ValueError(
                "cable has tls: ActionCable verifies the server certificate, which Memorystore's private CA fails. "
                "Fix: give a cable Redis without in-transit encryption (tls: false), reachable only inside the VPC"
            )
        return self


class Memorystore(Section):
    existing: Optional[ExistingMemorystore] = None
    """Use existing Redis instances instead of creating Memorystore ones."""
    tier: Literal["BASIC", "STANDARD_HA"] = "BASIC"
    """The queue's tier: STANDARD_HA keeps a replica in another zone with automatic failover."""
    memory_size_gb: int = Field(1, **_REDIS_GB)
    """Memory of the queue instance."""
    cache_tier: Optional[Literal["BASIC", "STANDARD_HA"]] = None
    """The separate cache's tier (``lago:redis.separateCache``); None: the queue's. A cache is disposable,
    so BASIC is enough where a cold cache after a zone outage is acceptable.
    """
    cache_memory_size_gb: int = Field(1, **_REDIS_GB)
    """Memory of the separate cache instance."""
    version: Literal["REDIS_7_0", "REDIS_7_2"] = "REDIS_7_2"
    """Redis version of the instances created."""
    shared_cable: bool = False
    """ActionCable shares the queue's instance, which then runs without in-transit encryption, AUTH only:
    one instance serves the queue (database 0), the cache (database 1, unless ``lago:redis.separateCache``)
    and ActionCable. Off: the queue (and the cache) keep in-transit encryption, and ActionCable gets a
    BASIC 1 GB AUTH-only instance of its own, since it verifies certificates and Memorystore's CA is
    private. On (the dev preset): one instance less (a 1 GB BASIC one, $35.77 a month at europe-west1
    list prices), but traffic to the queue, the AUTH string and every job's arguments included,
    crosses the VPC unencrypted: AUTH keeps out a client without the string, never one that can read
    the network (https://cloud.google.com/memorystore/docs/redis/auth-overview). Set it when the
    stack is created: changing it replaces the queue's instance, and the jobs queued in it.
    """


class Bucket(Section):
    existing: Optional[BucketName] = None
    """An existing bucket's name: none is created, and the backend's service account is granted
    ``roles/storage.objectAdmin`` on it (a bucket-level IAM member). Its versioning, lifecycle and
    encryption stay the platform's: ``versioning`` and ``noncurrentVersionDays`` are then unused."""
    versioning: bool = False
    """Keep overwritten and deleted files as noncurrent versions."""
    noncurrent_version_days: int = Field(30, ge=1, le=3650)
    """Noncurrent versions are deleted this many days after they stop being current."""


HttpRole = Literal["api", "front", "pdf"]


class Concurrency(Section):
    """Requests one instance serves at once (Cloud Run's ``maxInstanceRequestConcurrency``); a
    request beyond it starts another instance instead of queueing. None: derived from the role's
    real capacity (api: ``lago:api.threads`` x processes; pdf: Gotenberg's conversions; front: 80)."""

    api: Optional[int] = Field(None, ge=limits.RUN_CONCURRENCY[0], le=limits.RUN_CONCURRENCY[1])
    """api requests per instance."""
    front: Optional[int] = Field(None, ge=limits.RUN_CONCURRENCY[0], le=limits.RUN_CONCURRENCY[1])
    """front requests per instance."""
    pdf: Optional[int] = Field(None, ge=limits.RUN_CONCURRENCY[0], le=limits.RUN_CONCURRENCY[1])
    """pdf requests per instance."""


class Run(Section):
    scale_to_zero: bool = False
    """api, front and pdf may scale to zero instances when idle (slow first request after idle)."""
    always_allocated_cpu: list[HttpRole] = []
    """HTTP roles billed per instance (CPU always allocated) instead of per request. Request-based billing
    (the default for all three) charges CPU only while a request is in flight, which is what api, front
    and pdf need: none of them works between requests.
    """
    concurrency: Concurrency = Concurrency()
    """Requests per instance of each HTTP role."""
    clock_in_worker: bool = False
    """The clock runs inside the worker's container, beside Sidekiq, instead of in a worker pool of its
    own: Cloud Run bills every worker-pool instance at least 1 vCPU (``limits.RUN_WORKER_POOL_MIN_VCPU``),
    and the clock uses a sliver of one. A small supervisor (``lago_infra/lago/together.sh``) starts
    both processes, each with its own variables, hands SIGTERM to both, waits for both, and stops the
    instance when either exits, so Cloud Run starts it again. The worker then runs exactly one
    instance (``lago:roles.worker.replicas`` 1, refused otherwise), since each instance runs a clock.
    Trade-offs: the two share the instance's CPU (the container gets both roles' memory), a crash of
    either restarts both (Sidekiq hands its unfinished jobs back first), and the worker cannot scale
    out. Unused with ``lago:runtime: external``. The dev preset's choice.
    """
    autoscale_workers: bool = False
    """Pre-GA: workers between ``replicas`` and ``maxReplicas`` scale on CPU utilisation (Cloud Run worker pool
    CPU autoscaling, outside Google's GA API: the pools then declare launch stage ALPHA). Off (both presets):
    each worker runs exactly ``replicas`` instances, the GA API's fixed count, and ``maxReplicas`` is unused.
    CPU is a poor signal for Lago's I/O-bound queues: size ``replicas`` and ``lago:workers.concurrency``.
    """


class DockerHub(Section):
    """A Docker Hub account the remote repository pulls with (Docker Hub limits anonymous pulls)."""

    username: NonEmpty
    """The account's name."""
    password_secret_version: SecretVersionName
    """A Secret Manager version holding its access token (``projects/P/secrets/S/versions/N``).
    Artifact Registry's service agent is granted ``roles/secretmanager.secretAccessor`` on the secret."""


class Images(Section):
    """Where Cloud Run pulls Lago's images from (``lago:runtime: managed``)."""

    remote_repository: bool = False
    """Pull through an Artifact Registry remote repository of Docker Hub in the stack's region: each image is
    fetched from Docker Hub once, then served from Google's registry (Docker Hub's pull limits and outages
    stop mattering once it is cached). Off: Cloud Run pulls from Docker Hub."""
    docker_hub: Optional[DockerHub] = None
    """Credentials the remote repository pulls with; None: anonymous pulls."""
    digests: dict[Literal["api", "front", "pdf"], Annotated[str, Field(pattern=limits.DIGEST.pattern)]] = {}
    """Pin images by digest (``sha256:…``) by role image: api, front, pdf."""
    scan: bool = False
    """Enable Artifact Analysis's container scanning (``containerscanning.googleapis.com``), which scans the
    cached images for vulnerabilities. It is a project-wide switch: every Artifact Registry image of the project
    is scanned (and billed per image)."""

    @model_validator(mode="after")
    def _cached(self) -> "Images":
        if not self.remote_repository and (self.docker_hub is not None or self.scan):
            raise ValueError(
                "dockerHub and scan serve the remote repository. Fix: set lago:gcp.images.remoteRepository to true, or remove them"
            )
        return self


class Edge(Section):
    """The HTTPS load balancer used when ``lago:domain`` is set."""

    log_sample_rate: float = Field(1.0, ge=0, le=1)
    """Fraction of requests the load balancer logs to Cloud Logging (0 turns access logs off)."""


class Baseline(Section):
    """Production baseline controls (docs/production-baseline.md); each is on in the prod preset.
    Load balancer request logs are ``lago:gcp.edge.logSampleRate``."""

    alarms: bool = False
    """Cloud Monitoring alert policies to the ``lago:alerts`` recipients."""
    dashboard: bool = False
    """A Cloud Monitoring dashboard of the same signals."""
    bucket_audit_logs: bool = False
    """Data Access audit logs (reads and writes) for Cloud Storage."""
    flow_logs: bool = False
    """VPC flow logs on the subnet the stack creates."""
    sql_logging: bool = False
    """Cloud SQL logging flags: connections, disconnections, lock waits, slow statements, pgaudit."""
    slow_statement_ms: int = Field(1000, ge=-1)
    """Statements slower than this many milliseconds are logged (with ``sqlLogging``); -1: none."""
    armor: bool = False
    """Cloud Armor on the load balancer (with a domain): preconfigured WAF rules and a rate limit."""
    armor_rate_limit: int = Field(600, ge=1, le=1000000)
    """Requests per minute one address may send before Cloud Armor answers 429."""
    cmek: bool = False
    """One Cloud KMS key (rotated every 90 days) for Cloud SQL, Memorystore, GCS and Secret Manager. Set it
    when the stack is created: switching it later replaces the database, Redis and secrets.
    """
    log_retention_days: int = Field(0, ge=0, le=3650)
    """Days the project's ``_Default`` log bucket keeps logs (where Cloud Run, load balancer and audit logs
    land); 0 leaves the project's setting alone (30 days unless changed).
    """
    project_logging: bool = True
    """This stack owns the project's logging settings, which belong to the whole project: Cloud Storage's Data
    Access audit logs (``bucketAuditLogs``) and the ``_Default`` log bucket's retention (``logRetentionDays``).
    One stack per project may own them: turn it off in every other stack of the project, and where a platform
    team owns the project's logging (both keys are then left alone). Destroying the stack leaves both as they are.
    """


class ServiceAccounts(Section):
    """Service accounts the platform already manages, one per role group; each one given is used as
    it is (none is created) and still granted what its roles need."""

    backend: Optional[ServiceAccountEmail] = None
    """Every Rails role (api, workers, clock, migrations), and with ``lago:runtime: external`` the
    account the platform's workloads run as (Workload Identity on GKE). Granted
    ``roles/storage.objectAdmin`` on the bucket, ``roles/secretmanager.secretAccessor`` on each
    secret and ``roles/iam.serviceAccountTokenCreator`` on itself (signed download URLs)."""
    front: Optional[ServiceAccountEmail] = None
    """The front's Cloud Run identity (no grant: nginx serving files needs none)."""
    pdf: Optional[ServiceAccountEmail] = None
    """The pdf renderer's Cloud Run identity (no grant)."""
    cross_project: bool = False
    """The accounts' own project lets Cloud Run in Lago's project use them: it does not enforce the
    organisation policy constraint ``iam.disableCrossProjectServiceAccountUsage``. Required (and
    checked) for an account of another project on Cloud Run; Cloud Run's service agent is then
    granted ``roles/iam.serviceAccountTokenCreator`` on each such account (also on every account
    given as a pulumi Output, whose project is not known before the deployment)."""


class GcpSettings(Section):
    project: Optional[str] = None
    """Overrides ``gcp:project``."""
    region: Optional[str] = None
    """Overrides ``gcp:region``."""
    enable_apis: bool = True
    """Enable the Google APIs the target calls (never disabled on destroy). Off where a platform team
    enables APIs itself and the deployer may not (serviceusage.services.enable).
    """
    network: Network = Network()
    """The VPC the roles egress through and the data services take addresses in."""
    database: CloudSql = CloudSql()
    """Cloud SQL for PostgreSQL."""
    redis: Memorystore = Memorystore()
    """Memorystore for Redis: the queue, ActionCable's, and with ``lago:redis.separateCache`` the cache."""
    storage: Bucket = Bucket()
    """The GCS bucket of Lago's files."""
    service_accounts: ServiceAccounts = ServiceAccounts()
    """Existing runtime service accounts."""
    run: Run = Run()
    """Cloud Run (``lago:runtime: managed``)."""
    edge: Edge = Edge()
    """The HTTPS load balancer (``lago:domain``)."""
    images: Images = Images()
    """Where Cloud Run pulls Lago's images from."""
    baseline: Baseline = Baseline()
    """Production baseline controls."""

    @field_validator("project", "region")
    @classmethod
    def _google_accepts(cls, v: Optional[str], info: ValidationInfo) -> Optional[str]:
        check = limits.project_problem if info.field_name == "project" else limits.region_problem
        problem = v is not None and check(v)
        if problem:
            raise ValueError(problem)
        return v


#: camelCase defaults merged under ``lago:gcp`` by preset.
PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "database": {
            # Shared core, 0.6 GiB: the smallest tier. Cloud SQL's default of 25 connections for it
            # is short of a rollout's worst case; with SHARED_PRESETS' four worker threads, two pools
            # per process (v1.51.0): api 6 + worker 12 + clock 4, twice while a rollout runs old and
            # new side by side, plus migrate 4 = 48; three pools (the next release) 72. 85 less the
            # policy's reserve of 10 holds both (the lago policy rule `connections`).
            "tier": "db-f1-micro",
            "availability": "ZONAL",
            "backupsRetained": 7,
            "logRetentionDays": 3,
            "maxConnections": 85,
        },
        # One AUTH-only instance on the private network for the queue, the cache and ActionCable.
        "redis": {"tier": "BASIC", "memorySizeGb": 1, "sharedCable": True},
        # No Cloud NAT: private ranges through the VPC, the internet from Google's addresses.
        "network": {"nat": False},
        "storage": {"versioning": False},
        # The clock inside the worker's container: one worker-pool instance for both.
        "run": {"scaleToZero": True, "clockInWorker": True},
        "baseline": {
            "alarms": False,
            "dashboard": False,
            "bucketAuditLogs": False,
            "flowLogs": False,
            "sqlLogging": False,
            "armor": False,
            "cmek": False,
        },
    },
    "prod": {
        "database": {
            "tier": "db-custom-2-7680",
            "availability": "REGIONAL",
            "diskSizeGb": 20,
            "backupsRetained": 14,
            "logRetentionDays": 7,
            "finalBackupDays": 30,
            # The worst case at v1.51.0 (two pools a process), with old and new revisions side by
            # side: api 12 x 3 x 2 + workers 16 x 12 x 2 + pdfs and webhook 4 x 12 x 2 each + clock 2 x 2
            # x 2 + migrate 4 = 660, under 800 less a 10 % reserve (the lago policy rule `connections`).
            "maxConnections": 800,
            "maintenanceDay": 7,
            "maintenanceHour": 3,
            "queryInsights": True,
        },
        "redis": {"tier": "STANDARD_HA", "memorySizeGb": 1, "cacheMemorySizeGb": 1, "sharedCable": False},
        "storage": {"versioning": True, "noncurrentVersionDays": 30},
        "network": {"nat": True},
        "run": {"scaleToZero": False, "clockInWorker": False},
        "images": {"remoteRepository": True, "scan": True},
        "baseline": {
            "alarms": True,
            "dashboard": True,
            "bucketAuditLogs": True,
            "flowLogs": True,
            "sqlLogging": True,
            "armor": True,
            "cmek": True,
            # A year of logs: what audits of billing systems ask for.
            "logRetentionDays": 365,
        },
    },
}


#: What the GCP preset changes among the target-neutral keys (``config.model.TARGET_SHARED_PRESETS``).
SHARED_PRESETS: dict[str, dict[str, Any]] = {
    # Four Sidekiq threads (Lago's default is 10): a worker pool of six connections is what lets a
    # rollout's worst case fit db-f1-micro (PRESETS["dev"]["database"]).
    "dev": {"workers": {"concurrency": 4}},
    "prod": {},
}
