"""Lago's migrations, once per release, before any service of that release rolls out.

Design: the migrate role is its own ECS task definition (sized by ``lago:roles.migrate``). A
small Lambda (``migrate_lambda.py``, shipped inline as an ``AssetArchive``) starts it with
``ecs:RunTask`` and polls ``ecs:DescribeTasks`` until it stops; an ``aws.lambda_.Invocation``
calls that Lambda during ``pulumi up``. The Invocation's input holds the task definition's ARN,
whose revision changes with every release (image tag), environment or size change, so each such
change replaces the Invocation and so runs the migrations once; nothing else does. Every backend
and front service ``depends_on`` the Invocation: ECS only rolls them out after the migrations
exited 0, and a failed migration fails the Invocation, so ``pulumi up`` fails and no service of
the new release starts. Scale-outs, restarts and Spot replacements run the services' own task
definitions, which hold no migrate container, so they never migrate.

Limits (see docs/targets/aws.md, "Migrations, once per release"):
- Duration: a Lambda runs at most 15 minutes. A migration still running then fails the update
  with a message; the task itself goes on. ``pulumi up`` again re-invokes (a failed Invocation is
  not saved), and the Lambda waits for the running migrate task instead of starting a second.
- Failure: the Invocation fails, ``pulumi up`` stops before any service changes; the old release
  keeps serving on a schema that only gained what migrations committed (lago-api has
  non-transactional migrations: fix forward, then ``pulumi up`` again).
- Two ``pulumi up`` at once on one stack are prevented by the backend's stack lock; the Lambda's
  running-task check also keeps two migrators apart if the lock is forced.
- ``pulumi up`` with no change to the task definition does not migrate (by design); to force a
  run, ``pulumi up --replace`` the Invocation's URN.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from . import limits

LAMBDA_SOURCE = Path(__file__).with_name("migrate_lambda.py")
MIGRATE_CONTAINER = "migrate"
_ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


class LagoMigrations(pulumi.ComponentResource):
    """The runner Lambda and the Invocation that runs the migrate task of this release."""

    done: aws.lambda_.Invocation
    """Depend on this: it completes only once the migrate task exited 0."""

    def __init__(
        self,
        name: str,
        *,
        cluster_name: pulumi.Input[str],
        cluster_arn: pulumi.Input[str],
        task: aws.ecs.TaskDefinition,
        pass_roles: Sequence[pulumi.Input[str]],
        subnet_ids: Sequence[pulumi.Input[str]],
        security_group_ids: Sequence[pulumi.Input[str]],
        assign_public_ip: bool,
        log_group: aws.cloudwatch.LogGroup,
        region: str,
        after: Sequence[pulumi.Resource],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__("lago:aws:Migrations", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-runner", assume_role_policy=_ASSUME_LAMBDA, description="Lago migrate runner", opts=child)
        logs = aws.iam.RolePolicyAttachment(
            f"{name}-runner-logs",
            role=role.name,
            policy_arn=limits.managed_policy(region, "service-role/AWSLambdaBasicExecutionRole"),
            opts=pulumi.ResourceOptions(parent=role),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-runner-ecs",
            role=role.id,
            policy=pulumi.Output.all(task.arn_without_revision, cluster_arn, *pass_roles).apply(_runner_policy),
            opts=pulumi.ResourceOptions(parent=role),
        )
        function = aws.lambda_.Function(
            f"{name}-runner",
            runtime="python3.12",
            handler="index.handler",
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(LAMBDA_SOURCE.read_text())}),
            role=role.arn,
            architectures=["arm64"],
            timeout=limits.LAMBDA_TIMEOUT_MAX,
            memory_size=128,
            description="Runs Lago's migrate task once and waits for it",
            # Into the stack's log group (with its retention), not an unbounded /aws/lambda/ one.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            # IAM is eventually consistent: the role's rights exist before the function runs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, logs]),
        )
        event = pulumi.Output.all(
            cluster=cluster_name,
            task=task.arn,
            family=task.family,
            subnets=pulumi.Output.all(*subnet_ids),
            groups=pulumi.Output.all(*security_group_ids),
        ).apply(
            lambda a: json.dumps(
                {
                    "cluster": a["cluster"],
                    "taskDefinition": a["task"],
                    "family": a["family"],
                    "container": MIGRATE_CONTAINER,
                    "subnets": list(a["subnets"]),
                    "securityGroups": list(a["groups"]),
                    "assignPublicIp": assign_public_ip,
                    "capacityProvider": "FARGATE",
                },
                sort_keys=True,
            )
        )
        # The task definition's ARN carries its revision: a new release replaces this, and so migrates.
        self.done = aws.lambda_.Invocation(
            f"{name}-run",
            function_name=function.name,
            input=event,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
        )
        self.register_outputs({"result": self.done.result})


def _runner_policy(args: list[str]) -> str:
    family_arn, cluster_arn, *roles = args
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ecs:RunTask", "Resource": f"{family_arn}:*"},
                {
                    "Effect": "Allow",
                    "Action": ["ecs:DescribeTasks", "ecs:ListTasks"],
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}},
                },
                # RunTask propagates the task definition's tags: tagging on create needs this.
                {
                    "Effect": "Allow",
                    "Action": "ecs:TagResource",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"ecs:CreateAction": "RunTask"}},
                },
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": sorted(roles)},
            ],
        }
    )
