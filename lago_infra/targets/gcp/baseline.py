"""The production baseline on GCP, as one component the target builds in two steps.

``GcpBaseline(...)`` comes first: the CMEK key and its grants, the Cloud Armor policy, the
project's audit-log and log-retention settings, and the Cloud SQL logging flags. The target
passes those to its pieces, then calls ``watch(...)`` for alert policies and the dashboard.
Each control follows one ``lago:gcp.baseline.*`` key (docs/production-baseline.md).
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from ...config.alerts import Alerts
from ...config.model import Protection
from .armor import LagoArmor
from .kms import StackCryptoKey
from .observability import GcpSignals, LagoMonitoring
from .settings import Baseline


def sql_logging_flags(slow_statement_ms: int) -> list[tuple[str, str]]:
    """Cloud SQL for PostgreSQL flags (Cloud SQL docs, "Configure database flags"; CIS Google
    Cloud 6.2). ``log_min_duration_statement`` departs from CIS 6.2.7 (which wants it off because
    statement text may hold personal data) because the issue asks for slow statements: set
    ``slowStatementMs`` to -1 to follow CIS. pgaudit logs DDL and role changes; Lago's
    migrations do not run ``CREATE EXTENSION pgaudit``, which object-level auditing needs."""
    return [
        ("log_connections", "on"),
        ("log_disconnections", "on"),
        ("log_lock_waits", "on"),
        ("log_min_duration_statement", str(slow_statement_ms)),
        ("cloudsql.enable_pgaudit", "on"),
        ("pgaudit.log", "ddl,role"),
    ]


class GcpBaseline(pulumi.ComponentResource):
    kms_key_name: Optional[pulumi.Output[str]] = None
    """The stack's CMEK key, or None (Google-managed keys) with ``baseline.cmek`` off."""
    key_ready: list[pulumi.Resource] = []
    """What a data service using the key must wait for: the pause after the key's grants."""
    security_policy: Optional[pulumi.Output[str]] = None
    sql_flags: list[tuple[str, str]] = []

    def __init__(
        self,
        name: str,
        settings: Baseline,
        alerts: Alerts,
        protection: Protection,
        project: str,
        region: str,
        *,
        load_balancer: bool,
        after: Sequence[pulumi.Resource] = (),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``after``: what every control waits for (the APIs being enabled)."""
        super().__init__("lago:gcp:Baseline", name, None, opts)
        self._name, self._settings, self._alerts, self._project = name, settings, alerts, project
        self._after = list(after)
        self._child = pulumi.ResourceOptions(parent=self, depends_on=self._after)
        if settings.cmek:
            key = StackCryptoKey(f"{name}-key", project, region, protection.protect, self._after, opts=self._child)
            self.kms_key_name, self.key_ready = key.key_id, key.ready
        if settings.armor and load_balancer:
            self.security_policy = LagoArmor(f"{name}-armor", project, settings.armor_rate_limit, self._after, opts=self._child).policy_id
        if settings.sql_logging:
            self.sql_flags = sql_logging_flags(settings.slow_statement_ms)
        # The project's own settings, not the stack's: one stack per project owns them
        # (``projectLogging``), and a destroy leaves them as they are (another stack or the
        # platform may rely on them).
        project_wide = pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(retain_on_delete=True))
        if settings.bucket_audit_logs and settings.project_logging:
            # Authoritative for Cloud Storage's audit config in this project (other services untouched).
            gcp.projects.IAMAuditConfig(
                f"{name}-storage-audit",
                project=project,
                service="storage.googleapis.com",
                audit_log_configs=[gcp.projects.IAMAuditConfigAuditLogConfigArgs(log_type=t) for t in ("DATA_READ", "DATA_WRITE")],
                opts=project_wide,
            )
        if settings.log_retention_days and settings.project_logging:
            # The _Default bucket cannot be created or deleted: this adopts it and sets its
            # retention; destroying the stack leaves the bucket as it is.
            gcp.logging.ProjectBucketConfig(
                f"{name}-log-retention",
                project=project,
                location="global",
                bucket_id="_Default",
                retention_days=settings.log_retention_days,
                opts=project_wide,
            )

    def watch(self, signals: GcpSignals) -> None:
        """Alert policies and the dashboard on what the target built. Call once, last."""
        s = self._settings
        if s.alarms or s.dashboard:
            LagoMonitoring(
                f"{self._name}-monitoring",
                self._alerts,
                signals,
                alarms=s.alarms,
                dashboard=s.dashboard,
                after=self._after,
                opts=self._child,
            )
        self.register_outputs({"kms_key_name": self.kms_key_name})
