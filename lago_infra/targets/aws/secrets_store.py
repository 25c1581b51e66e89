"""The stack's store of Lago's credentials: one entry per variable, in Secrets Manager or in SSM
Parameter Store (``lago:aws.secrets.store``).

One entry per variable rather than one JSON document per role: each value is stored once even
though several roles read it (DATABASE_URL reaches api, every worker, clock and migrate), a
rotated value changes in one place, and the execution role's policy lists exactly the entries in
use. A Secrets Manager secret costs $0.40 a month; a standard-tier parameter nothing.

Either way a container reads an entry through ``secrets[].valueFrom`` (ECS API Reference,
``Secret.valueFrom``: "either the full ARN of the Secrets Manager secret or the full ARN of the
parameter in the SSM Parameter Store"), and a new value must roll exactly the services that read
it. A secret's reference is pinned to its version, so it changes with the value. ECS cannot pin
a parameter's version (aws/containers-roadmap#636), so for parameters ``versions`` gives each
one's version, which the task definitions carry as a container label (``version_label``).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from . import kms, limits
from .names import unique_scope
from .settings import SecretStoreKind

#: The container label that holds the versions of the parameters a container reads.
VERSION_LABEL = "lago-parameter-versions"


class LagoSecretStore(pulumi.ComponentResource):
    """Secrets Manager secrets named ``<name>/<VARIABLE>-…``, or SecureString parameters named
    ``/lago/<project>-<stack>/<name>/<VARIABLE>``; containers get their ARNs only."""

    arns: dict[str, pulumi.Output[str]]
    """The secret's or parameter's ARN by Lago variable name (for IAM policies)."""
    references: dict[str, pulumi.Output[str]]
    """What a container's ``valueFrom`` takes: a secret's ARN pinned to its current version
    (``arn:json-key:version-stage:version-id`` with the first two empty), so a new value is a new
    reference and ECS rolls the services that read it; a parameter's ARN."""
    versions: dict[str, pulumi.Output[str]]
    """Parameter Store only: each parameter's version, which a new value raises (empty for
    Secrets Manager, whose references carry their version)."""
    reader_grants: list[dict[str, Any]]
    """IAM statements whoever reads the entries needs besides the entries themselves: with
    Parameter Store and a customer-managed key, the key's use through SSM (the stack's own key
    lets Secrets Manager use it in its key policy, not SSM)."""

    def __init__(
        self,
        name: str,
        values: Mapping[str, pulumi.Input[str]],
        recovery_window_days: int,
        protect: bool = False,
        opts: Optional[pulumi.ResourceOptions] = None,
        kms_key_arn: Optional[pulumi.Input[str]] = None,
        *,
        store: SecretStoreKind = "secretsManager",
        region: str = "",
    ):
        super().__init__("lago:aws:SecretStore", name, None, opts)
        self.arns = {}
        self.references = {}
        self.versions = {}
        self.reader_grants = []
        for variable in sorted(values):
            if store == "parameterStore":
                self._parameter(name, variable, values[variable], protect, kms_key_arn)
            else:
                self._secret(name, variable, values[variable], recovery_window_days, protect, kms_key_arn)
        if store == "parameterStore" and kms_key_arn is not None and values:
            # SSM decrypts a SecureString for its reader with the reader's rights on the key
            # (KMS Developer Guide, "How AWS Systems Manager Parameter Store uses AWS KMS").
            self.reader_grants.append(kms.use_through(kms_key_arn, "ssm", region, ["kms:Decrypt"]))
        self.register_outputs({"arns": self.arns})

    def _secret(self, name: str, variable: str, value: pulumi.Input[str], recovery_window_days: int, protect: bool, kms_key_arn) -> None:
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
            secret_string=pulumi.Output.secret(value),
            # Not protected, unlike its secret: a new value replaces the version (secret_string
            # forces a new one), and the rotation runbook must not stop on it.
            opts=pulumi.ResourceOptions(parent=secret, protect=False),
        )
        self.arns[variable] = secret.arn
        self.references[variable] = pulumi.Output.concat(secret.arn, ":::", version.version_id)

    def _parameter(self, name: str, variable: str, value: pulumi.Input[str], protect: bool, kms_key_arn) -> None:
        slug = variable.lower().replace("_", "-")
        path = parameter_name(unique_scope(pulumi.get_project(), pulumi.get_stack()), name, variable)
        parameter = aws.ssm.Parameter(
            f"{name}-{slug}",
            # A name of its own per project, stack and component: unique in the account and
            # region, and free again the moment the parameter is deleted (no recovery window).
            name=path,
            type="SecureString",
            value=pulumi.Output.secret(value),
            # Standard (free, up to 4 KB) unless the value needs the advanced tier (up to 8 KB):
            # SSM decides per value (limits.SSM_VALUE_MAX).
            tier=limits.SSM_TIER,
            key_id=kms_key_arn,
            description=f"Lago {variable}",
            # A new value is an update in place; a replacement (a new name) must free the name first.
            opts=pulumi.ResourceOptions(parent=self, protect=protect, delete_before_replace=True),
        )
        self.arns[variable] = parameter.arn
        self.references[variable] = parameter.arn
        self.versions[variable] = parameter.version.apply(str)


def parameter_name(scope: str, name: str, variable: str) -> str:
    """``/lago/<scope>/<name>/<VARIABLE>``: a fixed first level, since SSM refuses names that begin
    with ``aws`` or ``ssm`` and ``lago:name`` may (limits.SSM_PARAMETER_NAME)."""
    path = f"/lago/{scope}/{name}/{variable}"
    problem = limits.ssm_parameter_name_problem(path)
    assert problem is None, problem
    return path


def version_label(containers: list[dict[str, Any]], versions: Mapping[str, pulumi.Input[str]]) -> None:
    """Label each container with the versions of the parameters it reads (``VAR=3,…``): a new value
    then changes the task definition, and ECS rolls the service. Nothing for Secrets Manager."""
    for c in containers:
        read = sorted(s["name"] for s in c.get("secrets", ()) if s["name"] in versions)
        if read:
            label = pulumi.Output.all(*(versions[v] for v in read)).apply(
                lambda vs, read=read: ",".join(f"{v}={n}" for v, n in zip(read, vs))
            )
            c["dockerLabels"] = {**c.get("dockerLabels", {}), VERSION_LABEL: label}
