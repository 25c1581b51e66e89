"""Customer-managed encryption keys: one key ring and crypto key per stack, in the stack's region,
and the grants each Google service agent needs to use it.

A key must live where the data lives (a regional key for regional Cloud SQL, Memorystore, GCS
and user-managed Secret Manager replicas). Each service encrypts with its own service agent, which
a fresh project does not have yet: each is created here, never spelled by hand.
- Cloud SQL: ``service-<number>@gcp-sa-cloud-sql.iam.gserviceaccount.com``
  (https://cloud.google.com/sql/docs/postgres/configure-cmek; ``ServiceIdentity``);
- Memorystore for Redis: ``service-<number>@cloud-redis.iam.gserviceaccount.com``
  (https://cloud.google.com/memorystore/docs/redis/cmek; ``ServiceIdentity``);
- Cloud Storage: the project's GCS service agent, which ``storage.get_project_service_account``
  creates when it reads it (https://cloud.google.com/storage/docs/projects#service-agents);
- Secret Manager: ``service-<number>@gcp-sa-secretmanager.iam.gserviceaccount.com``
  (https://cloud.google.com/secret-manager/docs/cmek; ``ServiceIdentity``).
The grants, like any IAM change, take up to minutes to apply
(https://cloud.google.com/iam/docs/access-change-propagation): what uses the key waits for a
pause after them (``ready``), not for the grants alone.
Key rings can never be deleted: the ring's name carries a random suffix so a destroyed and
re-created stack does not collide with its predecessor's ring.
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from .propagation import IamPropagation

#: CIS Google Cloud benchmark 1.10: rotate KMS keys at most every 90 days.
ROTATION = f"{90 * 24 * 3600}s"


class StackCryptoKey(pulumi.ComponentResource):
    key_id: pulumi.Output[str]
    """``projects/P/locations/R/keyRings/K/cryptoKeys/C``: what the data services take."""
    grants: list[pulumi.Resource]
    """The service agents' grants."""
    ready: list[pulumi.Resource]
    """What data services using the key wait for: the pause after the grants."""

    def __init__(
        self,
        name: str,
        project: str,
        region: str,
        protect: bool,
        after: Sequence[pulumi.Resource] = (),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``after``: what must exist first (the Cloud KMS API being enabled)."""
        super().__init__("lago:gcp:StackCryptoKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(after))
        suffix = random.RandomId(f"{name}-ring-suffix", byte_length=3, opts=child)
        ring = gcp.kms.KeyRing(
            f"{name}-ring", name=pulumi.Output.concat(name, "-", suffix.hex), project=project, location=region, opts=child
        )
        key = gcp.kms.CryptoKey(
            f"{name}",
            name=f"{name}-data",
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=ROTATION,
            # Without the key, every backup it encrypted is unreadable: destroying it waits 30 days
            # (versions are scheduled for destruction, not destroyed).
            destroy_scheduled_duration=f"{30 * 24 * 3600}s",
            opts=pulumi.ResourceOptions(parent=self, protect=protect),
        )
        agents = {
            "cloudsql": gcp.projects.ServiceIdentity(
                f"{name}-sql-agent", project=project, service="sqladmin.googleapis.com", opts=child
            ).email,
            "secretmanager": gcp.projects.ServiceIdentity(
                f"{name}-sm-agent", project=project, service="secretmanager.googleapis.com", opts=child
            ).email,
            "redis": gcp.projects.ServiceIdentity(f"{name}-redis-agent", project=project, service="redis.googleapis.com", opts=child).email,
            # Read (and so created) once the Cloud Storage API is on.
            "storage": gcp.storage.get_project_service_account_output(
                project=project, opts=pulumi.InvokeOutputOptions(parent=self, depends_on=list(after))
            ).email_address,
        }
        self.grants = [
            gcp.kms.CryptoKeyIAMMember(
                f"{name}-{service}",
                crypto_key_id=key.id,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member=pulumi.Output.concat("serviceAccount:", email),
                opts=pulumi.ResourceOptions(parent=key),
            )
            for service, email in agents.items()
        ]
        self.ready = [IamPropagation(f"{name}-propagation", self.grants, opts=pulumi.ResourceOptions(parent=self))]
        self.key_id = key.id
        self.register_outputs({"key_id": self.key_id})
