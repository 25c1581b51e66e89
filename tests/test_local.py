"""The local Docker target, asserted on what the program registered."""

import pytest

from lago_infra.lago.roles import MIGRATE

from .helpers import ancestors_and_deps, named

CONTAINER = "docker:index/container:Container"


def containers(plan):
    return {r.name: r for r in plan.by_type(CONTAINER)}


def test_the_whole_deployment_is_there(plan_of):
    assert set(containers(plan_of("local"))) == {
        "lago-postgres",
        "lago-redis",
        "lago-migrate",
        "lago-api",
        "lago-worker",
        "lago-clock",
        "lago-front",
        "lago-pdf",
    }


def test_migrations_finish_before_anything_runs_lago_code(plan_of):
    plan = plan_of("local")
    c = containers(plan)
    migrate = c["lago-migrate"]
    assert migrate.inputs["attach"] is True and migrate.inputs["mustRun"] is False
    # Lago's migrations inside the migrate role's wrapper (tests/test_migrate_wrapper.py runs it).
    assert migrate.inputs["command"] == list(MIGRATE.command) and migrate.inputs["command"][-1] == "./scripts/migrate.sh"
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
    assert c["lago-worker"].inputs["command"] == ["./scripts/start.worker.sh"]
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


# -- health: liveness, exec form, the image's own client ---------------------------------------------


def test_docker_health_checks_probe_liveness_with_a_client_each_image_ships(plan_of):
    """A Docker health check gates `wait` and depends_on and is what `docker ps` shows: it
    must not turn unhealthy when the database blips (the api's /health runs SQL), and it runs
    without a shell using a client the image has (no curl in the front or pdf images)."""
    c = containers(plan_of("local"))
    tests = {name: c[name].inputs["healthcheck"]["tests"] for name in ("lago-api", "lago-worker", "lago-front", "lago-pdf")}
    assert tests["lago-api"] == ["CMD", "curl", "-fsS", "-o", "/dev/null", "--max-time", "4", "http://127.0.0.1:3000/ready"]
    assert tests["lago-worker"][:2] == ["CMD", "curl"] and tests["lago-worker"][-1] == "http://127.0.0.1:8080/"
    assert tests["lago-front"][:2] == ["CMD", "wget"] and tests["lago-front"][-1] == "http://127.0.0.1:80/"
    assert tests["lago-pdf"][:2] == ["CMD", "python3"] and "http://127.0.0.1:3000/health" in tests["lago-pdf"][-1]
    assert not any("/health" in " ".join(t) for t in (tests["lago-api"], tests["lago-worker"]))
    # The worker's liveness server pings Redis: its window rides out a failover (180 s).
    assert c["lago-worker"].inputs["healthcheck"]["retries"] * 10 >= 180


# -- Redis: one server for queue, cache and live updates ---------------------------------------------


def _env(plan, container: str) -> dict[str, str]:
    """The container's environment as the engine would receive it (secrets unmasked)."""
    state = plan.states[containers(plan)[container].urn]["envs"]
    values = state["value"] if isinstance(state, dict) else state
    return dict(e.split("=", 1) for e in values)


def test_cache_and_cable_share_the_queue_redis_with_its_password(plan_of):
    plan = plan_of("local")
    password = _env(plan, "lago-redis")["REDIS_PASSWORD"]
    for name in ("lago-api", "lago-worker", "lago-clock"):
        env = _env(plan, name)
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        # The cache on its own database of the same server, authenticated like the queue.
        assert env["LAGO_REDIS_CACHE_URL"] == "redis://redis:6379/1"
        assert env["LAGO_REDIS_CACHE_PASSWORD"] == password
        # ActionCable takes the URL alone: the password must be inside it.
        assert env["LAGO_REDIS_CABLE_URL"] == f"redis://:{password}@redis:6379/0"
    assert plan.roles["api"]["env"]["LAGO_REDIS_CABLE_URL"] == "[secret]"


def test_file_links_stay_http_where_the_api_is_http(plan_of, plan_config):
    assert _env(plan_of("local"), "lago-api")["LAGO_DISABLE_SSL"] == "true"
    behind_tls = plan_config({"lago:target": "local", "lago:urls": {"api": "https://api.lago.test", "front": "https://lago.test"}})
    assert behind_tls.roles["api"]["env"]["LAGO_DISABLE_SSL"] == "false"


# -- secrets: protected with the data, reaching containers so that a change rolls them ---------------


def test_prod_protects_every_generated_secret_and_the_service_passwords(plan_of, plan_config):
    generated = ("random:index/randomPassword:RandomPassword", "random:index/randomId:RandomId", "tls:index/privateKey:PrivateKey")
    prod = plan_config({"lago:target": "local", "lago:preset": "prod"})
    names = {r.name: r.protect for r in prod.resources if r.type in generated}
    assert {"lago-db-password", "lago-redis-password", "lago-secrets-rsa-key", "lago-secrets-secret-key-base"} <= set(names)
    assert all(names.values()), [n for n, p in names.items() if not p]
    dev = plan_of("local")
    assert not any(r.protect for r in dev.resources if r.type in generated)


def test_every_secret_a_role_reads_is_in_its_container_environment(plan_of):
    """Docker cannot change a running container's environment: the provider replaces a
    container whose ``env`` changes (ForceNew), so a new secret value restarts exactly the
    containers that read it, as long as every secret reaches them through ``envs``."""
    plan = plan_of("local")
    for role in ("migrate", "api", "worker", "clock"):
        env = _env(plan, f"lago-{role}")
        assert set(plan.roles[role]["env"]) == set(env), role
    assert _env(plan, "lago-postgres")["POSTGRES_PASSWORD"] in _env(plan, "lago-api")["DATABASE_URL"]


# -- private paths -------------------------------------------------------------------------------------


def test_ports_never_leave_loopback_because_the_api_serves_private_paths(plan_config):
    from lago_infra.config.errors import ConfigError
    from lago_infra.lago.roles import PRIVATE_API_PATHS

    assert {"/metrics", "/sidekiq"} <= set(PRIVATE_API_PATHS)
    with pytest.raises(ConfigError) as error:
        plan_config({"lago:target": "local", "lago:local": {"bindAddress": "0.0.0.0"}})
    assert "lago:local.bindAddress" in str(error.value) and "/metrics" in str(error.value)
    ok = plan_config({"lago:target": "local", "lago:local": {"bindAddress": "::1"}})
    assert containers(ok)["lago-api"].inputs["ports"][0]["ip"] == "::1"


def test_the_official_postgres_image_has_no_pg_partman_so_nothing_needs_maintenance(plan_of):
    from lago_infra.lago.roles import PG_PARTMAN_MAINTENANCE

    plan = plan_of("local")
    image = named(plan, "lago-image-postgres-16-alpine", "docker:index/remoteImage:RemoteImage")
    assert image.inputs["name"] == "postgres:16-alpine"
    assert "partman.run_maintenance_proc()" in PG_PARTMAN_MAINTENANCE
