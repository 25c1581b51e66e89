"""What Lago cannot work with is refused before anything is created: a closed Lago nobody can
log into, variables whose jobs no process runs, a live-updates Redis ActionCable cannot trust."""

import pytest

from lago_infra.config.errors import ConfigError, SettingError
from lago_infra.config.model import LagoSettings
from lago_infra.lago import urls
from lago_infra.lago.environment import DatabaseEndpoint, DiskStorage, Endpoints, LagoDeployment, RedisEndpoint
from lago_infra.lago.roles import API, FRONT, PDF, WORKER, Probe
from lago_infra.lago.variables import CATALOGUE


def test_closed_signup_needs_a_first_organisation(plan_config):
    with pytest.raises(ConfigError) as error:
        plan_config({"lago:target": "local", "lago:features": {"signup": False}})
    message = str(error.value)
    assert "lago:organization" in message and "features.signup" in message
    assert "pulumi config set --secret --path lago:organization.password" in message


@pytest.mark.parametrize(
    "variable, needs",
    [
        ("LAGO_MEILISEARCH_URL", "start.meilisearch.worker.sh"),
        ("LAGO_DEDICATED_WORKER_ORG_IDS", "start.dedicated.worker.sh"),
        ("LAGO_KAFKA_BOOTSTRAP_SERVERS", "start.events.consumer.sh"),
        ("LAGO_KARAFKA_PROCESSING", "start.events.consumer.sh"),
        ("LAGO_CLICKHOUSE_ENABLED", "ClickHouse"),
        ("LAGO_DEFAULT_EVENT_STORE", "ClickHouse"),
    ],
)
def test_variables_whose_jobs_nothing_runs_are_refused_with_the_reason(plan_config, variable, needs):
    with pytest.raises(ConfigError) as error:
        plan_config({"lago:target": "local", "lago:env": {variable: "x"}})
    assert f"lago:env.{variable}" in str(error.value) and needs in str(error.value)


@pytest.mark.parametrize("variable", ["LAGO_KAFKA_PASSWORD", "LAGO_CLICKHOUSE_PASSWORD", "LAGO_MEILISEARCH_API_KEY"])
def test_refused_secrets_are_refused_in_secret_env_too(plan_config, variable):
    with pytest.raises(ConfigError) as error:
        plan_config({"lago:target": "local", "lago:secretEnv": {variable: {"secure": "v1:x"}}})
    assert f"lago:secretEnv.{variable}" in str(error.value)


def test_every_kafka_clickhouse_and_meilisearch_variable_is_refused():
    families = ("LAGO_KAFKA_", "LAGO_KARAFKA_", "LAGO_CLICKHOUSE_", "LAGO_MEILISEARCH_")
    family = [v for n, v in CATALOGUE.items() if n.startswith(families)]
    assert family and all(v.refused for v in family)


def _endpoints(**redis) -> Endpoints:
    queue = RedisEndpoint(host="redis", port=6378, tls=True, password="p", verifiable_tls=False)
    return Endpoints(
        database=DatabaseEndpoint(host="db", port=5432, user="lago", password="pw"),
        queue=queue,
        storage=DiskStorage(),
        api_url="https://api.lago.test",
        front_url="https://lago.test",
        pdf_url="http://pdf:3000",
        **redis,
    )


def test_actioncable_is_never_pointed_at_a_redis_whose_certificate_it_cannot_verify():
    settings = LagoSettings.model_validate({"target": "local"})
    with pytest.raises(SettingError) as error:
        LagoDeployment(settings, _endpoints(), secrets=None)
    assert "ActionCable" in str(error.value) and "Endpoints.cable" in str(error.value)
    with pytest.raises(SettingError):
        LagoDeployment(settings, _endpoints(cable=RedisEndpoint(host="c", port=6378, tls=True, verifiable_tls=False)), secrets=None)


def test_cable_url_carries_escaped_credentials_and_the_database_index():
    assert urls.redis_url(host="r", port=6379, tls=True, password="a/b@c:d", db=2) == "rediss://:a%2Fb%40c%3Ad@r:6379/2"
    assert urls.redis_url(host="r", port=6379, tls=False) == "redis://r:6379/0"


def test_health_commands_use_only_what_each_image_ships():
    """api image: curl (lago-api's Dockerfile installs it); front: nginx alpine's busybox wget;
    pdf: Gotenberg's python3. Liveness never probes the api's SQL-backed /health."""
    for role in (API, WORKER):
        assert role.liveness.exec_command()[0] == "curl"
    assert FRONT.liveness.probe is Probe.WGET and FRONT.liveness.exec_command()[0] == "wget"
    assert PDF.liveness.probe is Probe.PYTHON and PDF.liveness.exec_command()[0] == "python3"
    assert API.readiness.path == "/health" and API.liveness.path == "/ready"
