"""The catalogue of Lago's processes: one image, several roles.

This module and its siblings in ``lago_infra.lago`` are the only place that knows Lago. Targets ask
it what to run (image, command, port, health check, how many) and never spell a Lago command
themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

#: Queues that Lago can route to a dedicated Sidekiq worker. Each one has a start script
#: ``./scripts/start.<queue>.worker.sh`` and a routing flag ``SIDEKIQ_<QUEUE>`` (lago-api).
DEDICATED_QUEUES: tuple[str, ...] = (
    "events",
    "pdfs",
    "billing",
    "clock",
    "webhook",
    "analytics",
    "payments",
    "alerts",
    "wallets",
    "ai_agent",
)

API_PORT = 3000
FRONT_PORT = 80
PDF_PORT = 3000
#: Sidekiq's liveness server (config/initializers/sidekiq.rb): ``GET /`` answers 200 once Redis pings.
WORKER_LIVENESS_PORT = 8080

#: ``config/database.yml`` opens two pools per process (``primary`` and ``events``), both sized
#: ``DATABASE_POOL`` and both on ``DATABASE_URL``: the worst case is twice the pool per process.
CONNECTION_POOLS_PER_PROCESS = 2

#: Where the Rails image writes at run time (read-only root filesystems need these writable):
#: ``/app/tmp`` for bootsnap's cache (config/boot.rb) and puma's pid file (start.api.sh), ``/tmp``
#: for Ruby's Tempfile (exports, PDFs) and the Prometheus exporter's files (config/initializers/yabeda.rb).
#: Without S3/GCS, files also go to ``/app/storage`` (DISK_STORAGE_PATH), which targets add themselves.
RAILS_WRITABLE_PATHS = ("/app/tmp", "/tmp")
DISK_STORAGE_PATH = "/app/storage"

DEFAULT_VERSION = "v1.51.0"
DEFAULT_API_IMAGE = "getlago/api"
DEFAULT_FRONT_IMAGE = "getlago/front"
DEFAULT_PDF_IMAGE = "getlago/lago-gotenberg:8.15"


class Image(str, Enum):
    API = "api"
    FRONT = "front"
    PDF = "pdf"


class Tier(str, Enum):
    """Who a role's database connections and timeouts are tuned for."""

    WEB = "web"
    WORKER = "worker"
    CLOCK = "clock"
    MIGRATE = "migrate"
    NONE = "none"


@dataclass(frozen=True)
class HealthCheck:
    """An HTTP probe: the path answered on ``port``."""

    path: str
    port: int
    #: Seconds before failures count, for slow Rails boots.
    start_period: int = 60
    #: Seconds of consecutive failure a target tolerates before it acts (takes the instance out
    #: of traffic for a readiness check, restarts it for a liveness check). Targets derive their
    #: retry counts from it, so a probe that touches Redis rides out a failover.
    failure_window: int = 45


@dataclass(frozen=True)
class Role:
    """One Lago process kind."""

    name: str
    image: Image
    #: The container command; empty means the image's own default.
    command: tuple[str, ...]
    tier: Tier
    #: Port it serves on, if any.
    port: Optional[int] = None
    #: May this instance take traffic? For load-balancer target health and startup probes. It may
    #: depend on the database (the api's ``/health`` runs SQL), so it must never restart anything.
    readiness: Optional[HealthCheck] = None
    #: Should this process be restarted? For container health checks and liveness probes. It
    #: never depends on the database, so a failover does not replace every instance.
    liveness: Optional[HealthCheck] = None
    #: Runs to completion once per release (migrations) instead of serving.
    one_shot: bool = False
    #: Exactly one may ever run (the clock would enqueue every scheduled job twice).
    singleton: bool = False
    #: Reachable from browsers (through the target's edge).
    public: bool = False
    #: Dedicated queue this worker drains, for dedicated workers only.
    queue: Optional[str] = None
    #: Paths the process writes at run time, for targets that mount the root filesystem read-only
    #: (each path gets an empty writable volume, hiding what the image has there). None: the root
    #: must stay writable — the front writes env-config.js into the web root that holds the app
    #: itself; Gotenberg runs as a non-root user and Chromium writes under its home directory.
    writable_paths: Optional[tuple[str, ...]] = None

    @property
    def health(self) -> Optional[HealthCheck]:
        """Readiness, else liveness: for code not yet told one from the other (targets move to
        ``readiness`` / ``liveness``; this goes once none reads it)."""
        return self.readiness or self.liveness

    @property
    def backend(self) -> bool:
        """Runs Lago's Rails code and so needs the backend environment."""
        return self.image is Image.API

    @property
    def autoscaled(self) -> bool:
        return not (self.one_shot or self.singleton)


MIGRATE = Role(
    name="migrate",
    image=Image.API,
    # db:create if needed, db:migrate, roles:seed_predefined, optional organisation seed.
    # The image default (start.sh) migrates on every boot and skips the role seed: never used here.
    command=("./scripts/migrate.sh",),
    tier=Tier.MIGRATE,
    one_shot=True,
    writable_paths=RAILS_WRITABLE_PATHS,
)
API = Role(
    name="api",
    image=Image.API,
    command=("./scripts/start.api.sh",),
    tier=Tier.WEB,
    port=API_PORT,
    # /health runs SQL: ready to serve. /ready touches no database (with WEB_CONCURRENCY=0 it
    # always answers 200): the process is alive.
    readiness=HealthCheck(path="/health", port=API_PORT, start_period=60),
    liveness=HealthCheck(path="/ready", port=API_PORT, start_period=60),
    public=True,
    writable_paths=RAILS_WRITABLE_PATHS,
)
WORKER = Role(
    name="worker",
    image=Image.API,
    command=("./scripts/start.worker.sh",),
    tier=Tier.WORKER,
    # Sidekiq's liveness server pings Redis on every request: the window rides out a failover.
    liveness=HealthCheck(path="/", port=WORKER_LIVENESS_PORT, start_period=60, failure_window=180),
    writable_paths=RAILS_WRITABLE_PATHS,
)
CLOCK = Role(
    name="clock",
    image=Image.API,
    command=("./scripts/start.clock.sh",),
    tier=Tier.CLOCK,
    singleton=True,
    writable_paths=RAILS_WRITABLE_PATHS,
)
FRONT = Role(
    name="front",
    image=Image.FRONT,
    command=(),
    tier=Tier.NONE,
    port=FRONT_PORT,
    readiness=HealthCheck(path="/", port=FRONT_PORT, start_period=10),
    liveness=HealthCheck(path="/", port=FRONT_PORT, start_period=10),
    public=True,
)
PDF = Role(
    name="pdf",
    image=Image.PDF,
    # Lago's own hardening of Gotenberg: no office conversions, no JavaScript in rendered pages.
    command=(
        "gotenberg",
        "--libreoffice-disable-routes=true",
        "--chromium-disable-javascript=true",
        "--api-timeout=300s",
    ),
    tier=Tier.NONE,
    port=PDF_PORT,
    readiness=HealthCheck(path="/health", port=PDF_PORT, start_period=10),
    liveness=HealthCheck(path="/health", port=PDF_PORT, start_period=10),
)


def dedicated_worker(queue: str) -> Role:
    """The worker that drains one dedicated queue, e.g. ``worker-pdfs``."""
    if queue not in DEDICATED_QUEUES:
        raise ValueError(f"unknown dedicated queue {queue!r}; known: {', '.join(DEDICATED_QUEUES)}")
    return Role(
        name=f"worker-{queue.replace('_', '-')}",
        image=Image.API,
        command=(f"./scripts/start.{queue}.worker.sh",),
        tier=Tier.WORKER,
        liveness=WORKER.liveness,
        queue=queue,
        writable_paths=WORKER.writable_paths,
    )


def sidekiq_flag(queue: str) -> str:
    """The routing variable for a dedicated queue, e.g. ``SIDEKIQ_AI_AGENT``."""
    return f"SIDEKIQ_{queue.upper()}"


def roles_for(dedicated_queues: tuple[str, ...] | list[str]) -> list[Role]:
    """Every role a deployment runs, migrate first, in a stable order."""
    ordered = [q for q in DEDICATED_QUEUES if q in set(dedicated_queues)]
    return [MIGRATE, API, WORKER, *[dedicated_worker(q) for q in ordered], CLOCK, FRONT, PDF]
