"""Issue 12 on GCP: a platform brings its own Cloud SQL instance, Memorystore, bucket and service
accounts, hands the component its own provider, or runs the roles itself (``lago:runtime:
external``); asserted on recorded plans."""

from __future__ import annotations

import logging
import re
import textwrap

import pytest
import yaml

from lago_infra.lago.roles import MIGRATE
from lago_infra.plan import run_plan, run_plan_with
from lago_infra.plan.mocks import gcp as gcp_mocks
from lago_infra.config import ConfigError
from lago_infra.policy import evaluate, views_of_plan
from lago_infra.targets.gcp.limits import SERVICE_ACCOUNT_EMAIL

from .conftest import PROJECT_DIR
from .helpers import descendants, through_one_provider
from .test_gcp import REDIS, RUN_SERVICE, SQL, container
from .test_gcp_production import BASE, refused

ACCOUNT = "gcp:serviceaccount/account:Account"
BUCKET = "gcp:storage/bucket:Bucket"
BUCKET_GRANT = "gcp:storage/bucketIAMMember:BucketIAMMember"
SECRET_GRANT = "gcp:secretmanager/secretIamMember:SecretIamMember"
SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
EXAMPLE = PROJECT_DIR / "examples" / "platform-gcp"

#: The compute pieces of the HTTPS load balancer (the private services range is a GlobalAddress too).
LOAD_BALANCER = (
    "gcp:compute/backendService:BackendService",
    "gcp:compute/uRLMap:URLMap",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    "gcp:compute/targetHttpProxy:TargetHttpProxy",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate",
    "gcp:compute/sSLPolicy:SSLPolicy",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    "gcp:compute/securityPolicy:SecurityPolicy",
)

PLATFORM_SQL = {"instance": "platform-prj:europe-west1:shared-pg", "privateIp": "10.9.0.5"}
PLATFORM_REDIS = {
    "queue": {"host": "10.9.1.4", "auth": {"secure": "v1:queue-auth"}},
    "cache": {"host": "10.9.1.5", "auth": {"secure": "v1:cache-auth"}},
    "cable": {"host": "10.9.1.6", "tls": False, "auth": {"secure": "v1:cable-auth"}},
}
BACKEND = "lago-backend@platform-prj.iam.gserviceaccount.com"
FRONT = "lago-front@platform-prj.iam.gserviceaccount.com"


#: The platform's network, where its Cloud SQL instance and Memorystore take their addresses (a
#: network of the stack's own cannot reach them).
PLATFORM_NETWORK = {
    "existing": {
        "network": "projects/platform-prj/global/networks/core",
        "subnetwork": "projects/platform-prj/regions/europe-west1/subnetworks/run",
    }
}


def brought(plan_config, gcp: dict, **extra):
    if "existing" in gcp.get("database", {}) or "existing" in gcp.get("redis", {}):
        gcp = {"network": PLATFORM_NETWORK, **gcp}
    return plan_config({**BASE, "lago:preset": "dev", "lago:gcp": gcp, **extra})


def violations(plan) -> list[str]:
    return [f"{f.rule}: {f.message}" for view in views_of_plan(plan) for f in evaluate(view) if f.mandatory]


# -- item 1: an existing Cloud SQL instance ------------------------------------------------------------


def test_a_brought_instance_gets_only_lagos_database_and_user(plan_config):
    plan = brought(plan_config, {"database": {"existing": PLATFORM_SQL}})
    assert plan.by_type(SQL) == []
    database, user = plan.one("gcp:sql/database:Database"), plan.one("gcp:sql/user:User")
    for reg in (database, user):
        assert (reg.inputs["instance"], reg.inputs["project"]) == ("shared-pg", "platform-prj")
    assert database.inputs["name"] == "lago" and user.inputs["name"] == "lago"
    # The password is generated and kept in Secret Manager, never in the plan.
    assert plan.one("random:index/randomPassword:RandomPassword", "-db-password")
    assert user.inputs["password"] == "[secret]"
    assert plan.outputs["database_connection_name"] == "platform-prj:europe-west1:shared-pg"


def test_a_brought_instance_by_name_is_in_lagos_project_and_region(plan_config):
    plan = brought(plan_config, {"database": {"existing": {"instance": "shared-pg", "privateIp": "10.9.0.5"}}})
    assert plan.one("gcp:sql/database:Database").inputs["project"] == BASE["gcp:project"]
    assert plan.outputs["database_connection_name"] == f"{BASE['gcp:project']}:europe-west1:shared-pg"


def test_guardrails_and_alerts_hold_without_an_instance(plan_config):
    plan = plan_config(
        {
            **BASE,
            "lago:preset": "prod",
            "lago:protection": {"acknowledgeDataLoss": True},
            "lago:urls": {"front": "https://l.example.com", "api": "https://api.l.example.com"},
            "lago:gcp": {"network": PLATFORM_NETWORK, "database": {"existing": PLATFORM_SQL}, "baseline": {"alarms": True}},
            "lago:alerts": {"emails": ["ops@example.com"]},
        }
    )
    assert plan.by_type(SQL) == []
    assert not [v for v in violations(plan) if v.startswith("connections-fit")], violations(plan)
    policies = {r.name for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    # CPU and disk watch the platform's instance; no connection threshold from a tier it does not know.
    assert any(n.endswith("database-cpu") for n in policies) and not any(n.endswith("database-connections") for n in policies)
    cpu = next(r for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy") if r.name.endswith("database-cpu"))
    assert 'database_id="platform-prj:shared-pg"' in str(cpu.inputs)


# -- item 2: existing Memorystore instances -------------------------------------------------------------


def test_brought_redis_creates_no_instance_and_reaches_the_roles(plan_config):
    plan = brought(plan_config, {"redis": {"existing": PLATFORM_REDIS}}, **{"lago:redis": {"separateCache": True}})
    assert plan.by_type(REDIS) == []
    assert (plan.outputs["redis_host"], plan.outputs["redis_cache_host"], plan.outputs["redis_cable_host"]) == (
        "10.9.1.4",
        "10.9.1.5",
        "10.9.1.6",
    )
    api = next(r for r in plan.by_type(RUN_SERVICE) if r.name.endswith("-api"))
    secrets = {e["name"] for e in container(api)["envs"] if "valueSource" in e}
    assert {"REDIS_URL", "REDIS_PASSWORD", "LAGO_REDIS_CACHE_URL", "LAGO_REDIS_CABLE_URL"} <= secrets


@pytest.mark.parametrize(
    "redis, extra, key, words",
    [
        ({"queue": {"host": "10.9.1.4"}}, {}, "lago:gcp.redis.existing", ("ActionCable", "tls: false")),
        ({"queue": {"host": "10.9.1.4", "tls": False}, "cable": {"host": "10.9.1.6"}}, {}, "lago:gcp.redis.existing", ("cable",)),
        ({"queue": {"host": "redis.internal", "tls": False}}, {}, "lago:gcp.redis.existing.queue.host", ("IPv4",)),
        (
            {"queue": {"host": "10.9.1.4", "tls": False}},
            {"lago:redis": {"separateCache": True}},
            "lago:gcp.redis.existing.cache",
            ("separateCache",),
        ),
        ({"queue": {"host": "10.9.1.4", "tls": False, "auth": "plain"}}, {}, "lago:gcp.redis.existing.queue.auth", ("--secret",)),
    ],
)
def test_bad_brought_redis_is_refused_by_key(plan_config, redis, extra, key, words):
    refused(plan_config, {"lago:gcp": {"redis": {"existing": redis}}, **extra}, key, *words)


# -- items 3 and 4: an existing bucket and service accounts ------------------------------------------------


def test_brought_bucket_and_accounts_are_granted_not_created(plan_config):
    plan = brought(
        plan_config,
        {"storage": {"existing": "platform-files"}, "serviceAccounts": {"backend": BACKEND, "front": FRONT, "crossProject": True}},
    )
    assert plan.by_type(BUCKET) == []
    # Only pdf's account is the stack's own.
    assert [r.inputs["accountId"] for r in plan.by_type(ACCOUNT)] == ["lago-gotenberg"]
    [grant] = plan.by_type(BUCKET_GRANT)
    assert (grant.inputs["bucket"], grant.inputs["member"], grant.inputs["role"]) == (
        "platform-files",
        f"serviceAccount:{BACKEND}",
        "roles/storage.objectAdmin",
    )
    accessors = plan.by_type(SECRET_GRANT)
    assert accessors and {r.inputs["member"] for r in accessors} == {f"serviceAccount:{BACKEND}"}
    signer = plan.one("gcp:serviceaccount/iAMMember:IAMMember", "runtime-token-creator")
    assert signer.inputs["serviceAccountId"] == f"projects/platform-prj/serviceAccounts/{BACKEND}"
    by_role = {r.inputs["labels"]["lago-role"]: r.inputs["template"]["serviceAccount"] for r in plan.by_type(RUN_SERVICE)}
    assert by_role["api"] == BACKEND and by_role["front"] == FRONT and by_role["pdf"].startswith("lago-gotenberg@")
    assert plan.outputs["bucket"] == "platform-files"


RUN_AGENT = "@serverless-robot-prod.iam.gserviceaccount.com"


def test_an_account_of_another_project_is_refused_until_its_project_allows_it(plan_config):
    """Item 4: Cloud Run runs as an account of another project only where that project does not
    enforce iam.disableCrossProjectServiceAccountUsage, which this program can neither read nor
    set: refused with the fix, nothing created."""
    refused(
        plan_config,
        {"lago:gcp": {"serviceAccounts": {"front": FRONT}}},
        "lago:gcp.serviceAccounts.front",
        "platform-prj",
        "iam.disableCrossProjectServiceAccountUsage",
        "crossProject",
    )


def test_cloud_runs_agent_may_mint_tokens_for_each_account_of_another_project_before_a_role_runs_as_it(plan_config):
    """Item 4: once allowed, Cloud Run's service agent (created, as on a fresh project) gets the
    token creator role on each such account, inside the IAM propagation pause every role waits for;
    an account of Lago's own project gets nothing."""
    own = "lago-pdf@lago-test-1.iam.gserviceaccount.com"
    plan = brought(plan_config, {"serviceAccounts": {"backend": BACKEND, "front": FRONT, "pdf": own, "crossProject": True}})
    (agent,) = [r for r in plan.by_type("gcp:projects/serviceIdentity:ServiceIdentity") if r.inputs["service"] == "run.googleapis.com"]
    grants = [r for r in plan.by_type("gcp:serviceaccount/iAMMember:IAMMember") if RUN_AGENT in r.inputs["member"]]
    assert {g.inputs["serviceAccountId"] for g in grants} == {f"projects/platform-prj/serviceAccounts/{e}" for e in (BACKEND, FRONT)}
    assert {g.inputs["role"] for g in grants} == {"roles/iam.serviceAccountTokenCreator"}
    assert all(agent.urn in g.dependencies for g in grants)
    pause = plan.one("pulumi-python:dynamic:Resource", "iam-propagation")
    assert {g.urn for g in grants} <= set(pause.dependencies)
    same_project = brought(plan_config, {"serviceAccounts": {"pdf": own}})
    assert not [r for r in same_project.by_type("gcp:serviceaccount/iAMMember:IAMMember") if RUN_AGENT in r.inputs["member"]]


@pytest.mark.parametrize(
    "gcp, key",
    [
        ({"storage": {"existing": "gs://platform-files"}}, "lago:gcp.storage.existing"),
        ({"serviceAccounts": {"backend": "lago-backend"}}, "lago:gcp.serviceAccounts.backend"),
        ({"database": {"existing": {"instance": "Shared_PG", "privateIp": "10.9.0.5"}}}, "lago:gcp.database.existing.instance"),
        ({"database": {"existing": {"instance": "shared-pg", "privateIp": "10.9.0"}}}, "lago:gcp.database.existing.privateIp"),
        ({"database": {"existing": {"instance": "shared-pg"}}}, "lago:gcp.database.existing.privateIp"),
    ],
)
def test_bad_brought_ids_are_refused_by_key(plan_config, gcp, key):
    refused(plan_config, {"lago:gcp": gcp}, key, "Fix")


# -- item 5: project and region from an explicit provider ---------------------------------------------------

PROVIDER_PROGRAM = """
import pulumi
import pulumi_gcp as gcp

from lago_infra import config
from lago_infra.targets.gcp.component import LagoGcp

provider = gcp.Provider("platform", project="platform-other", region="us-central1")
lago = LagoGcp("lago", config.load(), opts=pulumi.ResourceOptions(providers={"gcp": provider}))
for key, value in lago.exports().items():
    pulumi.export(key, value)
pulumi.export("role_environments", lago.role_environments)
"""


def _program(tmp_path, source: str, config: dict):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(source))
    stack = tmp_path / "Pulumi.embedded.yaml"
    stack.write_text(yaml.safe_dump({"config": config}))
    return run_plan(config_file=stack, project_dir=tmp_path)


def test_an_explicit_provider_reaches_every_resource_and_invoke(tmp_path):
    stack = dict(yaml.safe_load((PROJECT_DIR / "stacks" / "Pulumi.gcp-prod.yaml").read_text())["config"])
    # The stack's own project and region differ: nothing may fall back to them.
    stack.update({"gcp:project": "stack-project", "gcp:region": "europe-west1", "pulumi:disable-default-providers": ["gcp"]})
    gcp_mocks.INVOKES.clear()
    plan = _program(tmp_path, PROVIDER_PROGRAM, stack)

    resources, tokens = through_one_provider(plan, "gcp", gcp_mocks.INVOKES)
    assert len(resources) > 80
    assert {
        "gcp:organizations/getClientConfig:getClientConfig",
        "gcp:organizations/getProject:getProject",
        "gcp:storage/getProjectServiceAccount:getProjectServiceAccount",
        "gcp:cloudrunv2/getJob:getJob",
    } <= tokens

    projects = {r.inputs["project"] for r in resources if "project" in r.inputs}
    assert projects == {"platform-other"}
    regions = {r.inputs.get("region") or r.inputs.get("location") for r in resources} - {None, "global"}
    assert regions == {"us-central1"}
    assert plan.outputs["database_connection_name"] == "platform-other:us-central1:lago-db-pg"
    assert plan.outputs["role_environments"]["api"]["plain"]["LAGO_GCS_PROJECT"] == "platform-other"


def test_a_provider_without_a_project_is_refused_clearly(tmp_path):
    source = PROVIDER_PROGRAM.replace('project="platform-other", ', "")
    with pytest.raises(ConfigError) as caught:
        _program(tmp_path, source, {"pulumi:disable-default-providers": ["gcp"], "lago:target": "gcp"})
    assert "gcp:project: the gcp.Provider given to LagoGcp has no project. Fix: pass project=..." in str(caught.value)


# -- item 6: lago:runtime external ---------------------------------------------------------------------------

EXTERNAL_PROGRAM = """
import pulumi

from lago_infra import config
from lago_infra.targets.gcp.component import LagoGcp

lago = LagoGcp("lago", config.load())
for key in ("role_environments", "runtime_service_account", "service_names", "service_accounts", "redis_hosts", "database_private_ip", "network_id", "subnetwork_id", "load_balancer_ip", "secret_ids"):
    pulumi.export(key, getattr(lago, key))
"""
EXTERNAL = {**BASE, "lago:runtime": "external", "lago:urls": {"front": "https://lago.example.com", "api": "https://api.lago.example.com"}}
VERSION_NAME = re.compile(r"^projects/lago-test-1/secrets/[A-Za-z0-9_-]+/versions/\d+$")


def test_external_runtime_creates_no_container_service_or_load_balancer(tmp_path):
    plan = _program(tmp_path, EXTERNAL_PROGRAM, {**EXTERNAL, "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"}})
    types = {r.type for r in plan.resources}
    assert not [t for t in types if t.startswith(("gcp:cloudrun", "gcp:cloudrunv2"))]
    assert not types & set(LOAD_BALANCER)
    assert {r.inputs.get("addressType") for r in plan.by_type("gcp:compute/globalAddress:GlobalAddress")} == {"INTERNAL"}
    # Still the whole data tier.
    assert {SQL, REDIS, BUCKET, "gcp:secretmanager/secret:Secret", "gcp:compute/network:Network"} <= types
    assert plan.outputs["service_names"] == {} and plan.outputs.get("load_balancer_ip") is None
    # The roles' identity only: no front or pdf account, nothing on Cloud Run.
    assert [r.inputs["accountId"] for r in plan.by_type(ACCOUNT)] == ["lago-runtime"]
    assert plan.outputs["service_accounts"] == {"backend": plan.outputs["runtime_service_account"]}


class _Said(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_external_runtime_on_a_network_of_its_own_says_a_cluster_elsewhere_cannot_reach_it(plan_config):
    """Item 9: private services of a VPC of the stack's own are unreachable from a GKE cluster in
    another VPC (peering is not transitive); bringing the cluster's network is the way, and says
    nothing."""
    said = _Said()
    logger = logging.getLogger("lago_infra.plan.engine")
    logger.addHandler(said)
    try:
        plan_config(EXTERNAL)
        own = [m for m in said.messages if "lago:gcp.network.existing" in m]
        said.messages.clear()
        network = {
            "existing": {
                "network": "projects/platform-prj/global/networks/gke",
                "subnetwork": "projects/platform-prj/regions/europe-west1/subnetworks/gke",
            }
        }
        brought_net = plan_config({**EXTERNAL, "lago:gcp": {"network": network}})
    finally:
        logger.removeHandler(said)
    assert own and "not transitive" in own[0] and "Fix:" in own[0]
    assert not [m for m in said.messages if "lago:gcp.network.existing" in m]
    assert not brought_net.by_type("gcp:compute/network:Network")


def test_external_runtime_exposes_every_role_with_secret_references(tmp_path):
    plan = _program(tmp_path, EXTERNAL_PROGRAM, EXTERNAL)
    environments = plan.outputs["role_environments"]
    assert {"api", "worker", "clock", "front", "pdf", "migrate"} <= set(environments)
    api = environments["api"]
    assert api["image"] == "getlago/api:v1.51.0"
    assert api["plain"]["LAGO_FRONT_URL"] == "https://lago.example.com" and api["plain"]["LAGO_API_URL"] == "https://api.lago.example.com"
    assert {"DATABASE_URL", "SECRET_KEY_BASE", "REDIS_URL"} <= set(api["secrets"])
    # The platform's Job runs the same wrapper as Cloud Run: pg_partman's maintenance is scheduled.
    assert environments["migrate"]["command"] == list(MIGRATE.command) and "DATABASE_URL" in environments["migrate"]["secrets"]
    references = [ref for env in environments.values() for ref in env["secrets"].values()]
    assert references and all(VERSION_NAME.match(ref) for ref in references), references
    # No secret value anywhere in what is exposed.
    values = [
        str(s["secretData"]["value"] if isinstance(s["secretData"], dict) else s["secretData"])
        for urn, s in plan.states.items()
        if "secretmanager/secretVersion" in urn
    ]
    exposed = str(plan.outputs)
    assert values and not [v for v in values if v in exposed]
    # The platform's workloads run as the runtime account: granted each secret and the bucket.
    account = plan.outputs["runtime_service_account"]
    assert SERVICE_ACCOUNT_EMAIL.match(account)
    member = f"serviceAccount:{account}"
    assert {r.inputs["member"] for r in plan.by_type(SECRET_GRANT)} == {member}
    assert len(plan.by_type(SECRET_GRANT)) == len(plan.by_type(SECRET_VERSION))
    assert plan.one(BUCKET_GRANT).inputs["member"] == member


def test_external_runtime_takes_urls_from_the_domain(plan_config):
    plan = plan_config({**BASE, "lago:runtime": "external", "lago:domain": {"app": "lago.example.com", "api": "api.lago.example.com"}})
    assert (plan.outputs["front_url"], plan.outputs["api_url"]) == ("https://lago.example.com", "https://api.lago.example.com")
    assert "role_environments" in plan.outputs


def test_external_runtime_without_urls_is_refused(plan_config):
    refused(plan_config, {"lago:runtime": "external"}, "lago:urls.front", "lago:domain")


def test_external_runtime_refuses_identities_for_roles_it_does_not_run(plan_config):
    refused(plan_config, {**EXTERNAL, "lago:gcp": {"serviceAccounts": {"pdf": FRONT}}}, "lago:gcp.serviceAccounts.pdf", "external")


# -- item 7: typed outputs ------------------------------------------------------------------------------------


def test_every_output_attribute_is_typed_documented_and_registered(tmp_path):
    from lago_infra.targets.gcp.component import LagoGcp

    documented = {name for name in LagoGcp.__annotations__ if not name.startswith("_")}
    assert {
        "load_balancer_ip",
        "service_names",
        "service_uris",
        "service_accounts",
        "database_connection_name",
        "database_private_ip",
        "database_instance",
        "redis_hosts",
        "bucket",
        "secret_ids",
        "network_id",
        "subnetwork_id",
    } <= documented
    plan = _program(
        tmp_path,
        EXTERNAL_PROGRAM.replace("config.load())", "config.load())\npulumi.export('registered', 1)"),
        {**BASE, "lago:urls": EXTERNAL["lago:urls"]},
    )
    assert plan.outputs["service_names"]["api"] == "lago-api" and plan.outputs["service_names"]["migrate"] == "lago-migrate"
    assert plan.outputs["redis_hosts"].keys() == {"queue", "cable"}
    assert plan.outputs["network_id"] == "projects/lago-test-1/global/networks/lago-net-vpc"


# -- item 8: examples/platform-gcp -----------------------------------------------------------------------------


def test_platform_example_brings_its_network_and_instance_into_lago(capsys):
    plan = run_plan(config_file=EXAMPLE / "Pulumi.dev.yaml", project_dir=EXAMPLE, prevalidate=False)
    component = next(r for r in plan.resources if r.type == "lago:gcp:LagoGcp")
    lago = descendants(plan, component.urn)
    assert not [
        r.name
        for r in lago
        if r.type
        in (SQL, "gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork", "gcp:servicenetworking/connection:Connection")
    ]
    [instance] = plan.by_type(SQL)
    assert instance.name == "shared-pg" and instance not in lago
    assert plan.one("gcp:sql/database:Database").inputs["instance"] == "shared-pg"
    run = next(r for r in lago if r.type == RUN_SERVICE and r.name.endswith("-api"))
    assert run.inputs["template"]["vpcAccess"]["networkInterfaces"][0]["network"] == "projects/platform-dev-example/global/networks/core"
    assert plan.outputs["lago_database"] == "platform-dev-example:europe-west4:shared-pg"
    assert not violations(plan)


OUTPUTS_PROGRAM = """
import pulumi
import pulumi_random as random

from lago_infra.config import LagoSettings
from lago_infra.targets.gcp.component import LagoGcp
from lago_infra.targets.gcp.settings import (
    Bucket, ExistingMemorystore, ExistingNetwork, ExistingRedis, GcpSettings, Memorystore, Network, ServiceAccounts,
)

# Another resource's outputs stand in for the platform's own instances.
auth = random.RandomPassword("platform-redis-auth", length=24, special=False)
host = pulumi.Output.from_input("10.9.1.4")
settings = LagoSettings(
    target="gcp",
    gcp=GcpSettings(
        redis=Memorystore(existing=ExistingMemorystore(
            queue=ExistingRedis(host=host, auth=auth.result),
            cable=ExistingRedis(host=pulumi.Output.from_input("10.9.1.6"), tls=False, auth=auth.result),
        )),
        storage=Bucket(existing=pulumi.Output.from_input("platform-files")),
        service_accounts=ServiceAccounts(backend=pulumi.Output.from_input("lago-backend@platform-prj.iam.gserviceaccount.com")),
        # The network the platform's Redis is on.
        network=Network(existing=ExistingNetwork(network="projects/platform-prj/global/networks/core", subnetwork="projects/platform-prj/regions/europe-west1/subnetworks/run")),
    ),
)
lago = LagoGcp("lago", settings)
pulumi.export("redis_hosts", lago.redis_hosts)
pulumi.export("bucket", lago.bucket)
"""


def test_brought_ids_and_auth_may_be_outputs_and_the_auth_stays_secret(tmp_path):
    plan = _program(tmp_path, OUTPUTS_PROGRAM, {"gcp:project": "lago-test-1", "gcp:region": "europe-west1"})
    assert plan.by_type(REDIS) == [] and plan.by_type(BUCKET) == []
    assert plan.outputs["redis_hosts"] == {"queue": "10.9.1.4", "cable": "10.9.1.6"}
    assert plan.outputs["bucket"] == "platform-files"
    password = plan.states[plan.one("random:index/randomPassword:RandomPassword", "platform-redis-auth").urn]["result"]
    stored = plan.one(SECRET_VERSION, "-redis-password-version")
    assert stored.inputs["secretData"] == "[secret]"
    assert password not in str(plan.to_json())


def test_external_prod_keeps_its_data_alarms_and_passes_the_guardrails():
    plan = run_plan_with(PROJECT_DIR / "stacks" / "Pulumi.gcp-prod.yaml", {"lago:runtime": "external"})
    policies = {r.name.removeprefix("lago-baseline-monitoring-") for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    assert {"database-cpu", "redis-queue-evictions"} <= policies
    # Nothing watches Cloud Run, which this stack does not use.
    assert not policies & {"api-5xx-rate", "crashes", "clock-not-running", "api-uptime"}
    assert violations(plan) == []
