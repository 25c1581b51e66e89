"""The offline plan records the Lago deployments of the run it makes, and nothing else: a
deployment built outside a recorded run (under a real engine, a program of one's own run by a
test framework or the Automation API) is kept by nobody, and each run sees its own alone."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from lago_infra.config.model import LagoSettings
from lago_infra.lago import handoff
from lago_infra.lago.environment import DatabaseEndpoint, DiskStorage, Endpoints, LagoDeployment, RedisEndpoint
from lago_infra.app_secrets import LagoSecretValues


@pytest.fixture(autouse=True)
def event_loop():
    """Outputs need a loop, which an earlier plan of the session left unset."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    # Settle the outputs the deployments made, so none is left for the garbage collector.
    while pending := asyncio.all_tasks(loop):
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    asyncio.set_event_loop(None)
    loop.close()


def _deployment() -> LagoDeployment:
    endpoints = Endpoints(
        database=DatabaseEndpoint(host="db", port=5432, user="lago", password="pw"),
        queue=RedisEndpoint(host="redis", port=6379, tls=False),
        storage=DiskStorage(),
        api_url="http://localhost:3000",
        front_url="http://localhost:80",
        pdf_url="http://pdf:3000",
    )
    return LagoDeployment(LagoSettings.model_validate({"target": "local"}), endpoints, LagoSecretValues(*["value"] * 5))


def test_a_deployment_built_outside_a_recorded_run_is_kept_by_nobody():
    kept = weakref.ref(_deployment())
    gc.collect()
    assert kept() is None


def test_each_recorded_run_sees_the_deployments_built_in_it_alone():
    with handoff.recording() as first:
        one = _deployment()
    _deployment()  # between runs: recorded by neither
    with handoff.recording() as second:
        two, three = _deployment(), _deployment()
    assert first == [one] and second == [two, three]


def test_the_plan_shows_the_roles_of_its_own_run_only(plan_config):
    local = plan_config({"lago:target": "local"})
    again = plan_config({"lago:target": "local", "lago:workers": {"dedicated": ["pdfs"]}})
    assert "worker-pdfs" in again.roles and "worker-pdfs" not in local.roles
    assert set(again.components) == set(local.components)
