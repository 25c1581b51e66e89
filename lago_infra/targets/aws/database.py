"""RDS PostgreSQL: private, TLS enforced, encrypted gp3 with storage autoscaling, backed up."""

from __future__ import annotations

import hashlib
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ...config.model import Database as DatabaseSettings
from ...config.model import Protection
from .security import POSTGRES_PORT
from .settings import Database


class LagoDatabase(pulumi.ComponentResource):
    """The PostgreSQL instance Lago's ``DATABASE_URL`` points at."""

    host: pulumi.Output[str]
    """Instance address inside the VPC."""
    port: pulumi.Output[int]
    password: pulumi.Output[str]
    """Master password, a secret output; stored only in Secrets Manager and the encrypted state."""
    instance: aws.rds.Instance

    def __init__(
        self,
        name: str,
        lago: DatabaseSettings,
        settings: Database,
        protection: Protection,
        log_retention_days: int,
        subnet_ids: Sequence[pulumi.Input[str]],
        security_group_ids: Sequence[pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
        monitoring_interval: int = 0,
        monitoring_role_arn: Optional[pulumi.Input[str]] = None,
    ):
        """``kms_key_arn`` and Enhanced Monitoring come from the production baseline."""
        super().__init__("lago:aws:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Generated here rather than RDS-managed: a managed password rotates on its own schedule
        # and DATABASE_URL, assembled from it, would go stale.
        password = random.RandomPassword(f"{name}-password", length=40, special=False, opts=child)
        subnets = aws.rds.SubnetGroup(f"{name}-subnets", subnet_ids=list(subnet_ids), description="Lago database", opts=child)
        family = f"postgres{lago.version}"
        params = aws.rds.ParameterGroup(
            f"{name}-params",
            family=family,
            description="Lago: TLS only, pg_partman maintenance",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                # Statements slower than a second land in the exported postgresql log.
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value="1000"),
                # Lago's migrations partition enriched_events monthly when pg_partman exists; its
                # background worker runs the maintenance that creates next month's partition
                # (RDS User Guide, "Managing PostgreSQL partitions with the pg_partman extension").
                # Static: applied at the first reboot, which creation is.
                aws.rds.ParameterGroupParameterArgs(name="shared_preload_libraries", value="pg_stat_statements,pg_partman_bgw", apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(name="pg_partman_bgw.dbname", value=lago.name, apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(name="pg_partman_bgw.interval", value="3600", apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(name="pg_partman_bgw.role", value=lago.user, apply_method="pending-reboot"),
            ],
            opts=child,
        )
        final_snapshot = None
        if settings.final_snapshot:
            # A fresh suffix per lifetime of the stack: a second destroy never collides with the
            # snapshot the first one left.
            suffix = random.RandomId(f"{name}-final-snapshot", byte_length=4, opts=child)
            final_snapshot = pulumi.Output.concat(f"{name}-final-", suffix.hex)
        # A fixed identifier, unique per stack, so the log groups RDS exports into exist first with
        # the stack's retention (RDS would otherwise create them, keeping logs forever).
        identifier = f"{name}-{hashlib.sha256(f'{pulumi.get_project()}/{pulumi.get_stack()}'.encode()).hexdigest()[:7]}"
        exports = ["postgresql", "upgrade"] if settings.log_exports else []
        log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-log-{kind}", name=f"/aws/rds/instance/{identifier}/{kind}", retention_in_days=log_retention_days, kms_key_id=kms_key_arn, opts=child
            )
            for kind in exports
        ]
        self.instance = aws.rds.Instance(
            f"{name}",
            identifier=identifier,
            engine="postgres",
            engine_version=str(lago.version),
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            instance_class=settings.instance_class,
            allocated_storage=settings.allocated_storage,
            max_allocated_storage=settings.max_allocated_storage,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=kms_key_arn,
            db_name=lago.name,
            username=lago.user,
            password=password.result,
            port=POSTGRES_PORT,
            db_subnet_group_name=subnets.name,
            parameter_group_name=params.name,
            vpc_security_group_ids=list(security_group_ids),
            publicly_accessible=False,
            multi_az=settings.multi_az,
            backup_retention_period=settings.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:03:30-sun:04:30",
            copy_tags_to_snapshot=True,
            deletion_protection=protection.deletion_protection,
            skip_final_snapshot=final_snapshot is None,
            final_snapshot_identifier=final_snapshot,
            performance_insights_enabled=settings.performance_insights,
            performance_insights_retention_period=7 if settings.performance_insights else None,
            performance_insights_kms_key_id=kms_key_arn if settings.performance_insights else None,
            monitoring_interval=monitoring_interval,
            monitoring_role_arn=monitoring_role_arn,
            enabled_cloudwatch_logs_exports=exports,
            opts=pulumi.ResourceOptions(parent=self, protect=protection.protect, depends_on=log_groups),
        )
        self.identifier = self.instance.identifier
        self.host = self.instance.address
        self.port = self.instance.port
        self.password = pulumi.Output.secret(password.result)
        self.register_outputs({"host": self.host, "port": self.port})
