"""With ``lago:runtime: external``: what the platform's own runtime (Lago's Helm chart on EKS,
say) needs to reach the data tier, as things it attaches to its nodes, pods or roles.

- the ``clients`` security group (``LagoSecurityGroups``) the database and Redis admit;
- a managed IAM policy for the files bucket and one to read Lago's secrets, for the role the
  pods assume (IRSA or EKS Pod Identity). Nothing is attached here: the role is the platform's.
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from . import iam


class LagoPlatformAccess(pulumi.ComponentResource):
    """Two managed policies a platform attaches to its pods' role (one without a bucket of ours)."""

    bucket_policy_arn: Optional[pulumi.Output[str]]
    """Read, write and delete Lago's files (the bucket only); None with a store of lago:storage."""
    secrets_policy_arn: pulumi.Output[str]
    """Read every secret of the stack's store (and decrypt it with the stack's key)."""

    def __init__(
        self,
        name: str,
        bucket_arn: Optional[pulumi.Input[str]],
        secret_arns: Sequence[pulumi.Input[str]],
        kms_key_arn: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        key_grants: Sequence[dict] = (),
    ):
        """``key_grants``: the use of a KMS key the platform brings, for the bucket's objects."""
        super().__init__("lago:aws:PlatformAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        files = (
            aws.iam.Policy(
                f"{name}-files",
                description="Lago files bucket, for the platform's runtime",
                policy=iam.bucket_policy(bucket_arn, key_grants),
                opts=child,
            )
            if bucket_arn is not None
            else None
        )
        secrets = aws.iam.Policy(
            f"{name}-secrets",
            description="Lago secrets, for the platform's runtime",
            policy=iam.secrets_policy(secret_arns, kms_key_arn, single_reads=True),
            opts=child,
        )
        self.bucket_policy_arn = files.arn if files is not None else None
        self.secrets_policy_arn = secrets.arn
        self.register_outputs({"bucket_policy_arn": self.bucket_policy_arn, "secrets_policy_arn": self.secrets_policy_arn})
