"""The catalogue of Lago's processes: one image, several roles.

This module and its siblings in ``lago_infra.lago`` are the only place that knows Lago. Targets ask
it what to run (image, command, port, health check, how many) and never spell a Lago command
themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Optional

from . import migrate

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

#: lago-api's ``config/database.yml`` (production) opens, in every Rails process, pools each sized
#: ``DATABASE_POOL``: ``primary`` and ``events`` (``EventsRecord``, since v0.49.0-beta) up to
#: v1.51.0; the releases after it add ``direct`` (getlago/lago-api#6029, on main), which stays on
#: ``DATABASE_URL`` even when the other two go through a proxy.
LAST_TWO_POOL_VERSION = (1, 51, 0)


def connection_pools(version: Optional[str]) -> int:
    """Pools per Rails process for Lago ``version`` (``v1.51.0``); a version that cannot be read
    (a digest, a branch) counts as the newest."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)", version or "")
    if match and tuple(int(n) for n in match.groups()) <= LAST_TWO_POOL_VERSION:
        return 2
    return 3


def image_version(image: str) -> Optional[str]:
    """The tag of an image reference (``getlago/api:v1.51.0`` -> ``v1.51.0``), None without one."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else None


#: Path prefixes of the api that no public edge may serve (the path itself and everything below
#: it). lago-api mounts an unauthenticated Prometheus exporter at ``/metrics``, always
#: (config/routes.rb); ``/sidekiq`` is Sidekiq's dashboard when ``LAGO_SIDEKIQ_WEB=true``
#: (unauthenticated: it retries and deletes jobs). Scrape ``/metrics`` from inside the network,
#: on the api's port, never through the edge.
PRIVATE_API_PATHS: tuple[str, ...] = ("/metrics", "/sidekiq")

#: What must run where the database offers pg_partman. lago-api's migrations
#: (``SetupPartman``, ``PartitionEnrichedEvents``, v1.51.0) create the extension in schema
#: ``partman`` when ``pg_available_extensions`` lists it and partition ``enriched_events`` monthly,
#: three months ahead. Something must then call this regularly (hourly is plenty), or rows past
#: the last premade month pile into the default partition. The migrate role's wrapper
#: (``migrate.sh``) schedules it hourly with pg_cron on every runtime, where the server loads
#: pg_cron for Lago's database (Cloud SQL: ``cloudsql.enable_pg_cron=on`` and
#: ``cron.database_name``; RDS: ``pg_cron`` in ``shared_preload_libraries`` and
#: ``cron.database_name``). A PostgreSQL without pg_partman (the official image, the local target):
#: the migrations skip partitioning and nothing needs to run.
PG_PARTMAN_MAINTENANCE = "CALL partman.run_maintenance_proc()"

#: Where the Rails image writes at run time (read-only root filesystems need these writable):
#: ``/app/tmp`` for bootsnap's cache (config/boot.rb) and puma's pid file (start.api.sh), ``/tmp``
#: for Ruby's Tempfile (exports, PDFs) and the Prometheus exporter's files (config/initializers/yabeda.rb).
#: Without S3/GCS, files also go to ``/app/storage`` (DISK_STORAGE_PATH), which targets add themselves.
RAILS_WRITABLE_PATHS = ("/app/tmp", "/tmp")
DISK_STORAGE_PATH = "/app/storage"

#: Where every role that opens DATABASE_URL finds the CA certificates that sign the PostgreSQL
#: server's certificate (``sslrootcert`` in the URL). Lago's images ship no such file, so the
#: targets deliver it there, each its own way, without a custom image
#: (``environment.RoleDeployment.files``). A directory of its own: runtimes mount it whole.
DATABASE_CA_DIR = "/lago-tls"
DATABASE_CA_FILE = "postgres-ca.pem"


def database_ca_path() -> str:
    """The CA file's path inside every container that opens DATABASE_URL."""
    return f"{DATABASE_CA_DIR}/{DATABASE_CA_FILE}"


# -- shutdown --------------------------------------------------------------------------------------
#
# A runtime that stops a container sends SIGTERM, waits its kill grace, then SIGKILL. What each
# process does in between, and so how long it needs, is Lago's; the grace is the target's.

#: Sidekiq's shutdown timeout: ``timeout: 25`` in every ``config/sidekiq/*.yml`` a start script
#: loads (lago-api v1.51.0 and main). On SIGTERM Sidekiq (open source, no super_fetch) stops
#: fetching, lets running jobs finish for this long, then pushes the unfinished ones back to Redis
#: and exits. Killed before that, those jobs are lost. ``-t N`` on the command line overrides the
#: file (sidekiq/sidekiq ``lib/sidekiq/cli.rb``, ``setup_options``: the file's options are merged
#: under the command line's); no variable or ERB in Lago's files sets it.
SIDEKIQ_TIMEOUT_S = 25
#: What Sidekiq needs after its timeout: push the unfinished jobs back, run its shutdown hooks and
#: exit. Its own default leaves 5 s (25 s under the 30 s Heroku gives, as ``cli.rb`` says).
SIDEKIQ_EXIT_S = 5
#: The shortest shutdown timeout worth running: below it a target's grace is too short for Sidekiq.
SIDEKIQ_TIMEOUT_MIN_S = 1
#: Puma (config/puma.rb, v1.51.0): on SIGTERM it closes its listener and finishes the requests in
#: flight, then Rails runs its exit hooks (the Karafka producer's close). The edge stops routing
#: to an instance before its runtime signals it (the ALB's deregistration delay, Cloud Run), so
#: only requests already in flight remain: seconds allowed for them and the exit.
PUMA_EXIT_S = 3
#: Clustered puma (WEB_CONCURRENCY >= 1): each worker first sleeps 5 s in ``before_worker_shutdown``
#: ("let k8s remove from endpoints"), config/puma.rb.
PUMA_WORKER_SHUTDOWN_SLEEP_S = 5
#: The clock (clockwork) exits on SIGTERM at once: an enqueue is one Redis command.
CLOCK_EXIT_S = 3


class Stop(str, Enum):
    """How a role stops on SIGTERM, which decides its shutdown need (``LagoDeployment.shutdown_need``)."""

    #: Sidekiq: the shutdown timeout, then the unfinished jobs go back to Redis.
    SIDEKIQ = "sidekiq"
    #: Puma: finish the requests in flight.
    PUMA = "puma"
    #: Exits at once, nothing in flight worth waiting for (the clock).
    PROMPT = "prompt"
    #: Holds no job: a request cut short fails to its caller, which retries (the browser; the
    #: Sidekiq job that asked for a PDF). Or runs to completion (migrate), stopped by no rollout.
    NONE = "none"


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


class Probe(str, Enum):
    """The HTTP client a health command runs, chosen per image from what the image ships:

    * ``curl``: the api image installs it (lago-api's Dockerfile, runtime stage: ``apt install ...
      curl``), so the api, the workers and the clock have it.
    * ``wget``: the front image is ``nginx:1.27-alpine`` (lago-front's Dockerfile), whose busybox
      provides ``wget``; curl there is not something we can show.
    * ``python3``: the pdf image is Gotenberg's image with Lago's fonts; Gotenberg installs
      ``python3`` for LibreOffice's unoconverter, while curl appears only in its build stages.
    """

    CURL = "curl"
    WGET = "wget"
    PYTHON = "python3"


@dataclass(frozen=True)
class HealthCheck:
    """An HTTP probe: the path answered on ``port``. Targets that probe over the network (load
    balancers, Cloud Run) use ``path`` and ``port``; targets that run a command inside the
    container (ECS container health checks, Docker) use ``exec_command()``."""

    path: str
    port: int
    #: Seconds before failures count, for slow Rails boots.
    start_period: int = 60
    #: Seconds of consecutive failure a target tolerates before it acts (takes the instance out
    #: of traffic for a readiness check, restarts it for a liveness check). Targets derive their
    #: retry counts from it, so a probe that touches Redis rides out a failover.
    failure_window: int = 45
    #: The client the role's own image ships (see ``Probe``).
    probe: Probe = Probe.CURL

    @property
    def url(self) -> str:
        # 127.0.0.1, not localhost: nginx and Sidekiq's liveness server listen on IPv4, and
        # busybox wget tries only the first address localhost resolves to.
        return f"http://127.0.0.1:{self.port}{self.path}"

    def exec_command(self) -> list[str]:
        """The probe as an exec-form command (no shell), exiting non-zero unless the answer is
        2xx. Targets prefix it with ``CMD`` where their API wants that."""
        if self.probe is Probe.CURL:
            return ["curl", "-fsS", "-o", "/dev/null", "--max-time", "4", self.url]
        if self.probe is Probe.WGET:
            return ["wget", "-q", "-O", "/dev/null", "-T", "4", self.url]
        # urlopen raises on anything but 2xx/3xx, which makes the interpreter exit 1.
        return ["python3", "-c", f"import urllib.request; urllib.request.urlopen({self.url!r}, timeout=4)"]


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
    #: How it stops on SIGTERM (its shutdown need).
    stop: Stop = Stop.NONE
    #: Sidekiq roles: the config file its start script loads (for a command with ``-t``).
    sidekiq_config: Optional[str] = None

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
    # db:create if needed, db:migrate, roles:seed_predefined, optional organisation seed, inside
    # the wrapper that waits for the database first and schedules pg_partman's maintenance after
    # (``migrate.sh``). The image default (start.sh) migrates on every boot and skips the role
    # seed: never used here.
    command=migrate.command(("./scripts/migrate.sh",)),
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
    # /health runs SQL: ready to serve. /ready touches neither database nor Redis: it answers 503
    # only while a clustered puma (WEB_CONCURRENCY >= 1) shuts down, and with the default 0 it
    # always answers 200 once puma listens. So it says "the process is alive", nothing more.
    readiness=HealthCheck(path="/health", port=API_PORT, start_period=60),
    liveness=HealthCheck(path="/ready", port=API_PORT, start_period=60),
    public=True,
    writable_paths=RAILS_WRITABLE_PATHS,
    stop=Stop.PUMA,
)
WORKER = Role(
    name="worker",
    image=Image.API,
    # `exec bundle exec sidekiq -C config/sidekiq/sidekiq.yml`
    command=("./scripts/start.worker.sh",),
    tier=Tier.WORKER,
    # Sidekiq's liveness server pings Redis on every request: the window rides out a failover.
    liveness=HealthCheck(path="/", port=WORKER_LIVENESS_PORT, start_period=60, failure_window=180),
    writable_paths=RAILS_WRITABLE_PATHS,
    stop=Stop.SIDEKIQ,
    sidekiq_config="config/sidekiq/sidekiq.yml",
)
CLOCK = Role(
    name="clock",
    image=Image.API,
    command=("./scripts/start.clock.sh",),
    tier=Tier.CLOCK,
    singleton=True,
    writable_paths=RAILS_WRITABLE_PATHS,
    stop=Stop.PROMPT,
)
FRONT = Role(
    name="front",
    image=Image.FRONT,
    command=(),
    tier=Tier.NONE,
    port=FRONT_PORT,
    readiness=HealthCheck(path="/", port=FRONT_PORT, start_period=10, probe=Probe.WGET),
    liveness=HealthCheck(path="/", port=FRONT_PORT, start_period=10, probe=Probe.WGET),
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
    readiness=HealthCheck(path="/health", port=PDF_PORT, start_period=10, probe=Probe.PYTHON),
    liveness=HealthCheck(path="/health", port=PDF_PORT, start_period=10, probe=Probe.PYTHON),
)


def dedicated_worker(queue: str) -> Role:
    """The worker that drains one dedicated queue, e.g. ``worker-pdfs``."""
    if queue not in DEDICATED_QUEUES:
        raise ValueError(f"unknown dedicated queue {queue!r}; known: {', '.join(DEDICATED_QUEUES)}")
    return Role(
        name=f"worker-{queue.replace('_', '-')}",
        image=Image.API,
        # Each is `exec bundle exec sidekiq -C config/sidekiq/sidekiq_<queue>.yml` (v1.51.0).
        command=(f"./scripts/start.{queue}.worker.sh",),
        tier=Tier.WORKER,
        liveness=WORKER.liveness,
        queue=queue,
        writable_paths=WORKER.writable_paths,
        stop=Stop.SIDEKIQ,
        sidekiq_config=f"config/sidekiq/sidekiq_{queue}.yml",
    )


def sidekiq_timeout(max_grace: Optional[int]) -> int:
    """Sidekiq's shutdown timeout under a runtime that kills at most ``max_grace`` seconds after
    SIGTERM (None: the runtime's grace can be set as long as needed): Lago's own 25 s where it
    fits with Sidekiq's exit, else what does."""
    if max_grace is None:
        return SIDEKIQ_TIMEOUT_S
    timeout = min(SIDEKIQ_TIMEOUT_S, max_grace - SIDEKIQ_EXIT_S)
    if timeout < SIDEKIQ_TIMEOUT_MIN_S:
        raise ValueError(f"a kill grace of {max_grace}s leaves Sidekiq no time to push unfinished jobs back ({SIDEKIQ_EXIT_S}s)")
    return timeout


def sidekiq_command(role: Role, timeout: int) -> tuple[str, ...]:
    """The role's command: its start script under Lago's own timeout, else what the script runs
    (``exec bundle exec sidekiq -C <file>``) with ``-t``."""
    if role.sidekiq_config is None or timeout == SIDEKIQ_TIMEOUT_S:
        return role.command
    return ("bundle", "exec", "sidekiq", "-C", role.sidekiq_config, "-t", str(timeout))


def sidekiq_flag(queue: str) -> str:
    """The routing variable for a dedicated queue, e.g. ``SIDEKIQ_AI_AGENT``."""
    return f"SIDEKIQ_{queue.upper()}"


def roles_for(dedicated_queues: tuple[str, ...] | list[str]) -> list[Role]:
    """Every role a deployment runs, migrate first, in a stable order."""
    ordered = [q for q in DEDICATED_QUEUES if q in set(dedicated_queues)]
    return [MIGRATE, API, WORKER, *[dedicated_worker(q) for q in ordered], CLOCK, FRONT, PDF]
