"""Lago on GCP: Cloud SQL, Memorystore, GCS and Secret Manager, roles on Cloud Run v2."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_gcp as gcp

from ...config.model import LagoSettings
from ...lago import urls
from ...policy.targets.gcp import cloud_sql_max_connections
from ...lago.environment import DatabaseEndpoint, Endpoints, GcsStorage, LagoDeployment, RedisEndpoint
from ...secrets import LagoSecrets
from ..base import LagoTarget, component_props, documented_init
from . import apis, preflight, services
from .baseline import GcpBaseline
from .preflight import account_ids, bucket_name
from .database import DatabaseArgs, LagoDatabase
from .edge import EdgeArgs, LagoEdge
from .network import LagoNetwork, NetworkArgs, Placement
from .observability import GcpRedis, GcpSignals
from .propagation import IamPropagation
from .redis import CABLE, LagoRedis, RedisArgs
from .secrets_store import LagoSecretStore, SecretStoreArgs
from .settings import GcpSettings
from .storage import LagoStorage, StorageArgs

__all__ = ["LagoGcp"]

#: HTTP roles' Cloud Run service names, by role.
HTTP_ROLES = ("api", "front", "pdf")
#: Requests nginx serving the front's static files takes at once: Cloud Run's own default.
FRONT_CONCURRENCY = 80
#: Gotenberg 8 renders one Chromium conversion at a time and queues the rest; one more request
#: waiting inside keeps Chromium busy while Cloud Run starts another instance for the third.
PDF_CONCURRENCY = 2


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


class LagoGcp(LagoTarget):
    """Every Lago role on Cloud Run, private data services behind a VPC, secrets by reference."""

    @documented_init(
        "Google Cloud",
        "gcp",
        """
        front_url: where the browser opens Lago.
        api_url: the api as the browser and API clients reach it.
        edge_ip: the load balancer's address when ``lago:domain`` is set, else None.
        deployment: every role with its image, command, size and environment.
        exports(): the stack outputs (Cloud SQL connection name, Redis hosts, bucket,
            service accounts, secret ids, load balancer IP); never a secret value.
        """,
    )
    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        g: GcpSettings = settings.gcp
        provider = pulumi.Config("gcp")
        # Before anything is registered: a refused setting creates nothing.
        placement = preflight.check(settings, provider.get("project"), provider.get("region"))
        project, region = placement.project, placement.region
        super().__init__("lago:gcp:LagoGcp", name, component_props(settings), opts)
        protect = settings.protection.protect
        child = pulumi.ResourceOptions(parent=self)
        self._name = name
        self._settings = settings
        labels = {**settings.tags, "app": "lago", "lago-stack": name}

        enabled = apis.enable(name, project, self) if g.enable_apis else []
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=enabled)
        project_number = gcp.organizations.get_project_output(
            project_id=project, opts=pulumi.InvokeOutputOptions(depends_on=enabled)
        ).number
        # First: the CMEK key and armor policy the data services and the edge are created with.
        baseline = GcpBaseline(
            f"{name}-baseline", g.baseline, settings.alerts, settings.protection, project, region, project_number,
            load_balancer=settings.domain is not None, after=enabled, opts=child,
        )
        network = LagoNetwork(f"{name}-net", NetworkArgs(project, region, g.network, enabled, flow_logs=g.baseline.flow_logs), opts=child)
        where = network.placement(project, region)
        # Data services that use the key wait for its grants.
        keyed = Placement(where.project, where.region, where.network_id, (*where.depends_on, *baseline.key_grants))
        db = LagoDatabase(
            f"{name}-db",
            DatabaseArgs(
                keyed, settings.database, g.database, settings.protection, labels, extra_flags=baseline.sql_flags, encryption_key_name=baseline.kms_key_name
            ),
            opts=child,
        )

        def redis(suffix: str, purpose: str, tier: str, memory: int, eviction: str, holds_data: bool = True, tls: bool = True) -> LagoRedis:
            # The stack key encrypts what holds data; the cable Redis holds only broadcasts.
            args = RedisArgs(
                purpose, keyed if holds_data else where, tier, g.redis.version, memory, eviction, protect and holds_data, labels,
                persistent=eviction == "noeviction", tls=tls, customer_managed_key=baseline.kms_key_name if holds_data else None,
            )
            return LagoRedis(f"{name}-{suffix}", args, opts=child)

        queue = redis("redis", "queue", g.redis.tier, g.redis.memory_size_gb, "noeviction")
        cache = (
            redis("cache", "cache", g.redis.cache_tier or g.redis.tier, g.redis.cache_memory_size_gb, "allkeys-lru")
            if settings.redis.separate_cache
            else None
        )
        # ActionCable verifies the server certificate and takes no CA and no separate password
        # (config/cable.yml): it cannot use Memorystore's private-CA TLS. Its own small instance
        # without in-transit encryption, with AUTH, reachable only inside the private VPC, its URL
        # (carrying the password) a secret. It holds no data, only broadcasts: never protected.
        cable = redis("cable", CABLE, "BASIC", 1, "allkeys-lru", holds_data=False, tls=False)
        ids = account_ids(name)
        storage = LagoStorage(
            f"{name}-files",
            StorageArgs(
                project, region, g.storage, protect, ids["backend"], bucket_name(project, name), labels, [*enabled, *baseline.key_grants], baseline.kms_key_name
            ),
            opts=child,
        )
        # front and pdf run as accounts of their own with no grant: nginx and Chromium rendering
        # invoice HTML need no secret and no bucket.
        accounts: dict[str, pulumi.Input[str]] = {"backend": storage.service_account_email}
        for role in ("front", "pdf"):
            accounts[role] = gcp.serviceaccount.Account(
                f"{name}-{role}-identity",
                account_id=ids[role],
                project=project,
                display_name=f"Lago {role} (Cloud Run, no grants)",
                opts=after_apis,
            ).email
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=child, protect=settings.protection.protect)

        service_names = {role: f"{name}-{role}" for role in HTTP_ROLES}

        def run_url(role: str) -> pulumi.Output[str]:
            # Cloud Run's deterministic URL, known before the service exists: the api needs the
            # front's URL and the front the api's, so neither can wait for the other's `uri`.
            return pulumi.Output.concat("https://", service_names[role], "-", project_number, ".", region, ".run.app")

        domain = settings.domain
        api_url = settings.urls.api or (urls.http_url("https", domain.api) if domain else run_url("api"))
        front_url = settings.urls.front or (urls.http_url("https", domain.app) if domain else run_url("front"))

        endpoints = Endpoints(
            database=DatabaseEndpoint(
                host=db.host, port=5432, user=db.user, password=db.password, name=settings.database.name, sslmode="require"
            ),
            queue=RedisEndpoint(host=queue.host, port=queue.port, tls=True, verifiable_tls=False, password=queue.auth_string),
            cache=RedisEndpoint(host=cache.host, port=cache.port, tls=True, verifiable_tls=False, password=cache.auth_string)
            if cache
            else None,
            storage=GcsStorage(project=project, bucket=storage.bucket, iam=True, service_account_email=storage.service_account_email),
            api_url=api_url,
            front_url=front_url,
            pdf_url=run_url("pdf"),
            cable=RedisEndpoint(host=cable.host, port=cable.port, tls=False, password=cable.auth_string),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values, component=self)

        # Every role gets the same variable from the same endpoint, so one secret per name.
        values: dict[str, pulumi.Output[str]] = {"DB_PASSWORD": db.password}
        for rd in self.deployment.roles:
            values.update(rd.env.secret)
        store = LagoSecretStore(
            f"{name}-sm",
            SecretStoreArgs(
                project,
                values,
                pulumi.Output.concat("serviceAccount:", storage.service_account_email),
                labels,
                [*enabled, *baseline.key_grants],
                kms_key_name=baseline.kms_key_name,
                region=region,
            ),
            opts=child,
        )
        # Cloud Run checks secret access when a revision starts: start none before the grants
        # have propagated.
        iam_settled = IamPropagation(f"{name}-iam-propagation", [*store.grants, *storage.grants], opts=child)
        ctx = services.RunContext(
            project=project,
            region=region,
            service_accounts=accounts,
            network_id=network.network_id,
            subnetwork_id=network.subnetwork_id,
            secrets=store.refs,
            labels=labels,
            depends_on=[iam_settled, *db.ready, *network.ready],
        )
        self._run_roles(ctx, service_names, domain is not None)

        self.edge_ip: Optional[pulumi.Output[str]] = None
        if domain is not None:
            edge = LagoEdge(
                f"{name}-edge",
                EdgeArgs(
                    project, region, domain, self._services["front"].name, self._services["api"].name, labels, g.edge, enabled, baseline.security_policy
                ),
                opts=child,
            )
            self.edge_ip = edge.ip_address

        baseline.watch(
            GcpSignals(
                project=project,
                services=service_names,
                worker_pools={rd.name: f"{name}-{rd.name}" for rd in self.deployment.serving if rd.name not in service_names},
                database_id=db.connection_name.apply(lambda c: ":".join(c.split(":")[::2])),
                database_max_connections=cloud_sql_max_connections(g.database.tier, g.database.max_connections),
                redis=[
                    GcpRedis(label, f"projects/{project}/locations/{region}/instances/{name}-{suffix}", queue=suffix == "redis", high_availability=tier == "STANDARD_HA")
                    for label, suffix, tier in (("queue", "redis", g.redis.tier), *((("cache", "cache", g.redis.cache_tier or g.redis.tier),) if cache else ()))
                ],
                endpoints={"front": (domain.app, "/"), "api": (domain.api, "/ready")} if domain else {},
            )
        )

        self.front_url = pulumi.Output.from_input(front_url)
        self.api_url = pulumi.Output.from_input(api_url)
        self._outputs = {
            "front_url": self.front_url,
            "api_url": self.api_url,
            "database_connection_name": db.connection_name,
            "redis_host": queue.host,
            "bucket": storage.bucket,
            "service_account": storage.service_account_email,
            "service_accounts": accounts,
            "secret_ids": {k: v.path for k, v in store.refs.items()},
        }
        if cache is not None:
            self._outputs["redis_cache_host"] = cache.host
        self._outputs["redis_cable_host"] = cable.host
        if self.edge_ip is not None:
            self._outputs["load_balancer_ip"] = self.edge_ip
        self.register_outputs(self._outputs)

    def exports(self) -> dict[str, pulumi.Input]:
        return {**self._outputs, "target": "gcp"}

    def _run_roles(self, ctx: services.RunContext, names: dict[str, str], behind_lb: bool) -> None:
        """Migrations first; then pdf, api, front as services, the rest as worker pools."""
        run = self._settings.gcp.run
        migrate = services.migration_job(f"{self._name}-migrate", self, self.deployment.role("migrate"), ctx)
        after_migrate = [*ctx.depends_on, migrate]
        # With a load balancer, the run.app URLs of api and front refuse outside callers.
        public = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if behind_lb else "INGRESS_TRAFFIC_ALL"
        concurrency = http_concurrency(self._settings)
        self._services: dict[str, gcp.cloudrunv2.Service] = {}
        for role, ingress, deps in (
            ("pdf", "INGRESS_TRAFFIC_INTERNAL_ONLY", ctx.depends_on),
            ("api", public, after_migrate),
            ("front", public, after_migrate),
        ):
            rd = self.deployment.role(role)
            shape = services.HttpShape(
                ingress=ingress,
                min_instances=0 if run.scale_to_zero else rd.min_replicas,
                concurrency=concurrency[role],
                cpu_idle=role not in run.always_allocated_cpu,
            )
            self._services[role] = services.http_service(names[role], self, rd, ctx, shape, deps)
        for rd in self.deployment.serving:
            if rd.name not in names:
                services.worker_pool(f"{self._name}-{rd.name}", self, rd, ctx, after_migrate, run.autoscale_workers)
