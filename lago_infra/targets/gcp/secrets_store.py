"""Secret Manager: one secret per sensitive variable, readable by the runtime account alone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_gcp as gcp


@dataclass(frozen=True)
class SecretRef:
    """What a Cloud Run container needs to read one secret."""

    secret_id: pulumi.Output[str]
    #: Full resource name, ``projects/<project>/secrets/<id>``: what outputs show.
    path: pulumi.Output[str]
    #: A pinned version number: a changed value creates a version and so rolls a new revision.
    version: pulumi.Output[str]


@dataclass(frozen=True)
class SecretStoreArgs:
    project: str
    #: Variable name -> secret value.
    values: Mapping[str, pulumi.Input[str]]
    #: ``serviceAccount:...`` granted accessor on each secret.
    accessor: pulumi.Input[str]
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    #: Production baseline: a CMEK key in ``region`` (secrets are then replicated there only,
    #: since a key serves its own location; its grants belong in ``depends_on``).
    kms_key_name: Optional[pulumi.Input[str]] = None
    region: Optional[str] = None


class LagoSecretStore(pulumi.ComponentResource):
    refs: dict[str, SecretRef]
    """Variable name -> secret reference."""
    grants: list[pulumi.Resource]
    """Accessor bindings the roles need before they start."""

    def __init__(self, name: str, args: SecretStoreArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("lago:gcp:SecretStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.refs, self.grants = {}, []
        for variable in sorted(args.values):
            slug = f"{name}-{variable.lower().replace('_', '-')}"
            secret = gcp.secretmanager.Secret(
                slug,
                secret_id=slug,
                project=args.project,
                labels=dict(args.labels),
                replication=_replication(args),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
            version = gcp.secretmanager.SecretVersion(
                f"{slug}-version", secret=secret.id, secret_data=pulumi.Output.secret(args.values[variable]), opts=child
            )
            self.grants.append(
                gcp.secretmanager.SecretIamMember(
                    f"{slug}-accessor",
                    secret_id=secret.id,
                    project=args.project,
                    role="roles/secretmanager.secretAccessor",
                    member=args.accessor,
                    opts=child,
                )
            )
            self.refs[variable] = SecretRef(secret_id=secret.secret_id, path=secret.id, version=version.version)
        self.register_outputs({"secret_ids": {k: v.path for k, v in self.refs.items()}})


def _replication(args: SecretStoreArgs) -> gcp.secretmanager.SecretReplicationArgs:
    if args.kms_key_name is None:
        return gcp.secretmanager.SecretReplicationArgs(auto=gcp.secretmanager.SecretReplicationAutoArgs())
    return gcp.secretmanager.SecretReplicationArgs(
        user_managed=gcp.secretmanager.SecretReplicationUserManagedArgs(
            replicas=[
                gcp.secretmanager.SecretReplicationUserManagedReplicaArgs(
                    location=args.region,
                    customer_managed_encryption=gcp.secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs(
                        kms_key_name=args.kms_key_name
                    ),
                )
            ]
        )
    )
