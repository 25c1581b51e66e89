"""The catalogue of Lago's environment variables, and which config key owns each.

Variables owned by a typed config key (``lago:smtp``, ``lago:features`` ...) or computed from the
deployment (``DATABASE_URL``, ``LAGO_API_URL`` ...) cannot be set through ``lago:env`` /
``lago:secretEnv``: the typed key is the one place to set them, so two places never disagree.
Variables whose work needs a process no role runs (Meilisearch indexing, per-organisation
dedicated workers, Kafka, ClickHouse) are refused with the reason. Every other variable Lago
reads is accepted there as-is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .roles import DEDICATED_QUEUES, sidekiq_flag


@dataclass(frozen=True)
class Variable:
    name: str
    #: Holds credentials: always delivered as a secret reference.
    secret: bool = False
    #: The config key (or "computed") that sets it; None when free to set through lago:env.
    owner: Optional[str] = None
    #: Which images read it: the Rails backend (api, workers, clock, migrate) and/or the front.
    readers: tuple[str, ...] = ("backend",)
    #: Why it cannot be set at all: it enqueues work for a process no role runs, so jobs would
    #: pile up unprocessed without an error anywhere.
    refused: Optional[str] = None
    #: Lago releases that read it, (first, last) as ``(major, minor, patch)``; None: every release.
    #: Set on a release that ignores it, it would do nothing, silently.
    read_from: Optional[tuple[int, int, int]] = None
    read_until: Optional[tuple[int, int, int]] = None
    #: Why it is read by some releases only, and what replaces it in the others.
    versions_note: str = ""

    def ignored_by(self, version: tuple[int, int, int]) -> bool:
        """True when Lago ``version`` does not read this variable."""
        return (self.read_from is not None and version < self.read_from) or (self.read_until is not None and version > self.read_until)


def _owned(owner: str, *names: str, secret: bool = False) -> list[Variable]:
    return [Variable(n, secret=secret, owner=owner) for n in names]


def _free(*names: str, secret: bool = False) -> list[Variable]:
    return [Variable(n, secret=secret) for n in names]


def _refused(reason: str, *names: str, secret: bool = False) -> list[Variable]:
    return [Variable(n, secret=secret, refused=reason) for n in names]


# What each refused family needs that lago-infra does not run (lago-api v1.51.0).
_MEILISEARCH = (
    "sends invoice search indexing to the `meilisearch` queue, which only "
    "./scripts/start.meilisearch.worker.sh drains, and needs a Meilisearch server; lago-infra runs neither"
)
_DEDICATED_ORGS = (
    "moves those organisations' wallet refreshes and usage alerts to the `dedicated_wallets` / "
    "`dedicated_alerts` queues, which only ./scripts/start.dedicated.worker.sh drains; lago-infra does not run it"
)
_KAFKA = (
    "sends events through Kafka to the events consumer (./scripts/start.events.consumer.sh) and "
    "Lago's events processor; lago-infra runs neither, nor Kafka"
)
_CLICKHOUSE = "moves the event store to ClickHouse, fed by Kafka and the events consumer; lago-infra runs none of them"


_BACKEND: list[Variable] = [
    *_owned("computed from the database endpoint", "DATABASE_URL", secret=True),
    *_owned("computed from the queue Redis endpoint", "REDIS_URL", "REDIS_PASSWORD", secret=True),
    *_owned(
        "computed from the cache Redis endpoint (the queue Redis when there is no separate cache)",
        "LAGO_REDIS_CACHE_URL",
        "LAGO_REDIS_CACHE_PASSWORD",
        secret=True,
    ),
    *_owned("computed from the target's Redis endpoints", "LAGO_REDIS_CABLE_URL", secret=True),
    *_owned("computed from the api URL (true where it is plain http)", "LAGO_DISABLE_SSL"),
    *_owned(
        "lago:secrets",
        "SECRET_KEY_BASE",
        "LAGO_RSA_PRIVATE_KEY",
        "LAGO_ENCRYPTION_PRIMARY_KEY",
        "LAGO_ENCRYPTION_DETERMINISTIC_KEY",
        "LAGO_ENCRYPTION_KEY_DERIVATION_SALT",
        "ENCRYPTION_PRIMARY_KEY",
        "ENCRYPTION_DETERMINISTIC_KEY",
        "ENCRYPTION_KEY_DERIVATION_SALT",
        secret=True,
    ),
    *_owned("computed from the target's edge (override with lago:urls)", "LAGO_API_URL", "LAGO_FRONT_URL", "LAGO_PDF_URL", "LAGO_DOMAIN"),
    # The store: the target's own (a local volume or MinIO, an S3 or GCS bucket), or an
    # S3-compatible one the user brings through lago:storage on any target.
    *_owned("computed from the target's storage (bring an S3-compatible store with lago:storage)", "LAGO_USE_AWS_S3", "LAGO_USE_GCS"),
    *_owned("lago:storage", "LAGO_AWS_S3_BUCKET", "LAGO_AWS_S3_REGION", "LAGO_AWS_S3_ENDPOINT", "LAGO_AWS_S3_PATH_STYLE"),
    *_owned("lago:storage", "LAGO_AWS_S3_ACCESS_KEY_ID", "LAGO_AWS_S3_SECRET_ACCESS_KEY", secret=True),
    *_owned(
        "computed from the GCP target's bucket (lago:gcp.storage)",
        "LAGO_GCS_PROJECT",
        "LAGO_GCS_BUCKET",
        "LAGO_GCS_IAM",
        "LAGO_GCS_GSA_EMAIL",
        "LAGO_GCS_KEYFILE_JSON_PATH",
    ),
    *_owned("lago:database.pool", "DATABASE_POOL"),
    *_owned("lago:database.preparedStatements", "DATABASE_PREPARED_STATEMENTS"),
    *_owned("lago:database.schema", "POSTGRES_SCHEMA"),
    # RDS Proxy: v1.51.0 patches its connections for the proxy when this is set
    # (config/initializers/rds_proxy.rb); DATABASE_URL must then point at the proxy (a brought
    # database: lago:aws.database.existingUrlSecretArn). The releases after replace it with
    # DATABASE_PROXY_URL (config/database.yml on lago-api main).
    Variable(
        "DATABASE_VIA_RDS_PROXY",
        read_until=(1, 51, 0),
        versions_note="is read up to Lago v1.51.0 only; later releases take the proxy's URL as DATABASE_PROXY_URL (lago:secretEnv)",
    ),
    Variable(
        "DATABASE_PROXY_URL",
        secret=True,
        read_from=(1, 52, 0),
        versions_note=(
            "is read only by Lago releases after v1.51.0 (config/database.yml on lago-api main); v1.51.0 reaches RDS Proxy "
            "through DATABASE_URL pointing at the proxy (lago:aws.database.existingUrlSecretArn) and DATABASE_VIA_RDS_PROXY=true in lago:env"
        ),
    ),
    *_owned(
        "lago:database.timeouts",
        "LAGO_DATABASE_STATEMENT_TIMEOUT",
        "LAGO_DATABASE_IDLE_TX_TIMEOUT",
        "LAGO_DATABASE_LOCK_TIMEOUT",
    ),
    *_owned("lago:redis", "LAGO_REDIS_CACHE_POOL_SIZE"),
    *_owned(
        "lago:features",
        "LAGO_DISABLE_SIGNUP",
        "LAGO_DISABLE_PDF_GENERATION",
        "LAGO_DISABLE_WALLET_REFRESH",
        "LAGO_DISABLE_SEGMENT",
        "LAGO_SIDEKIQ_WEB",
    ),
    *_owned("lago:webhookAttempts", "LAGO_WEBHOOK_ATTEMPTS"),
    *_owned("lago:smtp", "LAGO_FROM_EMAIL", "LAGO_SMTP_ADDRESS", "LAGO_SMTP_PORT", "LAGO_SMTP_USERNAME", "LAGO_SMTP_DOMAIN"),
    *_owned("lago:smtp", "LAGO_SMTP_PASSWORD", secret=True),
    *_owned("lago:googleAuth", "GOOGLE_AUTH_CLIENT_ID"),
    *_owned("lago:googleAuth", "GOOGLE_AUTH_CLIENT_SECRET", secret=True),
    *_owned("lago:oauthProxyUrl", "LAGO_OAUTH_PROXY_URL"),
    *_owned("lago:license", "LAGO_LICENSE", secret=True),
    *_owned("lago:sentry", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_TRACES_SAMPLE_RATE"),
    # The configuration page's name for the front's DSN; the front image reads it as SENTRY_DSN.
    *_owned("lago:sentry.frontDsn", "SENTRY_DSN_FRONT"),
    # The Superset dashboards (app/services/auth/superset_service.rb, v1.51.0): the api signs in
    # with these and hands the URL to the browser, which embeds the dashboards from it.
    *_owned("lago:superset", "SUPERSET_URL", "SUPERSET_USERNAME"),
    *_owned("lago:superset", "SUPERSET_PASSWORD", secret=True),
    *_owned("lago:organization", "LAGO_CREATE_ORG", "LAGO_ORG_NAME", "LAGO_ORG_USER_EMAIL"),
    *_owned("lago:organization", "LAGO_ORG_USER_PASSWORD", "LAGO_ORG_API_KEY", secret=True),
    *_owned("fixed by lago-infra (production)", "RAILS_ENV", "RAILS_LOG_TO_STDOUT"),
    *_owned("lago:api", "RAILS_MAX_THREADS", "WEB_CONCURRENCY", "PORT", "LAGO_PARALLEL_THREADS_COUNT"),
    *_owned("lago:workers", "SIDEKIQ_CONCURRENCY"),
    *_owned("lago:workers.dedicated", *[sidekiq_flag(q) for q in DEDICATED_QUEUES]),
    # Free: read by Lago, no typed key here.
    *_free(
        "RAILS_MIN_THREADS",
        "LAGO_REDIS_SIDEKIQ_SENTINELS",
        "LAGO_REDIS_SIDEKIQ_MASTER_NAME",
        "LAGO_REDIS_SIDEKIQ_RETRY_WINDOW_SECONDS",
        "LAGO_REDIS_CACHE_SENTINELS",
        "LAGO_REDIS_CACHE_MASTER_NAME",
        "LAGO_REDIS_CACHE_DB",
        "LAGO_REDIS_STORE_URL",
        "LAGO_REDIS_STORE_DB",
        "LAGO_REDIS_STORE_SSL",
        "LAGO_REDIS_STORE_DISABLE_SSL_VERIFY",
        "LAGO_MEMCACHE_SERVERS",
        "LAGO_AWS_S3_SSL_VERIFY",
        "LAGO_WEBHOOK_TIMEOUT_SECONDS",
        "LAGO_LOG_LEVEL",
        "LAGO_DISABLE_EVENTS_VALIDATION",
        "LAGO_DISABLE_LIFETIME_USAGE_REFRESH",
        "LAGO_DISABLE_SCHEMA_DUMP",
        "LAGO_EVENTS_BATCH_MAX_LENGTH",
        "LAGO_SIDEKIQ_AVERAGE_SCHEDULED_POLL_INTERVAL",
        "LAGO_SIDEKIQ_MAX_DEAD_JOBS",
        "LAGO_SIDEKIQ_STATSD_ENDPOINT",
        "LAGO_SIDEKIQ_PRO_REQUIRED",
        "LAGO_DAILY_USAGE_SCHEDULING_JITTER_SECONDS",
        "LAGO_DEDICATED_REFRESH_INTERVAL_SECONDS",
        "LAGO_LIFETIME_USAGE_REFRESH_INTERVAL_SECONDS",
        "LAGO_WALLET_ONGOING_BALANCE_REFRESH_INTERVAL_SECONDS",
        "LAGO_SUBSCRIPTION_ACTIVITY_PROCESSING_INTERVAL_SECONDS",
        "LAGO_SUBSCRIPTION_TERMINATION_ALERT_SENT_AT_DAYS",
        "LAGO_CHECKOUT_AUTO_PAYMENT_DELAY_SECONDS",
        "LAGO_DATA_API_URL",
        "LAGO_FINANCE_ASSISTANT_URL",
        "LAGO_MCP_SERVER_URL",
        "LAGO_LICENSE_URL",
        "SENTRY_ENABLE_CRONS",
        "DD_AGENT_HOST",
        "DD_ENV",
        "DD_SERVICE_NAME",
        "DD_TRACE_SAMPLE_RATE",
        "OTEL_EXPORTER",
        "OTEL_SERVICE_NAME",
        "RAILS_SERVE_STATIC_FILES",
        "STRIPE_API_VERSION",
        "MISTRAL_AGENT_ID",
    ),
    *_free(
        "LAGO_DATA_API_BEARER_TOKEN",
        "NANGO_SECRET_KEY",
        "SEGMENT_WRITE_KEY",
        "NEW_RELIC_KEY",
        "MISTRAL_API_KEY",
        "GOCARDLESS_CLIENT_SECRET",
        "STRIPE_API_KEY",
        secret=True,
    ),
    *_free("GOCARDLESS_CLIENT_ID"),
    # Refused: each enqueues work for a process lago-infra does not run.
    *_refused(_MEILISEARCH, "LAGO_MEILISEARCH_URL", "LAGO_MEILISEARCH_SEARCH_ENABLED"),
    *_refused(_MEILISEARCH, "LAGO_MEILISEARCH_API_KEY", secret=True),
    *_refused(_DEDICATED_ORGS, "LAGO_DEDICATED_WORKER_ORG_IDS"),
    *_refused(
        _KAFKA,
        "LAGO_KAFKA_BOOTSTRAP_SERVERS",
        "LAGO_KAFKA_SECURITY_PROTOCOL",
        "LAGO_KAFKA_SASL_MECHANISMS",
        "LAGO_KAFKA_USERNAME",
        "LAGO_KAFKA_RAW_EVENTS_TOPIC",
        "LAGO_KAFKA_ENRICHED_EVENTS_TOPIC",
        "LAGO_KAFKA_ENRICHED_EVENTS_EXPANDED_TOPIC",
        "LAGO_KAFKA_EVENTS_CHARGED_IN_ADVANCE_TOPIC",
        "LAGO_KAFKA_EVENTS_DEAD_LETTER_TOPIC",
        "LAGO_KAFKA_ACTIVITY_LOGS_TOPIC",
        "LAGO_KAFKA_API_LOGS_TOPIC",
        "LAGO_KAFKA_SECURITY_LOGS_TOPIC",
        "LAGO_KAFKA_CLICKHOUSE_CONSUMER_GROUP",
        "LAGO_KARAFKA_PROCESSING",
        "LAGO_KARAFKA_WEB",
    ),
    *_refused(_KAFKA, "LAGO_KAFKA_PASSWORD", "LAGO_KARAFKA_WEB_SECRET", secret=True),
    *_refused(
        _CLICKHOUSE,
        "LAGO_CLICKHOUSE_ENABLED",
        "LAGO_CLICKHOUSE_MIGRATIONS_ENABLED",
        "LAGO_CLICKHOUSE_HOST",
        "LAGO_CLICKHOUSE_PORT",
        "LAGO_CLICKHOUSE_DATABASE",
        "LAGO_CLICKHOUSE_USERNAME",
        "LAGO_CLICKHOUSE_SSL",
        "LAGO_DEFAULT_EVENT_STORE",
    ),
    *_refused(_CLICKHOUSE, "LAGO_CLICKHOUSE_PASSWORD", secret=True),
]

# The front's env-config.js (lago-front .env.sh) reads these at container start.
_FRONT: list[Variable] = [
    Variable("API_URL", owner="computed from the target's edge (override with lago:urls)", readers=("front",)),
    Variable("APP_ENV", owner="fixed by lago-infra (production)", readers=("front",)),
    Variable("NANGO_PUBLIC_KEY", readers=("front",)),
    Variable("LAGO_SUPERSET_URL", owner="lago:superset", readers=("front",)),
]

CATALOGUE: dict[str, Variable] = {v.name: v for v in (*_BACKEND, *_FRONT)}

#: Variables every backend role must receive (lago-facts: every backend role aborts without them).
REQUIRED_BACKEND: tuple[str, ...] = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY_BASE",
    "LAGO_RSA_PRIVATE_KEY",
    "LAGO_ENCRYPTION_PRIMARY_KEY",
    "LAGO_ENCRYPTION_DETERMINISTIC_KEY",
    "LAGO_ENCRYPTION_KEY_DERIVATION_SALT",
    "LAGO_API_URL",
    "LAGO_FRONT_URL",
    "LAGO_PDF_URL",
    "RAILS_ENV",
    "RAILS_LOG_TO_STDOUT",
    "POSTGRES_SCHEMA",
    "DATABASE_POOL",
    *[sidekiq_flag(q) for q in DEDICATED_QUEUES],
)
REQUIRED_FRONT: tuple[str, ...] = ("API_URL", "APP_ENV")


def is_secret(name: str) -> bool:
    var = CATALOGUE.get(name)
    return bool(var and var.secret)
