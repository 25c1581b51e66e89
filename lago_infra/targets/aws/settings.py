"""``lago:aws``: the AWS target's own keys. The region is the provider's (``aws:region``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from ...config.base import Cidr, NonEmpty, Section, brought_id, keep_unset
from ...config.errors import Invalid
from . import limits

NatStrategy = Literal["none", "single", "perAz"]
CpuArchitecture = Literal["ARM64", "X86_64"]
SpotRoles = Literal["none", "workers", "all"]
SecretStoreKind = Literal["secretsManager", "parameterStore"]


def _form(pattern, what: str, example: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"'{value}' is not {what}. Fix: give one in AWS's form, e.g. {example}")
        return value

    return check


def _matches(pattern, what: str, example: str):
    return AfterValidator(_form(pattern, what, example))


def _vpc_cidr(value: str) -> str:
    problem = limits.vpc_cidr_problem(value)
    if problem:
        raise ValueError(f"{problem}. Fix: give a larger block, e.g. 10.0.0.0/16")
    return value


def _one_of(allowed, what: str):
    def check(value):
        if value not in allowed:
            raise ValueError(f"{value} is not {what}. Fix: use one of {', '.join(map(str, allowed))}")
        return value

    return AfterValidator(check)


# Ids a user brings: checked when written as text, passed through as pulumi Outputs.
VpcId = brought_id(_form(limits.VPC_ID, "a VPC id", "vpc-0123456789abcdef0"))
SubnetId = brought_id(_form(limits.SUBNET_ID, "a subnet id", "subnet-0123456789abcdef0"))
VpcCidr = Annotated[Cidr, AfterValidator(_vpc_cidr)]
InstanceClass = Annotated[NonEmpty, _matches(limits.RDS_INSTANCE_CLASS, "an RDS instance class", "db.t4g.micro or db.m7g.large")]
NodeType = Annotated[NonEmpty, _matches(limits.ELASTICACHE_NODE_TYPE, "an ElastiCache node type", "cache.t4g.micro or cache.r7g.large")]
ZoneId = brought_id(_form(limits.ROUTE53_ZONE_ID, "a Route 53 hosted zone id", "Z0123456789ABCDEFGHIJ"), "zone_id")
CertificateArn = brought_id(
    _form(
        limits.CERTIFICATE_ARN,
        "an ACM certificate ARN",
        "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
    ),
    "arn",
)
SecurityGroupId = brought_id(_form(limits.SECURITY_GROUP_ID, "a security group id", "sg-0123456789abcdef0"))
ListenerArn = brought_id(
    _form(
        limits.LISTENER_ARN,
        "an ALB listener ARN",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform/50dc6c495c0c9188/f2f7dc8efc522ab2",
    ),
    "arn",
)
LoadBalancerArn = brought_id(
    _form(
        limits.LOAD_BALANCER_ARN,
        "an ALB ARN",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/platform/50dc6c495c0c9188",
    ),
    "arn",
)
AlbDnsName = brought_id(_form(limits.ALB_DNS_NAME, "an ALB DNS name", "platform-1234567890.eu-west-1.elb.amazonaws.com"), "dns_name")
NamespaceArn = brought_id(
    _form(
        limits.NAMESPACE_ARN, "a Cloud Map namespace ARN", "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefghij123456"
    ),
    "arn",
)


def _cluster(value: str) -> str:
    if limits.ECS_CLUSTER_ARN.match(value) or limits.ECS_CLUSTER_NAME.match(value):
        return value
    raise ValueError(
        f"'{value}' is neither an ECS cluster ARN nor a cluster name. Fix: give the ARN, e.g. "
        "arn:aws:ecs:eu-west-1:123456789012:cluster/platform, or the name (letters, digits, - and _)"
    )


ClusterRef = brought_id(_cluster, "arn")
SecretArn = Annotated[
    NonEmpty,
    _matches(limits.SECRET_ARN, "a Secrets Manager secret ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"),
]
BroughtSecretArn = brought_id(
    _form(
        limits.SECRET_COMPLETE_ARN,
        "a complete Secrets Manager secret ARN (ending in the six characters AWS appends)",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-db-AbCdEf",
    ),
    "arn",
)
KmsKeyArn = brought_id(
    _form(
        limits.KMS_KEY_ARN, "a KMS key ARN (not an alias)", "arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012"
    ),
    "arn",
)
HostName = brought_id(_form(limits.HOST_NAME, "a host name or IPv4 address", "lago.abc123.eu-west-1.rds.amazonaws.com"), "address")
SslPolicy = Annotated[NonEmpty, _one_of(sorted(limits.SSL_POLICIES), "an ALB security policy")]
LogRetention = Annotated[int, _one_of(limits.LOG_RETENTION_DAYS, "a retention CloudWatch Logs accepts (0 keeps logs forever)")]


class ExistingVpc(Section):
    """A VPC the user already runs. Each list needs subnets in at least two availability zones
    (the ALB and the database subnet group refuse fewer)."""

    vpc_id: VpcId
    """The VPC's id; every security group lago-infra creates belongs to it."""
    public_subnet_ids: list[SubnetId] = Field(min_length=2)
    """For the ALB (and for tasks when ``privateSubnetIds`` have no route out)."""
    private_subnet_ids: list[SubnetId] = Field(min_length=2)
    """For the tasks; they need a route to the internet (NAT) to pull images."""
    isolated_subnet_ids: Optional[list[SubnetId]] = Field(None, min_length=2)
    """For the database and Redis; the private subnets when unset."""


class Network(Section):
    cidr: VpcCidr = "10.0.0.0/16"
    """Address range of a new VPC; split into /20s per tier and zone."""
    az_count: int = Field(2, ge=2, le=3)
    """Availability zones of a new VPC."""
    nat: NatStrategy = "single"
    """``none``: no NAT gateway; tasks run in the public subnets with a public IPv4 address each
    (in eu-west-1 $0.005 an hour per address, against a gateway's $0.048 an hour and per GB plus its
    own address), inbound still ALB-only (the security groups admit nothing else). Egress then
    leaves from as many addresses as tasks, new with every task: nothing outside can allow-list the
    stack's address. ``single``: one NAT gateway, one egress address; ``perAz``: one per zone, so a
    zone outage keeps egress.
    """
    existing: Optional[ExistingVpc] = None
    """A VPC and subnets of your own: then no VPC, subnet, gateway or route is created and the keys above
    are ignored."""


class ExistingDatabase(Section):
    """A PostgreSQL server the platform runs (RDS for PostgreSQL or Aurora PostgreSQL, 15 or newer,
    reachable from the stack's private subnets). lago-infra creates no instance, subnet group or
    parameter group; it manages only the Lago database and user on it (``lago:database.name`` /
    ``user``), the user's generated password and DATABASE_URL in the stack's secret store. Before each
    migration run, a bootstrap container in the migrate task creates the user if missing, sets its
    password to the stack's, and creates the database owned by it if missing; it never drops or
    revokes anything. Connections use TLS, verified in prod against RDS's CA bundle of the stack's
    region (``lago:database.sslMode``; ``sslRootCert`` for a server another CA signs). pg_partman maintenance is the
    platform's to set up on its server."""

    host: HostName
    """The server's endpoint (an RDS address, an Aurora cluster writer endpoint)."""
    port: int = Field(5432, ge=1, le=65535)
    """The server's port."""
    admin_secret_arn: BroughtSecretArn
    """Secrets Manager secret holding ``{"username": …, "password": …}`` (the form of RDS's managed
    master user secret) of a role that may create roles and databases (``CREATEROLE`` and
    ``CREATEDB``, as RDS's master user has). Only the bootstrap container reads it, through the
    migrate task's execution role, which lago-infra grants ``secretsmanager:GetSecretValue`` on
    this ARN. A secret encrypted with a customer-managed key needs that key to let the role decrypt
    (it does when the key is ``baseline.existingKmsKeyArn``)."""
    security_group_id: Optional[SecurityGroupId] = None
    """The server's security group: lago-infra adds one ingress rule on the server's port for each
    group of tasks that use the database (api, worker, clock; migrate runs in the worker group).
    Unset: nothing of the platform's is touched, and the output
    ``database_client_security_group_ids`` names the groups the server must admit."""


class Database(Section):
    instance_class: InstanceClass = "db.t4g.micro"
    """RDS instance class of the new instance."""
    allocated_storage: int = Field(20, ge=20, le=65536)
    """GiB at creation; gp3 grows itself up to ``maxAllocatedStorage``."""
    max_allocated_storage: int = Field(100, ge=20, le=65536)
    """The ceiling, in GiB, of RDS storage autoscaling."""
    multi_az: bool = False
    """A standby in another availability zone, with automatic failover."""
    backup_retention_days: int = Field(1, ge=1, le=35)
    """Days RDS keeps automated backups (point-in-time recovery within them)."""
    final_snapshot: bool = False
    """Snapshot on destroy, under a name of its own so a second destroy does not collide."""
    performance_insights: bool = False
    """RDS Performance Insights (7 days, free tier of retention)."""
    log_exports: bool = False
    """Export the postgresql and upgrade logs to CloudWatch Logs."""
    subnets: Literal["isolated", "private"] = "isolated"
    """Subnets the database lives in: ``isolated`` have no route out at all."""
    existing: Optional[ExistingDatabase] = None
    """Use a PostgreSQL server the platform runs: no RDS instance; only the Lago database, user and
    secrets are managed (see its keys). The instance keys above are then unused."""
    existing_url_secret_arn: Optional[BroughtSecretArn] = None
    """Use a database the platform fully manages: a Secrets Manager secret whose whole value is
    Lago's ``postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=require`` URL (user and password
    percent-encoded). Nothing at all is created for the database: DATABASE_URL reaches the
    containers as a reference to this secret, which ECS reads with the tasks' execution roles
    (lago-infra grants them ``secretsmanager:GetSecretValue`` on it; a secret encrypted with a
    customer-managed key other than the stack's needs that key to let them decrypt). The schema,
    pool sizes and prepared statements still come from ``lago:database``; the database, user,
    TLS and network path are the platform's. Exclusive with ``existing``."""

    @model_validator(mode="after")
    def _one_existing(self) -> "Database":
        if self.existing is not None and self.existing_url_secret_arn is not None:
            raise ValueError(
                "existing and existingUrlSecretArn are two ways to bring a database; give one. "
                "Fix: keep lago:aws.database.existing to have lago-infra manage the Lago database and user on your server, "
                "or lago:aws.database.existingUrlSecretArn to manage nothing but the reference"
            )
        return self

    @property
    def brought(self) -> bool:
        """The platform runs the server: lago-infra creates no RDS instance."""
        return self.existing is not None or self.existing_url_secret_arn is not None

    @model_validator(mode="after")
    def _storage(self) -> "Database":
        key = ("maxAllocatedStorage",)
        if self.max_allocated_storage < self.allocated_storage:
            raise Invalid(
                (
                    key,
                    f"{self.max_allocated_storage} GiB is below allocatedStorage ({self.allocated_storage} GiB)",
                    "raise lago:aws.database.maxAllocatedStorage",
                )
            )
        least = _at_least(self.allocated_storage, limits.RDS_MAX_STORAGE_HEADROOM_PERCENT)
        if not self.brought and self.max_allocated_storage < least:
            raise Invalid(
                (
                    key,
                    f"{self.max_allocated_storage} GiB is less than {limits.RDS_MAX_STORAGE_HEADROOM_PERCENT}% above allocatedStorage "
                    f'({self.allocated_storage} GiB), which RDS refuses ("Invalid max storage size")',
                    f"set it to at least {least} (AWS advises 26% above, {_at_least(self.allocated_storage, 26)})",
                )
            )
        return self


def _at_least(gib: int, percent: int) -> int:
    """``gib`` plus ``percent``, rounded up to a whole GiB."""
    return -(-gib * (100 + percent) // 100)


class ExistingRedisEndpoint(Section):
    """One Redis (or Valkey) endpoint the platform runs, reachable from the stack's private subnets."""

    host: HostName
    """The primary endpoint (one that follows failover). No cluster mode: Lago needs a single shard."""
    port: int = Field(6379, ge=1, le=65535)
    """The endpoint's port."""
    tls: bool = True
    """Connect with TLS (``rediss://``). ActionCable verifies the server certificate, so it must chain
    to a public CA (ElastiCache's do; MemoryDB runs cluster mode only, which Lago cannot use)."""
    auth_token_secret_arn: Optional[BroughtSecretArn] = None
    """Secrets Manager secret whose whole value is the AUTH token (password). lago-infra reads it
    during ``pulumi up`` (it goes, as a secret, into the stack state) to build REDIS_URL,
    REDIS_PASSWORD and ActionCable's URL, which it keeps in its own secrets: a rotated token reaches
    the containers at the next ``pulumi up``. Unset: no AUTH."""


class ExistingRedis(Section):
    """Redis endpoints the platform runs: no replication group, subnet group or parameter group is
    created, and the Redis alarms of the baseline are off. The queue Redis must not evict keys:
    ``maxmemory-policy noeviction`` (Sidekiq loses jobs otherwise); a separate cache may evict
    (``allkeys-lru``)."""

    queue: ExistingRedisEndpoint
    """Sidekiq's queue (REDIS_URL) and ActionCable's; also the cache (database 1) when ``cache`` is unset."""
    cache: Optional[ExistingRedisEndpoint] = None
    """The Rails cache (LAGO_REDIS_CACHE_URL). Unset: the queue Redis, whatever ``lago:redis.separateCache`` says."""


class Redis(Section):
    engine: Literal["valkey", "redis"] = "valkey"
    """ElastiCache engine of the new replication groups."""
    engine_version: Optional[NonEmpty] = None
    """Major.minor as ElastiCache names it (Valkey 7.2-8.2; Redis OSS ends at 7.1). Unset: the newest the
    engine has (Valkey 8.0, Redis 7.1).
    """
    node_type: NodeType = "cache.t4g.micro"
    """ElastiCache node type of each node."""
    replicas: int = Field(0, ge=0, le=5)
    """Read replicas per group; one or more turns on Multi-AZ with automatic failover."""
    snapshot_retention_days: int = Field(0, ge=0, le=35)
    """Days ElastiCache keeps daily snapshots; 0 takes none."""
    existing: Optional[ExistingRedis] = None
    """Use Redis endpoints the platform runs instead of new ElastiCache groups (see its keys). The
    keys above are then unused."""

    @model_validator(mode="after")
    def _version(self) -> "Redis":
        versions = limits.ELASTICACHE_FAMILIES[self.engine]
        if self.engine_version is None:
            self.engine_version = {"valkey": "8.0", "redis": "7.1"}[self.engine]
            keep_unset(self, "engine_version")  # derived from the engine, not chosen
        elif self.engine_version not in versions:
            raise ValueError(
                f"engineVersion {self.engine_version} does not exist for engine {self.engine} on ElastiCache. "
                f"Fix: use one of {', '.join(versions)}, or engine valkey for 7.2 and later"
            )
        return self

    @property
    def parameter_family(self) -> str:
        """The parameter-group family of this engine and version (``valkey8``, ``redis7``)."""
        return limits.ELASTICACHE_FAMILIES[self.engine][str(self.engine_version)]


class Storage(Section):
    """The S3 bucket of Lago's files (invoices, exports)."""

    versioning: bool = False
    """Keep overwritten and deleted files as old versions."""
    noncurrent_version_days: int = Field(30, ge=1)
    """Days an old version is kept before it expires."""


class Secrets(Section):
    """Where the stack keeps the values Lago treats as credentials (one entry per variable;
    containers get references, never values)."""

    store: SecretStoreKind = "secretsManager"
    """``secretsManager``: one Secrets Manager secret per variable ($0.40 a month each), read by the
    tasks pinned to its current version, so a new value rolls exactly the services that read it and
    a rolled-back deployment reads the value it was deployed with; a deleted secret waits out a
    recovery window (30 days with ``lago:protection.protect``). ``parameterStore``: one SSM Parameter
    Store ``SecureString`` per variable, free in the standard tier (a value over 4 KB, such as a
    brought 4096-bit RSA key, is stored in the advanced tier at $0.05 a month; over 8 KB is
    refused). ECS cannot pin a parameter's version, so each container carries the versions of the
    parameters it reads as a label: a new value still rolls exactly its readers, but a task started
    later (a rollback, a replacement) reads the newest value. A deleted parameter is gone at once:
    no recovery window. Changing it on an existing stack moves every value to the other store and
    rolls every service."""


class RulePriorities(Section):
    """Listener rule priorities lago-infra may use on a brought listener, both ends included."""

    from_: int = Field(alias="from", ge=limits.LISTENER_RULE_PRIORITIES[0], le=limits.LISTENER_RULE_PRIORITIES[1])
    """First priority of the range (lower numbers are evaluated first)."""
    to: int = Field(ge=limits.LISTENER_RULE_PRIORITIES[0], le=limits.LISTENER_RULE_PRIORITIES[1])
    """Last priority of the range."""

    @model_validator(mode="after")
    def _ordered(self) -> "RulePriorities":
        if self.to < self.from_:
            raise ValueError(f"to ({self.to}) is below from ({self.from_}). Fix: give the range as from <= to")
        return self

    @property
    def size(self) -> int:
        return self.to - self.from_ + 1


class ExistingListener(Section):
    """The platform's ALB and its HTTPS listener."""

    listener_arn: ListenerArn
    """The HTTPS listener the host rules go on."""
    security_group_id: SecurityGroupId
    """The ALB's security group: the front and api tasks admit it. Its egress must reach them (the
    default all-outbound rule does)."""
    dns_name: AlbDnsName
    """The ALB's DNS name, for the Route 53 alias records."""
    zone_id: ZoneId
    """The ALB's canonical hosted zone id (not your DNS zone), for the alias records."""
    load_balancer_arn: Optional[LoadBalancerArn] = None
    """The ALB's ARN, for the load balancer alarms of ``baseline.alarms``; unset: those alarms are not
    created (the database, Redis and ECS ones are)."""
    rule_priorities: RulePriorities
    """Priorities the rules may take on the listener, e.g. ``{from: 100, to: 119}``; each rule needs one,
    and the range must hold them all."""


class Edge(Section):
    """The ALB. With ``lago:domain`` it serves HTTPS with an ACM certificate."""

    route53_zone_id: Optional[ZoneId] = None
    """Route 53 hosted zone of ``lago:domain``: certificate validation and the two host records. Unset: two
    phases. The first ``pulumi up`` creates the certificate and shows its validation records (output
    ``certificate_validation_records``) without waiting; add them to your DNS, then set
    ``certificateValidated`` and run ``pulumi up`` again.
    """
    certificate_arn: Optional[CertificateArn] = None
    """An issued ACM certificate covering both hosts, instead of a new one."""
    certificate_validated: bool = False
    """Phase two of the flow above: the records are in DNS and ACM shows the certificate Issued."""
    api_port: int = Field(3000, ge=1, le=65535)
    """Without a domain, the api answers on this ALB port (the front on 80)."""
    ssl_policy: SslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """TLS policy of the HTTPS listener lago-infra creates (not of a brought one)."""
    existing: Optional[ExistingListener] = None
    """An ALB and HTTPS listener of your own (needs ``lago:domain``): then no load balancer, listener or
    ALB security group is created, nor WAF or ALB access logs (the listener's owner decides those);
    lago-infra adds its target groups and host rules to the listener, and the records to
    ``route53ZoneId`` when set.
    """


class Services(Section):
    cpu_architecture: CpuArchitecture = "ARM64"
    """ARM64 (Graviton) is about 20 % cheaper; Lago publishes arm64 images."""
    fargate_spot: SpotRoles = "none"
    """Which serving roles run on Fargate Spot (about 70 % cheaper, reclaimable with a two-minute
    notice). ``none``; ``workers``: the Sidekiq workers, which on the notice stop fetching and push
    unfinished jobs back to the queue; ``all``: every serving role (api, front, pdf, clock and the
    workers), for a stack that can stand a few minutes' outage: a reclaimed api or front is down
    until ECS places its replacement, a reclaimed clock skips the schedule's ticks in between (an
    hourly job runs at its next hour, a daily one the next day), a reclaimed pdf fails the PDFs
    rendering then (the worker's job retries). The migrations always run on regular Fargate. AWS
    runs Spot for X86_64 tasks only, so anything but ``none`` needs ``cpuArchitecture: X86_64``.
    """
    log_retention_days: LogRetention = 14
    """Days CloudWatch keeps the tasks' (and the database's exported) logs."""
    cpu_target: int = Field(60, ge=10, le=90)
    """Average CPU the autoscaler holds api and workers at."""
    container_insights: bool = False
    """CloudWatch Container Insights on the cluster (per-task metrics; billed as custom metrics)."""
    exec: bool = False
    """ECS Exec (``aws ecs execute-command`` into a backend task, e.g. for ``rails console``). Off by
    default: it opens an interactive shell next to the production data.
    """
    existing_cluster: Optional[ClusterRef] = None
    """An ECS cluster of your own (its ARN or name): then no cluster and no capacity providers are
    created. The cluster must have the FARGATE capacity provider associated, and FARGATE_SPOT too
    unless ``fargateSpot`` is ``none``. ``containerInsights`` then states whether that cluster has Container
    Insights on (lago-infra does not change it); ``baseline.alarms`` needs it on.
    """
    existing_namespace_arn: Optional[NamespaceArn] = None
    """A Cloud Map namespace of your own for Service Connect (pdf is ``http://pdf:3000`` in it), in the
    cluster's region: then no namespace is created. Another service there must not be named pdf."""

    @model_validator(mode="before")
    @classmethod
    def _renamed_spot(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old in ("fargateSpotWorkers", "fargate_spot_workers"):
                if old in data:
                    raise ValueError(
                        f"{old} is now fargateSpot, which names the roles on Spot. "
                        f"Fix: replace lago:aws.services.{old} with fargateSpot: workers (was true) or none (was false)"
                    )
        return data

    @model_validator(mode="after")
    def _spot(self) -> "Services":
        if self.fargate_spot != "none" and self.cpu_architecture not in limits.SPOT_ARCHITECTURES:
            raise ValueError(
                f"fargateSpot {self.fargate_spot} needs X86_64 tasks: AWS runs Fargate Spot only for X86_64 Linux tasks, "
                f"and cpuArchitecture is {self.cpu_architecture}. "
                "Fix: set lago:aws.services.cpuArchitecture to X86_64, or fargateSpot to none"
            )
        return self


Digest = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class Images(Section):
    """Where ECS pulls Lago's images from. Docker Hub limits anonymous pulls per address (the
    NAT's), so a first deploy or a crash loop can be refused; credentials lift that limit."""

    docker_hub_credentials_arn: Optional[SecretArn] = None
    """A Secrets Manager secret holding ``{"username": …, "password": …}`` of a Docker Hub account (an
    access token as password). For the pull-through cache its name must begin with ``ecr-
    pullthroughcache/``.
    """
    pull_through_cache: bool = False
    """Pull through an ECR pull-through cache rule (images copied into this account's ECR once, then pulled
    from there). ECR needs Docker Hub credentials for it: without ``dockerHubCredentialsArn`` the stack
    warns and ECS pulls from Docker Hub directly.
    """
    digests: dict[Literal["api", "front", "pdf"], Digest] = {}
    """Pin images by digest (``sha256:…``) by role image: api, front, pdf."""

    @model_validator(mode="after")
    def _cache_credentials(self) -> "Images":
        arn = self.docker_hub_credentials_arn
        if self.pull_through_cache and arn is not None and ":secret:ecr-pullthroughcache/" not in arn:
            raise ValueError(
                "dockerHubCredentialsArn must name a secret whose name begins with ecr-pullthroughcache/ for the pull-through cache. "
                "Fix: create the secret under that name and give its ARN, or set lago:aws.images.pullThroughCache to false"
            )
        return self


class Baseline(Section):
    """Production baseline controls (docs/production-baseline.md); each is on in the prod preset."""

    alarms: bool = False
    """CloudWatch alarms to the ``lago:alerts`` recipients, and ECS crash events."""
    dashboard: bool = False
    """A CloudWatch dashboard of the same signals."""
    access_logs: bool = False
    """ALB access logs and S3 server access logs to a dedicated log bucket."""
    flow_logs: bool = False
    """VPC flow logs of the stack's VPC (new or existing), to the log bucket."""
    log_retention_days: int = Field(365, ge=1, le=3650)
    """Days the log bucket keeps access and flow logs."""
    lock_default_security_group: bool = True
    """Strip every rule from a new VPC's default security group."""
    waf: bool = False
    """AWS WAF on the ALB: AWS managed rule groups, a per-address rate limit, and request logs
    (authorization header and cookies redacted) in CloudWatch Logs."""
    waf_rate_limit: int = Field(2000, ge=10, le=2000000000)
    """Requests per 5 minutes one address may send before WAF blocks it, counting everything but
    Lago's machine-to-machine api under ``/api/`` (a customer's backend sends its events from few
    addresses)."""
    kms: bool = False
    """One customer-managed KMS key (rotated yearly) for RDS, ElastiCache, S3, the secret store (Secrets
    Manager or Parameter Store), CloudWatch Logs and the alarm topic. Changing it on an existing stack replaces RDS and Redis.
    """
    existing_kms_key_arn: Optional[KmsKeyArn] = None
    """A symmetric KMS key the platform owns, used instead of a new one (whatever ``kms`` says) for all
    the stack encrypts: RDS, ElastiCache, S3, the secret store, CloudWatch Logs and the alarm topic. No
    key or alias is created. lago-infra grants its own roles what they need as IAM statements (the
    execution roles decrypt secrets, the backend task role reads and writes the bucket, each through
    its service only). The key policy must: let IAM policies of the account use the key (the default
    ``arn:aws:iam::ACCOUNT:root`` statement); allow the ``logs.REGION.amazonaws.com`` service principal
    ``kms:Encrypt*``, ``kms:Decrypt*``, ``kms:ReEncrypt*``, ``kms:GenerateDataKey*``, ``kms:Describe*``
    for the account's log groups; allow ``cloudwatch.amazonaws.com`` and ``events.amazonaws.com``
    ``kms:Decrypt`` and ``kms:GenerateDataKey*`` (alarms and ECS events publish to the encrypted topic);
    and let whoever runs ``pulumi up`` create grants (RDS and ElastiCache use grants). Changing it on an
    existing stack replaces RDS and Redis.
    """
    enhanced_monitoring_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = 0
    """RDS Enhanced Monitoring interval in seconds; 0 turns it off."""
    read_only_root: bool = False
    """Read-only root filesystems for the containers whose images allow it."""


class AwsSettings(Section):
    """``lago:aws``: the AWS target's own keys."""

    images: Images = Images()
    """Where ECS pulls Lago's images from."""
    network: Network = Network()
    """The VPC: a new one, or ``existing``."""
    database: Database = Database()
    """RDS PostgreSQL."""
    redis: Redis = Redis()
    """ElastiCache (Valkey or Redis OSS)."""
    storage: Storage = Storage()
    """The S3 bucket of Lago's files."""
    edge: Edge = Edge()
    """The ALB (or a brought listener), certificate and DNS records."""
    services: Services = Services()
    """ECS Fargate: cluster, services, logs, autoscaling."""
    secrets: Secrets = Secrets()
    """The store of Lago's credentials: Secrets Manager or SSM Parameter Store."""
    baseline: Baseline = Baseline()
    """Production baseline controls."""

    @model_validator(mode="after")
    def _exec_needs_a_writable_root(self) -> "AwsSettings":
        # ECS Exec bind-mounts the SSM agent into the container, which then writes under
        # /var/lib/amazon/ssm and /var/log/amazon/ssm: it fails on a read-only root.
        if self.services.exec and self.baseline.read_only_root:
            raise ValueError(
                "services.exec needs a writable root filesystem (the SSM agent writes into the container). "
                "Fix: set lago:aws.baseline.readOnlyRoot to false while you need ECS Exec"
            )
        # The clock and worker-ceiling alarms read ECS/ContainerInsights RunningTaskCount, and the
        # clock alarm treats missing data as breaching: without Container Insights it always fires.
        if self.baseline.alarms and not self.services.container_insights:
            raise ValueError(
                "baseline.alarms watch the clock and the workers through Container Insights, which is off "
                "(the clock alarm would fire for want of data). "
                "Fix: set lago:aws.services.containerInsights to true, or lago:aws.baseline.alarms to false"
            )
        return self


#: What each preset changes for ``lago:aws``. The dev preset prices at or under $100 a month
#: (``python -m lago_infra cost --stack aws-dev``) with every role running; each choice below is
#: one key, its trade-off in the key's description.
PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        # No NAT gateway ($36 a month with its 20 GB, and $3.65 for its address): the tasks run in
        # the public subnets with a public address each ($3.65 a month), inbound still ALB-only.
        "network": {"azCount": 2, "nat": "none"},
        # db.t4g.micro: RDS's default max_connections there (76 as limits.py models it) holds the
        # dev stack's worst case only with the smaller worker of SHARED_PRESETS (the lago policy
        # rule `connections` computes it from the plan).
        "database": {"instanceClass": "db.t4g.micro", "multiAz": False, "backupRetentionDays": 1, "finalSnapshot": False},
        # cache.t4g.micro is ElastiCache's smallest node.
        "redis": {"nodeType": "cache.t4g.micro", "replicas": 0, "snapshotRetentionDays": 0},
        "storage": {"versioning": False},
        # Every serving role on Fargate Spot, which runs X86_64 only: about 70 % off X86_64's
        # on-demand price, well under ARM64's on regular Fargate; a reclaimed task is a few minutes'
        # outage of its role, which a dev stack can stand.
        "services": {"cpuArchitecture": "X86_64", "fargateSpot": "all", "logRetentionDays": 7, "containerInsights": False},
        # Free standard-tier parameters instead of $0.40 a month per secret.
        "secrets": {"store": "parameterStore"},
        "baseline": {
            "alarms": False,
            "dashboard": False,
            "accessLogs": False,
            "flowLogs": False,
            "logRetentionDays": 30,
            "waf": False,
            "kms": False,
            "enhancedMonitoringSeconds": 0,
            "readOnlyRoot": True,
        },
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
        "services": {"fargateSpot": "none", "logRetentionDays": 365, "containerInsights": True},
        "secrets": {"store": "secretsManager"},
        # Docker Hub's anonymous limit must not stop a prod deploy: the stack file gives the credentials.
        "images": {"pullThroughCache": True},
        "baseline": {
            "alarms": True,
            "dashboard": True,
            "accessLogs": True,
            "flowLogs": True,
            "logRetentionDays": 365,
            "waf": True,
            "kms": True,
            "enhancedMonitoringSeconds": 60,
            "readOnlyRoot": True,
        },
    },
}


#: What each preset of the AWS target changes among the keys every target reads, over the
#: target-neutral presets (``lago_infra.config.model.PRESETS``).
SHARED_PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        # Four Sidekiq threads (DATABASE_POOL 6): the dev stack's worst case then fits
        # db.t4g.micro's 76 connections less the policy's reserve of 10, with the two pools per
        # process of Lago up to v1.51.0 (api 2x3x2 + worker 2x6x2 + clock 1x2x2 + migrate 1x2x2 = 44)
        # and the three of later releases (18 + 36 + 6 + 6 = 66). Plenty for a dev stack's jobs on
        # half a vCPU.
        "workers": {"concurrency": 4},
    },
    "prod": {},
}
