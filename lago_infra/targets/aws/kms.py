"""One customer-managed KMS key per stack, for everything that stores Lago's data or logs (or a
key the platform brings, whose policy is the platform's: ``task_grants`` then gives the task
roles what they need as IAM statements).

RDS, ElastiCache, S3 and Secrets Manager use the key on behalf of a caller in the account (the
same shape as AWS's own ``aws/<service>`` key policies: ``kms:ViaService`` + ``kms:CallerAccount``),
so the task and execution roles need no KMS statement of their own. CloudWatch Logs, CloudWatch
alarms and EventBridge use it as services (encrypted log groups, an encrypted alarm topic).
Sources: AWS KMS developer guide "Key policies" and "kms:ViaService"; CloudWatch Logs user guide
"Encrypt log data using AWS KMS"; SNS developer guide "Enable compatibility between event sources
from AWS services and encrypted topics".
"""

from __future__ import annotations

import json
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from . import limits, names

#: Services that use the key for a caller in this account.
VIA_SERVICES = ("rds", "elasticache", "s3", "secretsmanager")


def key_policy(account: str, region: str) -> str:
    root = limits.arn(region, "iam", "root", account=account, in_region=False)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # Without this the key becomes unmanageable; IAM policies then decide who else may use it.
                {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
                {
                    "Sid": "ServicesOnBehalfOfAccount",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:ListGrants",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account,
                            "kms:ViaService": [f"{s}.{region}.amazonaws.com" for s in VIA_SERVICES],
                        }
                    },
                },
                {
                    "Sid": "CloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                    # Only for this account's log groups in this region.
                    "Condition": {
                        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": limits.arn(region, "logs", "log-group:*", account=account)}
                    },
                },
                {
                    "Sid": "AlarmsAndEventsPublishToEncryptedTopic",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
            ],
        }
    )


class StackKey(pulumi.ComponentResource):
    """The key and an alias ``alias/<name>-<project>-<stack>`` that says whose it is."""

    arn: pulumi.Output[str]

    def __init__(
        self, name: str, account: str, region: str, protect: bool, opts: Optional[pulumi.ResourceOptions] = None, *, retain: bool = False
    ):
        """``retain``: keep the key when the stack is destroyed (a final snapshot encrypted with
        it outlives the stack, and is unreadable once the key is deleted)."""
        super().__init__("lago:aws:StackKey", name, None, opts)
        key = aws.kms.Key(
            f"{name}",
            description=f"Lago {name}: data and logs",
            enable_key_rotation=True,
            # Yearly, the longest AWS allows and the CIS benchmark's expectation.
            rotation_period_in_days=365,
            # The longest wait: a key scheduled for deletion by mistake can still be cancelled.
            deletion_window_in_days=30,
            policy=key_policy(account, region),
            # Without the key, every backup and snapshot it encrypted is unreadable.
            opts=pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=retain),
        )
        # Unique per project and stack: an alias names one key in the account and region.
        alias = "alias/" + names.account_wide(name, limits.KMS_ALIAS_MAX - len("alias/"))
        aws.kms.Alias(f"{name}-alias", name=alias, target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=key))
        self.arn = key.arn
        self.register_outputs({"arn": self.arn})


def use_through(key_arn: pulumi.Input[str], service: str, region: str, actions: Sequence[str]) -> dict:
    """An IAM statement letting a role use the key only through ``service`` in ``region`` (the
    ``kms:ViaService`` condition): what the task roles need whichever key the stack uses. With the
    stack's own key its policy grants the same already; a key the platform brings may only let IAM
    policies decide (KMS Developer Guide, "Allows access to the AWS account and enables IAM policies")."""
    return {
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": key_arn,
        "Condition": {"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com"}},
    }


def task_grants(brought_key_arn: Optional[pulumi.Input[str]], region: str) -> dict[str, list[dict]]:
    """Statements for the ECS roles when the stack encrypts with a key the platform brings:
    ``execution`` (the agent decrypts the secrets a task reads) and ``backend`` (Rails reads and
    writes SSE-KMS objects in the bucket). Empty otherwise: AWS-managed keys need none, and the
    stack's own key grants the same in its policy."""
    key_arn = brought_key_arn
    if key_arn is None:
        return {"execution": [], "backend": []}
    return {
        "execution": [use_through(key_arn, "secretsmanager", region, ["kms:Decrypt"])],
        "backend": [use_through(key_arn, "s3", region, ["kms:Decrypt", "kms:GenerateDataKey"])],
    }
