"""Lago on AWS: RDS PostgreSQL, ElastiCache, S3 and ECS Fargate behind an ALB."""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from ...config.model import LagoSettings
from ...lago import urls
from ...lago.environment import Endpoints, LagoDeployment, S3Storage, brought_storage
from ...lago.roles import PDF_PORT, Tier
from ...app_secrets import LagoSecrets
from ..base import LagoTarget, component_props, name_key, provider_of, role_environments, target_init
from . import checks, limits, tags
from .baseline import AwsBaseline
from .data import AwsData, DatabaseTls, held_references, own_data_groups
from .edge import EdgeArgs, LagoEdge
from .network import LagoNetwork
from .platform_access import LagoPlatformAccess
from .observability import AwsSignals
from .secrets_store import LagoSecretStore
from .security import LagoSecurityGroups
from .services import LagoServices, ServicesArgs
from .settings import AwsSettings
from .storage import LagoStorage

__all__ = ["LagoAws"]


class LagoAws(LagoTarget):
    """Every piece as its own component: network, security groups, database, Redis, storage,
    secrets, edge and services. The region is the AWS provider's (``aws:region``).

    With ``lago:runtime: external`` only the data tier: no cluster, service, task definition,
    migrations runner or load balancer; a ``clients`` security group and two managed policies
    (files, secrets) for the platform's runtime instead."""

    load_balancer_arn: Optional[pulumi.Output[str]]
    """The ALB's ARN (the platform's when given); None with an external runtime, or a brought
    listener without ``loadBalancerArn``."""
    load_balancer_dns_name: Optional[pulumi.Output[str]]
    """The ALB's DNS name; None with an external runtime."""
    load_balancer_zone_id: Optional[pulumi.Output[str]]
    """The ALB's canonical hosted zone id (for alias records); None with an external runtime."""
    security_group_ids: pulumi.Output[dict[str, str]]
    """Security group ids by tier: ``alb`` (created or brought), ``front``, ``api``, ``worker``,
    ``clock``, ``pdf``, ``database``, ``redis``; with an external runtime ``clients``,
    ``database``, ``redis``."""
    clients_security_group_id: Optional[pulumi.Output[str]]
    """External runtime: the group the database and Redis admit; attach it to the platform's
    nodes or pods. None otherwise."""
    cluster_arn: Optional[pulumi.Output[str]]
    """The ECS cluster the services run on (created or brought); None with an external runtime."""
    cluster_name: Optional[pulumi.Output[str]]
    """Its name; None with an external runtime."""
    service_names: Optional[pulumi.Output[dict[str, str]]]
    """ECS service names by role; None with an external runtime."""
    service_arns: Optional[pulumi.Output[dict[str, str]]]
    """ECS service ARNs by role; None with an external runtime."""
    task_role_arn: Optional[pulumi.Output[str]]
    """The backend roles' task role (the files bucket); None with an external runtime."""
    execution_role_arns: Optional[pulumi.Output[dict[str, str]]]
    """The ECS execution role of each role's task (image pull, logs, its own secrets), by role;
    None with an external runtime."""
    bucket_policy_arn: Optional[pulumi.Output[str]]
    """External runtime: a managed policy for the files bucket, for the platform's pod role; None
    with a store of ``lago:storage``."""
    secrets_policy_arn: Optional[pulumi.Output[str]]
    """External runtime: a managed policy reading Lago's secrets, for the platform's pod role."""
    database_endpoint: Optional[pulumi.Output[str]]
    """``host:port`` of PostgreSQL (the platform's server when brought); None when the database
    is brought as a URL secret (``database.existingUrlSecretArn``)."""
    database_address: Optional[pulumi.Output[str]]
    """PostgreSQL's host name; None when the database is brought as a URL secret."""
    database_port: Optional[pulumi.Output[int]]
    """PostgreSQL's port; None when the database is brought as a URL secret."""
    database_instance_identifier: Optional[pulumi.Output[str]]
    """The RDS instance identifier; None when the platform runs the database."""
    database_client_security_group_ids: Optional[pulumi.Output[list[str]]]
    """A brought server without ``securityGroupId``: the task groups it must admit on its port."""
    redis_queue_endpoint: pulumi.Output[str]
    """``host:port`` of the Sidekiq queue Redis (created or brought)."""
    redis_cache_endpoint: Optional[pulumi.Output[str]]
    """``host:port`` of the cache Redis; None unless ``lago:redis.separateCache`` (or a brought ``cache``)."""
    bucket_name: Optional[pulumi.Output[str]]
    """The S3 bucket of Lago's files; None with a store of ``lago:storage`` (none is created)."""
    bucket_arn: Optional[pulumi.Output[str]]
    """Its ARN; None with a store of ``lago:storage``."""
    secret_arns: pulumi.Output[dict[str, str]]
    """ARN of each Lago secret variable's entry in the stack's store: a Secrets Manager secret, or
    an SSM parameter with ``lago:aws.secrets.store: parameterStore``."""
    vpc_id: pulumi.Output[str]
    """The VPC (created or brought)."""
    public_subnet_ids: pulumi.Output[list[str]]
    """Subnets of the ALB."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Subnets of the tasks."""
    isolated_subnet_ids: pulumi.Output[list[str]]
    """Subnets of the database and Redis."""

    @target_init(
        "AWS",
        "aws",
        """
        front_url, api_url: where the browser opens Lago and reaches the api.
        deployment: every role with its image, command, size and environment.
        role_environments: each role's image, command, plain variables and secret ARNs.
        load_balancer_arn, load_balancer_dns_name, load_balancer_zone_id: the ALB.
        security_group_ids (by tier), clients_security_group_id (external runtime).
        cluster_arn, cluster_name, service_names, service_arns (by role).
        task_role_arn, execution_role_arns (by role).
        bucket_policy_arn, secrets_policy_arn (external runtime: for the platform's pod role).
        database_endpoint, database_address, database_port, database_instance_identifier,
            database_client_security_group_ids.
        redis_queue_endpoint, redis_cache_endpoint; bucket_name, bucket_arn; secret_arns.
        vpc_id, public_subnet_ids, private_subnet_ids, isolated_subnet_ids.
        Each attribute's docstring says when it is None.
        exports(): the stack outputs (ALB DNS name, database and Redis endpoints, bucket,
            cluster, secret ARNs, certificate validation records while DNS is pending);
            never a secret value.
        """,
    )
    def __init__(self, name: str, settings: LagoSettings, opts: Optional[pulumi.ResourceOptions] = None):
        # Before anything is registered: what AWS would refuse of this component's name and of the
        # brought pieces in the provider's region, as one clear message.
        provider = provider_of(opts, "aws")
        if provider is not None:  # its own region; its accounts are its own business
            given_region, accounts = aws.get_region(opts=pulumi.InvokeOptions(provider=provider)).region, None
        else:
            stack = pulumi.Config("aws")
            given_region = stack.get("region")
            accounts = checks.stack_accounts({f"aws:{k}": stack.get_object(k) for k in ("allowedAccountIds", "forbiddenAccountIds")})
        checks.check(settings, given_region, name, name_key(settings, name), accounts)
        stack_tags = tags.stack_tags(settings.tags, pulumi.get_stack())
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[tags.transformation(stack_tags)]))
        super().__init__("lago:aws:LagoAws", name, component_props(settings), opts)
        cfg: AwsSettings = settings.aws or AwsSettings()
        managed = settings.runtime == "managed"
        child = pulumi.ResourceOptions(parent=self)
        # The provider this component runs with (an embedding program's, or the default one).
        region = aws.get_region(opts=pulumi.InvokeOptions(parent=self)).region
        # An embedding program's provider may name a region the stack's config does not.
        checks.check_region(region)
        protection = settings.protection
        # Before anything is created: how the roles verify PostgreSQL (it may read RDS's CA bundle).
        database_tls = DatabaseTls.of(settings, cfg, region)

        # First: the KMS key and log bucket the data services and the ALB are created with.
        # A final snapshot of a database the stack creates outlives it, encrypted with its key.
        rds = cfg.database.existing is None and cfg.database.existing_url_secret_arn is None
        baseline = AwsBaseline(
            f"{name}-baseline",
            cfg.baseline,
            settings.alerts,
            protection,
            region,
            opts=child,
            outlived_by_snapshot=rds and cfg.database.final_snapshot,
        )
        key = dict(kms_key_arn=baseline.kms_key_arn)
        network = LagoNetwork(f"{name}-network", cfg.network, region, opts=child)
        public_ports = [80, 443] if settings.domain else [80, cfg.edge.api_port]
        brought_alb = cfg.edge.existing.security_group_id if cfg.edge.existing is not None else None
        security = LagoSecurityGroups(
            f"{name}-sg",
            network.vpc_id,
            public_ports,
            opts=child,
            brought_alb=brought_alb,
            external_runtime=not managed,
            data_groups=own_data_groups(cfg),
        )
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
            tls=database_tls,
            **key,
        )
        # An S3-compatible store of the user's (lago:storage, with its own keys), or a bucket of ours.
        brought = brought_storage(settings)
        storage = LagoStorage(f"{name}-files", cfg.storage, protection, opts=child, **key) if brought is None else None
        edge = None
        if managed:
            edge = LagoEdge(
                f"{name}-edge",
                EdgeArgs(
                    cfg.edge,
                    settings.domain,
                    settings.urls,
                    protection,
                    network.vpc_id,
                    network.public_subnet_ids,
                    security.alb_id,
                    baseline.access_logs,
                    after=[*network.internet, *baseline.log_delivery],
                ),
                opts=child,
            )
            front_url, api_url = edge.front_url, edge.api_url
        else:
            front_url, api_url = _external_urls(settings)
        secrets = LagoSecrets(f"{name}-secrets", settings.secrets, opts=child, protect=settings.protection.protect)

        endpoints = Endpoints(
            database=data.database,
            queue=data.queue,
            cache=data.cache,
            # No keys for our bucket: the task role (or the platform's pod role) is found by the AWS SDK.
            storage=brought or S3Storage(bucket=storage.bucket, region=region),
            api_url=api_url,
            front_url=front_url,
            pdf_url=urls.http_url("http", "pdf", PDF_PORT),
        )
        # ECS stops a task with SIGTERM and SIGKILL at most ECS_STOP_TIMEOUT_MAX later; the platform's
        # own runtime (external) sets its grace itself.
        self.deployment = LagoDeployment(
            settings, endpoints, secrets.values, component=self, max_stop_grace=limits.ECS_STOP_TIMEOUT_MAX if managed else None
        )

        store = LagoSecretStore(
            f"{name}-secret",
            data.stored(self.deployment),
            recovery_window_days=30 if protection.protect else 0,
            protect=protection.protect,
            opts=child,
            store=cfg.secrets.store,
            region=region,
            **key,
        )
        # What the tasks' execution roles (or the platform's runtime) need to decrypt the entries.
        reader_key_grants = [*baseline.key_grants.get("execution", ()), *store.reader_grants]
        held = held_references(self.deployment)

        services = None
        access = None
        if edge is not None:
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
                    secret_versions=store.versions,
                    bucket_arn=storage.arn if storage else None,
                    prerequisites=[network, store, *data.resources],
                    egress=[network],
                    read_only_root=cfg.baseline.read_only_root,
                    key_grants={**baseline.key_grants, "execution": reader_key_grants},
                    before_migrate=data.bootstrap(store),
                    **key,
                ),
                opts=child,
            )
        else:
            access = LagoPlatformAccess(
                f"{name}-platform",
                storage.arn if storage else None,
                [*store.arns.values(), *held.values()],
                opts=child,
                key_grants=baseline.key_grants.get("backend", ()),
                **key,
            )
        runtime_signals: dict[str, Any] = {}
        if services is not None and edge is not None:
            runtime_signals = dict(
                alb_arn_suffix=edge.arn_suffix,
                target_groups={role: tg.arn_suffix for role, tg in edge.target_groups.items()},
                cluster_name=services.cluster_name,
                cluster_arn=services.cluster_arn,
                services={role: svc.name for role, svc in services.services.items()},
                service_arns={role: svc.arn for role, svc in services.services.items()},
                worker_ceilings={
                    rd.name: rd.max_replicas
                    for rd in self.deployment.serving
                    if rd.role.tier is Tier.WORKER and rd.max_replicas > rd.min_replicas
                },
                certificate_arn=edge.certificate_arn,
            )
        baseline.watch(
            vpc_id=network.vpc_id,
            new_vpc=cfg.network.existing is None,
            # Only an ALB of this stack's own: a brought one's WAF is its owner's.
            alb_arn=edge.alb.arn if edge is not None and edge.alb is not None else None,
            buckets={"files": storage.id} if storage else {},
            log_retention_days=cfg.services.log_retention_days,
            signals=AwsSignals(
                **data.signals(),
                kms_key_arn=baseline.kms_key_arn,
                **runtime_signals,
            ),
        )

        self.role_environments = role_environments(self.deployment, store.references)
        self.front_url = pulumi.Output.from_input(front_url)
        self.api_url = pulumi.Output.from_input(api_url)
        self.load_balancer_arn = edge.load_balancer_arn if edge else None
        self.load_balancer_dns_name = edge.dns_name if edge else None
        self.load_balancer_zone_id = edge.zone_id if edge else None
        group_ids = {kind: g.id for kind, g in security.groups.items()}
        if security.alb_id is not None:
            group_ids["alb"] = security.alb_id
        self.security_group_ids = pulumi.Output.all(**group_ids)
        self.clients_security_group_id = group_ids.get("clients")
        self.cluster_arn = services.cluster_arn if services else None
        self.cluster_name = services.cluster_name if services else None
        self.service_names = pulumi.Output.all(**{r: svc.name for r, svc in services.services.items()}) if services else None
        self.service_arns = pulumi.Output.all(**{r: svc.id for r, svc in services.services.items()}) if services else None
        self.task_role_arn = services.task_role_arn if services else None
        self.execution_role_arns = pulumi.Output.all(**services.execution_role_arns) if services else None
        self.bucket_policy_arn = access.bucket_policy_arn if access else None
        self.secrets_policy_arn = access.secrets_policy_arn if access else None
        for output, value in data.outputs().items():
            setattr(self, output, value)
        self.bucket_name = storage.bucket if storage else None
        self.bucket_arn = storage.arn if storage else None
        self.secret_arns = pulumi.Output.all(**store.arns)
        self.vpc_id = network.vpc_id
        self.public_subnet_ids = pulumi.Output.all(*network.public_subnet_ids)
        self.private_subnet_ids = pulumi.Output.all(*network.private_subnet_ids)
        self.isolated_subnet_ids = pulumi.Output.all(*network.isolated_subnet_ids)

        self._exports: dict[str, pulumi.Input] = {
            "target": "aws",
            "front_url": self.front_url,
            "api_url": self.api_url,
            **data.exports(),
            **({"bucket": storage.bucket} if storage else {}),
            "secret_arns": store.arns,
        }
        if edge is not None and services is not None:
            self._exports.update(alb_dns_name=edge.dns_name, cluster=services.cluster_name)
        if access is not None:
            self._exports.update(clients_security_group_id=self.clients_security_group_id, secrets_policy_arn=access.secrets_policy_arn)
            if access.bucket_policy_arn is not None:
                self._exports["bucket_policy_arn"] = access.bucket_policy_arn
        if edge is not None and edge.validation_records is not None:
            self._exports["certificate_validation_records"] = edge.validation_records
        # Last, every typed output (None where this mode has none).
        self.register_outputs({output: getattr(self, output) for output in _OUTPUTS})

    def exports(self) -> dict[str, pulumi.Input]:
        return dict(self._exports)


#: The typed outputs, as registered: the annotated attributes of LagoAws and LagoTarget.
_OUTPUTS = tuple(n for n in (*LagoTarget.__annotations__, *LagoAws.__annotations__) if n != "deployment")


def _external_urls(settings: LagoSettings) -> tuple[str, str]:
    """Where the platform's runtime serves Lago: ``lago:urls``, else https on ``lago:domain``
    (checks.py refuses an external runtime with neither)."""
    domain = settings.domain
    front = settings.urls.front or (urls.http_url("https", domain.app) if domain else None)
    api = settings.urls.api or (urls.http_url("https", domain.api) if domain else None)
    assert front and api, "checks.py requires lago:urls or lago:domain with an external runtime"
    return front, api
