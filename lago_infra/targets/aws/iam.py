"""IAM roles for the tasks: an execution role per task definition that may read exactly that
task's secrets, and one task role (the backend's identity) that may use the bucket. No keys."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from . import limits

_ASSUME_ECS_TASKS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


@dataclass
class GrantedRole:
    """A role and what grants it its rights. IAM is eventually consistent: whatever assumes or
    passes the role (a task definition, a function, its invocation) waits for ``policies``
    (``targets/aws/ordering.py``)."""

    role: aws.iam.Role
    policies: list[pulumi.Resource] = field(default_factory=list)

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.role.arn


def execution_role(
    name: str,
    secret_arns: Sequence[pulumi.Input[str]],
    grants: Sequence[dict[str, Any]],
    parent: pulumi.Resource,
    key_grants: Sequence[dict[str, Any]] = (),
    *,
    region: str,
) -> GrantedRole:
    """Used by the ECS agent to pull the image, write logs and resolve ``secrets`` entries (Secrets
    Manager secrets or SSM parameters, by their ARNs);
    ``grants`` are further statements (registry credentials, the pull-through cache),
    ``key_grants`` the use of a KMS key the platform brings (``kms.task_grants``)."""
    opts = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, assume_role_policy=_ASSUME_ECS_TASKS, description="Lago task execution", opts=opts)
    granted = GrantedRole(role)
    granted.policies.append(
        aws.iam.RolePolicyAttachment(
            name,
            role=role.name,
            policy_arn=limits.managed_policy(region, "service-role/AmazonECSTaskExecutionRolePolicy"),
            opts=pulumi.ResourceOptions(parent=role),
        )
    )
    if secret_arns:
        granted.policies.append(
            aws.iam.RolePolicy(
                f"{name}-secrets",
                role=role.id,
                policy=secrets_policy(secret_arns),
                opts=pulumi.ResourceOptions(parent=role),
            )
        )
    if grants:
        granted.policies.append(
            aws.iam.RolePolicy(
                f"{name}-images",
                role=role.id,
                policy=json.dumps({"Version": "2012-10-17", "Statement": list(grants)}),
                opts=pulumi.ResourceOptions(parent=role),
            )
        )
    granted.policies += _key_policy(name, role, key_grants)
    return granted


def backend_task_role(
    name: str, bucket_arn: Optional[pulumi.Input[str]], ecs_exec: bool, parent: pulumi.Resource, grants: Sequence[dict[str, Any]] = ()
) -> GrantedRole:
    """The identity Lago's Rails code runs as: the AWS SDK finds it through the ECS credentials
    endpoint, so LAGO_AWS_S3_ACCESS_KEY_ID stays unset. With ECS Exec, also the SSM channels
    ``aws ecs execute-command`` opens (ECS Developer Guide, "Using ECS Exec", IAM permissions).
    ``grants``: the use of a KMS key the platform brings, for the bucket's objects (``kms.task_grants``).
    No ``bucket_arn`` (a store brought with lago:storage, reached with its own keys): no grant on S3."""
    role = aws.iam.Role(
        name, assume_role_policy=_ASSUME_ECS_TASKS, description="Lago backend (S3 files)", opts=pulumi.ResourceOptions(parent=parent)
    )
    granted = GrantedRole(role)
    if bucket_arn is not None:
        granted.policies.append(
            aws.iam.RolePolicy(
                f"{name}-files",
                role=role.id,
                policy=bucket_policy(bucket_arn, grants),
                opts=pulumi.ResourceOptions(parent=role),
            )
        )
    if ecs_exec:
        granted.policies.append(
            aws.iam.RolePolicy(
                f"{name}-exec",
                role=role.id,
                policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": [
                                    "ssmmessages:CreateControlChannel",
                                    "ssmmessages:CreateDataChannel",
                                    "ssmmessages:OpenControlChannel",
                                    "ssmmessages:OpenDataChannel",
                                ],
                                "Resource": "*",
                            }
                        ],
                    }
                ),
                opts=pulumi.ResourceOptions(parent=role),
            )
        )
    return granted


def bucket_policy(bucket_arn: pulumi.Input[str], key_grants: Sequence[dict[str, Any]] = ()) -> pulumi.Output[str]:
    """What Lago's Rails code does with its files bucket, and nothing more; ``key_grants``: the use
    of a KMS key the platform brings for the bucket's objects (``kms.task_grants``)."""
    arn = pulumi.Output.from_input(bucket_arn)
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": arn},
                # Abort: Active Storage's large uploads are multipart, and a failed one must not linger.
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                    "Resource": pulumi.Output.concat(arn, "/*"),
                },
                *key_grants,
            ],
        }
    )


#: What reading an entry of each store takes, by the service its ARN names. ECS Developer Guide,
#: "Required IAM permissions for Amazon ECS secrets": ``secretsmanager:GetSecretValue`` for a
#: secret, ``ssm:GetParameters`` for a parameter (SSM API Reference, GetParameters: "This operation
#: is authorized against the ssm:GetParameters action, not against ssm:GetParameter").
READ_ACTIONS = {"secretsmanager": "secretsmanager:GetSecretValue", "ssm": "ssm:GetParameters"}


def secrets_policy(
    secret_arns: Sequence[pulumi.Input[str]], kms_key_arn: Optional[pulumi.Input[str]] = None, *, single_reads: bool = False
) -> pulumi.Output[str]:
    """Read exactly these entries, Secrets Manager secrets or SSM parameters (and decrypt them
    with the stack's key, when there is one). ``single_reads``: parameters by ``ssm:GetParameter``
    too, as a platform's secret operator reads them one at a time."""

    def document(args: list[str]) -> str:
        key, arns = args[0], args[1:]
        statements: list[dict[str, Any]] = []
        for service, action in READ_ACTIONS.items():
            mine = sorted(a for a in arns if a.split(":")[2] == service)
            if mine:
                actions: Any = ["ssm:GetParameter", action] if single_reads and service == "ssm" else action
                statements.append({"Effect": "Allow", "Action": actions, "Resource": mine})
        unknown = sorted(a for a in arns if a.split(":")[2] not in READ_ACTIONS)
        assert not unknown, f"not an entry of a secret store: {unknown}"
        if key:
            statements.append({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    return pulumi.Output.all(kms_key_arn or "", *secret_arns).apply(document)


def _key_policy(name: str, role: aws.iam.Role, grants: Sequence[dict[str, Any]]) -> list[pulumi.Resource]:
    """``grants`` (which may hold the key's ARN as an output) as the role's ``-key`` policy."""
    if not grants:
        return []
    return [
        aws.iam.RolePolicy(
            f"{name}-key",
            role=role.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(grants)}),
            opts=pulumi.ResourceOptions(parent=role),
        )
    ]
