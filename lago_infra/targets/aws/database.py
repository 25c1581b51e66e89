"""RDS PostgreSQL: private, TLS enforced, encrypted gp3 with storage autoscaling, backed up; or, on
a server the platform runs, only the Lago database and user (readied by a bootstrap container)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ...config.model import Database as DatabaseSettings
from ...config.model import Protection
from ...lago.roles import database_ca_path
from . import limits
from .security import POSTGRES_PORT
from .settings import Database, ExistingDatabase


class LagoDatabase(pulumi.ComponentResource):
    """The PostgreSQL instance Lago's ``DATABASE_URL`` points at."""

    host: pulumi.Output[str]
    """Instance address inside the VPC."""
    port: pulumi.Output[int]
    password: pulumi.Output[str]
    """Master password, a secret output; stored only in the stack's secret store and the encrypted state."""
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
        monitoring_after: Sequence[pulumi.Resource] = (),
    ):
        """``kms_key_arn`` and Enhanced Monitoring (its role, and the role's policy attachment
        the instance waits for) come from the production baseline."""
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
                # Lago's migrations partition enriched_events monthly when pg_partman exists, and
                # partman.run_maintenance_proc() must then run hourly: the migrate role schedules
                # it with pg_cron in Lago's database, as AWS documents for RDS (limits.py, "RDS
                # for PostgreSQL": RDS offers no pg_partman background worker). Static: applied
                # at the first reboot, which creation is.
                aws.rds.ParameterGroupParameterArgs(
                    name="shared_preload_libraries", value=",".join(limits.RDS_PRELOAD_LIBRARIES), apply_method="pending-reboot"
                ),
                aws.rds.ParameterGroupParameterArgs(
                    name=limits.RDS_CRON_DATABASE_PARAMETER, value=lago.name, apply_method="pending-reboot"
                ),
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
                f"{name}-log-{kind}",
                name=f"/aws/rds/instance/{identifier}/{kind}",
                retention_in_days=log_retention_days,
                kms_key_id=kms_key_arn,
                opts=child,
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
            opts=pulumi.ResourceOptions(parent=self, protect=protection.protect, depends_on=[*log_groups, *monitoring_after]),
        )
        self.identifier = self.instance.identifier
        self.host = self.instance.address
        self.port = self.instance.port
        self.password = pulumi.Output.secret(password.result)
        self.register_outputs({"host": self.host, "port": self.port})


# -- a server the platform runs -------------------------------------------------------------------

#: The container that readies the Lago database and user before the migrate container starts.
BOOTSTRAP_CONTAINER = "db-bootstrap"
#: The store's variable holding the Lago user's password (for the bootstrap; Lago reads DATABASE_URL).
PASSWORD_VARIABLE = "LAGO_DATABASE_PASSWORD"

# Idempotent and additive: creates what is missing, sets the password to the stack's, never drops.
# CREATEDB: Lago's migrate.sh runs `rake db:create` on every release, and PostgreSQL checks that
# privilege before it finds the database exists. GRANT … TO CURRENT_USER: since PostgreSQL 16 a
# CREATEROLE user may give a database to a role only after it is granted that role (PostgreSQL
# docs, CREATE DATABASE "OWNER" and CREATE ROLE "CREATEROLE"); before 16 it is a harmless no-op.
# pg_partman: Lago's SetupPartman migration runs CREATE EXTENSION IF NOT EXISTS pg_partman
# wherever the server offers it, and on RDS an untrusted extension needs rds_superuser, which
# the Lago user is not. So where the admin may (a superuser, or a member of rds_superuser: RDS's
# master user), the bootstrap creates it in Lago's database first and grants the Lago user what
# pg_partman's own docs ask for a non-superuser (the schema, its tables, its functions and
# procedures); Lago's IF NOT EXISTS then finds it. Elsewhere it does nothing.
# psql interpolates :'var' (a literal) and :"var" (an identifier), quoted by psql itself.
BOOTSTRAP_SQL = """\
SELECT format('CREATE ROLE %I LOGIN', :'lago_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'lago_user')\\gexec
ALTER ROLE :"lago_user" WITH LOGIN CREATEDB PASSWORD :'lago_password';
GRANT :"lago_user" TO CURRENT_USER;
SELECT format('CREATE DATABASE %I OWNER %I', :'lago_database', :'lago_user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'lago_database')\\gexec
\\connect :"lago_database"
SELECT statement FROM (VALUES
  (1, 'CREATE SCHEMA IF NOT EXISTS partman'),
  (2, 'CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman'),
  (3, format('GRANT ALL ON SCHEMA partman TO %I', :'lago_user')),
  (4, format('GRANT ALL ON ALL TABLES IN SCHEMA partman TO %I', :'lago_user')),
  (5, format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO %I', :'lago_user')),
  (6, format('GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO %I', :'lago_user'))
) AS partman(step, statement)
WHERE EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_partman')
  AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = 'rds_superuser' AND pg_has_role(current_user, r.oid, 'MEMBER')))
ORDER BY step\\gexec
"""
BOOTSTRAP_SCRIPT = (
    'exec psql --no-psqlrc -v ON_ERROR_STOP=1 -v lago_user="$LAGO_DATABASE_USER" '
    '-v lago_password="$LAGO_DATABASE_PASSWORD" -v lago_database="$LAGO_DATABASE_NAME" <<\'SQL\'\n' + BOOTSTRAP_SQL + "SQL\n"
)


@dataclass(frozen=True)
class Bootstrap:
    """What the migrate task adds before its migrate container: one container, ordered with
    ``dependsOn: SUCCESS``, and the secrets its execution role must read."""

    image: str
    plain: dict[str, pulumi.Input[str]]
    #: Variable -> ``valueFrom`` (a secret ARN, with ``:json-key::`` where the secret is JSON).
    secrets: dict[str, pulumi.Input[str]]
    secret_arns: list[pulumi.Input[str]]
    #: It verifies the server against the roles' CA file (PGSSLROOTCERT), so the task must
    #: write that file before it starts.
    reads_ca: bool = False

    def container(self, log: dict[str, Any], image: Optional[str] = None, repository_credentials: Optional[str] = None) -> dict[str, Any]:
        """The container definition; ``log`` is the task's awslogs group and region, ``image``
        where the task pulls ``self.image`` from (the stack's image source), with
        ``repository_credentials`` for Docker Hub."""
        spec: dict[str, Any] = {
            "name": BOOTSTRAP_CONTAINER,
            "image": image or self.image,
            # Not essential: it exits when done, and the migrate container waits for its success.
            "essential": False,
            "entryPoint": ["sh", "-c"],
            "command": [BOOTSTRAP_SCRIPT],
            "environment": [{"name": k, "value": v} for k, v in sorted(self.plain.items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(self.secrets.items())],
            "logConfiguration": {"logDriver": "awslogs", "options": {**log, "awslogs-stream-prefix": BOOTSTRAP_CONTAINER}},
        }
        if repository_credentials:
            spec["repositoryCredentials"] = {"credentialsParameter": repository_credentials}
        return spec


class LagoDatabaseOnServer(pulumi.ComponentResource):
    """The Lago user's password on a PostgreSQL server the platform runs, and, when the server's
    security group is given, the rules that admit the tasks to it. No instance."""

    host: pulumi.Input[str]
    port: int
    password: pulumi.Output[str]
    """The Lago user's password, a secret output; stored only in the stack's secret store and the encrypted state."""

    def __init__(
        self,
        name: str,
        lago: DatabaseSettings,
        server: ExistingDatabase,
        client_group_ids: dict[str, pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``client_group_ids``: the security groups of the tasks that connect, by kind."""
        super().__init__("lago:aws:DatabaseOnServer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Generated once, kept in state: later updates never change it.
        password = random.RandomPassword(f"{name}-password", length=40, special=False, opts=child)
        if server.security_group_id is not None:
            for kind, group_id in client_group_ids.items():
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-in-from-{kind}",
                    security_group_id=server.security_group_id,
                    referenced_security_group_id=group_id,
                    ip_protocol="tcp",
                    from_port=server.port,
                    to_port=server.port,
                    description=f"Lago {kind} to PostgreSQL",
                    opts=child,
                )
        self._lago = lago
        self._server = server
        self.host = server.host
        self.port = server.port
        self.password = pulumi.Output.secret(password.result)
        self.register_outputs({"host": self.host, "port": self.port})

    def bootstrap(
        self, password_arn: pulumi.Input[str], password_ref: pulumi.Input[str], sslmode: str = "require", reads_ca: bool = False
    ) -> Bootstrap:
        """The migrate task's bootstrap, given where the store keeps the Lago user's password,
        connecting with the roles' ``sslmode`` (and their CA file with ``reads_ca``)."""
        admin = self._server.admin_secret_arn
        tls = {"PGSSLMODE": sslmode, **({"PGSSLROOTCERT": database_ca_path()} if reads_ca else {})}
        return Bootstrap(
            reads_ca=reads_ca,
            # The official image's client, of the major version the stack declares.
            image=f"postgres:{self._lago.version}-alpine",
            plain={
                "PGHOST": self.host,
                "PGPORT": str(self.port),
                # The maintenance database every PostgreSQL server (and RDS) has.
                "PGDATABASE": "postgres",
                **tls,
                "PGCONNECT_TIMEOUT": "30",
                "LAGO_DATABASE_USER": self._lago.user,
                "LAGO_DATABASE_NAME": self._lago.name,
            },
            secrets={
                # ECS reads one key of a JSON secret as ARN:json-key:version-stage:version-id.
                "PGUSER": pulumi.Output.concat(admin, ":username::"),
                "PGPASSWORD": pulumi.Output.concat(admin, ":password::"),
                PASSWORD_VARIABLE: password_ref,
            },
            secret_arns=[admin, password_arn],
        )
