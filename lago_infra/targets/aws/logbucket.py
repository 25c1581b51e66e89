"""A dedicated bucket for the logs auditors ask for: ALB access logs, S3 server access logs of
Lago's file bucket, and VPC flow logs. Private, TLS only, expiring after the retention period.

Encryption is SSE-S3 (AES256), not the stack's KMS key, because two of its writers accept nothing
else: ALB access logs ("The only server-side encryption option that's supported is Amazon
S3-managed keys (SSE-S3)", ELB user guide, "Enable access logs") and S3 server access logging
("the destination bucket ... SSE-KMS is not supported" for the legacy log delivery, S3 user guide,
"Enabling Amazon S3 server access logging").
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import limits
from .storage import _deny_insecure_transport, private_bucket

#: Key prefixes per writer; each writer may write only under its own.
ALB_PREFIX = "alb"
S3_PREFIX = "s3"
FLOW_PREFIX = "vpc-flow"
#: Flow logs in Hive-compatible partitions: the objects' keys then name the account as
#: ``AWSLogs/aws-account-id=<account>/``, and the bucket policy must admit that path (VPC User
#: Guide, "Flow logs: S3 bucket permissions": with Hive-compatible prefixes the resource is
#: ``.../AWSLogs/aws-account-id=<account>/*``).
FLOW_HIVE_PARTITIONS = True
#: Days an overwritten or deleted log version is kept.
NONCURRENT_DAYS = 30


class LogBucket(pulumi.ComponentResource):
    """The bucket and the policy that lets exactly these three writers in."""

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]
    policy: aws.s3.BucketPolicy
    """Every writer waits for it: a writer denied at its first delivery fails (ELB's test object)
    or makes AWS attach a policy of its own, which replaces this one (flow logs)."""

    def __init__(
        self, name: str, account: str, region: str, retention_days: int, protect: bool, opts: Optional[pulumi.ResourceOptions] = None
    ):
        super().__init__("lago:aws:LogBucket", name, None, opts)
        # SSE-S3 (no KMS key): see the module docstring.
        bucket, block = private_bucket(name, self, protect=protect)
        of_bucket = pulumi.ResourceOptions(parent=bucket)
        # Versioned: a log overwritten or deleted within the retention period stays recoverable
        # for NONCURRENT_DAYS (logs are evidence).
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=of_bucket,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=retention_days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=NONCURRENT_DAYS
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[versioning]),
        )
        # ALB access logs come from the region's ELB account, or, in regions opened since
        # August 2022 (where the provider's aws.elb.get_service_account has none), from the
        # log-delivery service principal (limits.elb_log_writer).
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: log_bucket_policy(arn, account, region)),
            # S3 refuses a policy while the public access block is being written.
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[block]),
        )
        self.bucket = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket": self.bucket})


def log_bucket_policy(arn: str, account: str, region: str) -> str:
    own = {"aws:SourceAccount": account}
    alb_objects = f"{arn}/{ALB_PREFIX}/AWSLogs/{account}/*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # The same TLS-only statement as Lago's file bucket.
                *json.loads(_deny_insecure_transport(arn))["Statement"],
                # ELB user guide, "Enable access logs for your Application Load Balancer".
                {
                    "Sid": "AlbAccessLogs",
                    "Effect": "Allow",
                    "Principal": limits.elb_log_writer(region),
                    "Action": "s3:PutObject",
                    "Resource": alb_objects,
                },
                # S3 user guide, "Permissions for log delivery".
                {
                    "Sid": "S3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/{S3_PREFIX}/*",
                    "Condition": {"StringEquals": own},
                },
                # VPC user guide, "Flow logs: S3 bucket permissions".
                {
                    "Sid": "FlowLogsWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/{FLOW_PREFIX}/AWSLogs/{flow_account_path(account)}/*",
                    "Condition": {
                        "StringEquals": {**own, "s3:x-amz-acl": "bucket-owner-full-control"},
                        "ArnLike": {"aws:SourceArn": limits.arn(region, "logs", "*", account=account)},
                    },
                },
                {
                    "Sid": "FlowLogsCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                    "Resource": arn,
                    "Condition": {"StringEquals": own, "ArnLike": {"aws:SourceArn": limits.arn(region, "logs", "*", account=account)}},
                },
            ],
        }
    )


def flow_account_path(account: str) -> str:
    """The account's part of a flow log object's key (``FLOW_HIVE_PARTITIONS``)."""
    return f"aws-account-id={account}" if FLOW_HIVE_PARTITIONS else account


def log_access(name: str, bucket: pulumi.Input[str], log_bucket: LogBucket, parent: pulumi.Resource) -> aws.s3.BucketLogging:
    """Server access logs of ``bucket`` into the log bucket, under ``s3/<name>/``."""
    return aws.s3.BucketLogging(
        f"{name}-access-logs",
        bucket=bucket,
        target_bucket=log_bucket.bucket,
        target_prefix=f"{S3_PREFIX}/{name}/",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[log_bucket.policy]),
    )


def flow_logs(name: str, vpc_id: pulumi.Input[str], log_bucket: LogBucket, parent: pulumi.Resource) -> aws.ec2.FlowLog:
    """Accepted and rejected traffic of the whole VPC, in Parquet, one file per hour."""
    return aws.ec2.FlowLog(
        f"{name}-flow-logs",
        vpc_id=vpc_id,
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=pulumi.Output.concat(log_bucket.arn, f"/{FLOW_PREFIX}/"),
        # 60 s aggregation is the most detailed; 600 is the default.
        max_aggregation_interval=600,
        destination_options=aws.ec2.FlowLogDestinationOptionsArgs(
            file_format="parquet", hive_compatible_partitions=FLOW_HIVE_PARTITIONS, per_hour_partition=True
        ),
        tags={"Name": f"{name}-flow-logs"},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[log_bucket.policy]),
    )
