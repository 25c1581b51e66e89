"""ElastiCache (Valkey or Redis OSS) replication groups: TLS in transit, encrypted at rest, an
auth token. One for the Sidekiq queue (``noeviction``) and, optionally, one for the Rails cache
(``allkeys-lru``). Or endpoints the platform runs (``brought_endpoint``)."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ...config.model import Protection
from ...lago.environment import RedisEndpoint
from .security import REDIS_PORT
from .settings import ExistingRedisEndpoint, Redis


class LagoRedis(pulumi.ComponentResource):
    """One replication group with its parameter group and auth token."""

    host: pulumi.Output[str]
    """Primary endpoint (follows failover)."""
    port: pulumi.Output[int]
    auth_token: pulumi.Output[str]
    """A secret output: REDIS_PASSWORD / LAGO_REDIS_CACHE_PASSWORD."""

    def __init__(
        self,
        name: str,
        settings: Redis,
        eviction: str,
        protection: Protection,
        subnet_group_name: pulumi.Input[str],
        security_group_ids: Sequence[pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions] = None,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
    ):
        super().__init__("lago:aws:Redis", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # ElastiCache takes 16-128 printable characters and refuses some symbols: alphanumeric only.
        token = random.RandomPassword(f"{name}-auth-token", length=48, special=False, opts=child)
        params = aws.elasticache.ParameterGroup(
            f"{name}-params",
            family=settings.parameter_family,
            description=f"Lago: maxmemory-policy {eviction}",
            parameters=[aws.elasticache.ParameterGroupParameterArgs(name="maxmemory-policy", value=eviction)],
            opts=child,
        )
        failover = settings.replicas > 0
        group = aws.elasticache.ReplicationGroup(
            f"{name}",
            description=f"Lago {name.rsplit('-', 1)[-1]}",
            engine=settings.engine,
            engine_version=settings.engine_version,
            node_type=settings.node_type,
            num_cache_clusters=1 + settings.replicas,
            automatic_failover_enabled=failover,
            multi_az_enabled=failover,
            port=REDIS_PORT,
            parameter_group_name=params.name,
            subnet_group_name=subnet_group_name,
            security_group_ids=list(security_group_ids),
            at_rest_encryption_enabled=True,
            kms_key_id=kms_key_arn,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=token.result,
            snapshot_retention_limit=settings.snapshot_retention_days,
            snapshot_window="01:00-02:00" if settings.snapshot_retention_days else None,
            maintenance_window="sun:04:30-sun:05:30",
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            opts=pulumi.ResourceOptions(parent=self, protect=protection.protect),
        )
        self.group_id = group.id
        self.nodes = 1 + settings.replicas
        self.host = group.primary_endpoint_address
        self.port = group.port.apply(lambda p: p or REDIS_PORT)
        self.auth_token = pulumi.Output.secret(token.result)
        self.register_outputs({"host": self.host})


def subnet_group(name: str, subnet_ids: Sequence[pulumi.Input[str]], parent: pulumi.Resource) -> aws.elasticache.SubnetGroup:
    """Shared by the queue and the cache groups."""
    return aws.elasticache.SubnetGroup(
        name, subnet_ids=list(subnet_ids), description="Lago Redis", opts=pulumi.ResourceOptions(parent=parent)
    )


def brought_endpoint(name: str, endpoint: ExistingRedisEndpoint, parent: pulumi.Resource) -> RedisEndpoint:
    """A Redis the platform runs, as Lago reaches it. The AUTH token is read from the platform's
    secret during the deployment (through the component's provider), as a secret output: Lago's
    ActionCable URL must carry it inline, so lago-infra keeps its own copies of the URLs."""
    password = None
    if endpoint.auth_token_secret_arn is not None:
        version = aws.secretsmanager.get_secret_version_output(
            secret_id=endpoint.auth_token_secret_arn, opts=pulumi.InvokeOutputOptions(parent=parent)
        )
        password = pulumi.Output.secret(version.secret_string)
    return RedisEndpoint(host=endpoint.host, port=endpoint.port, tls=endpoint.tls, password=password)
