"""Lago on AWS: RDS PostgreSQL, ElastiCache, S3 and ECS Fargate behind an ALB."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import Endpoints, LagoDeployment, S3Storage
from ...lago.roles import PDF_PORT, Tier
from ...secrets import LagoSecrets
from ..base import LagoTarget, component_props, documented_init, role_environments
from . import checks, tags
from .baseline import AwsBaseline
from .data import AwsData, held_references
from .edge import EdgeArgs, LagoEdge
from .network import LagoNetwork
from .observability import AwsSignals
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

        # New RDS and ElastiCache, or what the platform brings (lago:aws.database/redis.existing…).
        data = AwsData(
            name,
            settings,
            cfg,
            security=security,
            database_subnets=data_subnets,
            redis_subnets=network.isolated_subnet_ids,
            monitoring=baseline.monitoring,
            parent=self,
            **key,
        )
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
            database=data.database,
            queue=data.queue,
            cache=data.cache,
            # No keys: the task role is found through the ECS credentials endpoint.
            storage=S3Storage(bucket=storage.bucket, region=region),
            api_url=edge.api_url,
            front_url=edge.front_url,
            pdf_url=urls.http_url("http", "pdf", PDF_PORT),
        )
        self.deployment = LagoDeployment(settings, endpoints, secrets.values, component=self)

        store = LagoSecretStore(
            f"{name}-secret", data.stored(self.deployment), recovery_window_days=30 if protection.protect else 0, protect=protection.protect, opts=child, **key
        )
        held = held_references(self.deployment)

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
                secret_arns={**store.arns, **held},
                secret_refs={**store.references, **held},
                bucket_arn=storage.arn,
                prerequisites=[network, store, *data.resources],
                egress=[network],
                read_only_root=cfg.baseline.read_only_root,
                key_grants=baseline.key_grants,
                before_migrate=data.bootstrap(store),
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
                **data.signals(),
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
            **data.exports(),
            "bucket": storage.bucket,
            "cluster": services.cluster_name,
            "secret_arns": store.arns,
        }
        if edge.validation_records is not None:
            self._exports["certificate_validation_records"] = edge.validation_records
        self.register_outputs({"front_url": self.front_url, "api_url": self.api_url})

    def exports(self) -> dict[str, pulumi.Input]:
        return dict(self._exports)
