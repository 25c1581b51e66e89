"""LagoAws's data tier: the database and Redis it creates, or the ones the platform brings.

The database is one of three: a new RDS instance (``LagoDatabase``); the Lago database and user on
the platform's PostgreSQL server (``LagoDatabaseOnServer``, readied by a bootstrap container in the
migrate task); or nothing but a reference to the platform's own DATABASE_URL secret. Redis is new
ElastiCache groups or the platform's endpoints. Either way the target gets the same
``lago.environment`` endpoints; only the resources, alarms and outputs differ. Not a component
of its own: the pieces keep their names and their parent, the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi

from ...config.model import LagoSettings
from ...lago.environment import VERIFYING_SSL_MODES, DatabaseEndpoint, DatabaseUrlSecret, LagoDeployment, RedisEndpoint, database_ssl_mode
from ..base import shared_secrets
from . import limits, truststore
from .database import PASSWORD_VARIABLE, Bootstrap, LagoDatabase, LagoDatabaseOnServer
from .observability import RedisGroup
from .redis import LagoRedis, brought_endpoint, subnet_group
from .secrets_store import LagoSecretStore
from .security import BACKEND_GROUPS, DATA_GROUPS, LagoSecurityGroups
from .settings import AwsSettings


@dataclass(frozen=True)
class DatabaseTls:
    """How the roles verify PostgreSQL: libpq's ``sslmode`` and the CA bundle (PEM) it checks
    against, None where the mode checks nothing or the platform's URL says it all."""

    sslmode: Optional[str]
    ca_bundle: Optional[str]

    @classmethod
    def of(cls, settings: LagoSettings, cfg: AwsSettings, region: str) -> "DatabaseTls":
        """RDS (new or brought; rds.force_ssl, or the platform's network): TLS always,
        ``verify-full`` against RDS's CA bundle of ``region`` in the prod preset. RDS server
        certificates name the endpoint the roles connect to (the instance's address, an Aurora
        cluster's endpoints), so the host name checks out. A brought URL: the platform's sslmode,
        and its CA file when lago:database.sslRootCert gives one. Read before anything is created:
        a failed download stops the program with nothing registered."""
        brought_ca = settings.database.ssl_root_cert
        if cfg.database.existing_url_secret_arn is not None:
            return cls(None, brought_ca)
        mode = database_ssl_mode(settings, "verify-full")
        if mode not in VERIFYING_SSL_MODES:
            return cls(mode, None)
        return cls(mode, brought_ca or truststore.rds_ca_bundle(region))


class AwsData:
    """Builds the database and Redis under ``parent`` and says how Lago reaches them."""

    database: DatabaseEndpoint | DatabaseUrlSecret
    queue: RedisEndpoint
    cache: Optional[RedisEndpoint]
    resources: list[pulumi.Resource]
    """What the services wait for (nothing for a piece the platform runs)."""

    def __init__(
        self,
        name: str,
        settings: LagoSettings,
        cfg: AwsSettings,
        *,
        security: LagoSecurityGroups,
        database_subnets: Sequence[pulumi.Input[str]],
        redis_subnets: Sequence[pulumi.Input[str]],
        kms_key_arn: Optional[pulumi.Input[str]],
        monitoring: dict[str, pulumi.Input],
        parent: pulumi.Resource,
        tls: DatabaseTls,
    ):
        self._cfg = cfg
        self.tls = tls
        self._security = security
        child = pulumi.ResourceOptions(parent=parent)
        protection = settings.protection
        lago = settings.database
        self._db: Optional[LagoDatabase | LagoDatabaseOnServer] = None
        if cfg.database.existing is not None:
            self._db = LagoDatabaseOnServer(
                f"{name}-db", lago, cfg.database.existing, {k: security.groups[k].id for k in BACKEND_GROUPS}, opts=child
            )
        elif cfg.database.existing_url_secret_arn is None:
            self._db = LagoDatabase(
                f"{name}-db",
                lago,
                cfg.database,
                protection,
                cfg.services.log_retention_days,
                database_subnets,
                security.ids("database"),
                opts=child,
                kms_key_arn=kms_key_arn,
                **monitoring,
            )
        self._queue: Optional[LagoRedis] = None
        self._cache: Optional[LagoRedis] = None
        if cfg.redis.existing is None:
            group = subnet_group(f"{name}-redis-subnets", redis_subnets, parent)
            args = dict(
                settings=cfg.redis,
                protection=protection,
                subnet_group_name=group.name,
                security_group_ids=security.ids("redis"),
                kms_key_arn=kms_key_arn,
            )
            self._queue = LagoRedis(f"{name}-redis-queue", eviction="noeviction", **args, opts=child)
            if settings.redis.separate_cache:
                self._cache = LagoRedis(f"{name}-redis-cache", eviction="allkeys-lru", **args, opts=child)

        # TLS always (RDS's parameter group refuses anything else, and a brought server is
        # reached over the platform's network), verified as DatabaseTls says.
        self.database = (
            DatabaseEndpoint(
                host=self._db.host,
                port=self._db.port,
                user=lago.user,
                password=self._db.password,
                name=lago.name,
                sslmode=tls.sslmode,
                ca_bundle=tls.ca_bundle,
            )
            if self._db is not None
            else DatabaseUrlSecret(reference=cfg.database.existing_url_secret_arn, ca_bundle=tls.ca_bundle)
        )
        brought = cfg.redis.existing
        self.queue = _endpoint(self._queue) if brought is None else brought_endpoint(f"{name}-redis-queue", brought.queue, parent)
        if brought is None:
            self.cache = _endpoint(self._cache) if self._cache is not None else None
        else:
            self.cache = brought_endpoint(f"{name}-redis-cache", brought.cache, parent) if brought.cache is not None else None
        self.resources = [r for r in (self._db, self._queue, self._cache) if r is not None]

    def stored(self, deployment: LagoDeployment) -> dict[str, pulumi.Output[str]]:
        """What the stack's secret store keeps: every secret of the roles, and the Lago user's
        password on a brought server (for the bootstrap)."""
        values = shared_secrets(deployment)
        if isinstance(self._db, LagoDatabaseOnServer):
            values[PASSWORD_VARIABLE] = self._db.password
        return values

    def bootstrap(self, store: LagoSecretStore) -> Optional[Bootstrap]:
        """The migrate task's bootstrap on a brought server, else None."""
        if isinstance(self._db, LagoDatabaseOnServer):
            return self._db.bootstrap(
                store.arns[PASSWORD_VARIABLE],
                store.references[PASSWORD_VARIABLE],
                self.tls.sslmode or "require",
                self.tls.ca_bundle is not None,
            )
        return None

    def signals(self) -> dict:
        """The baseline's database and Redis signals: none for what the platform runs (it watches
        its own server and Redis)."""
        db = self._cfg.database
        return dict(
            database_id=self._db.identifier if isinstance(self._db, LagoDatabase) else None,
            database_storage_gib=db.allocated_storage,
            database_max_connections=limits.rds_default_max_connections(db.instance_class),
            redis=[
                RedisGroup(label, g.group_id, g.nodes, queue=label == "queue")
                for label, g in (("queue", self._queue), ("cache", self._cache))
                if g is not None
            ],
        )

    def outputs(self) -> dict[str, Optional[pulumi.Output]]:
        """The target's typed outputs of the data tier (None where the platform's piece has none)."""
        db = self.database if isinstance(self.database, DatabaseEndpoint) else None
        existing = self._cfg.database.existing
        return {
            "database_address": pulumi.Output.from_input(db.host) if db else None,
            "database_port": pulumi.Output.from_input(db.port) if db else None,
            "database_endpoint": _host_port(db) if db else None,
            "database_instance_identifier": self._db.identifier if isinstance(self._db, LagoDatabase) else None,
            # For the platform to admit on its server (lago:aws.database.existing.securityGroupId unset).
            "database_client_security_group_ids": (
                pulumi.Output.all(*self._security.ids(*BACKEND_GROUPS))
                if existing is not None and existing.security_group_id is None
                else None
            ),
            "redis_queue_endpoint": _host_port(self.queue),
            "redis_cache_endpoint": _host_port(self.cache) if self.cache is not None else None,
        }

    def exports(self) -> dict[str, pulumi.Input]:
        """The stack outputs among them: endpoints as ``host:port``, and the groups a brought
        server must admit."""
        names = ("database_endpoint", "redis_queue_endpoint", "redis_cache_endpoint", "database_client_security_group_ids")
        outputs = self.outputs()
        return {n: outputs[n] for n in names if outputs[n] is not None}


def own_data_groups(cfg: AwsSettings) -> tuple[str, ...]:
    """The data tier's security groups lago-infra creates: one for each piece it runs itself."""
    brought = {
        "database": cfg.database.existing is not None or cfg.database.existing_url_secret_arn is not None,
        "redis": cfg.redis.existing is not None,
    }
    return tuple(kind for kind in DATA_GROUPS if not brought[kind])


def held_references(deployment: LagoDeployment) -> dict[str, pulumi.Input[str]]:
    """Secrets the platform's store holds, by variable: they reach containers under their own ARN."""
    return {v: ref for rd in deployment.roles for v, ref in rd.env.held.items()}


def _endpoint(group: LagoRedis) -> RedisEndpoint:
    return RedisEndpoint(host=group.host, port=group.port, tls=True, password=group.auth_token)


def _host_port(endpoint: DatabaseEndpoint | RedisEndpoint) -> pulumi.Output[str]:
    return pulumi.Output.concat(endpoint.host, ":", pulumi.Output.from_input(endpoint.port).apply(str))
