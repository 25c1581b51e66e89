"""Secrets Manager: one secret per Lago variable that holds credentials.

One secret per variable rather than one JSON document per role: each value is stored once even
though several roles read it (DATABASE_URL reaches api, every worker, clock and migrate), a
rotated value changes in one place, and the execution role's policy lists exactly the secrets in
use. The cost is $0.40 per secret per month.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws


class LagoSecretStore(pulumi.ComponentResource):
    """Secrets Manager secrets named ``<name>/<VARIABLE>-…``; containers get their ARNs only."""

    arns: dict[str, pulumi.Output[str]]
    """Secret ARN by Lago variable name (for IAM policies)."""
    references: dict[str, pulumi.Output[str]]
    """What a container's ``valueFrom`` takes: the ARN pinned to the current version
    (``arn:json-key:version-stage:version-id`` with the first two empty). A new value is a new
    version id, so the task definitions that read it change and ECS rolls their services."""

    def __init__(
        self,
        name: str,
        values: dict[str, pulumi.Input[str]],
        recovery_window_days: int,
        protect: bool = False,
        opts: Optional[pulumi.ResourceOptions] = None,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
    ):
        super().__init__("lago:aws:SecretStore", name, None, opts)
        self.arns = {}
        self.references = {}
        for variable in sorted(values):
            slug = variable.lower().replace("_", "-")
            secret = aws.secretsmanager.Secret(
                f"{name}-{slug}",
                # A prefix, not a name: a destroyed secret waits out its recovery window under the
                # old name, and a new stack must not collide with it.
                name_prefix=f"{name}/{variable}-",
                description=f"Lago {variable}",
                recovery_window_in_days=recovery_window_days,
                kms_key_id=kms_key_arn,
                # Where data is protected, so are the secrets that unlock it.
                opts=pulumi.ResourceOptions(parent=self, protect=protect),
            )
            version = aws.secretsmanager.SecretVersion(
                f"{name}-{slug}",
                secret_id=secret.id,
                secret_string=pulumi.Output.secret(values[variable]),
                # Not protected, unlike its secret: a new value replaces the version (secret_string
                # forces a new one), and the rotation runbook must not stop on it.
                opts=pulumi.ResourceOptions(parent=secret, protect=False),
            )
            self.arns[variable] = secret.arn
            self.references[variable] = pulumi.Output.concat(secret.arn, ":::", version.version_id)
        self.register_outputs({"arns": self.arns})
