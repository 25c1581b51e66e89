"""The S3 bucket for Lago's files (invoices, exports): private, encrypted, TLS only. Lago reaches
it through the ECS task role, so no access key exists anywhere."""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from ...config.model import Protection
from .settings import Storage


class LagoStorage(pulumi.ComponentResource):
    """A bucket with every public access block on and a policy refusing plain HTTP."""

    bucket: pulumi.Output[str]
    """Bucket name (LAGO_AWS_S3_BUCKET)."""
    arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        settings: Storage,
        protection: Protection,
        opts: Optional[pulumi.ResourceOptions] = None,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
    ):
        super().__init__("lago:aws:Storage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket, _ = private_bucket(name, self, protect=protection.protect, kms_key_arn=kms_key_arn)
        of_bucket = pulumi.ResourceOptions(parent=bucket)
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=bucket.arn.apply(_deny_insecure_transport),
            opts=of_bucket,
        )
        rules = [
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="abort-incomplete-uploads",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=7
                ),
            )
        ]
        if settings.versioning:
            versioning = aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=of_bucket,
            )
            rules.append(
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-old-versions",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=settings.noncurrent_version_days
                    ),
                )
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=rules,
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[versioning] if settings.versioning else []),
        )
        self.id = bucket.id
        self.bucket = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket": self.bucket})


def private_bucket(
    name: str, parent: pulumi.Resource, *, protect: bool, kms_key_arn: Optional[pulumi.Input[str]] = None
) -> tuple[aws.s3.Bucket, aws.s3.BucketPublicAccessBlock]:
    """A bucket nobody outside the account can reach: every public access block on, ACLs off
    (the owner owns every object, access is by policy only), encrypted at rest with the stack's KMS
    key or SSE-S3. Returns the bucket and its public access block (S3 refuses a bucket policy
    while the block is being written, so policies wait for it)."""
    bucket = aws.s3.Bucket(
        name,
        # A prefix: bucket names are global, and a destroyed one is not free again at once.
        bucket_prefix=f"{name}-",
        # Unprotected (dev): destroy empties the bucket rather than stopping at it half-way.
        force_destroy=not protect,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )
    of_bucket = pulumi.ResourceOptions(parent=bucket)
    block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=of_bucket,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=of_bucket,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms" if kms_key_arn else "AES256", kms_master_key_id=kms_key_arn
                ),
                # S3 Bucket Keys cut KMS requests; they mean nothing under SSE-S3.
                bucket_key_enabled=True if kms_key_arn else None,
            )
        ],
        opts=of_bucket,
    )
    return bucket, block


def _deny_insecure_transport(arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )
