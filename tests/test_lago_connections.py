"""Connection arithmetic that matches the Lago being deployed: the pools each process opens for the
version it runs, the instances a deployment runs side by side, RDS's default max_connections from
the memory RDS counts, and the api's invoice-preview threads."""

from __future__ import annotations

import copy

import pytest

from lago_infra.lago.roles import connection_pools, image_version
from lago_infra.policy.from_plan import view_of_plan
from lago_infra.policy.rules.lago import connections
from lago_infra.targets.aws import limits as aws_limits
from lago_infra.targets.gcp import limits as gcp_limits

from .conftest import STACKS, stack_plan
from .helpers import refused

SERVICE = "aws:ecs/service:Service"


def _worst(view) -> list[str]:
    return [v.what for v in connections(view)]


@pytest.mark.parametrize("stack", STACKS)
def test_every_shipped_stack_fits_its_database_in_the_worst_case(stack):
    assert _worst(view_of_plan(stack_plan(stack))) == []


def test_pools_per_process_follow_the_lago_version():
    """v1.51.0's database.yml opens primary and events; the release after adds direct."""
    assert connection_pools("v1.51.0") == connection_pools("v1.0.0") == 2
    assert connection_pools("v1.52.0") == connection_pools("v2.0.0") == 3
    assert connection_pools(image_version("getlago/api@sha256:0123")) == 3  # unreadable: the newest
    assert image_version("registry.example.com:5000/getlago/api:v1.51.0") == "v1.51.0"


def test_gcp_prod_on_the_next_lago_is_over_its_database_while_two_pools_would_pass():
    """The issue's case: gcp-prod's fleet with three pools per process is over max_connections."""
    view = copy.deepcopy(view_of_plan(stack_plan("gcp-prod")))
    assert _worst(view) == []
    for role in view.roles.values():
        role.image = role.image.replace(":v1.51.0", ":v1.52.0")
    (what,) = _worst(view)
    assert "worst case 990 connections" in what and "worker 16x1x12x3=576" in what and "max_connections 800" in what


def test_a_deployment_counts_old_and_new_instances_side_by_side():
    """ECS runs up to deploymentMaximumPercent of the tasks during a rollout; the clock, at 100 %,
    never doubles."""
    view = copy.deepcopy(view_of_plan(stack_plan("aws-prod")))
    # Shrink the database until the arithmetic shows.
    for group in view.of_type("aws:rds/parameterGroup:ParameterGroup"):
        group.inputs["parameters"] = [*group.inputs.get("parameters", []), {"name": "max_connections", "value": "100"}]
    (what,) = _worst(view)
    assert "api 12x1x3x2=72" in what and "clock 1x1x2x2=4" in what and "migrate 1x1x2x2=4" in what
    for service in view.of_type(SERVICE):
        service.inputs["deploymentMaximumPercent"] = 100
    (what,) = _worst(view)
    assert "api 6x1x3x2=36" in what


def test_rds_default_max_connections_never_above_what_instances_report():
    """RDS computes LEAST(DBInstanceClassMemory/9531392, 5000), and DBInstanceClassMemory is below
    the class's nominal memory: the default read from default parameter groups (2, 4, 8 GiB and an
    r-family large) is never exceeded, and the nominal-memory figure would have."""
    readings = {"db.t3.small": 198, "db.t3.medium": 413, "db.m5.large": 856, "db.r5.large": 1660}
    for instance_class, reported in readings.items():
        computed = aws_limits.rds_default_max_connections(instance_class)
        assert computed <= reported, instance_class
        nominal = aws_limits.rds_instance_memory_gib(instance_class) * 1024**3 // aws_limits.RDS_BYTES_PER_CONNECTION
        assert nominal > reported, instance_class
    assert aws_limits.rds_instance_memory_gib("db.x2g.2xlarge") == 128
    assert aws_limits.rds_default_max_connections("db.r7g.16xlarge") == aws_limits.RDS_MAX_CONNECTIONS_CAP
    assert aws_limits.rds_default_max_connections("db.metal") is None
    assert gcp_limits.cloud_sql_max_connections("db-custom-2-7680") == 400
    assert gcp_limits.cloud_sql_max_connections("db-custom-2-7680", 800) == 800


def test_the_api_pool_covers_its_invoice_preview_threads(plan_config):
    """Invoices::PreviewService computes charges in LAGO_PARALLEL_THREADS_COUNT threads, each with
    its own connection, while the request's thread holds one."""
    plan = plan_config({"lago:target": "local", "lago:api": {"threads": 4, "parallelThreads": 2}})
    api, worker = plan.roles["api"]["env"], plan.roles["worker"]["env"]
    assert api["DATABASE_POOL"] == "12" and api["LAGO_PARALLEL_THREADS_COUNT"] == "2"
    assert "LAGO_PARALLEL_THREADS_COUNT" not in worker
    assert plan_config({"lago:target": "local"}).roles["api"]["env"]["DATABASE_POOL"] == "3"


def test_a_web_pool_below_the_preview_threads_is_refused(plan_config):
    refused(
        plan_config,
        {"lago:target": "local", "lago:api": {"threads": 3, "parallelThreads": 2}, "lago:database": {"pool": {"web": 5}}},
        "lago:database.pool.web",
        "(5) is below what the api's threads hold at once (9",
        "at least 9",
    )


def test_the_parallel_threads_variable_is_set_through_its_key(plan_config):
    refused(plan_config, {"lago:target": "local", "lago:env": {"LAGO_PARALLEL_THREADS_COUNT": "4"}}, "is set through lago:api")
