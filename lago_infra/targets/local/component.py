"""Lago on one Docker host: Postgres and Redis containers, Lago's roles, storage on a volume."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_docker as docker
import pulumi_random as random

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import DatabaseEndpoint, DiskStorage, Endpoints, LagoDeployment, RedisEndpoint, RoleDeployment
from ...lago.roles import API_PORT, FRONT_PORT, PDF_PORT
from ...secrets import LagoSecrets
from ..base import LagoTarget, component_props, kill_grace, target_init
from .settings import LocalSettings

__all__ = ["LagoDocker"]

_STORAGE_PATH = "/app/storage"
#: Seconds ``docker stop`` waits between SIGTERM and SIGKILL unless told otherwise
#: (https://docs.docker.com/reference/cli/docker/container/stop/). The provider's delete stops a
#: container only when ``destroy_grace_seconds`` is set, and otherwise removes it by force
#: (kreuzwerker/terraform-provider-docker, internal/provider/resource_docker_container_funcs.go,
#: ``resourceDockerContainerDelete``).
DOCKER_STOP_TIMEOUT_DEFAULT = 10
#: Seconds Postgres and Redis get to shut down cleanly when stopped or replaced.
DATA_STOP_GRACE_S = 30
#: The cache Redis's memory ceiling on a Docker host: past it, the least recently used keys go.
CACHE_MAXMEMORY = "256mb"


class LagoDocker(LagoTarget):
    """Lago on a Docker host, the way Lago's own compose file runs it, with generated secrets,
    no database or Redis port on the host, and migrations finished before anything serves."""

    network_id: pulumi.Output[str]
    """The Docker network every container joins: the one created, or ``lago:local.existingNetwork``."""

    @target_init(
        "Docker",
        "local",
        """
        front_url: where the browser opens Lago (``http://localhost:<frontPort>``).
        api_url: the api on ``http://localhost:<apiPort>``.
        deployment: every role with its image, command, size and environment.
        network_id: the Docker network every container joins.
        exports(): the stack outputs (the two URLs and the target).
        """,
    )
    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:local:LagoDocker", name, component_props(settings), opts)
        local: LocalSettings = settings.local or LocalSettings()
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        self._images: dict[str, docker.RemoteImage] = {}

        if local.existing_network is None:
            network_id: pulumi.Output[str] = docker.Network(f"{name}-network", name=f"{name}-network", driver="bridge", opts=self._child).id
        else:
            network_id = pulumi.Output.from_input(local.existing_network)
        self._network_id = network_id
        self._shared_network = local.existing_network is not None
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=self._child, protect=settings.protection.protect)

        # Protected with the data they unlock: Postgres takes its password only when it first
        # initialises the volume, so a regenerated one would lock Lago out of its own database.
        db_password = random.RandomPassword(f"{name}-db-password", length=32, special=False, opts=self._data_opts(settings))
        redis_password = random.RandomPassword(f"{name}-redis-password", length=32, special=False, opts=self._data_opts(settings))
        postgres = self._postgres(settings, local, db_password.result)
        redis = self._redis(settings, local, redis_password.result)
        # lago:redis.separateCache: a second Redis for the Rails cache, evicting the least recently
        # used keys, so a full cache never refuses the queue's writes.
        cache = self._redis(settings, local, redis_password.result, cache=True) if settings.redis.separate_cache else None
        storage = docker.Volume(f"{name}-storage", name=f"{name}-storage", opts=self._data_opts(settings))

        front_url = settings.urls.front or urls.http_url("http", "localhost", local.front_port)
        api_url = settings.urls.api or urls.http_url("http", "localhost", local.api_port)
        endpoints = Endpoints(
            database=DatabaseEndpoint(
                host=self._host("db"), port=5432, user=settings.database.user, password=db_password.result, name=settings.database.name
            ),
            # Inside the private Docker network: TLS would only add certificates to manage.
            # ActionCable shares the queue Redis, and so does the cache (on its own database)
            # unless it has its own.
            queue=RedisEndpoint(host=self._host("redis"), port=6379, tls=False, password=redis_password.result),
            cache=RedisEndpoint(host=self._host("redis-cache"), port=6379, tls=False, password=redis_password.result) if cache else None,
            storage=DiskStorage(),
            api_url=api_url,
            front_url=front_url,
            pdf_url=urls.http_url("http", self._host("pdf"), PDF_PORT),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values, component=self)
        backing = [postgres, redis, *([cache] if cache else [])]
        volumes = [docker.ContainerVolumeArgs(volume_name=storage.name, container_path=_STORAGE_PATH)]

        pdf = self._run(self.deployment.role("pdf"), depends_on=[])
        migrate = self._migrate(self.deployment.role("migrate"), backing)
        # Checked by the engine before api, workers and clock are created: a failed migration
        # stops the update instead of starting a release on a half-migrated schema.
        migrated = migrate.exit_code.apply(_require_success)
        api = self._run(
            self.deployment.role("api"),
            depends_on=[migrate, *backing, *pdf],
            volumes=volumes,
            ports=[(local.bind_address, local.api_port, API_PORT)],
            migrated=migrated,
        )
        for rd in self.deployment.serving:
            if rd.role.backend and rd.name != "api":
                self._run(rd, depends_on=[migrate, *backing, *pdf], volumes=volumes, migrated=migrated)
        self._run(
            self.deployment.role("front"),
            depends_on=api,
            ports=[(local.bind_address, local.front_port, FRONT_PORT)],
        )

        self.front_url = pulumi.Output.from_input(front_url)
        self.api_url = pulumi.Output.from_input(api_url)
        self.network_id = network_id
        # No secret store on one Docker host: the roles' secrets live in their containers only.
        self.role_environments = None
        self.register_outputs({"front_url": self.front_url, "api_url": self.api_url, "network_id": self.network_id})

    def exports(self) -> dict[str, pulumi.Input]:
        return {"front_url": self.front_url, "api_url": self.api_url, "target": "local"}

    # -- backing services ------------------------------------------------------------------------

    def _host(self, alias: str) -> str:
        """The name a container answers to: on a network of its own, the short one of Lago's
        compose file; on a shared one, prefixed so no platform container's name is shadowed."""
        return f"{self._name}-{alias}" if self._shared_network else alias

    def _data_opts(self, settings: LagoSettings) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, protect=settings.protection.protect)

    def _image(self, ref: str) -> docker.RemoteImage:
        """One pull per image reference, shared by every container that runs it."""
        if ref not in self._images:
            key = ref.replace("/", "-").replace(":", "-").replace(".", "-")
            # keep_locally: other stacks on the host may use the same image.
            self._images[ref] = docker.RemoteImage(f"{self._name}-image-{key}", name=ref, keep_locally=True, opts=self._child)
        return self._images[ref]

    def _postgres(self, settings: LagoSettings, local: LocalSettings, password: pulumi.Output[str]) -> docker.Container:
        name, db = self._name, settings.database
        data = docker.Volume(f"{name}-postgres-data", name=f"{name}-postgres-data", opts=self._data_opts(settings))
        # The official image has no pg_partman, so Lago's migrations leave enriched_events
        # unpartitioned and no maintenance job is needed (roles.PG_PARTMAN_MAINTENANCE). An image
        # in lago:local.postgresImage that ships pg_partman must bring its own maintenance.
        image = local.postgres_image or f"postgres:{db.version}-alpine"
        return docker.Container(
            f"{name}-postgres",
            name=f"{name}-postgres",
            image=self._image(image).image_id,
            envs=[
                f"POSTGRES_DB={db.name}",
                f"POSTGRES_USER={db.user}",
                pulumi.Output.concat("POSTGRES_PASSWORD=", password),
                "PGDATA=/var/lib/postgresql/data/pgdata",
            ],
            volumes=[docker.ContainerVolumeArgs(volume_name=data.name, container_path="/var/lib/postgresql/data")],
            healthcheck=_healthcheck(["CMD-SHELL", f"pg_isready -U {db.user} -d {db.name} -h localhost"], start="10s"),
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id, aliases=[self._host("db")])],
            restart="unless-stopped",
            # A clean shutdown (a checkpoint) when stopped or replaced, rather than a forced kill.
            stop_timeout=DATA_STOP_GRACE_S,
            destroy_grace_seconds=DATA_STOP_GRACE_S,
            wait=True,
            wait_timeout=120,
            opts=self._child,
        )

    def _redis(self, settings: LagoSettings, local: LocalSettings, password: pulumi.Output[str], cache: bool = False) -> docker.Container:
        """The queue Redis (append-only, ``noeviction``: jobs not yet run are data too), or with
        ``cache`` the cache Redis (nothing on disk, ``allkeys-lru`` within ``CACHE_MAXMEMORY``)."""
        name = f"{self._name}-redis-cache" if cache else f"{self._name}-redis"
        volumes = []
        if not cache:
            data = docker.Volume(f"{name}-data", name=f"{name}-data", opts=self._data_opts(settings))
            volumes = [docker.ContainerVolumeArgs(volume_name=data.name, container_path="/data")]
        # The password reaches redis-server through the environment, not its command line, so
        # it never shows in `docker inspect` args or `ps`.
        policy = f"--save '' --appendonly no --maxmemory {CACHE_MAXMEMORY} --maxmemory-policy allkeys-lru" if cache else "--appendonly yes --maxmemory-policy noeviction"
        serve = f'exec redis-server {policy} --requirepass "$REDIS_PASSWORD"'
        return docker.Container(
            name,
            name=name,
            image=self._image(local.redis_image).image_id,
            command=["sh", "-c", serve],
            envs=[pulumi.Output.concat("REDIS_PASSWORD=", password)],
            volumes=volumes,
            healthcheck=_healthcheck(["CMD-SHELL", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping | grep -q PONG'], start="5s"),
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id, aliases=[self._host("redis-cache" if cache else "redis")])],
            restart="unless-stopped",
            # Redis writes its append-only file out on SIGTERM; a forced kill loses the last
            # second of enqueued jobs.
            stop_timeout=DATA_STOP_GRACE_S,
            destroy_grace_seconds=DATA_STOP_GRACE_S,
            wait=True,
            wait_timeout=60,
            opts=self._child,
        )

    # -- Lago's roles ----------------------------------------------------------------------------

    def _migrate(self, rd: RoleDeployment, backing: Sequence[pulumi.Resource]) -> docker.Container:
        # attach: the engine waits for the container to exit and records its exit code. A new
        # image tag replaces the container, so every release migrates exactly once.
        return docker.Container(
            f"{self._name}-{rd.name}",
            name=f"{self._name}-{rd.name}",
            image=self._image(rd.image).image_id,
            command=rd.command,
            envs=_envs(rd),
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id)],
            attach=True,
            logs=True,
            must_run=False,
            restart="no",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(backing)),
        )

    def _run(
        self,
        rd: RoleDeployment,
        depends_on,
        volumes: Sequence[docker.ContainerVolumeArgs] = (),
        ports: Sequence[tuple[str, int, int]] = (),
        migrated: Optional[pulumi.Output[str]] = None,
    ) -> list[docker.Container]:
        """The role's containers: one where it publishes a host port, else ``replicas`` of them
        (Docker's network alias then spreads calls over them)."""
        count = 1 if ports else rd.min_replicas
        image = self._image(rd.image).image_id
        labels = [docker.ContainerLabelArgs(label="lago.role", value=rd.name)]
        if migrated is not None:
            labels.append(docker.ContainerLabelArgs(label="lago.migrated", value=migrated))
        # Liveness, never readiness: the api's /health runs SQL, and a Docker health check is what
        # `docker ps`, depends_on conditions and the provider's `wait` read. Plain Docker
        # restarts nothing on "unhealthy"; `restart: unless-stopped` restarts a process that exits.
        health = rd.role.liveness
        grace = kill_grace(rd, DOCKER_STOP_TIMEOUT_DEFAULT)
        containers = []
        for i in range(count):
            suffix = "" if count == 1 else f"-{i + 1}"
            containers.append(
                docker.Container(
                    f"{self._name}-{rd.name}{suffix}",
                    name=f"{self._name}-{rd.name}{suffix}",
                    image=image,
                    command=rd.command or None,
                    envs=_envs(rd),
                    labels=labels,
                    volumes=list(volumes),
                    ports=[docker.ContainerPortArgs(internal=inner, external=outer, ip=ip) for ip, outer, inner in ports],
                    healthcheck=(
                        _healthcheck(["CMD", *health.exec_command()], start=f"{health.start_period}s", window=health.failure_window)
                        if health
                        else None
                    ),
                    networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id, aliases=[self._host(rd.name)])],
                    restart="unless-stopped",
                    # SIGTERM, then SIGKILL `grace` seconds later: on `docker stop` and a daemon
                    # restart (stop_timeout), and when a release replaces the container
                    # (destroy_grace_seconds: without it the provider removes a running container
                    # by force, killing Sidekiq before it hands its jobs back).
                    stop_signal="SIGTERM" if grace is not None else None,
                    stop_timeout=grace,
                    destroy_grace_seconds=grace,
                    # Wait for healthy, so what depends on this role starts after it serves.
                    wait=health is not None,
                    wait_timeout=300 if health is not None else None,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
                )
            )
        return containers


def _envs(rd: RoleDeployment) -> list[pulumi.Input[str]]:
    """Docker takes ``NAME=value`` strings. The provider marks the whole list secret when any
    entry is, which is why the offline plan shows each role's variables from the handoff."""
    plain = [pulumi.Output.concat(k, "=", v) for k, v in sorted(rd.env.plain.items())]
    secret = [pulumi.Output.concat(k, "=", v) for k, v in sorted(rd.env.secret.items())]
    return [*plain, *secret]


_HEALTH_INTERVAL = 10


def _healthcheck(test: list[str], start: str, window: int = 50) -> docker.ContainerHealthcheckArgs:
    """Unhealthy after ``window`` seconds of consecutive failures."""
    retries = max(1, -(-window // _HEALTH_INTERVAL))
    return docker.ContainerHealthcheckArgs(
        tests=test, interval=f"{_HEALTH_INTERVAL}s", timeout="5s", retries=retries, start_period=start
    )


def _require_success(code: Optional[int]) -> str:
    if code is not None and code != 0:
        raise pulumi.RunError(f"Lago migrations exited with code {code}; see the migrate container's logs")
    return "ok"
