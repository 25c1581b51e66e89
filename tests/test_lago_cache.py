"""The Rails cache: its own Redis on the local target when ``redis.separateCache`` says so, and a
connection pool per process as large as the threads that use it."""

from __future__ import annotations

from lago_infra.plan import Plan

CONTAINER = "docker:index/container:Container"


def _command(plan: Plan, suffix: str) -> str:
    return " ".join(plan.one(CONTAINER, suffix).inputs["command"])


def test_local_honours_a_separate_cache(plan_config):
    plan = plan_config({"lago:target": "local", "lago:redis": {"separateCache": True}})
    cache, queue = _command(plan, "-redis-cache"), _command(plan, "-redis")
    assert "allkeys-lru" in cache and "--maxmemory 256mb" in cache and "--appendonly no" in cache
    assert "noeviction" in queue and "--appendonly yes" in queue
    aliases = plan.one(CONTAINER, "-redis-cache").inputs["networksAdvanced"][0]["aliases"]
    assert aliases == ["redis-cache"]
    # Every backend role waits for it, as for the queue Redis.
    cache_urn = plan.one(CONTAINER, "-redis-cache").urn
    assert cache_urn in plan.one(CONTAINER, "-migrate").dependencies
    assert len([r for r in plan.by_type(CONTAINER) if r.name.startswith("lago-redis")]) == 2


def test_local_keeps_one_redis_without_it(plan_of):
    assert [r.name for r in plan_of("local").by_type(CONTAINER) if "redis" in r.name] == ["lago-redis"]


def test_cache_pool_covers_the_threads_that_use_it(plan_config):
    plan = plan_config({"lago:target": "local", "lago:api": {"threads": 4, "parallelThreads": 1}, "lago:workers": {"concurrency": 12}})
    env = {n: r["env"] for n, r in plan.roles.items()}
    assert env["api"]["LAGO_REDIS_CACHE_POOL_SIZE"] == "8"
    assert env["worker"]["LAGO_REDIS_CACHE_POOL_SIZE"] == "12"
    assert env["clock"]["LAGO_REDIS_CACHE_POOL_SIZE"] == "5"
    plan = plan_config({"lago:target": "local", "lago:redis": {"cachePoolSize": 20}})
    assert {plan.roles[n]["env"]["LAGO_REDIS_CACHE_POOL_SIZE"] for n in ("api", "worker", "clock")} == {"20"}
