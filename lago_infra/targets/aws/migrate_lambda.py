"""Runs Lago's migrate task once and waits for it: the Lambda behind ``aws.lambda_.Invocation``.

Input (JSON): cluster, taskDefinition, family, container, subnets, securityGroups,
assignPublicIp, capacityProvider. Returns the task ARN when the migrate container exits 0;
raises otherwise, which fails the Invocation and so the ``pulumi up``.

A migrate task of the same family already running (a previous ``pulumi up`` that timed out, or a
second one started at the same time) is awaited instead of starting another: Rails would refuse
the second migrator anyway (ConcurrentMigrationError), and the seeds are not safe to run twice.
A running task of this very revision is this release's migration: its result is the result. One
of an older revision (an earlier release's run that outlived its Lambda) is awaited, then this
revision runs.

Every ECS call keeps to the constraints of its operation in ECS's API reference (the tests check
each call against them): ListTasks filters by ``family`` and ``desiredStatus``, never ``startedBy``: "when you specify
startedBy as the filter, it must be the only filter that you use".
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
    for running in _running(cluster, event["family"]):
        task = _wait(cluster, running, context)
        if task["taskDefinitionArn"] == event["taskDefinition"]:
            return _result(task, event["container"])
    return _result(_wait(cluster, _start(event), context), event["container"])


def _running(cluster, family):
    """Task ARNs of the family that ECS still wants running (pending, starting or running)."""
    # By family, this stack's own migrate task definition: startedBy would have to be the only filter.
    return ecs.list_tasks(cluster=cluster, family=family, desiredStatus="RUNNING")["taskArns"]


def _wait(cluster, task_arn, context):
    """The task once it has stopped; raises when Lambda's time runs out first."""
    while context.get_remaining_time_in_millis() > MARGIN_MS:
        task = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            return task
        time.sleep(POLL_SECONDS)
    raise RuntimeError(
        f"Lago migrations still running after Lambda's 15-minute limit; task {task_arn} goes on. "
        "Run pulumi up again: it waits for this task instead of starting another"
    )


def _result(task, container_name):
    container = next((c for c in task["containers"] if c["name"] == container_name), {})
    if container.get("exitCode") == 0:
        return {"taskArn": task["taskArn"], "exitCode": 0}
    # Every container's exit: a container the migrate one waits for (a database bootstrap) may
    # be the one that failed, and then migrate never started.
    exits = ", ".join(f"{c['name']}: {c.get('exitCode')}" for c in task["containers"])
    raise RuntimeError(
        f"Lago migrations failed (exit codes {exits}; {task.get('stoppedReason') or 'no reason given'}); "
        f"task {task['taskArn']}. Read the log stream of the container that failed, fix the cause, then run pulumi up again"
    )


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
