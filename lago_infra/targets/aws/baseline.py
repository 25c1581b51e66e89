"""The production baseline on AWS, as one component the target builds in two steps.

``AwsBaseline(...)`` comes first and makes what the data services need at creation: the stack's
KMS key, the log bucket, the RDS Enhanced Monitoring role. The target passes those to its pieces
(``kms_key_arn``, ``access_logs``, ``monitoring``), then calls ``watch(...)`` with what it built:
WAF, flow logs, the locked default security group, server access logs, alarms and dashboard.
Each control follows one ``lago:aws.baseline.*`` key (docs/production-baseline.md).
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from ...config.alerts import Alerts
from ...config.model import Protection
from . import kms, limits
from .kms import StackKey
from .logbucket import ALB_PREFIX, LogBucket, flow_logs, log_access
from .observability import AwsSignals, LagoAlarms
from .settings import Baseline
from .waf import LagoWaf


class AwsBaseline(pulumi.ComponentResource):
    kms_key_arn: Optional[pulumi.Output[str]] = None
    """The stack's customer-managed key (new, or ``baseline.existingKmsKeyArn``), or None
    (AWS-managed keys) with ``baseline.kms`` off and no key brought."""
    key_grants: dict[str, list[dict]] = {}
    """IAM statements by ECS role kind (``execution``, ``backend``) for a brought key (``kms.task_grants``)."""
    access_logs: Optional[aws.lb.LoadBalancerAccessLogsArgs] = None
    """Where the ALB writes its access logs."""
    log_delivery: list[pulumi.Resource] = []
    """What a writer into the log bucket waits for: its policy (the ALB with access logs)."""
    monitoring: dict[str, pulumi.Input] = {}
    """``monitoring_interval`` / ``monitoring_role_arn`` for the database (empty: off)."""
    log_bucket: Optional[LogBucket] = None
    alarms: Optional[LagoAlarms] = None

    def __init__(
        self,
        name: str,
        settings: Baseline,
        alerts: Alerts,
        protection: Protection,
        region: str,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        outlived_by_snapshot: bool = False,
    ):
        """``outlived_by_snapshot``: the database leaves a final snapshot on destroy, encrypted with
        the stack's key: the key is then kept on destroy (``retain_on_delete``)."""
        super().__init__("lago:aws:Baseline", name, None, opts)
        self._name = name
        self._settings = settings
        self._alerts = alerts
        self._child = pulumi.ResourceOptions(parent=self)
        # Through this component's provider: an embedding program's account.
        self.account = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id
        self.region = region
        if settings.existing_kms_key_arn is not None:
            # The platform's key: nothing is created, and the key policy is the platform's.
            self.kms_key_arn = pulumi.Output.from_input(settings.existing_kms_key_arn)
        elif settings.kms:
            self.kms_key_arn = StackKey(
                f"{name}-key", self.account, region, protection.protect, opts=self._child, retain=outlived_by_snapshot
            ).arn
        self.key_grants = kms.task_grants(settings.existing_kms_key_arn, region)
        if settings.access_logs or settings.flow_logs:
            self.log_bucket = LogBucket(
                f"{name}-logs", self.account, region, settings.log_retention_days, protection.protect, opts=self._child
            )
        if settings.access_logs:
            self.access_logs = aws.lb.LoadBalancerAccessLogsArgs(bucket=self.log_bucket.bucket, prefix=ALB_PREFIX, enabled=True)
            self.log_delivery = [self.log_bucket.policy]
        if settings.enhanced_monitoring_seconds:
            role, attachment = self._monitoring_role()
            self.monitoring = {
                "monitoring_interval": settings.enhanced_monitoring_seconds,
                "monitoring_role_arn": role.arn,
                "monitoring_after": [attachment],
            }

    def _monitoring_role(self) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
        role = aws.iam.Role(
            f"{self._name}-rds-monitoring",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
            opts=self._child,
        )
        # The AWS-managed policy RDS documents for Enhanced Monitoring (RDS user guide, "Setting up and enabling Enhanced Monitoring").
        attachment = aws.iam.RolePolicyAttachment(
            f"{self._name}-rds-monitoring",
            role=role.name,
            policy_arn=limits.managed_policy(self.region, "service-role/AmazonRDSEnhancedMonitoringRole"),
            opts=pulumi.ResourceOptions(parent=role),
        )
        return role, attachment

    def watch(
        self,
        *,
        vpc_id: pulumi.Input[str],
        new_vpc: bool,
        alb_arn: Optional[pulumi.Input[str]],
        buckets: dict[str, pulumi.Input[str]],
        signals: AwsSignals,
        log_retention_days: int = 30,
    ) -> None:
        """The controls that attach to what the target built. Call once, last.
        ``log_retention_days``: CloudWatch Logs retention of the WAF's log group."""
        s = self._settings
        # None: no ALB of this stack's own (a brought listener's owner decides its WAF).
        if s.waf and alb_arn is not None:
            LagoWaf(
                f"{self._name}-waf",
                alb_arn,
                s.waf_rate_limit,
                opts=self._child,
                log_retention_days=log_retention_days,
                kms_key_arn=self.kms_key_arn,
            )
        if new_vpc and s.lock_default_security_group:
            # Adopts the VPC's default group and removes every rule: nothing can use it by accident
            # (CIS AWS 5.4, Security Hub EC2.2).
            aws.ec2.DefaultSecurityGroup(
                f"{self._name}-default-sg", vpc_id=vpc_id, tags={"Name": f"{self._name}-default-locked"}, opts=self._child
            )
        if s.flow_logs:
            flow_logs(self._name, vpc_id, self.log_bucket, self)
        if s.access_logs:
            for label, bucket in buckets.items():
                log_access(f"{self._name}-{label}", bucket, self.log_bucket, self)
        if s.alarms or s.dashboard:
            self.alarms = LagoAlarms(
                f"{self._name}-alarms",
                self._alerts,
                signals,
                account=self.account,
                region=self.region,
                alarms=s.alarms,
                dashboard=s.dashboard,
                opts=self._child,
            )
        self.register_outputs({"kms_key_arn": self.kms_key_arn})
