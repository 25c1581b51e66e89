"""Lago on AWS: RDS PostgreSQL, ElastiCache, S3 and ECS Fargate behind an ALB."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import DatabaseEndpoint, Endpoints, LagoDeployment, RedisEndpoint, S3Storage
from ...lago.roles import PDF_PORT, Tier
from ...policy.targets.aws import rds_class_max_connections
from ...secrets import LagoSecrets
from ..base import LagoTarget, component_props, documented_init, role_environments, shared_secrets
from . import checks, tags
from .baseline import AwsBaseline
from .database import LagoDatabase
from .edge import EdgeArgs, LagoEdge
from .network import LagoNetwork
from .observability import AwsSignals, RedisGroup
from .redis import LagoRedis, subnet_group
from .secrets_store import LagoSecretStore
from .security import LagoSecurityGroups
from .services import LagoServices, ServicesArgs
from .settings import AwsSettings
from .storage import LagoStorage

__all__ = ["LagoAws"]


class LagoAws(LagoTarget):
    """Every piece as its own component: network, security groups, database, Redis, storage,
    secrets, edge and services. The region is the AWS provider's (``aws:region``)."""

    @documented_init(
        "AWS",
        "aws",
        """
        front_url: where the browser opens Lago.
        api_url: the api as the browser and API clients reach it.
        deployment: every role with its image, command, size and environment.
        exports(): the stack outputs (ALB DNS name, database and Redis endpoints, bucket,
            cluster, secret ARNs, certificate validation records while DNS is pending);
            never a secret value.
        """,
    )
    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        # Before anything is registered: settings AWS would refuse, as one clear message.
        checks.check(settings, pulumi.Config("aws").get("region"))
        stack_tags = tags.stack_tags(settings.tags, pulumi.get_stack())
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[tags.transformation(stack_tags)]))
        super().__init__("lago:aws:LagoAws", name, component_props(settings), opts)
        cfg: AwsSettings = settings.aws or AwsSettings()
        child = pulumi.ResourceOptions(parent=self)
        # The provider this component runs with (an embedding program's, or the default one).
        region = aws.get_region(opts=pulumi.InvokeOptions(parent=self)).region
        protection = settings.protection

        # First: the KMS key and log bucket the data services and the ALB are created with.
        baseline = AwsBaseline(f"{name}-baseline", cfg.baseline, settings.alerts, protection, region, opts=child)
        key = dict(kms_key_arn=baseline.kms_key_arn)
        network = LagoNetwork(f"{name}-network", cfg.network, region, opts=child)
        public_ports = [80, 443] if settings.domain else [80, cfg.edge.api_port]
        security = LagoSecurityGroups(f"{name}-sg", network.vpc_id, public_ports, opts=child)
        data_subnets = network.isolated_subnet_ids if cfg.database.subnets == "isolated" else network.private_subnet_ids

        database = LagoDatabase(
            f"{name}-db",
            settings.database,
            cfg.database,
            protection,
            cfg.services.log_retention_days,
            data_subnets,
            security.ids("database"),
            opts=child,
            **key,
            **baseline.monitoring,
        )
        redis_subnets = subnet_group(f"{name}-redis-subnets", network.isolated_subnet_ids, self)
        redis_args = dict(settings=cfg.redis, protection=protection, subnet_group_name=redis_subnets.name, security_group_ids=security.ids("redis"), **key)
        queue = LagoRedis(f"{name}-redis-queue", eviction="noeviction", **redis_args, opts=child)
        cache = LagoRedis(f"{name}-redis-cache", eviction="allkeys-lru", **redis_args, opts=child) if settings.redis.separate_cache else None
        storage = LagoStorage(f"{name}-files", cfg.storage, protection, opts=child, **key)
        edge = LagoEdge(
            f"{name}-edge",
            EdgeArgs(
                cfg.edge, settings.domain, settings.urls, protection, network.vpc_id, network.public_subnet_ids, security.groups["alb"].id, baseline.access_logs
            ),
            opts=child,
        )
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=child, protect=settings.protection.protect)

        endpoints = Endpoints(
            # require: TLS always (the parameter group refuses anything else); verify-full would
            # need the RDS CA bundle inside Lago's image.
            database=DatabaseEndpoint(
                host=database.host, port=database.port, user=settings.database.user, password=database.password, name=settings.database.name, sslmode="require"
            ),
            queue=RedisEndpoint(host=queue.host, port=queue.port, tls=True, password=queue.auth_token),
            cache=RedisEndpoint(host=cache.host, port=cache.port, tls=True, password=cache.auth_token) if cache else None,
            # No keys: the task role is found through the ECS credentials endpoint.
            storage=S3Storage(bucket=storage.bucket, region=region),
            api_url=edge.api_url,
            front_url=edge.front_url,
            pdf_url=urls.http_url("http", "pdf", PDF_PORT),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values, component=self)

        store = LagoSecretStore(
            f"{name}-secret", shared_secrets(self.deployment), recovery_window_days=30 if protection.protect else 0, protect=protection.protect, opts=child, **key
        )

        services = LagoServices(
            f"{name}-ecs",
            self.deployment,
            ServicesArgs(
                settings=cfg.services,
                images=cfg.images,
                region=region,
                subnet_ids=network.private_subnet_ids,
                assign_public_ip=network.tasks_need_public_ip,
                security=security,
                edge=edge,
                secret_arns=store.arns,
                secret_refs=store.references,
                bucket_arn=storage.arn,
                prerequisites=[network, store, database, queue, *([cache] if cache else [])],
                egress=[network],
                read_only_root=cfg.baseline.read_only_root,
                **key,
            ),
            opts=child,
        )
        baseline.watch(
            vpc_id=network.vpc_id,
            new_vpc=cfg.network.existing is None,
            alb_arn=edge.alb.arn,
            buckets={"files": storage.id},
            signals=AwsSignals(
                alb_arn_suffix=edge.alb.arn_suffix,
                target_groups={role: tg.arn_suffix for role, tg in edge.target_groups.items()},
                cluster_name=services.cluster_name,
                cluster_arn=services.cluster_arn,
                services={role: svc.name for role, svc in services.services.items()},
                worker_ceilings={rd.name: rd.max_replicas for rd in self.deployment.serving if rd.role.tier is Tier.WORKER and rd.max_replicas > rd.min_replicas},
                database_id=database.identifier,
                database_storage_gib=cfg.database.allocated_storage,
                database_max_connections=rds_class_max_connections(cfg.database.instance_class),
                redis=[RedisGroup("queue", queue.group_id, queue.nodes, queue=True), *([RedisGroup("cache", cache.group_id, cache.nodes, queue=False)] if cache else [])],
                certificate_arn=edge.certificate_arn,
                kms_key_arn=baseline.kms_key_arn,
            ),
        )

        self.role_environments = role_environments(self.deployment, store.references)
        self.front_url = edge.front_url
        self.api_url = edge.api_url
        self._exports: dict[str, pulumi.Input] = {
            "target": "aws",
            "front_url": self.front_url,
            "api_url": self.api_url,
            "alb_dns_name": edge.dns_name,
            "database_endpoint": pulumi.Output.concat(database.host, ":", database.port.apply(str)),
            "redis_queue_endpoint": pulumi.Output.concat(queue.host, ":", queue.port.apply(str)),
            "bucket": storage.bucket,
            "cluster": services.cluster_name,
            "secret_arns": store.arns,
        }
        if cache is not None:
            self._exports["redis_cache_endpoint"] = pulumi.Output.concat(cache.host, ":", cache.port.apply(str))
        if edge.validation_records is not None:
            self._exports["certificate_validation_records"] = edge.validation_records
        self.register_outputs({"front_url": self.front_url, "api_url": self.api_url})

    def exports(self) -> dict[str, pulumi.Input]:
        return dict(self._exports)
