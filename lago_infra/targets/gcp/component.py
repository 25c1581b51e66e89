"""Lago on GCP: Cloud SQL, Memorystore, GCS and Secret Manager, roles on Cloud Run v2."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import SecretStr

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import (
    VERIFYING_SSL_MODES,
    DatabaseEndpoint,
    Endpoints,
    GcsStorage,
    LagoDeployment,
    RedisEndpoint,
    brought_storage,
    database_ssl_mode,
)
from ...lago.roles import PDF_PORT
from ...app_secrets import LagoSecrets
from ..base import LagoTarget, component_props, name_key, provider_of, role_environments, shared_secrets, target_init
from . import apis, images, limits, preflight, services
from .baseline import GcpBaseline
from .preflight import account_ids, bucket_name
from .database import DatabaseArgs, LagoDatabase
from .edge import EdgeArgs, LagoEdge
from .images import LagoImages
from .network import LagoNetwork, NetworkArgs, Placement, run_app_zone
from .observability import GcpRedis, GcpSignals
from .propagation import IamPropagation
from .redis import CABLE, QUEUE_CABLE, LagoRedis, RedisArgs
from .secrets_store import LagoSecretStore, SecretStoreArgs
from .settings import ExistingRedis, GcpSettings
from .storage import LagoStorage, StorageArgs, account_resource_name

__all__ = ["LagoGcp"]

#: HTTP roles' Cloud Run service names, by role.
HTTP_ROLES = ("api", "front", "pdf")
#: Requests nginx serving the front's static files takes at once: Cloud Run's own default.
FRONT_CONCURRENCY = 80
#: Gotenberg 8 renders one Chromium conversion at a time and queues the rest; one more request
#: waiting inside keeps Chromium busy while Cloud Run starts another instance for the third.
PDF_CONCURRENCY = 2


def worker_pools(settings: LagoSettings, name: str, roles: list[str]) -> dict[str, str]:
    """The worker pool each role without HTTP runs in: one of its own, but for the clock with
    ``lago:gcp.run.clockInWorker``, which runs in the worker's (``services.worker_pool``'s ``beside``)."""
    together = settings.gcp.run.clock_in_worker and {"worker", "clock"} <= set(roles)
    return {role: f"{name}-{'worker' if together and role == 'clock' else role}" for role in roles}


def http_concurrency(settings: LagoSettings) -> dict[str, int]:
    """Requests per instance from each role's real capacity, unless lago:gcp.run.concurrency says."""
    configured = settings.gcp.run.concurrency
    derived = {
        # Puma serves threads x processes requests at once (WEB_CONCURRENCY=0 is one process).
        "api": settings.api.threads * max(1, settings.api.web_concurrency),
        "front": FRONT_CONCURRENCY,
        "pdf": PDF_CONCURRENCY,
    }
    return {role: getattr(configured, role) or derived[role] for role in HTTP_ROLES}


#: Said when the external runtime gets a network of its own (``lago:gcp.network.existing`` unset).
ISOLATED_NETWORK = (
    "lago:runtime is external and lago:gcp.network.existing is unset, so this stack builds a VPC of its own: Cloud SQL and "
    "Memorystore take private addresses reachable from that VPC alone. A GKE cluster in another VPC cannot reach them, "
    "even peered with it: they sit in Google's own network, peered to this VPC, and VPC peering is not transitive "
    "(https://cloud.google.com/vpc/docs/vpc-peering). Fix: give the cluster's network and a subnet of it in "
    "lago:gcp.network.existing (it needs private services access)."
)


def _brought_redis(brought: ExistingRedis) -> RedisEndpoint:
    """A Redis of the platform's, as the roles reach it (a private CA, as Memorystore's, unverified)."""
    port = brought.port or limits.REDIS_PORT[brought.tls]
    # A stack file's secure: value (SecretStr) or a program's secret Output (settings.BroughtSecret).
    auth = brought.auth.get_secret_value() if isinstance(brought.auth, SecretStr) else brought.auth
    return RedisEndpoint(
        host=brought.host, port=port, tls=brought.tls, verifiable_tls=False, password=None if auth is None else pulumi.Output.secret(auth)
    )


class LagoGcp(LagoTarget):
    """Every Lago role on Cloud Run, private data services behind a VPC, secrets by reference; or,
    with ``lago:runtime: external``, the data tier alone for a runtime of the platform's."""

    project: pulumi.Output[str]
    """The project everything is in (the explicit provider's when one is given)."""
    region: pulumi.Output[str]
    """The region of the regional resources."""
    load_balancer_ip: Optional[pulumi.Output[str]]
    """The HTTPS load balancer's address with ``lago:domain`` (managed runtime), else None."""
    edge_ip: Optional[pulumi.Output[str]]
    """The same as ``load_balancer_ip`` (its earlier name)."""
    service_names: pulumi.Output[dict[str, str]]
    """Cloud Run resource names by role: services (api, front, pdf), worker pools (workers, clock)
    and the migration job; empty with ``lago:runtime: external``."""
    service_uris: pulumi.Output[dict[str, str]]
    """Cloud Run URLs of the HTTP services by role (api, front, pdf); empty with ``lago:runtime: external``."""
    service_accounts: pulumi.Output[dict[str, str]]
    """Service account emails by role group: ``backend`` (every Rails role), and with the managed
    runtime ``front`` and ``pdf``."""
    runtime_service_account: pulumi.Output[str]
    """The backend's service account: granted the bucket and every secret; with ``lago:runtime:
    external`` the account the platform's workloads run as (Workload Identity on GKE)."""
    database_instance: pulumi.Output[str]
    """The Cloud SQL instance's name (created, or brought with ``lago:gcp.database.existing``)."""
    database_connection_name: pulumi.Output[str]
    """``project:region:instance``, for the Cloud SQL proxy and connectors."""
    database_private_ip: pulumi.Output[str]
    """The instance's private IP address, which the roles connect to."""
    redis_hosts: pulumi.Output[dict[str, str]]
    """Redis hosts by purpose: ``queue``, ``cable``, and ``cache`` with ``lago:redis.separateCache``."""
    bucket: Optional[pulumi.Output[str]]
    """The GCS bucket of Lago's files; None with a store of ``lago:storage`` (none is created)."""
    secret_ids: pulumi.Output[dict[str, str]]
    """Secret Manager secrets by variable, as ``projects/P/secrets/S``; never a value."""
    network_id: pulumi.Output[str]
    """The VPC, as ``projects/P/global/networks/N``."""
    subnetwork_id: pulumi.Output[str]
    """The Direct VPC egress subnetwork of the Cloud Run roles."""

    @target_init(
        "Google Cloud",
        "gcp",
        """
        front_url, api_url: where the browser opens Lago; the api as browsers and clients reach it.
        load_balancer_ip (edge_ip): the load balancer's address with ``lago:domain``, else None.
        project, region: where everything is (an explicit ``gcp.Provider``'s when given).
        service_names, service_uris: Cloud Run resources and URLs by role (managed runtime).
        service_accounts, runtime_service_account: identities by role group; the backend's.
        database_instance, database_connection_name, database_private_ip: Cloud SQL.
        redis_hosts: queue, cable (and cache) hosts.
        bucket, secret_ids, network_id, subnetwork_id: the rest of the data tier.
        role_environments: each role's image, command, plain variables and Secret Manager
            version names, for a runtime of one's own.
        deployment: every role with its image, command, size and environment.
        exports(): the stack outputs; never a secret value.
        """,
    )
    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        g: GcpSettings = settings.gcp
        provider = provider_of(opts, "gcp")
        if provider is not None:
            # The provider's own project and region (set on it or from its environment), asked
            # of the provider itself: the stack's gcp: config is not what it deploys to.
            client = gcp.organizations.get_client_config(opts=pulumi.InvokeOptions(provider=provider))
            given_project, given_region = client.project, client.region
        else:
            config = pulumi.Config("gcp")
            given_project, given_region = config.get("project"), config.get("region")
        # Before anything is registered: a refused setting creates nothing.
        placement = preflight.check(
            settings, given_project, given_region, explicit_provider=provider is not None, name=name, name_key=name_key(settings, name)
        )
        project, region = placement.project, placement.region
        super().__init__("lago:gcp:LagoGcp", name, component_props(settings), opts)
        managed = settings.runtime == "managed"
        protect = settings.protection.protect
        child = pulumi.ResourceOptions(parent=self)
        self._name = name
        self._settings = settings
        labels = {**settings.tags, "app": "lago", "lago-stack": name}

        scanning = (images.SCANNING_API,) if managed and g.images.scan else ()
        # The private run.app zone that stands in for Cloud NAT (network.nat off, a network of the stack's).
        dns = (apis.DNS_API,) if run_app_zone(g.network, managed) else ()
        enabled = apis.enable(name, project, self, (*apis.REQUIRED_APIS, *scanning, *dns)) if g.enable_apis else []
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=enabled)
        project_number = gcp.organizations.get_project_output(
            project_id=project, opts=pulumi.InvokeOutputOptions(parent=self, depends_on=enabled)
        ).number
        domain = settings.domain
        # First: the CMEK key and armor policy the data services and the edge are created with.
        baseline = GcpBaseline(
            f"{name}-baseline",
            g.baseline,
            settings.alerts,
            settings.protection,
            project,
            region,
            load_balancer=managed and domain is not None,
            after=enabled,
            opts=child,
        )
        if not managed and g.network.existing is None:
            pulumi.log.warn(ISOLATED_NETWORK, resource=self)
        network = LagoNetwork(
            f"{name}-net", NetworkArgs(project, region, g.network, enabled, flow_logs=g.baseline.flow_logs, cloud_run=managed), opts=child
        )
        where = network.placement(project, region)
        # Data services that use the key wait for its grants.
        keyed = Placement(where.project, where.region, where.network_id, (*where.depends_on, *baseline.key_ready))
        db = LagoDatabase(
            f"{name}-db",
            DatabaseArgs(
                keyed,
                settings.database,
                g.database,
                settings.protection,
                labels,
                extra_flags=baseline.sql_flags,
                encryption_key_name=baseline.kms_key_name,
            ),
            opts=child,
        )
        queue, cache, cable, redis_ids = self._redis(name, settings, keyed, where, labels, baseline.kms_key_name)
        ids = account_ids(name)
        brought = g.service_accounts
        # An S3-compatible store of the user's (lago:storage, with its own keys), or GCS.
        brought_store = brought_storage(settings)
        storage = LagoStorage(
            f"{name}-files",
            StorageArgs(
                project,
                region,
                g.storage,
                protect,
                ids["backend"],
                bucket_name(project, name),
                labels,
                [*enabled, *baseline.key_ready],
                baseline.kms_key_name,
                display_name="Lago backend (Cloud Run): secrets and the bucket"
                if managed
                else "Lago backend (the platform's runtime): secrets and the bucket",
                existing_bucket=g.storage.existing,
                existing_account=brought.backend,
                gcs=brought_store is None,
            ),
            opts=child,
        )
        # front and pdf run as accounts of their own with no grant: nginx and Chromium rendering
        # invoice HTML need no secret and no bucket. The platform's runtime picks its own.
        accounts: dict[str, pulumi.Input[str]] = {"backend": storage.service_account_email}
        for role in ("front", "pdf") if managed else ():
            accounts[role] = (
                getattr(brought, role)
                or gcp.serviceaccount.Account(
                    f"{name}-{role}-identity",
                    account_id=ids[role],
                    project=project,
                    display_name=f"Lago {role} (Cloud Run, no grants)",
                    opts=after_apis,
                ).email
            )
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=child, protect=settings.protection.protect)

        service_names = {role: f"{name}-{role}" for role in HTTP_ROLES}

        def run_url(role: str) -> pulumi.Output[str]:
            # Cloud Run's deterministic URL, known before the service exists: the api needs the
            # front's URL and the front the api's, so neither can wait for the other's `uri`.
            return pulumi.Output.concat("https://", service_names[role], "-", project_number, ".", region, ".run.app")

        # External runtime: lago:urls or lago:domain's hosts (preflight refused neither being set).
        api_url = settings.urls.api or (urls.http_url("https", domain.api) if domain else run_url("api"))
        front_url = settings.urls.front or (urls.http_url("https", domain.app) if domain else run_url("front"))
        # A platform runs Gotenberg as a service named "pdf" beside the backend (as Lago's own
        # compose file and Helm chart do); Cloud Run reaches its internal-only service by URL.
        pdf_url = run_url("pdf") if managed else urls.http_url("http", "pdf", PDF_PORT)

        # TLS always (the instance takes encrypted connections only); verified against the
        # instance's own CA in the prod preset. verify-full cannot work: the roles connect to the
        # private IP, which Cloud SQL's certificates do not name (config.model refuses it).
        sslmode = database_ssl_mode(settings, "verify-ca")
        ca_bundle = (settings.database.ssl_root_cert or db.server_ca) if sslmode in VERIFYING_SSL_MODES else None
        endpoints = Endpoints(
            database=DatabaseEndpoint(
                host=db.host,
                port=5432,
                user=db.user,
                password=db.password,
                name=settings.database.name,
                sslmode=sslmode,
                ca_bundle=ca_bundle,
            ),
            queue=queue,
            cache=cache,
            storage=brought_store
            or GcsStorage(project=project, bucket=storage.bucket, iam=True, service_account_email=storage.service_account_email),
            api_url=api_url,
            front_url=front_url,
            pdf_url=pdf_url,
            cable=cable,
        )
        # Cloud Run kills an instance RUN_STOP_GRACE_S after SIGTERM, whatever is set: Sidekiq's
        # shutdown timeout is fitted under it. The platform's own runtime (external) sets its grace.
        self.deployment = LagoDeployment(
            settings, endpoints, secrets.values, component=self, max_stop_grace=limits.RUN_STOP_GRACE_S if managed else None
        )

        values: dict[str, pulumi.Output[str]] = {"DB_PASSWORD": db.password, **shared_secrets(self.deployment)}
        # The roles' files (the CA bundle): Cloud Run mounts a Secret Manager secret as a file.
        files = services.role_files(self.deployment)
        values.update({key: pulumi.Output.from_input(content) for key, (_, content) in files.items()})
        store = LagoSecretStore(
            f"{name}-sm",
            SecretStoreArgs(
                project,
                values,
                pulumi.Output.concat("serviceAccount:", storage.service_account_email),
                labels,
                [*enabled, *baseline.key_ready],
                kms_key_name=baseline.kms_key_name,
                region=region,
            ),
            opts=child,
        )
        # What a runtime hands a container: the pinned version's full name.
        self.role_environments = role_environments(
            self.deployment, {variable: pulumi.Output.concat(ref.path, "/versions/", ref.version) for variable, ref in store.refs.items()}
        )

        self._services: dict[str, gcp.cloudrunv2.Service] = {}
        self._run_names: dict[str, str] = {}
        self.load_balancer_ip: Optional[pulumi.Output[str]] = None
        if managed:
            # Cloud Run checks secret access when a revision starts: start none before the grants
            # have propagated.
            crossing = self._cross_project_grants(name, settings, project, after_apis)
            iam_settled = IamPropagation(f"{name}-iam-propagation", [*store.grants, *storage.grants, *crossing], opts=child)
            pulled = LagoImages(f"{name}-images", g.images, project, region, labels, enabled, opts=child)
            ctx = services.RunContext(
                project=project,
                region=region,
                service_accounts=accounts,
                network_id=network.network_id,
                subnetwork_id=network.subnetwork_id,
                secrets=store.refs,
                files={path: store.refs[key] for key, (path, _) in files.items()},
                labels=labels,
                image=pulled.reference,
                depends_on=[iam_settled, *db.ready, *network.ready, *network.run_ready],
                egress=network.egress,
            )
            self._run_roles(ctx, service_names, domain is not None)
            if domain is not None:
                edge = LagoEdge(
                    f"{name}-edge",
                    EdgeArgs(
                        project,
                        region,
                        domain,
                        self._services["front"].name,
                        self._services["api"].name,
                        labels,
                        g.edge,
                        enabled,
                        baseline.security_policy,
                    ),
                    opts=child,
                )
                self.load_balancer_ip = edge.ip_address
        self.edge_ip = self.load_balancer_ip

        baseline.watch(
            GcpSignals(
                project=project,
                services=service_names if managed else {},
                worker_pools=worker_pools(settings, name, [rd.name for rd in self.deployment.serving if rd.name not in service_names])
                if managed
                else {},
                database_id=db.connection_name.apply(lambda c: ":".join(c.split(":")[::2])),
                # A brought instance's size is the platform's: no connections threshold from a tier.
                database_max_connections=limits.cloud_sql_max_connections(g.database.tier, g.database.max_connections)
                if g.database.existing is None
                else None,
                redis=redis_ids,
                endpoints={"front": (domain.app, "/"), "api": (domain.api, "/ready")} if domain and managed else {},
            )
        )

        self.project = pulumi.Output.from_input(project)
        self.region = pulumi.Output.from_input(region)
        self.front_url = pulumi.Output.from_input(front_url)
        self.api_url = pulumi.Output.from_input(api_url)
        self.service_names = pulumi.Output.from_input(dict(self._run_names))
        self.service_uris = pulumi.Output.from_input({role: svc.uri for role, svc in self._services.items()})
        self.service_accounts = pulumi.Output.from_input(accounts)
        self.runtime_service_account = storage.service_account_email
        self.database_instance = db.instance_name
        self.database_connection_name = db.connection_name
        self.database_private_ip = db.host
        self.redis_hosts = pulumi.Output.from_input(
            {"queue": queue.host, **({"cache": cache.host} if cache else {}), "cable": (cable or queue).host}
        )
        self.bucket = storage.bucket
        self.secret_ids = pulumi.Output.from_input({k: v.path for k, v in store.refs.items()})
        self.network_id = network.network_id
        self.subnetwork_id = network.subnetwork_id

        self._outputs = {
            "front_url": self.front_url,
            "api_url": self.api_url,
            "database_connection_name": db.connection_name,
            "redis_host": queue.host,
            **({"bucket": storage.bucket} if storage.bucket is not None else {}),
            "service_account": storage.service_account_email,
            "service_accounts": accounts,
            "secret_ids": self.secret_ids,
        }
        if cache is not None:
            self._outputs["redis_cache_host"] = cache.host
        self._outputs["redis_cable_host"] = (cable or queue).host
        if self.load_balancer_ip is not None:
            self._outputs["load_balancer_ip"] = self.load_balancer_ip
        if not managed:
            # What the platform's runtime is configured from (`pulumi stack output`).
            self._outputs["role_environments"] = self.role_environments
        self.register_outputs(
            {
                "project": self.project,
                "region": self.region,
                "front_url": self.front_url,
                "api_url": self.api_url,
                "load_balancer_ip": self.load_balancer_ip,
                "service_names": self.service_names,
                "service_uris": self.service_uris,
                "service_accounts": self.service_accounts,
                "runtime_service_account": self.runtime_service_account,
                "database_instance": self.database_instance,
                "database_connection_name": self.database_connection_name,
                "database_private_ip": self.database_private_ip,
                "redis_hosts": self.redis_hosts,
                "bucket": self.bucket,
                "secret_ids": self.secret_ids,
                "network_id": self.network_id,
                "subnetwork_id": self.subnetwork_id,
                "role_environments": self.role_environments,
            }
        )

    def exports(self) -> dict[str, pulumi.Input]:
        return {**self._outputs, "target": "gcp"}

    def _redis(
        self,
        name: str,
        settings: LagoSettings,
        keyed: Placement,
        where: Placement,
        labels: dict[str, str],
        kms_key_name: Optional[pulumi.Input[str]],
    ) -> tuple[RedisEndpoint, Optional[RedisEndpoint], Optional[RedisEndpoint], list[GcpRedis]]:
        """The queue, the separate cache (or None), ActionCable's (None: the queue's) and what
        the alerts watch: Memorystore instances created here, or the platform's as they are."""
        g = settings.gcp
        brought = g.redis.existing
        if brought is not None:
            # The platform's instances: its own monitoring watches them.
            cache = _brought_redis(brought.cache) if brought.cache else None
            return _brought_redis(brought.queue), cache, _brought_redis(brought.cable) if brought.cable else None, []

        def redis(suffix: str, purpose: str, tier: str, memory: int, eviction: str, holds_data: bool = True, tls: bool = True) -> LagoRedis:
            # The stack key encrypts what holds data; the cable Redis holds only broadcasts.
            args = RedisArgs(
                purpose,
                keyed if holds_data else where,
                tier,
                g.redis.version,
                memory,
                eviction,
                settings.protection.protect and holds_data,
                labels,
                persistent=eviction == "noeviction",
                tls=tls,
                customer_managed_key=kms_key_name if holds_data else None,
            )
            return LagoRedis(f"{name}-{suffix}", args, opts=pulumi.ResourceOptions(parent=self))

        def endpoint(r: LagoRedis, tls: bool = True) -> RedisEndpoint:
            return RedisEndpoint(host=r.host, port=r.port, tls=tls, verifiable_tls=False, password=r.auth_string)

        # ActionCable verifies the server certificate and takes no CA and no separate password
        # (config/cable.yml): it cannot use Memorystore's private-CA TLS. It reads an instance
        # without in-transit encryption, with AUTH, reachable only inside the private VPC, its URL
        # (carrying the password) a secret: the queue's own with sharedCable (dev), else a small
        # one of its own, which holds no data, only broadcasts, and is never protected.
        shared = g.redis.shared_cable
        queue_tls = not shared
        queue = redis("redis", QUEUE_CABLE if shared else "queue", g.redis.tier, g.redis.memory_size_gb, "noeviction", tls=queue_tls)
        cache_tier = g.redis.cache_tier or g.redis.tier
        cache = redis("cache", "cache", cache_tier, g.redis.cache_memory_size_gb, "allkeys-lru") if settings.redis.separate_cache else None
        cable = None if shared else redis("cable", CABLE, "BASIC", 1, "allkeys-lru", holds_data=False, tls=False)
        instance = f"projects/{keyed.project}/locations/{keyed.region}/instances/{name}"
        watched = [GcpRedis("queue", f"{instance}-redis", queue=True, high_availability=g.redis.tier == "STANDARD_HA")]
        if cache is not None:
            watched.append(GcpRedis("cache", f"{instance}-cache", queue=False, high_availability=cache_tier == "STANDARD_HA"))
        # None: ActionCable reads the queue's instance (Endpoints.cable).
        cable_endpoint = endpoint(cable, tls=False) if cable is not None else None
        return endpoint(queue, tls=queue_tls), endpoint(cache) if cache else None, cable_endpoint, watched

    def _cross_project_grants(self, name: str, settings: LagoSettings, project: str, opts: pulumi.ResourceOptions) -> list[pulumi.Resource]:
        """Cloud Run's service agent may mint tokens for each brought account of another project
        (https://cloud.google.com/run/docs/configuring/services/service-identity, "Use service
        accounts in other projects"; the preflight refused one whose project was not declared
        to allow it). With ``crossProject``, accounts given as Outputs are granted too: their
        project is not known before the deployment."""
        brought = settings.gcp.service_accounts
        crossing: dict[str, pulumi.Input[str]] = dict(preflight.cross_project_accounts(settings, project))
        if brought.cross_project:
            crossing.update(
                {group: email for group in ("backend", "front", "pdf") if isinstance(email := getattr(brought, group), pulumi.Output)}
            )
        if not crossing:
            return []
        # Created on a fresh project (the same ServiceIdentity as the CMEK agents).
        agent = gcp.projects.ServiceIdentity(f"{name}-run-agent", project=project, service="run.googleapis.com", opts=opts).email
        return [
            gcp.serviceaccount.IAMMember(
                f"{name}-{group}-run-agent-token-creator",
                service_account_id=account_resource_name(email),
                role=limits.CROSS_PROJECT_ROLE,
                member=pulumi.Output.concat("serviceAccount:", agent),
                opts=opts,
            )
            for group, email in sorted(crossing.items())
        ]

    def _run_roles(self, ctx: services.RunContext, names: dict[str, str], behind_lb: bool) -> None:
        """Migrations first; then pdf, api, front as services, the rest as worker pools."""
        run = self._settings.gcp.run
        migrate = services.migration_job(f"{self._name}-migrate", self, self.deployment.role("migrate"), ctx)
        self._run_names["migrate"] = f"{self._name}-migrate"
        # Not the job alone: the job once its execution is read back as succeeded.
        gate = services.MigrationGate(migrate, f"{self._name}-migrate", ctx, self)

        def after_migrate() -> list:
            return [*ctx.depends_on, gate.wait()]

        # With a load balancer, the run.app URLs of api and front refuse outside callers.
        public = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if behind_lb else "INGRESS_TRAFFIC_ALL"
        concurrency = http_concurrency(self._settings)
        for role, ingress, deps in (
            ("pdf", "INGRESS_TRAFFIC_INTERNAL_ONLY", list(ctx.depends_on)),
            ("api", public, after_migrate()),
            ("front", public, after_migrate()),
        ):
            rd = self.deployment.role(role)
            shape = services.HttpShape(
                ingress=ingress,
                min_instances=0 if run.scale_to_zero else rd.min_replicas,
                concurrency=concurrency[role],
                cpu_idle=role not in run.always_allocated_cpu,
            )
            self._services[role] = services.http_service(names[role], self, rd, ctx, shape, deps)
            self._run_names[role] = names[role]
        pools = worker_pools(self._settings, self._name, [rd.name for rd in self.deployment.serving if rd.name not in names])
        for role, pool in pools.items():
            if pool != f"{self._name}-{role}":
                continue  # runs inside another role's container (the clock beside the worker)
            beside = [self.deployment.role(other) for other, p in pools.items() if p == pool and other != role]
            rd = self.deployment.role(role)
            services.worker_pool(pool, self, rd, ctx, after_migrate(), run.autoscale_workers, beside=beside[0] if beside else None)
        self._run_names.update(pools)
