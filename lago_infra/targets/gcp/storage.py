"""Lago's files in GCS (unless ``lago:storage`` brings an S3-compatible store), and the service
account every backend role runs as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from .settings import Bucket


@dataclass(frozen=True)
class StorageArgs:
    project: str
    region: str
    settings: Bucket
    protect: bool
    #: The runtime service account's id (6 to 30 characters).
    account_id: str
    #: Globally unique bucket name.
    bucket: str
    labels: Mapping[str, str]
    depends_on: Sequence[pulumi.Resource] = ()
    #: Production baseline: a CMEK key (its grants belong in ``depends_on``).
    kms_key_name: Optional[pulumi.Input[str]] = None
    #: What the runtime account is for, as the console shows it.
    display_name: str = "Lago backend (Cloud Run): secrets and the bucket"
    #: ``lago:gcp.storage.existing``: a bucket of the platform's, granted on instead of created.
    existing_bucket: Optional[pulumi.Input[str]] = None
    #: ``lago:gcp.serviceAccounts.backend``: an account of the platform's, granted instead of created.
    existing_account: Optional[pulumi.Input[str]] = None
    #: False when ``lago:storage`` brings a store: no bucket, and no grant on buckets or signing.
    gcs: bool = True


def account_resource_name(email: pulumi.Input[str]) -> pulumi.Output[str]:
    """``projects/PROJECT/serviceAccounts/EMAIL``, the IAM API's name of an account known by its
    email (``serviceaccount.IAMMember.service_account_id``). The project is the email's for a
    user-managed account; ``-`` otherwise, which the IAM API resolves from the email
    (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/get)."""

    def name(e: str) -> str:
        domain = e.partition("@")[2]
        project = domain[: -len(".iam.gserviceaccount.com")] if domain.endswith(".iam.gserviceaccount.com") else "-"
        return f"projects/{project}/serviceAccounts/{e}"

    return pulumi.Output.from_input(email).apply(name)


class LagoStorage(pulumi.ComponentResource):
    """A private bucket and the runtime service account, which administers objects in that bucket
    only and may sign blobs as itself (Lago signs download URLs through IAM, no key file). A
    brought bucket or account is granted the same, and not created."""

    bucket: Optional[pulumi.Output[str]]
    """Bucket name; None without GCS (a store of ``lago:storage``)."""
    service_account_email: pulumi.Output[str]
    """The identity of every Cloud Run role."""
    grants: list[pulumi.Resource]
    """IAM bindings the roles need before they start."""

    def __init__(self, name: str, args: StorageArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:Storage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        s = args.settings
        rules = (
            [
                gcp.storage.BucketLifecycleRuleArgs(
                    action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
                    condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                        with_state="ARCHIVED", days_since_noncurrent_time=s.noncurrent_version_days
                    ),
                )
            ]
            if s.versioning
            else []
        )
        bucket_name: Optional[pulumi.Output[str]] = None
        if not args.gcs:
            pass
        elif args.existing_bucket is None:
            bucket = gcp.storage.Bucket(
                f"{name}-bucket",
                name=args.bucket,
                labels=dict(args.labels),
                project=args.project,
                location=args.region,
                uniform_bucket_level_access=True,
                public_access_prevention="enforced",
                versioning=gcp.storage.BucketVersioningArgs(enabled=s.versioning),
                lifecycle_rules=rules,
                encryption=gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key_name) if args.kms_key_name else None,
                # Emptied on destroy only when nothing protects the data.
                force_destroy=not args.protect,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.depends_on)),
            )
            bucket_name = bucket.name
        else:
            bucket_name = pulumi.Output.from_input(args.existing_bucket)
        if args.existing_account is None:
            account = gcp.serviceaccount.Account(
                f"{name}-runtime",
                account_id=args.account_id,
                project=args.project,
                display_name=args.display_name,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
            email, account_name = account.email, account.name
        else:
            email = pulumi.Output.from_input(args.existing_account)
            account_name = account_resource_name(email)
        member = pulumi.Output.concat("serviceAccount:", email)
        self.grants = []
        if bucket_name is not None:
            object_admin = gcp.storage.BucketIAMMember(
                f"{name}-runtime-object-admin", bucket=bucket_name, role="roles/storage.objectAdmin", member=member, opts=child
            )
            # signBlob on itself: LAGO_GCS_IAM=true signs URLs with the IAM credentials API.
            token_creator = gcp.serviceaccount.IAMMember(
                f"{name}-runtime-token-creator",
                service_account_id=account_name,
                role="roles/iam.serviceAccountTokenCreator",
                member=member,
                opts=child,
            )
            self.grants = [object_admin, token_creator]
        self.bucket = bucket_name
        self.service_account_email = email
        self.register_outputs({"bucket": self.bucket, "service_account_email": self.service_account_email})
