"""Turns endpoints plus settings into each role's environment: what Lago reads, and nothing else.

Targets supply endpoints (where the database, Redis, storage and URLs are) and run containers;
this module decides every variable name and value. Values that hold credentials go to a role's
``secret`` map (each a secret output), everything else to ``plain``; a target hands ``secret``
to its secret store and the containers get references. A secret the platform's own store already
holds (a database brought as a URL secret) is in ``held``, as the reference alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, Union

import pulumi

from ..config.errors import SettingError
from ..config.model import LagoSettings, RoleSize
from ..app_secrets import LagoSecretValues
from . import handoff, urls
from .roles import (
    CLOCK_EXIT_S,
    database_ca_path,
    DEDICATED_QUEUES,
    PUMA_EXIT_S,
    PUMA_WORKER_SHUTDOWN_SLEEP_S,
    SIDEKIQ_EXIT_S,
    Image,
    Role,
    Stop,
    Tier,
    roles_for,
    sidekiq_command,
    sidekiq_flag,
    sidekiq_timeout,
)
from .variables import CATALOGUE

Str = pulumi.Input[str]

#: The libpq modes that check the server's certificate against ``sslrootcert``: ``verify-ca`` the
#: chain, ``verify-full`` the chain and the host name in the URL.
VERIFYING_SSL_MODES = ("verify-ca", "verify-full")


def database_ssl_mode(settings: LagoSettings, verified: str) -> str:
    """The ``sslmode`` Lago connects with on a target whose server enforces TLS and whose CA it
    knows: ``lago:database.sslMode`` when set, else ``verified`` (the strongest mode the target's
    server certificate supports) in the prod preset and ``require`` in dev."""
    configured = settings.database.ssl_mode
    if configured is not None:
        return configured
    return verified if settings.preset == "prod" else "require"


@dataclass(frozen=True)
class DatabaseEndpoint:
    host: Str
    port: pulumi.Input[int]
    user: Str
    #: Secret output (or a value made secret here).
    password: Str
    name: str = "lago"
    #: ``require``, ``verify-ca`` or ``verify-full`` where the server enforces TLS; None leaves
    #: libpq's default (a server on the target's private network without TLS).
    sslmode: Optional[str] = None
    #: PEM of the CA certificates that sign the server's certificate, needed by the verifying
    #: modes: every role that opens DATABASE_URL gets it as a file (``database_ca_path``).
    ca_bundle: Optional[Str] = None


@dataclass(frozen=True)
class DatabaseUrlSecret:
    """A database the platform manages whole: its DATABASE_URL (``postgresql://…``, sslmode and all)
    already lives in the platform's secret store, and lago-infra never sees the value."""

    #: What the target's runtime hands a container for the variable (e.g. a Secrets Manager ARN).
    reference: Str
    #: PEM of the CA that signs the server's certificate, when the platform's URL names
    #: ``sslrootcert=`` ``database_ca_path()``: delivered as that file like a target's own.
    ca_bundle: Optional[Str] = None


@dataclass(frozen=True)
class RedisEndpoint:
    host: Str
    port: pulumi.Input[int]
    tls: bool
    password: Optional[Str] = None
    #: Database index, the path of the URL.
    db: int = 0
    #: False where the server certificate does not chain to a CA the containers trust (e.g.
    #: Memorystore's private CA). Sidekiq and the cache skip verification; ActionCable cannot.
    verifiable_tls: bool = True


@dataclass(frozen=True)
class DiskStorage:
    """Files under /app/storage; the target must share it between api and every worker."""


@dataclass(frozen=True)
class S3Storage:
    bucket: Str
    region: Str
    #: S3-compatible endpoint (MinIO, R2); None for AWS S3 itself.
    endpoint: Optional[Str] = None
    path_style: bool = False
    #: None: the AWS SDK's default chain (ECS task role, IRSA) — no keys anywhere.
    access_key_id: Optional[Str] = None
    secret_access_key: Optional[Str] = None


@dataclass(frozen=True)
class GcsStorage:
    project: Str
    bucket: Str
    #: Sign URLs through IAM (the service account needs token-creator on itself).
    iam: bool = True
    service_account_email: Optional[Str] = None


Storage = Union[DiskStorage, S3Storage, GcsStorage]


def brought_storage(settings: LagoSettings) -> Optional[S3Storage]:
    """The S3-compatible store ``lago:storage`` brings, which every target uses instead of its own
    (lago-api's ``amazon_compatible_endpoint`` service, chosen by LAGO_AWS_S3_ENDPOINT); None
    without one. Its keys become secret outputs, for the target's secret store."""
    store = settings.storage
    if store is None:
        return None
    return S3Storage(
        bucket=store.bucket,
        region=store.region,
        endpoint=store.endpoint,
        path_style=store.path_style,
        access_key_id=pulumi.Output.secret(store.access_key_id.get_secret_value()),
        secret_access_key=pulumi.Output.secret(store.secret_access_key.get_secret_value()),
    )


@dataclass(frozen=True)
class Endpoints:
    """Where everything Lago talks to lives, as the target built it."""

    database: Union[DatabaseEndpoint, DatabaseUrlSecret]
    queue: RedisEndpoint
    storage: Storage
    #: Public URLs with scheme and no trailing slash, exactly as the browser uses them.
    api_url: Str
    front_url: Str
    #: Gotenberg's base URL as the backend reaches it.
    pdf_url: Str
    #: A separate Redis for the Rails cache; None puts the cache on the queue Redis, database
    #: ``CACHE_DB`` (as Lago's compose and Helm chart share one Redis).
    cache: Optional[RedisEndpoint] = None
    #: ActionCable's Redis (GraphQL subscriptions, the AI assistant's streaming); None = the queue.
    #: ActionCable verifies TLS certificates, so it must be plain or ``verifiable_tls``.
    cable: Optional[RedisEndpoint] = None


#: The queue Redis's database that holds the Rails cache when there is no separate cache Redis.
#: Its own index keeps a cache flush (``Rails.cache.clear`` is FLUSHDB without a namespace) away
#: from Sidekiq's keys. The trade-off: the queue Redis runs ``noeviction``, so the cache cannot
#: evict either; entries expire by their TTL, and a cache that fills memory makes writes fail,
#: enqueues included. Size the queue Redis for both, or give the stack a separate cache.
CACHE_DB = 1
#: Lago's own LAGO_REDIS_CACHE_POOL_SIZE default (config/environments/production.rb, v1.51.0).
LAGO_CACHE_POOL_DEFAULT = 5


@dataclass
class RoleEnvironment:
    plain: dict[str, Str] = field(default_factory=dict)
    #: Secret values, for the target's secret store.
    secret: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    #: Secrets the platform's store already holds: variable -> the reference a container gets.
    held: dict[str, Str] = field(default_factory=dict)

    @property
    def secret_names(self) -> list[str]:
        """Every variable a container reads from a secret store, held or not, sorted."""
        return sorted({*self.secret, *self.held})


@dataclass
class RoleDeployment:
    """Everything a target needs to run one role."""

    role: Role
    image: str
    size: RoleSize
    env: RoleEnvironment
    #: The container command (the catalogue's, or Sidekiq with a shutdown timeout the target's
    #: kill grace allows); empty means the image's own default.
    argv: tuple[str, ...] = ()
    #: Seconds from SIGTERM until the process has exited without losing work; None for a role
    #: that holds no job (``roles.Stop.NONE``). The target's kill grace must be at least this.
    shutdown_need: Optional[int] = None
    #: Files the container must find at these absolute paths, by path: their content (text, no
    #: secret). The targets deliver them without a custom image (an init container writing a
    #: shared task volume on ECS, a Secret Manager volume on Cloud Run, ``files`` in
    #: ``role_environments`` for a platform's runtime). Today: the database's CA bundle.
    files: dict[str, Str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.role.name

    @property
    def command(self) -> list[str]:
        return list(self.argv)

    @property
    def min_replicas(self) -> int:
        return 1 if not self.role.autoscaled else self.size.replicas

    @property
    def max_replicas(self) -> int:
        return 1 if not self.role.autoscaled else int(self.size.max_replicas or self.size.replicas)


def _bool(value: bool) -> str:
    return "true" if value else "false"


class LagoDeployment:
    """The roles to run, each with image, command, size and environment."""

    def __init__(
        self,
        settings: LagoSettings,
        endpoints: Endpoints,
        secrets: LagoSecretValues,
        component: Optional[pulumi.Resource] = None,
        *,
        max_stop_grace: Optional[int] = None,
    ):
        """``max_stop_grace``: the longest a target's runtime waits between SIGTERM and SIGKILL
        (Cloud Run's fixed 10 s, Fargate's 120 s); None where the target sets any grace a role
        needs. Sidekiq's shutdown timeout is shortened to fit it."""
        _check_cable(endpoints)
        self.settings = settings
        #: The target component that runs these roles (how the plan tells two deployments apart).
        self.component = component
        self.endpoints = endpoints
        self.secrets = secrets
        #: Sidekiq's shutdown timeout on this target.
        self.sidekiq_timeout = sidekiq_timeout(max_stop_grace)
        self.roles: list[RoleDeployment] = [
            RoleDeployment(
                role,
                self._image(role),
                self._size(role),
                self._environment(role),
                argv=sidekiq_command(role, self.sidekiq_timeout),
                shutdown_need=self.shutdown_need(role),
                files=self._files(role),
            )
            for role in roles_for(settings.dedicated_queues)
        ]
        handoff.record(self)

    def role(self, name: str) -> RoleDeployment:
        return next(r for r in self.roles if r.name == name)

    @property
    def serving(self) -> list[RoleDeployment]:
        """Every long-running role (all but migrate)."""
        return [r for r in self.roles if not r.role.one_shot]

    # -- per role ------------------------------------------------------------------------------------

    def _image(self, role: Role) -> str:
        images, version = self.settings.images, self.settings.version
        return {
            Image.API: f"{images.api}:{version}",
            Image.FRONT: f"{images.front}:{version}",
            Image.PDF: images.pdf,
        }[role.image]

    def _size(self, role: Role) -> RoleSize:
        if role.queue is not None:
            return self.settings.workers.dedicated[role.queue]
        return getattr(self.settings.roles, role.name)

    def _environment(self, role: Role) -> RoleEnvironment:
        if role.backend:
            return self._backend(role)
        if role.image is Image.FRONT:
            return self._front()
        return RoleEnvironment()

    def _files(self, role: Role) -> dict[str, Str]:
        """Every role that opens DATABASE_URL (the backend: migrate, api, workers, clock) reads
        the database's CA bundle when the URL names one."""
        ca = self.endpoints.database.ca_bundle
        return {database_ca_path(): ca} if role.backend and ca is not None else {}

    @property
    def database_ca(self) -> Optional[Str]:
        """The database's CA bundle (PEM) the backend roles read, None without one."""
        return self.endpoints.database.ca_bundle

    def _front(self) -> RoleEnvironment:
        s = self.settings
        env = RoleEnvironment(
            plain={
                # The browser calls API_URL/graphql and opens API_URL/cable.
                "API_URL": self.endpoints.api_url,
                "APP_ENV": "production",
                "LAGO_OAUTH_PROXY_URL": s.oauth_proxy_url,
                "LAGO_DISABLE_SIGNUP": _bool(not s.features.signup),
                "LAGO_DISABLE_PDF_GENERATION": _bool(not s.features.pdf_generation),
            }
        )
        if s.sentry:
            env.plain["SENTRY_DSN"] = s.sentry.front_dsn or s.sentry.dsn
        if s.superset:
            env.plain["LAGO_SUPERSET_URL"] = s.superset.url
        env.plain.update(_read_by("front", s.env))
        return env

    def _backend(self, role: Role) -> RoleEnvironment:
        s, e = self.settings, self.endpoints
        plain: dict[str, Str] = {
            "RAILS_ENV": "production",
            "RAILS_LOG_TO_STDOUT": "true",
            "LAGO_API_URL": e.api_url,
            "LAGO_FRONT_URL": e.front_url,
            "LAGO_PDF_URL": e.pdf_url,
            "POSTGRES_SCHEMA": s.database.schema_,
            "DATABASE_POOL": str(self.database_pool(role.tier)),
            "LAGO_DISABLE_SIGNUP": _bool(not s.features.signup),
            "LAGO_DISABLE_PDF_GENERATION": _bool(not s.features.pdf_generation),
            "LAGO_DISABLE_WALLET_REFRESH": _bool(not s.features.wallet_refresh),
            "LAGO_DISABLE_SEGMENT": _bool(not s.features.segment),
            "LAGO_SIDEKIQ_WEB": _bool(s.features.sidekiq_web),
            "LAGO_WEBHOOK_ATTEMPTS": str(s.webhook_attempts),
            "LAGO_OAUTH_PROXY_URL": s.oauth_proxy_url,
            # config.assume_ssl is on unless this is true: behind plain HTTP, file links would
            # be https:// and fail (config/environments/production.rb).
            "LAGO_DISABLE_SSL": pulumi.Output.from_input(e.api_url).apply(lambda url: _bool(url.startswith("http://"))),
        }
        # Routing is decided when a job is enqueued, so every backend role carries every flag,
        # and a flag is true exactly when its dedicated worker runs.
        for queue in DEDICATED_QUEUES:
            plain[sidekiq_flag(queue)] = _bool(queue in s.dedicated_queues)
        if s.database.prepared_statements is not None:
            plain["DATABASE_PREPARED_STATEMENTS"] = _bool(s.database.prepared_statements)
        for var, tiers in (
            ("LAGO_DATABASE_STATEMENT_TIMEOUT", s.database.timeouts.statement),
            ("LAGO_DATABASE_IDLE_TX_TIMEOUT", s.database.timeouts.idle_transaction),
            ("LAGO_DATABASE_LOCK_TIMEOUT", s.database.timeouts.lock),
        ):
            value = getattr(tiers, _TIER_FIELD[role.tier], None)
            if value is not None:
                plain[var] = str(value)
        if role.tier is Tier.WEB:
            plain.update(RAILS_MAX_THREADS=str(s.api.threads), WEB_CONCURRENCY=str(s.api.web_concurrency), PORT=str(role.port))
            if s.api.parallel_threads:
                # lago-api v1.51.0 Invoices::PreviewService (the api's invoice previews only).
                plain["LAGO_PARALLEL_THREADS_COUNT"] = str(s.api.parallel_threads)
        if role.tier is Tier.WORKER:
            plain["SIDEKIQ_CONCURRENCY"] = str(s.workers.concurrency)

        secret: dict[str, pulumi.Output[str]] = {
            "REDIS_URL": _redis_url(e.queue),
            "SECRET_KEY_BASE": self.secrets.secret_key_base,
            "LAGO_RSA_PRIVATE_KEY": self.secrets.rsa_private_key,
            "LAGO_ENCRYPTION_PRIMARY_KEY": self.secrets.encryption_primary_key,
            "LAGO_ENCRYPTION_DETERMINISTIC_KEY": self.secrets.encryption_deterministic_key,
            "LAGO_ENCRYPTION_KEY_DERIVATION_SALT": self.secrets.encryption_key_derivation_salt,
        }
        if e.queue.password is not None:
            secret["REDIS_PASSWORD"] = pulumi.Output.secret(e.queue.password)
        # Always a shared cache: without one each container keeps a private file cache (the api
        # serves stale usage after a worker invalidates it; the wallet-refresh clock job idles).
        cache = self.cache_endpoint
        secret["LAGO_REDIS_CACHE_URL"] = _redis_url(cache)
        if cache.password is not None:
            secret["LAGO_REDIS_CACHE_PASSWORD"] = pulumi.Output.secret(cache.password)
        plain["LAGO_REDIS_CACHE_POOL_SIZE"] = str(self.cache_pool_size(role.tier))
        # config/cable.yml reads this URL alone: no REDIS_PASSWORD, no ssl_params. The
        # credentials go inside it, which makes the whole URL a secret.
        secret["LAGO_REDIS_CABLE_URL"] = _redis_url(self.cable_endpoint, with_password=True)

        held: dict[str, Str] = {}
        if isinstance(e.database, DatabaseUrlSecret):
            held["DATABASE_URL"] = e.database.reference
        else:
            secret["DATABASE_URL"] = self._database_url(e.database)

        self._storage(plain, secret)
        self._integrations(role, plain, secret)
        plain.update(_read_by("backend", s.env))
        secret.update({k: pulumi.Output.secret(v.get_secret_value()) for k, v in _read_by("backend", s.secret_env).items()})
        return RoleEnvironment(plain, secret, held)

    def _storage(self, plain: dict[str, Str], secret: dict[str, pulumi.Output[str]]) -> None:
        st = self.endpoints.storage
        plain["LAGO_USE_AWS_S3"] = _bool(isinstance(st, S3Storage))
        plain["LAGO_USE_GCS"] = _bool(isinstance(st, GcsStorage))
        if isinstance(st, S3Storage):
            plain.update(LAGO_AWS_S3_BUCKET=st.bucket, LAGO_AWS_S3_REGION=st.region)
            if st.endpoint is not None:
                plain.update(LAGO_AWS_S3_ENDPOINT=st.endpoint, LAGO_AWS_S3_PATH_STYLE=_bool(st.path_style))
            if st.access_key_id is not None:
                secret["LAGO_AWS_S3_ACCESS_KEY_ID"] = pulumi.Output.secret(st.access_key_id)
                secret["LAGO_AWS_S3_SECRET_ACCESS_KEY"] = pulumi.Output.secret(st.secret_access_key)
        elif isinstance(st, GcsStorage):
            plain.update(
                LAGO_GCS_PROJECT=st.project,
                LAGO_GCS_BUCKET=st.bucket,
                LAGO_GCS_IAM=_bool(st.iam),
                # config/storage.yml renders `credentials: <value>`; YAML reads `null` as nil, so
                # the client library uses the runtime's own credentials. Unset, the path defaults
                # to a key file that does not exist; empty, Cloud Run's provider drops the value.
                LAGO_GCS_KEYFILE_JSON_PATH="null",
            )
            if st.service_account_email is not None:
                plain["LAGO_GCS_GSA_EMAIL"] = st.service_account_email

    def _integrations(self, role: Role, plain: dict[str, Str], secret: dict[str, pulumi.Output[str]]) -> None:
        s = self.settings
        if s.smtp:
            plain.update(LAGO_FROM_EMAIL=s.smtp.from_email, LAGO_SMTP_ADDRESS=s.smtp.address, LAGO_SMTP_PORT=str(s.smtp.port))
            if s.smtp.username:
                plain["LAGO_SMTP_USERNAME"] = s.smtp.username
            if s.smtp.domain:
                plain["LAGO_SMTP_DOMAIN"] = s.smtp.domain
            if s.smtp.password:
                secret["LAGO_SMTP_PASSWORD"] = pulumi.Output.secret(s.smtp.password.get_secret_value())
        if s.google_auth:
            plain["GOOGLE_AUTH_CLIENT_ID"] = s.google_auth.client_id
            secret["GOOGLE_AUTH_CLIENT_SECRET"] = pulumi.Output.secret(s.google_auth.client_secret.get_secret_value())
        if s.license:
            secret["LAGO_LICENSE"] = pulumi.Output.secret(s.license.get_secret_value())
        if s.sentry:
            plain["SENTRY_DSN"] = s.sentry.dsn
            if s.sentry.environment:
                plain["SENTRY_ENVIRONMENT"] = s.sentry.environment
            if s.sentry.traces_sample_rate is not None:
                plain["SENTRY_TRACES_SAMPLE_RATE"] = str(s.sentry.traces_sample_rate)
        if s.superset:
            plain.update(SUPERSET_URL=s.superset.url, SUPERSET_USERNAME=s.superset.username)
            secret["SUPERSET_PASSWORD"] = pulumi.Output.secret(s.superset.password.get_secret_value())
        if s.organization and role.one_shot:
            # Read by migrate's signup:seed_organization only.
            org = s.organization
            plain.update(LAGO_CREATE_ORG="true", LAGO_ORG_NAME=org.name, LAGO_ORG_USER_EMAIL=org.email)
            secret["LAGO_ORG_USER_PASSWORD"] = pulumi.Output.secret(org.password.get_secret_value())
            if org.api_key:
                secret["LAGO_ORG_API_KEY"] = pulumi.Output.secret(org.api_key.get_secret_value())

    # -- derived values ----------------------------------------------------------------------------

    def shutdown_need(self, role: Role) -> Optional[int]:
        """Seconds ``role`` needs between SIGTERM and its exit to lose no work (see ``roles.Stop``)."""
        if role.stop is Stop.SIDEKIQ:
            return self.sidekiq_timeout + SIDEKIQ_EXIT_S
        if role.stop is Stop.PUMA:
            clustered = self.settings.api.web_concurrency >= 1
            return PUMA_EXIT_S + (PUMA_WORKER_SHUTDOWN_SLEEP_S if clustered else 0)
        if role.stop is Stop.PROMPT:
            return CLOCK_EXIT_S
        return None

    @property
    def cache_endpoint(self) -> RedisEndpoint:
        e = self.endpoints
        return e.cache if e.cache is not None else replace(e.queue, db=CACHE_DB)

    @property
    def cable_endpoint(self) -> RedisEndpoint:
        return self.endpoints.cable if self.endpoints.cable is not None else self.endpoints.queue

    def cache_pool_size(self, tier: Tier) -> int:
        """LAGO_REDIS_CACHE_POOL_SIZE: Lago's default is 5 connections a process
        (config/environments/production.rb, v1.51.0), fewer than a worker's Sidekiq threads or the
        api's threads with their preview threads, which would then queue for the cache. Sized like
        the database pool, unless ``lago:redis.cachePoolSize`` says."""
        configured = self.settings.redis.cache_pool_size
        if configured is not None:
            return configured
        s = self.settings
        return {Tier.WEB: s.api.connections_needed, Tier.WORKER: s.workers.concurrency}.get(tier, LAGO_CACHE_POOL_DEFAULT)

    def database_pool(self, tier: Tier) -> int:
        """DATABASE_POOL: a connection per puma thread and per thread of its invoice previews (api),
        or per Sidekiq thread plus Sidekiq's own two housekeeping threads (workers); the clock and
        migrations need few."""
        s = self.settings
        configured = getattr(s.database.pool, _TIER_FIELD[tier], None)
        if configured is not None:
            return configured
        return {
            Tier.WEB: s.api.connections_needed,
            Tier.WORKER: s.workers.concurrency + 2,
            Tier.CLOCK: 2,
            Tier.MIGRATE: 2,
        }[tier]

    def _database_url(self, db: DatabaseEndpoint) -> pulumi.Output[str]:
        schema = self.settings.database.schema_
        rootcert = database_ca_path() if db.ca_bundle is not None else None
        return pulumi.Output.secret(
            pulumi.Output.all(db.user, db.password, db.host, db.port).apply(
                lambda a: urls.database_url(
                    user=a[0],
                    password=a[1],
                    host=a[2],
                    port=a[3],
                    database=db.name,
                    schema=schema,
                    sslmode=db.sslmode,
                    sslrootcert=rootcert,
                )
            )
        )


def _check_cable(e: Endpoints) -> None:
    cable = e.cable if e.cable is not None else e.queue
    if cable.tls and not cable.verifiable_tls:
        raise SettingError(
            "lago:target",
            "ActionCable (live updates) verifies the Redis TLS certificate, and this target's "
            f"{'cable' if e.cable is not None else 'queue'} Redis presents one no container trusts",
            "the target must give Endpoints.cable a Redis reachable without TLS or with a verifiable certificate",
        )


def _read_by(reader: str, extra: dict) -> dict:
    """The user's extra variables that ``reader`` (backend or front) reads."""
    return {k: v for k, v in extra.items() if reader in CATALOGUE[k].readers}


def _redis_url(endpoint: RedisEndpoint, with_password: bool = False) -> pulumi.Output[str]:
    password = endpoint.password if with_password else None
    return pulumi.Output.secret(
        pulumi.Output.all(endpoint.host, endpoint.port, password).apply(
            lambda a: urls.redis_url(host=a[0], port=a[1], tls=endpoint.tls, db=endpoint.db, password=a[2])
        )
    )


_TIER_FIELD = {Tier.WEB: "web", Tier.WORKER: "worker", Tier.CLOCK: "clock", Tier.MIGRATE: "migrate", Tier.NONE: "none"}
