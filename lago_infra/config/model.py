"""The ``lago:`` stack config: every key, its type, its safe default, and what each preset changes.

A stack file sets only what differs from its preset. ``dev`` is cheap and quick; ``prod`` is
durable and highly available. Target sections (``lago:local``, ``lago:aws``, ``lago:gcp``) live
with their target and bring their own preset defaults.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from typing import Annotated, Any, Literal, Optional, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from ..lago.roles import DEDICATED_QUEUES, DEFAULT_API_IMAGE, DEFAULT_FRONT_IMAGE, DEFAULT_PDF_IMAGE, DEFAULT_VERSION, database_ca_path
from ..lago.values import value_problem
from ..lago.variables import CATALOGUE
from ..targets.aws.settings import AwsSettings
from ..targets.gcp.settings import GcpSettings
from ..targets.local.settings import LocalSettings
from ..targets.registry import TARGETS
from .alerts import Alerts
from .base import EMAIL, Email, NonEmpty, Secret, Section, deep_merge, keep_unset, set_fields
from .errors import Invalid
from .shape import normalise


def _free_variable(name: str, where: str) -> str:
    var = CATALOGUE.get(name)
    if var is None:
        close = difflib.get_close_matches(name, list(CATALOGUE), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ValueError(f"{name} is not a variable Lago reads. Fix: {hint}check the name against Lago's configuration page")
    if var.owner is not None and var.owner.startswith("lago:"):
        raise ValueError(f"{name} is set through {var.owner}. Fix: remove it from lago:{where} and use {var.owner}")
    if var.owner is not None:
        raise ValueError(f"{name} is {var.owner} and cannot be overridden. Fix: remove it from lago:{where}")
    if var.refused is not None:
        raise ValueError(f"{name} {var.refused}, so its jobs would never run. Fix: remove it from lago:{where}")
    return name


def _plain_variable(name: str) -> str:
    _free_variable(name, "env")
    if CATALOGUE[name].secret:
        raise ValueError(
            f"{name} holds credentials and cannot be a plain value. "
            f"Fix: move it to lago:secretEnv with `pulumi config set --secret --path lago:secretEnv.{name} VALUE`"
        )
    return name


PlainVariable = Annotated[str, AfterValidator(_plain_variable)]
SecretVariable = Annotated[str, AfterValidator(lambda n: _free_variable(n, "secretEnv"))]

Preset = Literal["dev", "prod"]
#: ``lago:target``: a target of the list (``targets/registry.py``), spelled out so type checkers
#: know the values; the model refuses to load while the two differ.
Target = Literal["local", "aws", "gcp"]
Runtime = Literal["managed", "external"]
#: Each target's own section of the ``lago:`` namespace, named as the target.
TARGET_SECTIONS: tuple[str, ...] = tuple(TARGETS)


def wrong_target_section(section: str, target: str) -> tuple[str, str]:
    """What is wrong and the fix, for ``lago:<section>`` on a stack whose target is another."""
    return (
        f"is settings for the {section} target, but this stack's lago:target is {target}",
        f"remove lago:{section} (the {target} target reads lago:{target}), or set lago:target to {section}",
    )


#: vCPU sizes every target can honour (Fargate, Cloud Run and Docker all accept these).
CPU_SIZES = (0.25, 0.5, 1, 2, 4, 8)


def image_tag(reference: str) -> Optional[str]:
    """The tag (``v1.51.0``) or digest (``sha256:...``) of an image reference, None without one.
    A registry's port (``registry.example.com:5000/lago/api``) is no tag: only the last path
    part carries one (Docker's reference grammar)."""
    if "@" in reference:
        return reference.rsplit("@", 1)[1]
    last = reference.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def _repository(value: str) -> str:
    tag = image_tag(value)
    if tag is not None and "@" in value:
        bare = value.rsplit("@", 1)[0]
        raise ValueError(
            f"'{value}' has a digest, and lago:version gives the tag. "
            f"Fix: give the repository alone, {bare} (on AWS, pin digests with lago:aws.images.digests)"
        )
    if tag is not None:
        bare = value[: -len(tag) - 1]
        raise ValueError(
            f"'{value}' has a tag ({tag}), and lago:version gives the tag: the image would be {bare}:{tag}:VERSION. "
            f"Fix: give the repository alone, {bare} (and the release with lago:version)"
        )
    return value


def _tagged(value: str) -> str:
    if image_tag(value) is None:
        raise ValueError(f"'{value}' has no tag, so it would pull :latest, which moves. Fix: give the tag, e.g. {value}:8.15")
    return value


Repository = Annotated[NonEmpty, AfterValidator(_repository)]
Tagged = Annotated[NonEmpty, AfterValidator(_tagged)]


class Images(Section):
    """Image repositories, for registries that mirror Lago's. Tags come from ``lago:version``."""

    api: Repository = DEFAULT_API_IMAGE
    """Repository of Lago's api image (every backend role runs it); the tag is ``lago:version``."""
    front: Repository = DEFAULT_FRONT_IMAGE
    """Repository of Lago's front image; the tag is ``lago:version``."""
    pdf: Tagged = DEFAULT_PDF_IMAGE
    """Full reference with tag: Gotenberg is versioned apart from Lago."""


def _http_url(v: str) -> str:
    """A base URL with scheme and no trailing slash."""
    if not v.startswith(("http://", "https://")) or "://" == v[-3:]:
        raise ValueError(f"'{v}' is not an http(s) URL. Fix: give the full URL with scheme, e.g. https://lago.example.com")
    return v.rstrip("/")


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class Urls(Section):
    """Public URLs, when something in front of the target (a CDN, another proxy) decides them.
    Left unset, each target derives them from its own edge."""

    front: Optional[str] = None
    """Where the browser opens Lago (LAGO_FRONT_URL), e.g. https://lago.example.com."""
    api: Optional[str] = None
    """Where the browser and API clients reach the api (LAGO_API_URL), e.g. https://api.lago.example.com."""

    @field_validator("front", "api")
    @classmethod
    def _http(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else root_url(v, "https://lago.example.com")


def root_url(value: str, example: str) -> str:
    """An http(s) URL Lago joins paths onto (``{LAGO_FRONT_URL}/reset-password/...``, file links
    on LAGO_API_URL) and compares with the browser's origin (CORS): scheme and host, an optional
    port, nothing after. A trailing ``/`` is dropped."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL. Fix: give the full URL with scheme, e.g. {example}")
    try:
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        raise ValueError(f"'{value}' has a port that is no number. Fix: give e.g. {example}:8443") from None
    if parts.path.rstrip("/") or parts.query or parts.fragment or parts.username or parts.password:
        root = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
        raise ValueError(
            f"'{value}' is not a root URL: Lago joins its own paths onto it and compares it with the browser's origin. "
            f"Fix: give the root alone, {root} (serve Lago at the root of its host)"
        )
    return value.strip().rstrip("/")


def _hostname(value: str) -> str:
    """A DNS name as certificates and DNS records take it. A name in another script is refused
    with its ASCII (punycode) form rather than converted silently: certificate and DNS consoles
    show the ``xn--`` form, and the stack file then says what is deployed."""
    name = value.strip().rstrip(".").lower()
    if "://" in name or "/" in name:
        raise ValueError(f"'{value}' is a URL, not a hostname. Fix: give the host alone, e.g. lago.example.com")
    if not name.isascii():
        try:
            ascii_form = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"'{value}' is not a valid internationalised domain name. Fix: check each label") from None
        raise ValueError(f"'{value}' is not ASCII. Fix: write its punycode form, {ascii_form}")
    labels = name.split(".")
    bad = [lb for lb in labels if not re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", lb)]
    if len(labels) < 2 or bad or len(name) > 253:
        raise ValueError(
            f"'{value}' is not a hostname (labels of letters, digits and inner hyphens, up to 63 each, "
            "at least two). Fix: give a name such as lago.example.com"
        )
    return name


Hostname = Annotated[str, AfterValidator(_hostname)]


class Domain(Section):
    """Hostnames the browser uses: ``app`` serves the front, ``api`` the api."""

    app: Hostname
    """Host of the front, e.g. lago.example.com."""
    api: Hostname
    """Host of the api, e.g. api.lago.example.com."""

    @model_validator(mode="after")
    def _distinct(self) -> "Domain":
        if self.app == self.api:
            raise ValueError("app and api hostnames are the same. Fix: give the api its own host, e.g. api.<app host>")
        return self


class Features(Section):
    """Lago switches; each maps to one ``LAGO_*`` variable."""

    signup: bool = True
    """LAGO_DISABLE_SIGNUP=false: anyone reaching the front may create an organisation."""
    pdf_generation: bool = True
    """LAGO_DISABLE_PDF_GENERATION inverse."""
    wallet_refresh: bool = True
    """LAGO_DISABLE_WALLET_REFRESH inverse."""
    segment: bool = False
    """LAGO_DISABLE_SEGMENT inverse. Off: no usage telemetry leaves the deployment."""
    sidekiq_web: bool = False
    """LAGO_SIDEKIQ_WEB: mounts an unauthenticated /sidekiq on the api. Local target only."""


def _smtp_host(value: str) -> str:
    """A host as Rails' mailer hands it to Net::SMTP (config/environments/production.rb:80): no
    scheme, no port (that is ``port``). A single label (``mailpit``) is fine on a private network."""
    host = value.strip()
    if "://" in host or "/" in host:
        raise ValueError(
            f"'{value}' is a URL, not a host. Fix: give the host alone, e.g. smtp.example.com (and the port as lago:smtp.port)"
        )
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and ":" not in name:
        raise ValueError(f"'{value}' holds a port. Fix: give the host alone, {name}, and the port with lago:smtp.port {port}")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    if len(host) > 253 or not all(
        re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?", label) for label in host.rstrip(".").split(".")
    ):
        raise ValueError(f"'{value}' is not a host name. Fix: give the SMTP server's host, e.g. smtp.example.com")
    return host


def _sender(value: str) -> str:
    """An address, or ``Name <address>`` as ActionMailer's ``from:`` takes it."""
    address = value.strip()
    named = re.fullmatch(r"[^<>]*<([^<>]+)>", address)
    if not EMAIL.match(named.group(1).strip() if named else address):
        raise ValueError(f"'{value}' is not a sender address. Fix: give billing@example.com or \"Billing <billing@example.com>\"")
    return address


def _sentry_dsn(value: str) -> str:
    """A DSN as sentry-ruby parses it: ``https://PUBLIC_KEY@HOST/PROJECT_ID``."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.username or not parts.hostname or not re.search(r"/\d+/?$", parts.path):
        raise ValueError(
            f"'{value}' is not a Sentry DSN (https://PUBLIC_KEY@HOST/PROJECT_ID). "
            "Fix: copy the project's DSN from Sentry (Project settings, Client Keys)"
        )
    return value.strip()


class Smtp(Section):
    address: Annotated[NonEmpty, AfterValidator(_smtp_host)]
    """SMTP server host (LAGO_SMTP_ADDRESS)."""
    port: int = Field(587, ge=1, le=65535)
    """SMTP server port (LAGO_SMTP_PORT); 587 is submission with STARTTLS."""
    username: Optional[str] = None
    """SMTP user name (LAGO_SMTP_USERNAME)."""
    password: Optional[Secret] = None
    """SMTP password (LAGO_SMTP_PASSWORD); a ``secure:`` value."""
    domain: Optional[str] = None
    """HELO domain (LAGO_SMTP_DOMAIN)."""
    from_email: Annotated[NonEmpty, AfterValidator(_sender)]
    """Sender address of Lago's mail (LAGO_FROM_EMAIL)."""


class GoogleAuth(Section):
    client_id: NonEmpty
    """OAuth client id (GOOGLE_AUTH_CLIENT_ID)."""
    client_secret: Secret
    """OAuth client secret (GOOGLE_AUTH_CLIENT_SECRET); a ``secure:`` value."""


class Sentry(Section):
    dsn: Annotated[NonEmpty, AfterValidator(_sentry_dsn)]
    """Project DSN (SENTRY_DSN)."""
    environment: Optional[str] = None
    """Environment tag of the events (SENTRY_ENVIRONMENT); unset, Lago's default."""
    traces_sample_rate: Optional[float] = Field(None, ge=0, le=1)
    """Share of requests traced, 0 to 1 (SENTRY_TRACES_SAMPLE_RATE)."""
    front_dsn: Optional[str] = None
    """DSN of the front's project (the configuration page's SENTRY_DSN_FRONT; the front reads it as
    SENTRY_DSN); unset, the front reports to ``dsn``."""


class Superset(Section):
    """Lago's Superset dashboards: the api signs in to Superset and the browser embeds them."""

    url: HttpUrl
    """Superset's base URL as the browser reaches it (SUPERSET_URL; LAGO_SUPERSET_URL on the front)."""
    username: NonEmpty
    """The Superset user the api signs in as (SUPERSET_USERNAME)."""
    password: Secret
    """Its password (SUPERSET_PASSWORD); a ``secure:`` value."""


class Organization(Section):
    """First-organisation seed, read by migrate (``signup:seed_organization``)."""

    name: NonEmpty
    """Name of the first organisation (LAGO_ORG_NAME)."""
    email: Email
    """E-mail of its first admin (LAGO_ORG_USER_EMAIL)."""
    password: Secret
    """That admin's password (LAGO_ORG_USER_PASSWORD); a ``secure:`` value."""
    api_key: Optional[Secret] = None
    """The organisation's first API key (LAGO_ORG_API_KEY); a ``secure:`` value; generated by Lago when
    unset."""


class TierValues(Section):
    """A value per connection tier: the api (web), the workers, the clock, migrations."""

    web: Optional[int] = Field(None, ge=1)
    """For the api."""
    worker: Optional[int] = Field(None, ge=1)
    """For every worker, dedicated ones included."""
    clock: Optional[int] = Field(None, ge=1)
    """For the clock."""
    migrate: Optional[int] = Field(None, ge=1)
    """For the migrations."""


class Timeouts(Section):
    """Milliseconds per tier; unset means no limit (Lago's default)."""

    statement: TierValues = TierValues()
    """statement_timeout per tier, milliseconds."""
    idle_transaction: TierValues = TierValues()
    """idle_in_transaction_session_timeout per tier, milliseconds."""
    lock: TierValues = TierValues()
    """lock_timeout per tier, milliseconds."""


#: The most CA text lago-infra hands the containers: it travels as a variable of an ECS init
#: container (whose task definition holds 64 KiB in all) and as a Secret Manager secret. An
#: RDS region's bundle is under 8 KiB; AWS's global bundle (every region, about 160 KiB) is not
#: needed, the region's is (targets/aws/truststore.py).
CA_BUNDLE_MAX = 32 * 1024
_PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


def _ca_bundle(v: str) -> str:
    """PEM text of one or more CA certificates."""
    text = v.strip()
    if "PRIVATE KEY" in text:
        raise ValueError(
            "holds a private key; never put one in a stack file. Fix: give only the CA certificate(s), the -----BEGIN CERTIFICATE----- blocks"
        )
    if not _PEM_CERTIFICATE.search(text):
        raise ValueError(
            "is not PEM certificate text. Fix: give the CA's certificate(s) as PEM, e.g. "
            '`pulumi config set --path lago:database.sslRootCert -- "$(cat ca.pem)"`'
        )
    if len(text.encode()) > CA_BUNDLE_MAX:
        raise ValueError(
            f"is {len(text.encode())} bytes, more than the {CA_BUNDLE_MAX} the targets can hand a container. Fix: give only the CA(s) of your server's region or chain"
        )
    return text + "\n"


CaBundle = Annotated[str, AfterValidator(_ca_bundle)]
SslMode = Literal["require", "verify-ca", "verify-full"]


class Database(Section):
    name: NonEmpty = "lago"
    """Database Lago uses (created by the target)."""
    user: NonEmpty = "lago"
    """Role Lago connects as; its password is generated once."""
    schema_: NonEmpty = Field("public", alias="schema")
    """Schema Lago's tables live in (POSTGRES_SCHEMA): ``public``, the only one Lago's migrations
    create their tables in. To keep Lago apart from other applications, give it its own database
    (``name``)."""

    @field_validator("schema_")
    @classmethod
    def _public_only(cls, v: str) -> str:
        if v != "public":
            raise ValueError(
                f"'{v}' is not a schema Lago can install into: Lago's initial migration (lago-api v1.51.0, "
                "db/migrate/20250122112050_initial_migration.rb) creates its extensions, types and tables as public.<name>, "
                "and nothing in Lago creates another schema, while the app reads only POSTGRES_SCHEMA: a fresh install "
                "would not find its own tables. Fix: remove lago:database.schema; to keep Lago apart from other "
                "applications, give it a database of its own (lago:database.name)"
            )
        return v

    version: int = Field(16, ge=15, le=17)
    """PostgreSQL major version; Lago's migrations need 15 or newer (NULLS NOT DISTINCT)."""
    pool: TierValues = TierValues()
    """DATABASE_POOL per tier; derived from threads / concurrency when unset."""
    timeouts: Timeouts = Timeouts()
    """PostgreSQL statement, idle-in-transaction and lock timeouts per tier."""
    prepared_statements: Optional[bool] = None
    """False behind a transaction-mode pooler (PgBouncer, RDS Proxy in transaction pinning)."""
    ssl_mode: Optional[SslMode] = None
    """libpq ``sslmode`` of DATABASE_URL: ``require`` encrypts; ``verify-ca`` also checks the server's
    certificate against the CA; ``verify-full`` also checks the host name in it. Unset: the
    target's strongest in the prod preset (AWS ``verify-full`` against RDS's CA bundle of the
    region; GCP ``verify-ca`` against the Cloud SQL instance's own CA), ``require`` in dev. The
    local target's PostgreSQL has no TLS: not settable there."""
    ssl_root_cert: Optional[CaBundle] = None
    """PEM of the CA certificate(s) that sign the server's certificate, for ``verify-ca`` /
    ``verify-full``; every role that opens DATABASE_URL gets it as a file. Unset: the target's own
    (RDS's bundle of the stack's region; the Cloud SQL instance's server CA). Give it for a server
    signed by another CA (a brought PostgreSQL that is not RDS, a Cloud SQL instance with a
    customer-managed CA)."""


def _s3_bucket(v: str) -> str:
    """An S3 bucket name (Amazon S3 User Guide, "General purpose bucket naming rules"), which
    MinIO, R2 and Wasabi take alike."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", v) or ".." in v or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v):
        raise ValueError(
            f"'{v}' is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit. "
            "Fix: give the bucket's name as the store shows it, e.g. lago-files"
        )
    return v


def _endpoint(v: str) -> str:
    if not v.startswith(("https://", "http://")):
        raise ValueError(
            f"'{v}' is not a URL. Fix: give the store's S3 endpoint with its scheme, e.g. https://<account>.r2.cloudflarestorage.com"
        )
    url = _http_url(v)
    if "/" in url.split("://", 1)[1]:
        raise ValueError(f"'{v}' has a path. Fix: give the endpoint alone (scheme, host and port); the bucket is lago:storage.bucket")
    return url


class Storage(Section):
    """An S3-compatible object store you bring (MinIO, Cloudflare R2, Wasabi, your platform's), used
    for Lago's files on any target instead of the target's own (no S3 or GCS bucket is created,
    no local volume). Lago signs download links for ``endpoint`` and redirects the browser there:
    the containers and your users' browsers must both reach it."""

    endpoint: Annotated[str, AfterValidator(_endpoint)]
    """The store's S3 API endpoint (LAGO_AWS_S3_ENDPOINT), e.g. https://<account>.r2.cloudflarestorage.com."""
    bucket: Annotated[str, AfterValidator(_s3_bucket)]
    """The bucket Lago's files go in (LAGO_AWS_S3_BUCKET); it must exist."""
    region: NonEmpty = "us-east-1"
    """The store's region (LAGO_AWS_S3_REGION): ``auto`` for R2, the store's own for Wasabi; the AWS SDK
    needs one even where the store has none."""
    access_key_id: Secret
    """Access key id of a key that may read, write and delete in the bucket (LAGO_AWS_S3_ACCESS_KEY_ID);
    a ``secure:`` value."""
    secret_access_key: Secret
    """Its secret (LAGO_AWS_S3_SECRET_ACCESS_KEY); a ``secure:`` value."""
    path_style: bool = False
    """Address the bucket in the path (``endpoint/bucket/key``, LAGO_AWS_S3_PATH_STYLE) instead of the
    host name (``bucket.endpoint``): MinIO and stores without wildcard DNS need it."""


class Redis(Section):
    separate_cache: bool = False
    """A second Redis for the Rails cache (``allkeys-lru``), apart from the Sidekiq queue (``noeviction``)."""
    cache_pool_size: Optional[int] = Field(None, ge=1)
    """LAGO_REDIS_CACHE_POOL_SIZE, connections to the cache per process; unset, one per thread that
    may use it (the api's threads and their preview threads, a worker's Sidekiq concurrency), and
    Lago's 5 for the clock and migrations."""


class Api(Section):
    threads: int = Field(3, ge=1, le=64)
    """RAILS_MAX_THREADS: puma threads per process."""
    web_concurrency: int = Field(0, ge=0, le=16)
    """WEB_CONCURRENCY: puma worker processes (0 = single process)."""
    parallel_threads: int = Field(0, ge=0, le=16)
    """LAGO_PARALLEL_THREADS_COUNT: threads an invoice preview computes its charges in (0: one after
    another, Lago's default). Each holds a database connection of its own while the request's thread
    holds one, so the api's derived pool is ``threads × (1 + parallelThreads)``."""

    @property
    def connections_needed(self) -> int:
        """Connections one puma process may hold at once: each thread's, and its preview's threads'."""
        return self.threads * (1 + self.parallel_threads)


class RoleSize(Section):
    """How many of a role run and how big each is, in target-neutral units."""

    replicas: int = Field(1, ge=1, le=100)
    """How many run (the minimum when autoscaling)."""
    max_replicas: Optional[int] = Field(None, ge=1, le=100)
    """Autoscaling ceiling; equal to ``replicas`` means no autoscaling."""
    cpu: float = 0.5
    """vCPU of each; one of 0.25, 0.5, 1, 2, 4, 8."""
    memory: int = Field(1024, ge=256, le=32768, description="MiB")

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, v: float) -> float:
        if v not in CPU_SIZES:
            raise ValueError(f"{v} vCPU is not a size every target offers. Fix: use one of {', '.join(map(str, CPU_SIZES))}")
        return v

    @model_validator(mode="after")
    def _range(self) -> "RoleSize":
        if self.max_replicas is None:
            self.max_replicas = self.replicas
            keep_unset(self, "max_replicas")  # derived, not chosen
        if self.max_replicas < self.replicas:
            raise ValueError(
                f"maxReplicas ({self.max_replicas}) is below replicas ({self.replicas}). Fix: raise maxReplicas or lower replicas"
            )
        return self


class Roles(Section):
    api: RoleSize
    """The Rails api (web)."""
    worker: RoleSize
    """The default Sidekiq worker (every queue without a dedicated worker)."""
    clock: RoleSize
    """The scheduler; always exactly one."""
    front: RoleSize
    """The web front (static files behind nginx)."""
    pdf: RoleSize
    """Gotenberg, which renders invoices to PDF."""
    migrate: RoleSize
    """The migrations run once per release, before the release serves."""

    @field_validator("clock")
    @classmethod
    def _one_clock(cls, clock: RoleSize) -> RoleSize:
        if clock.replicas != 1 or clock.max_replicas != 1:
            raise ValueError(
                "the clock must run exactly once (a second clock enqueues every scheduled job twice). "
                "Fix: remove lago:roles.clock.replicas / maxReplicas or set both to 1"
            )
        return clock


class Workers(Section):
    concurrency: int = Field(10, ge=1, le=100)
    """SIDEKIQ_CONCURRENCY per worker process."""
    dedicated: dict[str, RoleSize] = {}
    """Dedicated workers by queue; each sets its ``SIDEKIQ_<QUEUE>`` flag on every backend role."""

    @field_validator("dedicated", mode="before")
    @classmethod
    def _list_or_map(cls, v: Any) -> Any:
        if isinstance(v, list):
            v = {str(q): {} for q in v}
        if isinstance(v, dict):
            for queue in v:
                if queue not in DEDICATED_QUEUES:
                    close = difflib.get_close_matches(str(queue), DEDICATED_QUEUES, n=1)
                    hint = f"did you mean '{close[0]}'? " if close else ""
                    raise ValueError(
                        f"'{queue}' is not a Lago queue with a dedicated worker. Fix: {hint}use one of {', '.join(DEDICATED_QUEUES)}"
                    )
        return v


class BroughtSecrets(Section):
    """Secrets the user brings instead of generated ones (e.g. when moving an existing Lago).
    Each must be a ``secure:`` value; unset ones are generated once and never change."""

    secret_key_base: Optional[Secret] = None
    """Rails SECRET_KEY_BASE; a ``secure:`` value."""
    rsa_private_key: Optional[Secret] = None
    """A PEM RSA private key, or base64 of one (as LAGO_RSA_PRIVATE_KEY takes it)."""
    encryption_primary_key: Optional[Secret] = None
    """Active Record encryption primary key (LAGO_ENCRYPTION_PRIMARY_KEY); a ``secure:`` value."""
    encryption_deterministic_key: Optional[Secret] = None
    """Active Record deterministic key (LAGO_ENCRYPTION_DETERMINISTIC_KEY); a ``secure:`` value."""
    encryption_key_derivation_salt: Optional[Secret] = None
    """Active Record key derivation salt (LAGO_ENCRYPTION_KEY_DERIVATION_SALT); a ``secure:`` value."""


class Protection(Section):
    """What keeps data alive through a mistaken ``pulumi destroy``."""

    deletion_protection: bool = False
    """The cloud's own deletion protection on databases."""
    protect: bool = False
    """Pulumi ``protect`` on data-bearing resources (databases, buckets, Redis)."""
    acknowledge_data_loss: bool = False
    """Needed to run a prod preset with either switch off."""


class LagoSettings(Section):
    """The whole ``lago:`` namespace of a stack."""

    target: Target
    """Where Lago runs: ``local`` (one Docker host), ``aws`` or ``gcp``."""
    preset: Preset = "dev"
    """``dev`` is cheap and quick; ``prod`` is durable and highly available. Every key left unset takes
    the preset's value."""
    runtime: Runtime = "managed"
    """``managed``: the target runs Lago's roles (ECS Fargate, Cloud Run, Docker). ``external``: the data
    tier only (database, Redis, storage, secrets); a runtime the platform owns (Lago's Helm chart on
    EKS or GKE, say) runs the roles from each role's environment, which the component exposes as
    ``role_environments`` with secrets as references into the cloud's secret store."""
    name: NonEmpty = Field("lago", pattern=r"^[a-z][a-z0-9-]{0,19}$")
    """Resource name prefix; child names derive from it and never change after the first up."""
    version: str = Field(DEFAULT_VERSION, pattern=r"^v\d+\.\d+\.\d+$")
    """Lago release tag of the api and front images (there is no ``latest``)."""
    images: Images = Images()
    """Image repositories of the api (also backend roles), front and pdf, for registries that mirror
    Lago's."""
    urls: Urls = Urls()
    """Public URLs, when a CDN or another proxy in front decides them; unset, each target derives them."""
    domain: Optional[Domain] = None
    """Hostnames the cloud targets serve with TLS (a certificate and DNS records for both); unset, the load
    balancer's own address over HTTP."""
    features: Features = Features()
    """Lago's on/off switches (sign-up, PDFs, wallet refresh, telemetry)."""
    smtp: Optional[Smtp] = None
    """Mail server for invitations and password resets; unset, Lago sends no mail."""
    google_auth: Optional[GoogleAuth] = None
    """Google sign-in for Lago's users; unset, e-mail and password only."""
    oauth_proxy_url: Annotated[str, AfterValidator(lambda v: root_url(v, "https://proxy.getlago.com"))] = "https://proxy.getlago.com"
    """Lago's OAuth proxy for integrations (LAGO_OAUTH_PROXY_URL)."""
    license: Optional[Secret] = None
    """Lago premium licence key (LAGO_LICENSE); a ``secure:`` value."""
    sentry: Optional[Sentry] = None
    """Error reporting to Sentry; unset, none."""
    superset: Optional[Superset] = None
    """Superset for Lago's analytics dashboards; unset, none."""
    organization: Optional[Organization] = None
    """The first organisation and its admin, seeded by the migrations; required when sign-up is closed."""
    webhook_attempts: int = Field(3, ge=1, le=25)
    """Delivery attempts per webhook before Lago gives up (LAGO_WEBHOOK_ATTEMPTS)."""
    database: Database = Database()
    """Lago's PostgreSQL database: names, version, pools, timeouts and TLS."""
    storage: Optional[Storage] = None
    """An S3-compatible store of your own for Lago's files, on any target; unset, the target's own (a
    local volume or MinIO, an S3 bucket, a GCS bucket)."""
    redis: Redis = Redis()
    """How Lago uses Redis: one for the Sidekiq queue, optionally a second for the Rails cache."""
    api: Api = Api()
    """The api's puma threads and processes."""
    workers: Workers = Workers()
    """Sidekiq concurrency and the dedicated workers."""
    roles: Roles
    """Replicas and size of each role; the preset sizes every role."""
    secrets: BroughtSecrets = BroughtSecrets()
    """Lago's own secrets brought from an existing deployment; unset ones are generated once."""
    protection: Protection = Protection()
    """What keeps data through a mistaken ``pulumi destroy``; both on in the prod preset."""
    tags: dict[str, str] = {}
    """Tags (AWS) or labels (GCP) on every resource that takes them, beside the ``lago-stack`` / ``lago-
    role`` ones the targets add; each target checks them against its cloud's rules.
    """
    alerts: Alerts = Alerts()
    """Where alarms are sent and their thresholds (cloud targets; switched by each target's
    ``baseline.alarms``).
    """
    env: dict[PlainVariable, str] = {}
    """Further Lago variables by name (plain); names owned by a typed key are refused, and so are values
    Lago cannot parse (``lago_infra/lago/values.py``)."""
    secret_env: dict[SecretVariable, Secret] = {}
    """Further Lago variables holding credentials; each must be a ``secure:`` value."""
    local: Optional[LocalSettings] = None
    """The local (Docker) target's own keys."""
    aws: Optional[AwsSettings] = None
    """The AWS target's own keys; the region is the provider's."""
    gcp: Optional[GcpSettings] = None
    """The GCP target's own keys; project and region are the provider's unless set here."""

    #: Where these settings were read (a stack file's path, a component's args), when
    #: ``config.validate`` read them; None when a program built them with the classes.
    _read_from: Any = PrivateAttr(default=None)

    def came_from(self, source: Any) -> "LagoSettings":
        """Record where the settings were read, for the messages of the checks a target runs on
        them later (a brought piece in another region, a name too long)."""
        self._read_from = source
        return self

    @property
    def read_from(self) -> Any:
        """The stack file (or component args) the settings were read from; None if built in Python."""
        return self._read_from

    @field_validator("env")
    @classmethod
    def _env_values(cls, env: dict[str, str]) -> dict[str, str]:
        problems = []
        for name, value in env.items():
            problem = value_problem(name, value)
            if problem:
                problems.append(((name,), *problem))
        if problems:
            raise Invalid(*problems)
        return env

    # -- presets ---------------------------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # Nested models built in Python count for the keys their author set, like a mapping.
        data = set_fields(data)
        preset = data.get("preset", "dev")
        target = data.get("target")
        # A list or mapping here is not hashable: leave it to the Literal checks to report.
        # One spelling per key before merging: a user's max_replicas must replace the preset's
        # maxReplicas, not sit beside it.
        data, _ = normalise(data, cls)
        if not isinstance(preset, str) or preset not in PRESETS:
            return data  # the Literal check reports it
        defaults = dict(PRESETS[preset])
        spec = TARGETS.get(target) if isinstance(target, str) else None
        if spec is not None:
            defaults[target] = spec.load("presets")[preset]
            # What the target's preset changes among the shared keys (a worker sized to its database).
            defaults = deep_merge(defaults, TARGET_SHARED_PRESETS.get(target, {}).get(preset, {}))
        return deep_merge(defaults, data)

    # -- cross-key rules -------------------------------------------------------------------------

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "LagoSettings":
        problems: list[tuple[tuple[str, ...], str, str]] = []
        for other in TARGET_SECTIONS:
            if other != self.target and getattr(self, other) is not None:
                problems.append(((other,), *wrong_target_section(other, self.target)))
        version = tuple(int(n) for n in self.version.lstrip("v").split("."))
        for where, names in (("env", self.env), ("secretEnv", self.secret_env)):
            for name in names:
                var = CATALOGUE[name]
                if var.ignored_by(version):
                    problems.append(
                        (
                            (where, name),
                            f"{var.versions_note}, and this stack runs Lago {self.version}, which ignores it",
                            f"remove lago:{where}.{name}, or set lago:version to a release that reads it",
                        )
                    )
        if self.runtime == "external" and self.target == "local":
            problems.append(
                (
                    ("runtime",),
                    "is external on the local target, which has no secret store to hand secrets over by reference",
                    "remove lago:runtime (the local target runs the roles itself), or deploy the data tier on aws or gcp",
                )
            )
        if self.features.sidekiq_web and self.target != "local":
            problems.append(
                (
                    ("features", "sidekiqWeb"),
                    "mounts an unauthenticated /sidekiq on the public api",
                    "remove lago:features.sidekiqWeb (it is only allowed on the local target)",
                )
            )
        if not self.features.signup and self.organization is None:
            problems.append(
                (
                    ("organization",),
                    "is not set while features.signup is false: with sign-up closed, the organisation seed "
                    "migrations run is the only way to a first admin (invitations need one)",
                    "set lago:organization.name and lago:organization.email, and the password with "
                    "`pulumi config set --secret --path lago:organization.password PASSWORD`",
                )
            )
        if self.preset == "prod" and not self.protection.acknowledge_data_loss:
            off = [
                k for k, on in (("deletionProtection", self.protection.deletion_protection), ("protect", self.protection.protect)) if not on
            ]
            for key in off:
                problems.append(
                    (
                        ("protection", key),
                        "is off on a prod stack, which loses data on a mistaken destroy",
                        "remove the override, or set lago:protection.acknowledgeDataLoss to true if this is intended",
                    )
                )
        pool, needed = self.database.pool, self.api.connections_needed
        if pool.web is not None and pool.web < needed:
            problems.append(
                (
                    ("database", "pool", "web"),
                    (
                        f"({pool.web}) is below api.threads ({needed})"
                        if not self.api.parallel_threads
                        else f"({pool.web}) is below what the api's threads hold at once ({needed}: api.threads x (1 + api.parallelThreads))"
                    )
                    + ": requests would wait for connections",
                    f"raise lago:database.pool.web to at least {needed} or remove it",
                )
            )
        if pool.worker is not None and pool.worker < self.workers.concurrency:
            problems.append(
                (
                    ("database", "pool", "worker"),
                    f"({pool.worker}) is below workers.concurrency ({self.workers.concurrency})",
                    f"raise lago:database.pool.worker to at least {self.workers.concurrency} or remove it",
                )
            )
        problems.extend(_database_tls_problems(self))
        problems.extend(_storage_problems(self))
        local = self.local if self.target == "local" else None
        if local is not None and local.front_port == local.api_port:
            problems.append(
                (
                    ("local", "apiPort"),
                    f"is the same host port as local.frontPort ({local.front_port}); the second container cannot bind it",
                    f"give the api another port, e.g. {3000 if local.front_port != 3000 else 3001}",
                )
            )
        if local is not None and local.storage == "minio" and local.minio_port in (local.front_port, local.api_port):
            taken = "apiPort" if local.minio_port == local.api_port else "frontPort"
            problems.append(
                (
                    ("local", "minioPort"),
                    f"is the same host port as local.{taken} ({local.minio_port}); the second container cannot bind it",
                    "give MinIO another port, e.g. 9000",
                )
            )
        # The chosen target's checks of the whole settings (sizes, tags, brought pieces), in the
        # same round as every key above.
        problems += _target_problems(self, (info.context or {}).get("provider") or {})
        if problems:
            raise Invalid(*problems)
        return self

    @property
    def target_settings(self):
        return getattr(self, self.target)

    @property
    def dedicated_queues(self) -> tuple[str, ...]:
        return tuple(q for q in DEDICATED_QUEUES if q in self.workers.dedicated)


#: Each target's checks of the whole settings, ``module:function`` returning a list of
#: ``Problem``s; the module is imported when its target is chosen.
TARGET_CHECKS = {name: spec.checks for name, spec in TARGETS.items()}


def _target_problems(settings: "LagoSettings", provider: dict[str, Any]) -> list:
    """The target's problems with ``settings``; ``provider`` holds the stack's provider keys
    (``aws:region`` ...) when a stack file is read, so brought pieces are compared with them in
    this round too (settings built in Python are compared by the component, with its provider)."""
    if getattr(settings, settings.target) is None:
        return []  # built without its section (model_construct): nothing of the target to check
    return TARGETS[settings.target].load("checks")(settings, provider)


def _database_tls_problems(s: "LagoSettings") -> list[tuple[tuple[str, ...], str, str]]:
    """lago:database.sslMode / sslRootCert that the stack's target cannot honour."""
    db, problems = s.database, []
    if s.target == "local":
        for key, value in (("sslMode", db.ssl_mode), ("sslRootCert", db.ssl_root_cert)):
            if value is not None:
                problems.append(
                    (
                        ("database", key),
                        "is set on the local target, whose PostgreSQL container serves no TLS: it is reached only inside the stack's own Docker network",
                        f"remove lago:database.{key}",
                    )
                )
        return problems
    if db.ssl_mode == "require" and db.ssl_root_cert is not None:
        problems.append(
            (
                ("database", "sslRootCert"),
                "is given while sslMode is require, which checks no certificate",
                "set lago:database.sslMode to verify-full (or verify-ca), or remove lago:database.sslRootCert",
            )
        )
    if s.target == "gcp" and db.ssl_mode == "verify-full":
        # https://cloud.google.com/sql/docs/postgres/authorize-ssl ("CA hierarchies") and
        # .../configure-ssl-instance: with the per-instance CA the server certificate names the
        # instance (PROJECT:INSTANCE), not the private IP the roles connect to; with the shared or
        # a customer-managed CA it names the instance's DNS name, resolvable only through a private
        # DNS zone. Google verifies the host by DNS name only, never by IP address.
        problems.append(
            (
                ("database", "sslMode"),
                "is verify-full on GCP, where the roles reach Cloud SQL by its private IP, which its server certificate does not name "
                "(Google's certificates name the instance, or its DNS name under the shared CA), so every connection would fail",
                "set lago:database.sslMode to verify-ca: with the per-instance CA lago-infra creates the instance with, a certificate that "
                "chains to the instance's own CA can only be that instance's",
            )
        )
    aws = s.aws if s.target == "aws" else None
    if aws is not None and aws.database.existing_url_secret_arn is not None and db.ssl_mode is not None:
        problems.append(
            (
                ("database", "sslMode"),
                "is set while lago:aws.database.existingUrlSecretArn brings the whole DATABASE_URL, whose sslmode is the platform's",
                f"remove lago:database.sslMode and put sslmode (and sslrootcert={database_ca_path()} with lago:database.sslRootCert) in the URL",
            )
        )
    return problems


def _storage_problems(s: "LagoSettings") -> list[tuple[tuple[str, ...], str, str]]:
    """lago:storage beside another store the stack was told to use."""
    if s.storage is None:
        return []
    if s.target == "local" and s.local is not None and s.local.storage == "minio":
        return [
            (
                ("local", "storage"),
                "is minio while lago:storage brings a store: Lago writes to one only",
                "remove lago:local.storage, or lago:storage",
            )
        ]
    if s.target == "gcp" and s.gcp is not None and s.gcp.storage.existing is not None:
        return [
            (
                ("gcp", "storage", "existing"),
                "brings a GCS bucket while lago:storage brings an S3-compatible store: Lago writes to one only",
                "remove lago:gcp.storage.existing, or lago:storage",
            )
        ]
    return []


_DEV_SIZE = {"replicas": 1, "cpu": 0.5, "memory": 1024}

#: What a target's preset changes among those keys, over ``PRESETS``, by target.
TARGET_SHARED_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    name: spec.load("shared_presets") for name, spec in TARGETS.items() if spec.shared_presets
}

#: What each preset changes for the target-neutral keys.
PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "roles": {
            "api": _DEV_SIZE,
            "worker": _DEV_SIZE,
            "clock": {"replicas": 1, "cpu": 0.25, "memory": 512},
            "front": {"replicas": 1, "cpu": 0.25, "memory": 512},
            "pdf": _DEV_SIZE,
            "migrate": _DEV_SIZE,
        },
        "redis": {"separateCache": False},
        "protection": {"deletionProtection": False, "protect": False},
    },
    "prod": {
        "roles": {
            "api": {"replicas": 2, "maxReplicas": 6, "cpu": 1, "memory": 2048},
            "worker": {"replicas": 2, "maxReplicas": 8, "cpu": 1, "memory": 2048},
            "clock": {"replicas": 1, "cpu": 0.5, "memory": 1024},
            "front": {"replicas": 2, "maxReplicas": 4, "cpu": 0.25, "memory": 512},
            "pdf": {"replicas": 2, "maxReplicas": 4, "cpu": 1, "memory": 2048},
            "migrate": {"replicas": 1, "cpu": 1, "memory": 2048},
        },
        # Lago's advice for production: split PDF rendering first, then webhooks, off the
        # default worker (each sets its SIDEKIQ_* flag on every backend role).
        "workers": {
            "dedicated": {
                "pdfs": {"replicas": 1, "maxReplicas": 2, "cpu": 0.5, "memory": 1024},
                "webhook": {"replicas": 1, "maxReplicas": 2, "cpu": 0.5, "memory": 1024},
            }
        },
        "redis": {"separateCache": True},
        "protection": {"deletionProtection": True, "protect": True},
    },
}


def _sections_follow_the_list_of_targets() -> None:
    """``Target`` and the typed target sections of ``LagoSettings`` say what the list of targets
    says: a target added to the list without its section (or the reverse) stops here, at import."""
    listed = tuple(TARGETS)
    problems = []
    if tuple(get_args(Target)) != listed:
        problems.append(f"Target is Literal{list(get_args(Target))}, the list of targets has {list(listed)}")
    for name, spec in TARGETS.items():
        field = LagoSettings.model_fields.get(name)
        wanted = Optional[spec.load("settings")]
        if field is None or field.annotation != wanted:
            shown = "no field" if field is None else f"a field of type {field.annotation}"
            problems.append(f"LagoSettings has {shown} for target '{name}', where the list of targets gives {wanted}")
    if problems:
        raise TypeError(
            "config.model and targets/registry.py disagree: "
            + "; ".join(problems)
            + ". Fix: give every target of the list its value in Target and its section in LagoSettings "
            "(`<name>: Optional[<Name>Settings] = None`, documented), and nothing else"
        )


_sections_follow_the_list_of_targets()
