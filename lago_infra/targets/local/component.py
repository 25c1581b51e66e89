"""Lago on one Docker host: Postgres and Redis containers, Lago's roles, files on a volume, in a
MinIO of the stack's own, or in an S3-compatible store brought with ``lago:storage``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_docker as docker
import pulumi_random as random

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import (
    DatabaseEndpoint,
    DiskStorage,
    Endpoints,
    LagoDeployment,
    RedisEndpoint,
    RoleDeployment,
    S3Storage,
    Storage,
    brought_storage,
)
from ...lago.roles import API_PORT, FRONT_PORT, PDF_PORT
from ...app_secrets import LagoSecrets
from ..base import LagoTarget, component_props, kill_grace, target_init
from .settings import LocalSettings

__all__ = ["LagoLocal", "LagoDocker"]

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
#: MinIO (``lago:local.storage: minio``): its root user, which Lago uses (the whole store is
#: Lago's), the alias ``mc`` knows it by, and the region Lago's SDK signs for (MinIO's default).
MINIO_USER = "lago"
MINIO_ALIAS = "lago"
MINIO_REGION = "us-east-1"


class LagoLocal(LagoTarget):
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
        # The type token keeps the class's first name: every deployed stack's state holds it.
        super().__init__("lago:local:LagoDocker", name, component_props(settings), opts)
        local: LocalSettings = settings.local or LocalSettings()
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        self._protect = settings.protection.protect
        self._images: dict[str, docker.RemoteImage] = {}

        if local.existing_network is None:
            network_id: pulumi.Output[str] = docker.Network(
                f"{name}-network", name=f"{name}-network", driver="bridge", opts=self._named()
            ).id
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
        files = self._files(settings, local)

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
            storage=files.storage,
            api_url=api_url,
            front_url=front_url,
            pdf_url=urls.http_url("http", self._host("pdf"), PDF_PORT),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values, component=self)
        backing = [postgres, redis, *([cache] if cache else [])]

        pdf = self._run(self.deployment.role("pdf"), depends_on=[])
        migrate = self._migrate(self.deployment.role("migrate"), backing)
        # Checked by the engine before api, workers and clock are created: a failed migration
        # stops the update instead of starting a release on a half-migrated schema (and a
        # missing bucket, before Lago writes its first file).
        gates = {"lago.migrated": migrate.exit_code.apply(lambda code: _require_success(code, "Lago migrations", "migrate")), **files.gates}
        after = [migrate, *backing, *pdf, *files.resources]
        api = self._run(
            self.deployment.role("api"),
            depends_on=after,
            volumes=files.volumes,
            ports=[(local.bind_address, local.api_port, API_PORT)],
            gates=gates,
        )
        for rd in self.deployment.serving:
            if rd.role.backend and rd.name != "api":
                self._run(rd, depends_on=after, volumes=files.volumes, gates=gates)
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

    def _named(self, depends_on: Sequence[pulumi.Resource] = (), protect: bool = False) -> pulumi.ResourceOptions:
        """Options of a container, network or volume: each has a fixed Docker name, unique on the
        engine, so a replacement must remove the old one before it creates the new one (Docker
        refuses a second container of a name in use). A container is replaced whenever its
        image, command, environment or labels change (each ``ForceNew`` in the provider,
        kreuzwerker/terraform-provider-docker ``internal/provider/resource_docker_container.go``),
        so at every release and every change of a variable; a network or volume only if its name
        or driver changes. pulumi-docker already asks the engine to delete first (its bridge
        config sets ``DeleteBeforeReplace`` on containers, ``provider/resources.go``; named
        networks and volumes get it from the bridge's ``nameRequiresDeleteBeforeReplace``), and
        the engine follows the provider unless the program says otherwise
        (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``; Pulumi docs, "deleteBeforeReplace").
        Said here as well, so it holds under any provider version and shows in the plan."""
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on), protect=protect, delete_before_replace=True)

    def _volume(self, name: str) -> docker.Volume:
        """A named volume, protected with the data it holds."""
        return docker.Volume(name, name=name, opts=self._named(protect=self._protect))

    def _data_opts(self, settings: LagoSettings) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, protect=settings.protection.protect)

    def _image(self, ref: str) -> docker.RemoteImage:
        """One pull per image reference, shared by every container that runs it."""
        if ref not in self._images:
            key = ref.replace("/", "-").replace(":", "-").replace(".", "-")
            # keep_locally: other stacks on the host may use the same image.
            self._images[ref] = docker.RemoteImage(f"{self._name}-image-{key}", name=ref, keep_locally=True, opts=self._child)
        return self._images[ref]

    def _files(self, settings: LagoSettings, local: LocalSettings) -> "_Files":
        """Where Lago's files go: a store ``lago:storage`` brings, the stack's own MinIO
        (``lago:local.storage: minio``), or a volume at /app/storage in the api and every worker."""
        brought = brought_storage(settings)
        if brought is not None:
            return _Files(brought)
        if local.storage == "minio":
            return self._minio(settings, local)
        volume = self._volume(f"{self._name}-storage")
        return _Files(DiskStorage(), volumes=[docker.ContainerVolumeArgs(volume_name=volume.name, container_path=_STORAGE_PATH)])

    def _minio(self, settings: LagoSettings, local: LocalSettings) -> "_Files":
        """MinIO with Lago's bucket: S3 as production has it. Lago presigns download links for the
        endpoint and redirects the browser there, so the containers and the browser must reach it
        under one name and port (the signature covers the host): ``<alias>.localhost``, which the
        containers resolve through Docker's DNS to MinIO and browsers to loopback (RFC 6761 section
        6.3; Chrome, Firefox and curl do so themselves, systemd-resolved too), where MinIO is
        published on the same port it listens on inside."""
        name, port = self._name, local.minio_port
        host = f"{self._host('minio')}.localhost"
        data = self._volume(f"{name}-minio-data")
        # Generated once, kept with the data they unlock; letters and digits only: the password
        # travels inside MC_HOST_<alias>'s URL.
        password = random.RandomPassword(f"{name}-minio-password", length=40, special=False, opts=self._data_opts(settings)).result
        image = local.minio_image
        server = self._data_service(
            f"{name}-minio",
            image,
            [self._host("minio"), host],
            health=["CMD", "mc", "ready", "local"],
            start="5s",
            wait_timeout=120,
            # The image's entrypoint runs `minio` with these arguments.
            command=["server", "/data", "--address", f":{port}"],
            envs=[
                f"MINIO_ROOT_USER={MINIO_USER}",
                pulumi.Output.concat("MINIO_ROOT_PASSWORD=", password),
                # No web console: nothing publishes it.
                "MINIO_BROWSER=off",
                # `mc ready local` (the health check) asks this address.
                f"MC_HOST_local=http://127.0.0.1:{port}",
            ],
            volumes=[docker.ContainerVolumeArgs(volume_name=data.name, container_path="/data")],
            ports=[docker.ContainerPortArgs(internal=port, external=port, ip=local.bind_address)],
        )
        bucket = f"{name}-files"
        # Once per `pulumi up` that changes it, harmless when the bucket exists (--ignore-existing).
        made = self._one_shot(
            f"{name}-minio-bucket",
            image,
            [server],
            entrypoints=["mc"],
            command=["mb", "--ignore-existing", f"{MINIO_ALIAS}/{bucket}"],
            envs=[pulumi.Output.concat(f"MC_HOST_{MINIO_ALIAS}=http://{MINIO_USER}:", password, f"@{host}:{port}")],
        )
        storage = S3Storage(
            bucket=bucket,
            region=MINIO_REGION,
            endpoint=f"http://{host}:{port}",
            path_style=True,
            access_key_id=MINIO_USER,
            secret_access_key=password,
        )
        gate = made.exit_code.apply(lambda code: _require_success(code, "MinIO's bucket creation", "minio-bucket"))
        return _Files(storage, resources=[server, made], gates={"lago.storage": gate})

    def _postgres(self, settings: LagoSettings, local: LocalSettings, password: pulumi.Output[str]) -> docker.Container:
        name, db = self._name, settings.database
        data = self._volume(f"{name}-postgres-data")
        # The official image has no pg_partman, so Lago's migrations leave enriched_events
        # unpartitioned and no maintenance job is needed (roles.PG_PARTMAN_MAINTENANCE). An image
        # in lago:local.postgresImage that ships pg_partman must bring its own maintenance.
        image = local.postgres_image or f"postgres:{db.version}-alpine"
        return self._data_service(
            f"{name}-postgres",
            image,
            [self._host("db")],
            health=["CMD-SHELL", f"pg_isready -U {db.user} -d {db.name} -h localhost"],
            start="10s",
            wait_timeout=120,
            envs=[
                f"POSTGRES_DB={db.name}",
                f"POSTGRES_USER={db.user}",
                pulumi.Output.concat("POSTGRES_PASSWORD=", password),
                "PGDATA=/var/lib/postgresql/data/pgdata",
            ],
            volumes=[docker.ContainerVolumeArgs(volume_name=data.name, container_path="/var/lib/postgresql/data")],
        )

    def _redis(self, settings: LagoSettings, local: LocalSettings, password: pulumi.Output[str], cache: bool = False) -> docker.Container:
        """The queue Redis (append-only, ``noeviction``: jobs not yet run are data too), or with
        ``cache`` the cache Redis (nothing on disk, ``allkeys-lru`` within ``CACHE_MAXMEMORY``)."""
        name = f"{self._name}-redis-cache" if cache else f"{self._name}-redis"
        volumes = []
        if not cache:
            data = self._volume(f"{name}-data")
            volumes = [docker.ContainerVolumeArgs(volume_name=data.name, container_path="/data")]
        # The password reaches redis-server through the environment, not its command line, so
        # it never shows in `docker inspect` args or `ps`.
        policy = (
            f"--save '' --appendonly no --maxmemory {CACHE_MAXMEMORY} --maxmemory-policy allkeys-lru"
            if cache
            else "--appendonly yes --maxmemory-policy noeviction"
        )
        serve = f'exec redis-server {policy} --requirepass "$REDIS_PASSWORD"'
        return self._data_service(
            name,
            local.redis_image,
            [self._host("redis-cache" if cache else "redis")],
            health=["CMD-SHELL", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli ping | grep -q PONG'],
            start="5s",
            wait_timeout=60,
            command=["sh", "-c", serve],
            envs=[pulumi.Output.concat("REDIS_PASSWORD=", password)],
            volumes=volumes,
        )

    def _data_service(
        self, name: str, image: str, aliases: list[str], *, health: list[str], start: str, wait_timeout: int, **args
    ) -> docker.Container:
        """PostgreSQL, Redis or MinIO: on the network under ``aliases``, restarted unless stopped,
        waited for until healthy, and given ``DATA_STOP_GRACE_S`` to shut down cleanly when
        stopped or replaced (PostgreSQL's checkpoint, Redis writing out its append-only file: a
        forced kill loses the last second of enqueued jobs)."""
        return docker.Container(
            name,
            name=name,
            image=self._image(image).image_id,
            healthcheck=_healthcheck(health, start=start),
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id, aliases=aliases)],
            restart="unless-stopped",
            stop_timeout=DATA_STOP_GRACE_S,
            destroy_grace_seconds=DATA_STOP_GRACE_S,
            wait=True,
            wait_timeout=wait_timeout,
            opts=self._named(),
            **args,
        )

    def _one_shot(self, name: str, image: str, after: Sequence[pulumi.Resource], **args) -> docker.Container:
        """A container that runs to completion once per change of it (the migrations, MinIO's
        bucket): ``attach`` makes the engine wait for it to exit and record its exit code, which
        ``_require_success`` turns into a gate."""
        return docker.Container(
            name,
            name=name,
            image=self._image(image).image_id,
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self._network_id)],
            attach=True,
            logs=True,
            must_run=False,
            restart="no",
            opts=self._named(after),
            **args,
        )

    # -- Lago's roles ----------------------------------------------------------------------------

    def _migrate(self, rd: RoleDeployment, backing: Sequence[pulumi.Resource]) -> docker.Container:
        # A new image tag replaces the container, so every release migrates exactly once.
        return self._one_shot(f"{self._name}-{rd.name}", rd.image, backing, command=rd.command, envs=_envs(rd))

    def _run(
        self,
        rd: RoleDeployment,
        depends_on,
        volumes: Sequence[docker.ContainerVolumeArgs] = (),
        ports: Sequence[tuple[str, int, int]] = (),
        gates: Optional[dict[str, pulumi.Output[str]]] = None,
    ) -> list[docker.Container]:
        """The role's containers: one where it publishes a host port, else ``replicas`` of them
        (Docker's network alias then spreads calls over them)."""
        count = 1 if ports else rd.min_replicas
        image = self._image(rd.image).image_id
        labels = [docker.ContainerLabelArgs(label="lago.role", value=rd.name)]
        # A one-shot container's checked exit code as a label: the engine resolves it first.
        labels += [docker.ContainerLabelArgs(label=label, value=value) for label, value in (gates or {}).items()]
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
                    opts=self._named(depends_on),
                )
            )
        return containers


#: The class's first name, kept: the target is ``local`` (a Docker host), and so is the name now.
#: The component package keeps ``LagoDocker`` (``lago-infra:index:LagoDocker``, fixed by its type).
LagoDocker = LagoLocal


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
    return docker.ContainerHealthcheckArgs(tests=test, interval=f"{_HEALTH_INTERVAL}s", timeout="5s", retries=retries, start_period=start)


def _require_success(code: Optional[int], what: str, container: str) -> str:
    if code is not None and code != 0:
        raise pulumi.RunError(f"{what} exited with code {code}; see the {container} container's logs")
    return "ok"


@dataclass(frozen=True)
class _Files:
    """Where Lago's files go, and what the roles that write them need."""

    storage: Storage
    #: Mounted in the api and every worker (disk storage).
    volumes: list[docker.ContainerVolumeArgs] = field(default_factory=list)
    #: What those roles start after (MinIO and its bucket).
    resources: list[pulumi.Resource] = field(default_factory=list)
    #: Labels whose values the engine must resolve first: checked exit codes.
    gates: dict[str, pulumi.Output[str]] = field(default_factory=dict)
