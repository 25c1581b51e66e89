"""The migrations runner Lambda (``targets/aws/migrate_lambda.py``), executed as Lambda runs it:
its handler with real boto3 against moto's ECS. Moto runs no containers, so the test plays the
ECS agent: it stops a task with the exit codes a scenario gives its containers. Every ECS call
the handler makes is recorded and checked against the constraints ECS's API reference states
for that operation (``limits.ECS_RUNNER_CALLS``), which moto does not enforce."""

from __future__ import annotations

import importlib.util
import json
import re
import types

import boto3
import botocore.loaders
import pytest

from moto import mock_aws
from moto.ecs.models import ecs_backends
from moto.moto_api import state_manager

from lago_infra.targets.aws import limits
from lago_infra.targets.aws.migrations import LAMBDA_SOURCE, MIGRATE_CONTAINER

REGION = "eu-west-1"
ACCOUNT = "123456789012"
FAMILY = "lago-dev-lago-ecs-migrate"


@pytest.fixture
def aws(monkeypatch):
    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(k, v)
    # Tasks stay where the test (the ECS agent) puts them, not where moto's describe counter does.
    state_manager.set_transition(model_name="ecs::task", transition={"progression": "manual", "times": 10**6})
    with mock_aws():
        yield
    state_manager.unset_transition(model_name="ecs::task")


class Ecs:
    """A cluster with the migrate family registered, the handler loaded from its source, every
    call it makes recorded, and the test in the ECS agent's place."""

    def __init__(self):
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        # As the stack's VPC (network.py); moto's awsvpc tasks also need it for their ENI's name.
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        self.subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.group = ec2.create_security_group(GroupName="worker", Description="worker", VpcId=vpc)["GroupId"]
        self.client = boto3.client("ecs")
        self.cluster = self.client.create_cluster(clusterName="lago")["cluster"]["clusterName"]
        self.revisions = [self._register(tag) for tag in ("v1.50.0", "v1.51.0")]
        spec = importlib.util.spec_from_file_location("index", LAMBDA_SOURCE)
        self.runner = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.runner)
        self.calls: list[tuple[str, dict]] = []
        self.runner.ecs.meta.events.register("provide-client-params.ecs.*", self._record)
        #: What each stopped task's containers exit with, by task definition ARN.
        self.exits: dict[str, dict[str, int]] = {}
        self.runner.time = types.SimpleNamespace(sleep=self._tick)

    def _register(self, tag: str) -> str:
        # A container-level memory: moto sums it for placement (Fargate takes the task-level one).
        containers = [{"name": MIGRATE_CONTAINER, "image": f"getlago/api:{tag}", "essential": True, "memory": 1024}]
        return self.client.register_task_definition(
            family=FAMILY,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="1024",
            containerDefinitions=containers,
        )["taskDefinition"]["taskDefinitionArn"]

    def _record(self, params, model, **_):
        self.calls.append((model.name, json.loads(json.dumps(params))))

    def _tasks(self):
        return ecs_backends[ACCOUNT][REGION].tasks.get(self.cluster, {}).values()

    def _tick(self, _seconds):
        """One poll interval passes: every task whose exits are known stops with them."""
        for task in self._tasks():
            exits = self.exits.get(task.task_definition_arn)
            if exits is None or task.last_status == "STOPPED":
                continue
            task.containers = [types.SimpleNamespace(**task.containers[0].__dict__) for _ in exits]
            for container, (name, code) in zip(task.containers, exits.items()):
                container.name, container.exitCode, container.last_status = name, code, "STOPPED"
            task.last_status = task.desired_status = "STOPPED"
            task.stopped_reason = "Essential container in task exited"

    def start_by_hand(self, revision: str) -> str:
        """A migrate task already running: an earlier invocation's."""
        network = {"awsvpcConfiguration": {"subnets": [self.subnet], "securityGroups": [self.group]}}
        return self.client.run_task(
            cluster=self.cluster,
            taskDefinition=revision,
            startedBy="lago-migrate",
            networkConfiguration=network,
            capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        )["tasks"][0]["taskArn"]

    def invoke(self, revision: str, seconds_left: int = 600):
        event = {
            "cluster": self.cluster,
            "taskDefinition": revision,
            "family": FAMILY,
            "container": MIGRATE_CONTAINER,
            "subnets": [self.subnet],
            "securityGroups": [self.group],
            "assignPublicIp": False,
            "capacityProvider": "FARGATE",
        }
        context = types.SimpleNamespace(get_remaining_time_in_millis=lambda: seconds_left * 1000)
        return self.runner.handler(json.loads(json.dumps(event)), context)

    def started(self) -> list[str]:
        return [p["taskDefinition"] for op, p in self.calls if op == "RunTask"]


@pytest.fixture
def ecs(aws):
    ecs = Ecs()
    yield ecs
    broken = [
        (op, c.parameter, c.says, params)
        for op, params in ecs.calls
        for c in limits.ECS_RUNNER_CALLS
        if c.operation == op and not c.holds(params)
    ]
    assert not broken, f"calls ECS refuses: {broken}"


def test_the_first_run_starts_the_migrate_task_and_returns_when_it_exits_0(ecs):
    release = ecs.revisions[1]
    ecs.exits[release] = {MIGRATE_CONTAINER: 0}
    result = ecs.invoke(release)
    assert result["exitCode"] == 0 and ecs.started() == [release]
    [task] = ecs.client.describe_tasks(cluster=ecs.cluster, tasks=[result["taskArn"]])["tasks"]
    assert task["startedBy"] == "lago-migrate" and task["taskDefinitionArn"] == release


def test_a_running_migrate_task_of_the_release_is_awaited_not_doubled(ecs):
    release = ecs.revisions[1]
    running = ecs.start_by_hand(release)
    ecs.exits[release] = {MIGRATE_CONTAINER: 0}
    assert ecs.invoke(release) == {"taskArn": running, "exitCode": 0}
    assert ecs.started() == []


def test_an_older_releases_running_task_is_awaited_then_this_release_migrates(ecs):
    older, release = ecs.revisions
    ecs.start_by_hand(older)
    ecs.exits.update({older: {MIGRATE_CONTAINER: 0}, release: {MIGRATE_CONTAINER: 0}})
    assert ecs.invoke(release)["exitCode"] == 0
    assert ecs.started() == [release]


def test_a_failed_task_fails_the_invocation_naming_every_containers_exit(ecs):
    release = ecs.revisions[1]
    ecs.exits[release] = {"db-bootstrap": 1, MIGRATE_CONTAINER: None}
    with pytest.raises(RuntimeError) as failed:
        ecs.invoke(release)
    message = str(failed.value)
    assert "db-bootstrap: 1" in message and "migrate: None" in message and "Essential container in task exited" in message
    # The next pulumi up runs it again: a stopped task is not "already running".
    ecs.exits[release] = {MIGRATE_CONTAINER: 0}
    assert ecs.invoke(release)["exitCode"] == 0 and len(ecs.started()) == 2


def test_lambdas_time_limit_reports_the_task_that_goes_on(ecs):
    with pytest.raises(RuntimeError, match="still running after Lambda's 15-minute limit"):
        ecs.invoke(ecs.revisions[1], seconds_left=10)


# -- the constraints themselves ----------------------------------------------------------------------


def _documentation(service: str, operation: str, parameter: str) -> str:
    model = botocore.loaders.Loader().load_service_model(service, "service-2")
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    for part in parameter.split("."):
        member = shape["members"][part]
        text = member.get("documentation", "")
        shape = model["shapes"][member["shape"]]
        if shape.get("type") == "list":
            shape = model["shapes"][shape["member"]["shape"]]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("constraint", limits.ECS_RUNNER_CALLS, ids=lambda c: f"{c.operation}.{c.parameter}")
def test_each_constraint_is_awss_own_sentence(constraint):
    """The sentence is in the API reference that botocore ships for that very parameter."""
    assert constraint.says in _documentation(constraint.service, constraint.operation, constraint.parameter)


def test_the_constraints_refuse_the_calls_aws_refuses():
    [list_tasks] = [c for c in limits.ECS_RUNNER_CALLS if c.operation == "ListTasks" and c.parameter == "startedBy"]
    # The call of the runner that failed every invocation (issue 19, item 1).
    assert not list_tasks.holds({"cluster": "c", "family": "f", "startedBy": "lago-migrate", "desiredStatus": "RUNNING"})
    assert list_tasks.holds({"cluster": "c", "startedBy": "lago-migrate"}) and list_tasks.holds(
        {"cluster": "c", "family": "f", "desiredStatus": "RUNNING"}
    )
    by_name = {(c.operation, c.parameter): c for c in limits.ECS_RUNNER_CALLS}
    assert not by_name[("RunTask", "taskDefinition")].holds({"taskDefinition": "arn:aws:ecs:eu-west-1:1:task-definition/f"})
    assert not by_name[("RunTask", "propagateTags")].holds({"propagateTags": "SERVICE"})
