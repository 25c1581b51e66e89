"""Runs Lago's migrate task once and waits for it: the Lambda behind ``aws.lambda_.Invocation``.

Input (JSON): cluster, taskDefinition, family, container, subnets, securityGroups,
assignPublicIp, capacityProvider. Returns the task ARN when the migrate container exits 0;
raises otherwise, which fails the Invocation and so the ``pulumi up``.

A migrate task of the same family already running (a previous ``pulumi up`` that timed out, or a
second one started at the same time) is awaited instead of starting another: Rails would refuse
the second migrator anyway (ConcurrentMigrationError), and the seeds are not safe to run twice.
"""

import time

import boto3

POLL_SECONDS = 10
#: Stop waiting this long before Lambda's own limit, to report clearly rather than be killed.
MARGIN_MS = 20_000
STARTED_BY = "lago-migrate"

ecs = boto3.client("ecs")


def handler(event, context):
    cluster = event["cluster"]
    task_arn = _running(cluster, event["family"]) or _start(event)
    while context.get_remaining_time_in_millis() > MARGIN_MS:
        task = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            container = next(c for c in task["containers"] if c["name"] == event["container"])
            code = container.get("exitCode")
            if code == 0:
                return {"taskArn": task_arn, "exitCode": 0}
            # Every container's exit: a container the migrate one waits for (a database
            # bootstrap) may be the one that failed, and then migrate never started.
            exits = ", ".join(f"{c['name']}: {c.get('exitCode')}" for c in task["containers"])
            raise RuntimeError(
                f"Lago migrations failed (exit codes {exits}; {task.get('stoppedReason', 'no reason given')}); "
                f"task {task_arn}. Read the log stream of the container that failed, fix the cause, then run pulumi up again"
            )
        time.sleep(POLL_SECONDS)
    raise RuntimeError(
        f"Lago migrations still running after Lambda's 15-minute limit; task {task_arn} goes on. "
        "Run pulumi up again: it waits for this task instead of starting another"
    )


def _running(cluster, family):
    arns = ecs.list_tasks(cluster=cluster, family=family, startedBy=STARTED_BY, desiredStatus="RUNNING")["taskArns"]
    return arns[0] if arns else None


def _start(event):
    response = ecs.run_task(
        cluster=event["cluster"],
        taskDefinition=event["taskDefinition"],
        count=1,
        startedBy=STARTED_BY,
        capacityProviderStrategy=[{"capacityProvider": event["capacityProvider"], "weight": 1}],
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": event["subnets"],
                "securityGroups": event["securityGroups"],
                "assignPublicIp": "ENABLED" if event["assignPublicIp"] else "DISABLED",
            }
        },
        propagateTags="TASK_DEFINITION",
    )
    if response.get("failures") or not response.get("tasks"):
        raise RuntimeError(f"ECS could not start the Lago migrate task: {response.get('failures')}")
    return response["tasks"][0]["taskArn"]
