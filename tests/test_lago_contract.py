"""What every backend role receives, as recorded in the plan: the variables Lago needs, each
secret kept secret, routing flags consistent with the workers that run."""

import pytest

from lago_infra.lago.roles import DEDICATED_QUEUES, sidekiq_flag
from lago_infra.lago.variables import REQUIRED_BACKEND, REQUIRED_FRONT, is_secret

from .conftest import STACKS

BACKEND_ROLES = ("migrate", "api", "worker", "clock")


@pytest.mark.parametrize("stack", STACKS)
def test_every_backend_role_has_every_required_variable(plan_of, stack):
    plan = plan_of(stack)
    backend = [n for n, r in plan.roles.items() if r["image"].split(":")[0].endswith("/api")]
    assert set(BACKEND_ROLES) <= set(backend)
    for name in backend:
        missing = set(REQUIRED_BACKEND) - set(plan.roles[name]["env"])
        assert not missing, f"{stack}/{name} lacks {sorted(missing)}"
    assert set(REQUIRED_FRONT) <= set(plan.roles["front"]["env"])


@pytest.mark.parametrize("stack", STACKS)
def test_credentials_reach_roles_only_as_secrets(plan_of, stack):
    for name, role in plan_of(stack).roles.items():
        for var, value in role["env"].items():
            if is_secret(var):
                assert value == "[secret]", f"{stack}/{name}: {var} is in plain text"


@pytest.mark.parametrize("stack", STACKS)
def test_exactly_one_clock_and_one_migrate(plan_of, stack):
    roles = plan_of(stack).roles
    assert roles["clock"]["replicas"] == {"min": 1, "max": 1}
    assert roles["migrate"]["replicas"] == {"min": 1, "max": 1}
    # Lago's migrations, inside the wrapper that waits for the database and schedules pg_partman.
    assert roles["migrate"]["command"][:2] == ["sh", "-c"] and roles["migrate"]["command"][-1] == "./scripts/migrate.sh"
    assert roles["clock"]["command"] == ["./scripts/start.clock.sh"]


def test_dedicated_workers_and_their_flags_agree_on_every_backend_role(plan_config):
    plan = plan_config({"lago:target": "local", "lago:workers": {"dedicated": {"pdfs": {}, "ai_agent": {"replicas": 2}}}})
    assert plan.roles["worker-pdfs"]["command"] == ["./scripts/start.pdfs.worker.sh"]
    assert plan.roles["worker-ai-agent"]["command"] == ["./scripts/start.ai_agent.worker.sh"]
    assert plan.roles["worker-ai-agent"]["replicas"]["min"] == 2
    backend = [n for n, r in plan.roles.items() if "DATABASE_URL" in r["env"]]
    assert set(backend) == {"migrate", "api", "worker", "worker-pdfs", "worker-ai-agent", "clock"}
    for queue in DEDICATED_QUEUES:
        values = {plan.roles[n]["env"][sidekiq_flag(queue)] for n in backend}
        expected = "true" if queue in ("pdfs", "ai_agent") else "false"
        assert values == {expected}, queue


def test_database_pool_is_derived_per_tier_unless_set(plan_config):
    plan = plan_config({"lago:target": "local", "lago:api": {"threads": 5}, "lago:workers": {"concurrency": 7}})
    env = {n: r["env"] for n, r in plan.roles.items()}
    assert env["api"]["DATABASE_POOL"] == "5" and env["api"]["RAILS_MAX_THREADS"] == "5"
    assert env["worker"]["DATABASE_POOL"] == "9" and env["worker"]["SIDEKIQ_CONCURRENCY"] == "7"
    assert int(env["clock"]["DATABASE_POOL"]) >= 1
    plan = plan_config({"lago:target": "local", "lago:database": {"pool": {"web": 8, "worker": 20}}})
    assert plan.roles["api"]["env"]["DATABASE_POOL"] == "8"
    assert plan.roles["worker"]["env"]["DATABASE_POOL"] == "20"


def test_typed_keys_and_free_variables_reach_lago(plan_config):
    plan = plan_config(
        {
            "lago:target": "local",
            "lago:features": {"signup": False, "pdfGeneration": False},
            "lago:googleAuth": {"clientId": "cid", "clientSecret": {"secure": "v1:x"}},
            "lago:license": {"secure": "v1:y"},
            "lago:organization": {"name": "Acme", "email": "ops@acme.test", "password": {"secure": "v1:z"}},
            "lago:database": {"timeouts": {"statement": {"web": 30000}}},
            "lago:env": {"LAGO_LOG_LEVEL": "warn", "NANGO_PUBLIC_KEY": "pk"},
        }
    )
    api, migrate, front = (plan.roles[n]["env"] for n in ("api", "migrate", "front"))
    assert api["LAGO_DISABLE_SIGNUP"] == "true" and front["LAGO_DISABLE_SIGNUP"] == "true"
    assert front["LAGO_DISABLE_PDF_GENERATION"] == "true"
    assert api["GOOGLE_AUTH_CLIENT_ID"] == "cid" and api["GOOGLE_AUTH_CLIENT_SECRET"] == "[secret]"
    assert api["LAGO_LICENSE"] == "[secret]"
    assert api["POSTGRES_SCHEMA"] == "public" and api["LAGO_DATABASE_STATEMENT_TIMEOUT"] == "30000"
    assert "LAGO_DATABASE_STATEMENT_TIMEOUT" not in plan.roles["worker"]["env"]
    assert api["LAGO_LOG_LEVEL"] == "warn" and "LAGO_LOG_LEVEL" not in front
    assert front["NANGO_PUBLIC_KEY"] == "pk" and "NANGO_PUBLIC_KEY" not in api
    # The organisation seed is read by migrate only.
    assert migrate["LAGO_CREATE_ORG"] == "true" and migrate["LAGO_ORG_USER_PASSWORD"] == "[secret]"
    assert "LAGO_CREATE_ORG" not in api


def test_urls_agree_between_backend_and_front(plan_of):
    roles = plan_of("local").roles
    assert roles["front"]["env"]["API_URL"] == roles["api"]["env"]["LAGO_API_URL"]
    assert {roles[n]["env"]["LAGO_FRONT_URL"] for n in ("api", "worker", "clock", "migrate")} == {"http://localhost"}


# -- every stack: what Lago needs to fully work ------------------------------------------------------


def _backend(plan):
    return {n: r["env"] for n, r in plan.roles.items() if "DATABASE_URL" in r["env"]}


@pytest.mark.parametrize("stack", STACKS)
def test_file_links_use_the_scheme_the_api_is_served_with(plan_of, stack):
    """Rails assumes SSL unless LAGO_DISABLE_SSL=true: behind plain HTTP, disk-storage links
    would be https:// and fail."""
    for name, env in _backend(plan_of(stack)).items():
        expected = "true" if env["LAGO_API_URL"].startswith("http://") else "false"
        assert env["LAGO_DISABLE_SSL"] == expected, f"{stack}/{name}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_backend_role_shares_a_cache_and_reaches_actioncable_redis(plan_of, stack):
    """Without a shared cache each container keeps its own (stale usage, no wallet refresh);
    ActionCable reads only LAGO_REDIS_CABLE_URL, which carries the credentials, so a secret."""
    for name, env in _backend(plan_of(stack)).items():
        assert env["LAGO_REDIS_CACHE_URL"] == "[secret]", f"{stack}/{name}"
        assert env["LAGO_REDIS_CABLE_URL"] == "[secret]", f"{stack}/{name}"


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("-prod")])
def test_prod_stacks_are_closed_and_seed_their_first_admin(plan_of, stack):
    roles = plan_of(stack).roles
    assert roles["api"]["env"]["LAGO_DISABLE_SIGNUP"] == "true" and roles["front"]["env"]["LAGO_DISABLE_SIGNUP"] == "true"
    migrate = roles["migrate"]["env"]
    assert migrate["LAGO_CREATE_ORG"] == "true" and migrate["LAGO_ORG_NAME"] and migrate["LAGO_ORG_USER_EMAIL"]
    assert migrate["LAGO_ORG_USER_PASSWORD"] == "[secret]"


@pytest.mark.parametrize("stack", STACKS)
def test_prod_splits_pdfs_then_webhooks_off_the_default_worker(plan_of, stack):
    plan = plan_of(stack)
    dedicated = {n for n in plan.roles if n.startswith("worker-")}
    if stack.endswith("-prod"):
        assert {"worker-pdfs", "worker-webhook"} <= dedicated
        for queue in ("pdfs", "webhook"):
            # The start script, or what it runs with a shorter shutdown timeout (Cloud Run).
            command = plan.roles[f"worker-{queue}"]["command"]
            assert command == [f"./scripts/start.{queue}.worker.sh"] or command[:5] == [
                "bundle",
                "exec",
                "sidekiq",
                "-C",
                f"config/sidekiq/sidekiq_{queue}.yml",
            ]
    else:
        assert not dedicated
    for queue in DEDICATED_QUEUES:
        expected = "true" if f"worker-{queue.replace('_', '-')}" in dedicated else "false"
        assert {env[sidekiq_flag(queue)] for env in _backend(plan).values()} == {expected}, f"{stack}: {queue}"
