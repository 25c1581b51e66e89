"""Cloud SQL for PostgreSQL on a private address only, TLS required, with PITR backups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from ...config.model import Database, Protection
from .network import Placement
from .settings import CloudSql


@dataclass(frozen=True)
class DatabaseArgs:
    where: Placement
    database: Database
    instance: CloudSql
    protection: Protection
    labels: Mapping[str, str]
    #: Production baseline: further database flags (logging, pgaudit) and a CMEK key.
    extra_flags: Sequence[tuple[str, str]] = ()
    encryption_key_name: Optional[pulumi.Input[str]] = None


def flags(s: CloudSql, database: str) -> dict[str, str]:
    """PostgreSQL flags. pg_cron is loaded, and runs its jobs in Lago's database, so the migration
    job can schedule pg_partman's maintenance there: Cloud SQL offers no pg_partman background
    worker (https://cloud.google.com/sql/docs/postgres/extensions#pg_cron)."""
    out = {"cloudsql.enable_pg_cron": "on", "cron.database_name": database}
    if s.max_connections:
        out["max_connections"] = str(s.max_connections)
    return out


class LagoDatabase(pulumi.ComponentResource):
    """The instance (unless ``lago:gcp.database.existing`` brings one), Lago's database, and Lago's
    user with a generated password."""

    host: pulumi.Output[str]
    """Private IP address of the instance."""
    connection_name: pulumi.Output[str]
    """``project:region:instance``, for the Cloud SQL proxy and connectors."""
    instance_name: pulumi.Output[str]
    """The instance's name in its project."""
    user: pulumi.Output[str]
    password: pulumi.Output[str]
    """Secret."""
    ready: list[pulumi.Resource]
    """The database and user: what migrations must wait for."""
    server_ca: pulumi.Output[str]
    """PEM of the CA certificates the instance's server certificate chains to (Cloud SQL's list of
    trusted server CAs: the current one and, during a rotation, the next), for ``verify-ca``."""

    def __init__(self, name: str, args: DatabaseArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:Database", name, None, opts)
        db, where, existing = args.database, args.where, args.instance.existing
        protected = args.protection.protect
        if existing is None:
            instance = _instance(name, args, self)
            instance_name, project = instance.name, pulumi.Output.from_input(where.project)
            self.host, self.connection_name = instance.private_ip_address, instance.connection_name
        else:
            # The instance's name, or its connection name PROJECT:REGION:INSTANCE (limits.SQL_CONNECTION_NAME).
            brought = pulumi.Output.from_input(existing.instance)
            instance_name = brought.apply(lambda v: v.rsplit(":", 1)[-1])
            project = brought.apply(lambda v: v.rsplit(":", 2)[0] if v.count(":") >= 2 else where.project)
            self.connection_name = brought.apply(lambda v: v if v.count(":") >= 2 else f"{where.project}:{where.region}:{v}")
            self.host = pulumi.Output.from_input(existing.private_ip)
        self.instance_name = instance_name
        # A created instance orders the database and user itself; on a brought one they wait for the APIs.
        after = [] if existing is None else list(where.depends_on)
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=pulumi.ResourceOptions(parent=self))
        # ABANDON: dropping them fails once Lago's tables exist; a created instance takes them with it,
        # a brought one keeps them for the platform to drop.
        database = gcp.sql.Database(
            f"{name}-database",
            name=db.name,
            project=project,
            instance=instance_name,
            deletion_policy="ABANDON",
            opts=pulumi.ResourceOptions(parent=self, protect=protected, depends_on=after),
        )
        user = gcp.sql.User(
            f"{name}-user",
            name=db.user,
            project=project,
            instance=instance_name,
            password=password.result,
            deletion_policy="ABANDON",
            opts=pulumi.ResourceOptions(parent=self, depends_on=after),
        )
        self.user = user.name
        self.password = pulumi.Output.secret(password.result)
        # Read, not created: sqladmin's listServerCas, through the component's provider. After the
        # instance it lists: its name is known before it exists, and a preview that creates it
        # leaves the invoke (and so the CA) unknown rather than asking for an instance not there.
        self.server_ca = gcp.sql.get_ca_certs_output(
            instance=instance_name,
            project=project,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[instance] if existing is None else after),
        ).certs.apply(lambda certs: "".join(c.cert.strip() + "\n" for c in certs))
        self.ready = [database, user]
        self.register_outputs({"host": self.host, "connection_name": self.connection_name})


def _instance(name: str, args: DatabaseArgs, parent: pulumi.Resource) -> gcp.sql.DatabaseInstance:
    s, db, where = args.instance, args.database, args.where
    final_backup = (
        gcp.sql.DatabaseInstanceSettingsFinalBackupConfigArgs(enabled=True, retention_days=s.final_backup_days)
        if s.final_backup_days
        else None
    )
    return gcp.sql.DatabaseInstance(
        f"{name}-instance",
        name=f"{name}-pg",
        project=where.project,
        region=where.region,
        database_version=f"POSTGRES_{db.version}",
        # Pulumi's own guard; the API-side flag is settings.deletion_protection_enabled.
        deletion_protection=args.protection.deletion_protection,
        encryption_key_name=args.encryption_key_name,
        settings=gcp.sql.DatabaseInstanceSettingsArgs(
            tier=s.tier,
            edition=s.edition,
            availability_type=s.availability,
            disk_size=s.disk_size_gb,
            disk_type="PD_SSD",
            disk_autoresize=True,
            deletion_protection_enabled=args.protection.deletion_protection,
            ip_configuration=gcp.sql.DatabaseInstanceSettingsIpConfigurationArgs(
                ipv4_enabled=False,
                private_network=where.network_id,
                # TLS without client certificates: Lago connects with sslmode=require, or verify-ca.
                ssl_mode="ENCRYPTED_ONLY",
                # A CA of the instance's own (Cloud SQL's default, stated): a server certificate
                # that chains to it can only be this instance's, which is what verify-ca checks.
                # The shared CA (GOOGLE_MANAGED_CAS_CA) signs every instance of the region, so
                # verify-ca would accept any of them, and verify-full needs the instance's DNS
                # name (https://cloud.google.com/sql/docs/postgres/authorize-ssl, "CA hierarchies").
                server_ca_mode="GOOGLE_MANAGED_INTERNAL_CA",
            ),
            backup_configuration=gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
                enabled=True,
                point_in_time_recovery_enabled=True,
                transaction_log_retention_days=s.log_retention_days,
                backup_retention_settings=gcp.sql.DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                    retained_backups=s.backups_retained, retention_unit="COUNT"
                ),
            ),
            final_backup_config=final_backup,
            database_flags=[
                gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name=k, value=v)
                for k, v in {**flags(s, db.name), **dict(args.extra_flags)}.items()
            ],
            user_labels=dict(args.labels),
            maintenance_window=(
                gcp.sql.DatabaseInstanceSettingsMaintenanceWindowArgs(day=s.maintenance_day, hour=s.maintenance_hour, update_track="stable")
                if s.maintenance_day
                else None
            ),
            insights_config=(
                gcp.sql.DatabaseInstanceSettingsInsightsConfigArgs(
                    query_insights_enabled=True, record_application_tags=True, record_client_address=False
                )
                if s.query_insights
                else None
            ),
        ),
        opts=pulumi.ResourceOptions(parent=parent, protect=args.protection.protect, depends_on=list(where.depends_on)),
    )
