"""Lago on GCP: Cloud SQL, Memorystore, GCS and Secret Manager, roles on Cloud Run v2."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_gcp as gcp

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import DatabaseEndpoint, Endpoints, GcsStorage, LagoDeployment, RedisEndpoint
from ...secrets import LagoSecrets
from ..base import LagoTarget
from . import services
from .database import DatabaseArgs, LagoDatabase
from .edge import EdgeArgs, LagoEdge
from .network import LagoNetwork, NetworkArgs
from .redis import LagoRedis, RedisArgs
from .secrets_store import LagoSecretStore, SecretStoreArgs
from .settings import GcpSettings
from .storage import LagoStorage, StorageArgs

__all__ = ["LagoGcp"]


def _required(value: Optional[str], key: str) -> str:
    if not value:
        raise pulumi.RunError(
            f"no GCP {key}. Fix: `pulumi config set gcp:{key} VALUE` (or lago:gcp.{key} to override it for Lago only)"
        )
    return value


class LagoGcp(LagoTarget):
    """Every Lago role on Cloud Run, private data services behind a VPC, secrets by reference."""

    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:LagoGcp", name, None, opts)
        g: GcpSettings = settings.gcp
        provider = pulumi.Config("gcp")
        project = _required(g.project or provider.get("project"), "project")
        region = _required(g.region or provider.get("region"), "region")
        protect = settings.protection.protect
        child = pulumi.ResourceOptions(parent=self)
        self._name = name

        network = LagoNetwork(f"{name}-net", NetworkArgs(project, region, g.network), opts=child)
        where = network.placement(project, region)
        db = LagoDatabase(
            f"{name}-db", DatabaseArgs(where, settings.database, g.database, settings.protection), opts=child
        )

        def redis(suffix: str, memory: int, eviction: str) -> LagoRedis:
            return LagoRedis(
                f"{name}-{suffix}",
                RedisArgs(where, g.redis, memory, eviction, protect, persistent=eviction == "noeviction"),
                opts=child,
            )

        queue = redis("redis", g.redis.memory_size_gb, "noeviction")
        cache = redis("cache", g.redis.cache_memory_size_gb, "allkeys-lru") if settings.redis.separate_cache else None
        storage = LagoStorage(f"{name}-files", StorageArgs(project, region, g.storage, protect, account_id=f"{name}-runtime"), opts=child)
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=child, protect=settings.protection.protect)

        service_names = {role: f"{name}-{role}" for role in ("api", "front", "pdf")}
        project_number = gcp.organizations.get_project_output(project_id=project).number

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
            queue=RedisEndpoint(host=queue.host, port=queue.port, tls=True, password=queue.auth_string),
            cache=RedisEndpoint(host=cache.host, port=cache.port, tls=True, password=cache.auth_string) if cache else None,
            storage=GcsStorage(project=project, bucket=storage.bucket, iam=True, service_account_email=storage.service_account_email),
            api_url=api_url,
            front_url=front_url,
            pdf_url=run_url("pdf"),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values)

        # Every role gets the same variable from the same endpoint, so one secret per name.
        values: dict[str, pulumi.Output[str]] = {"DB_PASSWORD": db.password}
        for rd in self.deployment.roles:
            values.update(rd.env.secret)
        store = LagoSecretStore(
            f"{name}-sm",
            SecretStoreArgs(project, values, pulumi.Output.concat("serviceAccount:", storage.service_account_email)),
            opts=child,
        )
        ctx = services.RunContext(
            project=project,
            region=region,
            service_account_email=storage.service_account_email,
            network_id=network.network_id,
            subnetwork_id=network.subnetwork_id,
            secrets=store.refs,
            labels={"app": "lago", "lago-stack": name},
            depends_on=[*store.grants, *storage.grants, *db.ready, *network.ready],
        )
        self._run_roles(ctx, service_names, domain is not None, g.run.scale_to_zero)

        self.edge_ip: Optional[pulumi.Output[str]] = None
        if domain is not None:
            edge = LagoEdge(
                f"{name}-edge",
                EdgeArgs(project, region, domain, self._services["front"].name, self._services["api"].name),
                opts=child,
            )
            self.edge_ip = edge.ip_address

        self.front_url = pulumi.Output.from_input(front_url)
        self.api_url = pulumi.Output.from_input(api_url)
        self._outputs = {
            "front_url": self.front_url,
            "api_url": self.api_url,
            "database_connection_name": db.connection_name,
            "redis_host": queue.host,
            "bucket": storage.bucket,
            "service_account": storage.service_account_email,
            "secret_ids": {k: v.path for k, v in store.refs.items()},
        }
        if cache is not None:
            self._outputs["redis_cache_host"] = cache.host
        if self.edge_ip is not None:
            self._outputs["load_balancer_ip"] = self.edge_ip
        self.register_outputs(self._outputs)

    def exports(self) -> dict[str, pulumi.Input]:
        return {**self._outputs, "target": "gcp"}

    def _run_roles(self, ctx: services.RunContext, names: dict[str, str], behind_lb: bool, scale_to_zero: bool) -> None:
        """Migrations first; then pdf, api, front as services, the rest as worker pools."""
        migrate = services.migration_job(f"{self._name}-migrate", self, self.deployment.role("migrate"), ctx)
        after_migrate = [*ctx.depends_on, migrate]
        # With a load balancer, the run.app URLs of api and front refuse outside callers.
        public = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if behind_lb else "INGRESS_TRAFFIC_ALL"
        self._services: dict[str, gcp.cloudrunv2.Service] = {}
        for role, ingress, deps in (
            ("pdf", "INGRESS_TRAFFIC_INTERNAL_ONLY", ctx.depends_on),
            ("api", public, after_migrate),
            ("front", public, after_migrate),
        ):
            rd = self.deployment.role(role)
            self._services[role] = services.http_service(
                names[role], self, rd, ctx, ingress=ingress, min_instances=0 if scale_to_zero else rd.min_replicas, depends_on=deps
            )
        for rd in self.deployment.serving:
            if rd.name not in names:
                services.worker_pool(f"{self._name}-{rd.name}", self, rd, ctx, after_migrate)
