"""Memorystore for Redis with AUTH (and in-transit encryption, but where ActionCable reads it),
reached through private services access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Optional

import pulumi
import pulumi_gcp as gcp

from . import limits
from .network import Placement


#: The ``lago-redis`` label: what an instance is for. The cable instance carries broadcasts only
#: and runs without in-transit encryption (ActionCable verifies certificates; Memorystore's CA is
#: private): the guardrails read the label to hold it to AUTH on the private network instead.
CABLE = "cable"
#: The queue's instance when ActionCable shares it (``lago:gcp.redis.sharedCable``): without in-transit
#: encryption for the same reason, and holding the queue's data all the same.
QUEUE_CABLE = "queue-cable"


@dataclass(frozen=True)
class RedisArgs:
    #: "queue", "cache", CABLE or QUEUE_CABLE: becomes the ``lago-redis`` label.
    purpose: str
    where: Placement
    #: BASIC or STANDARD_HA.
    tier: str
    version: str
    memory_size_gb: int
    #: ``noeviction`` for the Sidekiq queue (jobs must never be dropped), ``allkeys-lru`` for a cache.
    eviction: Literal["noeviction", "allkeys-lru"]
    protect: bool
    labels: Mapping[str, str]
    #: Hourly RDB snapshots, so a restart loses at most an hour of queued jobs.
    persistent: bool = False
    #: In-transit encryption (port 6378, Memorystore's private CA). Off only for an instance
    #: ActionCable reads, which verifies certificates and cannot be given that CA.
    tls: bool = True
    #: Production baseline: a CMEK key.
    customer_managed_key: Optional[pulumi.Input[str]] = None


class LagoRedis(pulumi.ComponentResource):
    """One Memorystore instance."""

    host: pulumi.Output[str]
    port: pulumi.Output[int]
    """6378 with in-transit encryption, 6379 without."""
    auth_string: pulumi.Output[str]
    """The AUTH password (secret)."""

    def __init__(self, name: str, args: RedisArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:Redis", name, None, opts)
        instance = gcp.redis.Instance(
            f"{name}-instance",
            name=name,
            project=args.where.project,
            region=args.where.region,
            tier=args.tier,
            memory_size_gb=args.memory_size_gb,
            redis_version=args.version,
            labels={**args.labels, "lago-redis": args.purpose},
            auth_enabled=True,
            # rediss://: Lago's Sidekiq and cache clients do not verify the server certificate, so
            # Memorystore's private CA is fine for them.
            transit_encryption_mode=limits.REDIS_TRANSIT_ENCRYPTION[args.tls],
            connect_mode="PRIVATE_SERVICE_ACCESS",
            authorized_network=args.where.network_id,
            redis_configs={"maxmemory-policy": args.eviction},
            customer_managed_key=args.customer_managed_key,
            persistence_config=(
                gcp.redis.InstancePersistenceConfigArgs(persistence_mode="RDB", rdb_snapshot_period="ONE_HOUR") if args.persistent else None
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=list(args.where.depends_on),
                additional_secret_outputs=["authString"],
            ),
        )
        self.host = instance.host
        self.port = instance.port
        self.auth_string = pulumi.Output.secret(instance.auth_string)
        self.register_outputs({"host": self.host, "port": self.port})
