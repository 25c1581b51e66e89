"""The local Docker target, asserted on what the program registered."""

from .helpers import ancestors_and_deps, named

CONTAINER = "docker:index/container:Container"


def containers(plan):
    return {r.name: r for r in plan.by_type(CONTAINER)}


def test_the_whole_deployment_is_there(plan_of):
    assert set(containers(plan_of("local"))) == {
        "lago-postgres", "lago-redis", "lago-migrate", "lago-api", "lago-worker", "lago-clock", "lago-front", "lago-pdf",
    }


def test_migrations_finish_before_anything_runs_lago_code(plan_of):
    plan = plan_of("local")
    c = containers(plan)
    migrate = c["lago-migrate"]
    assert migrate.inputs["attach"] is True and migrate.inputs["mustRun"] is False
    assert migrate.inputs["command"] == ["./scripts/migrate.sh"]
    assert {c["lago-postgres"].urn, c["lago-redis"].urn} <= set(migrate.dependencies)
    for name in ("lago-api", "lago-worker", "lago-clock"):
        assert migrate.urn in c[name].dependencies, name
        # The exit code gates them: a failed migration stops the update.
        assert {"label": "lago.migrated", "value": "ok"} in c[name].inputs["labels"]
    assert c["lago-api"].urn in ancestors_and_deps(plan, c["lago-front"].urn)


def test_databases_are_healthy_private_and_persistent(plan_of):
    c = containers(plan_of("local"))
    for name, path in (("lago-postgres", "/var/lib/postgresql/data"), ("lago-redis", "/data")):
        r = c[name].inputs
        assert r["healthcheck"]["tests"][0] == "CMD-SHELL"
        assert r["wait"] is True
        assert "ports" not in r or not r["ports"], f"{name} must not be published on the host"
        assert any(v["containerPath"] == path and v["volumeName"] for v in r["volumes"])
    assert c["lago-postgres"].inputs["image"]
    assert "noeviction" in c["lago-redis"].inputs["command"][-1]
    assert "requirepass" in c["lago-redis"].inputs["command"][-1]


def test_only_front_and_api_are_published_and_only_on_loopback(plan_of):
    c = containers(plan_of("local"))
    published = {n: r.inputs["ports"] for n, r in c.items() if r.inputs.get("ports")}
    assert published == {
        "lago-api": [{"internal": 3000, "external": 3000, "ip": "127.0.0.1"}],
        "lago-front": [{"internal": 80, "external": 80, "ip": "127.0.0.1"}],
    }


def test_api_and_workers_share_the_storage_volume(plan_of):
    plan = plan_of("local")
    c = containers(plan)
    storage = named(plan, "lago-storage", "docker:index/volume:Volume")
    for name in ("lago-api", "lago-worker"):
        vols = c[name].inputs["volumes"]
        assert {"containerPath": "/app/storage", "volumeName": storage.inputs["name"]} in vols
    assert plan.roles["api"]["env"]["LAGO_USE_AWS_S3"] == "false" and plan.roles["api"]["env"]["LAGO_USE_GCS"] == "false"


def test_roles_run_lagos_commands_with_health_checks(plan_of):
    c = containers(plan_of("local"))
    assert c["lago-api"].inputs["command"] == ["./scripts/start.api.sh"]
    assert "localhost:3000/health" in c["lago-api"].inputs["healthcheck"]["tests"][1]
    assert c["lago-worker"].inputs["command"] == ["./scripts/start.worker.sh"]
    assert "localhost:8080/" in c["lago-worker"].inputs["healthcheck"]["tests"][1]
    assert c["lago-clock"].inputs["command"] == ["./scripts/start.clock.sh"]
    assert "command" not in c["lago-front"].inputs or not c["lago-front"].inputs["command"]
    assert c["lago-pdf"].inputs["command"][0] == "gotenberg"


def test_secret_entries_of_container_env_are_masked_one_by_one(plan_of):
    envs = containers(plan_of("local"))["lago-api"].inputs["envs"]
    assert "LAGO_API_URL=http://localhost:3000" in envs
    assert "[secret]" in envs
    assert not any(e.startswith(("DATABASE_URL=", "SECRET_KEY_BASE=", "REDIS_PASSWORD=")) for e in envs)


def test_prod_preset_protects_the_data_volumes(plan_config):
    plan = plan_config({"lago:target": "local", "lago:preset": "prod"})
    assert named(plan, "lago-postgres-data").protect and named(plan, "lago-storage").protect
    assert named(plan, "lago-redis-data").protect
    assert not named(plan, "lago-api", CONTAINER).protect


def test_dedicated_workers_get_containers_and_replicas(plan_config):
    plan = plan_config({"lago:target": "local", "lago:workers": {"dedicated": {"webhook": {"replicas": 2}}}})
    c = containers(plan)
    assert {"lago-worker-webhook-1", "lago-worker-webhook-2"} <= set(c)
    assert c["lago-worker-webhook-1"].inputs["command"] == ["./scripts/start.webhook.worker.sh"]
