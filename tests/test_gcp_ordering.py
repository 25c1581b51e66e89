"""Google Cloud's creation order (``targets/gcp/ordering.py``): every resource after its API's
enablement, service agents and key grants before what encrypts with the key, IAM grants and the
pause after them before Cloud Run, private services access before private IPs. The shipped stacks
and examples are checked in ``test_ordering``; here, that the table covers every resource kind
the plans hold and that it catches what a fresh project refuses."""

from __future__ import annotations

import pytest

from lago_infra.plan import ordering
from lago_infra.plan.monitor import Registration
from lago_infra.targets.gcp import apis
from lago_infra.targets.gcp.ordering import RULES

from .conftest import EXAMPLE_STACKS, STACKS, example_plan, stack_plan
from .helpers import registration


def _reg(name: str, type_: str, deps: tuple[str, ...] = (), parent: str | None = None, provider: str = "gcp", **inputs) -> Registration:
    return registration(name, type_, deps, parent, provider, **inputs)


def _plans():
    yield from (stack_plan(s) for s in STACKS if s.startswith("gcp"))
    yield from (example_plan(e, s) for e, s in EXAMPLE_STACKS)


def test_every_google_resource_kind_in_the_plans_has_its_api_in_the_table():
    """A resource kind the table does not map would escape the enablement rule."""
    unknown = {
        r.type
        for plan in _plans()
        for r in plan.resources
        if r.custom and r.type.startswith("gcp:") and r.type not in apis.SERVICE_USAGE and apis.api_of(r.type) is None
    }
    assert unknown == set()


def test_lago_enables_the_api_of_every_kind_it_creates():
    for plan in (stack_plan("gcp-dev"), stack_plan("gcp-prod")):
        used = {apis.api_of(r.type) for r in plan.resources if r.custom and r.type.startswith("gcp:")} - {None}
        enabled = {s.inputs["service"] for s in plan.by_type(apis.SERVICE)}
        assert used <= enabled, used - enabled
        assert set(apis.REQUIRED_APIS) <= enabled
    # Cloud DNS only where a stack creates its zone (dev, without Cloud NAT).
    assert apis.DNS_API in {s.inputs["service"] for s in stack_plan("gcp-dev").by_type(apis.SERVICE)}
    assert apis.DNS_API not in {s.inputs["service"] for s in stack_plan("gcp-prod").by_type(apis.SERVICE)}


COMPUTE = "compute.googleapis.com"


def test_a_resource_created_before_its_api_is_enabled_is_reported():
    api = _reg("api-compute", apis.SERVICE, service=COMPUTE)
    waits = _reg("vpc", "gcp:compute/network:Network", ("api-compute",))
    races = _reg("subnet", "gcp:compute/subnetwork:Subnetwork", ("vpc",))  # waits through the VPC: fine
    alone = _reg("router", "gcp:compute/router:Router")
    elsewhere = _reg("other-router", "gcp:compute/router:Router", provider="other-project")
    found = ordering.violations([api, waits, races, alone, elsewhere], RULES)
    assert [(v.first.name, v.then.name) for v in found] == [("api-compute", "router")]
    assert "SERVICE_DISABLED" in str(found[0])


def test_one_enablement_of_an_api_is_enough_when_the_platform_and_lago_both_enable_it():
    platform_api = _reg("platform-compute", apis.SERVICE, service=COMPUTE)
    lago_api = _reg("lago-compute", apis.SERVICE, service=COMPUTE, deps=())
    platform_vpc = _reg("core", "gcp:compute/network:Network", ("platform-compute",))
    lago_vpc = _reg("lago-vpc", "gcp:compute/network:Network", ("lago-compute",))
    assert ordering.violations([platform_api, lago_api, platform_vpc, lago_vpc], RULES) == []


KEY = "gcp:kms/cryptoKey:CryptoKey"
GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"


@pytest.mark.parametrize("waits_on", [("grant",), ("grant", "pause")])
def test_an_instance_encrypted_with_the_key_waits_for_the_grant_and_the_pause_after_it(waits_on):
    key = _reg("key", KEY)
    grant = _reg("grant", GRANT, ("key",), role="roles/cloudkms.cryptoKeyEncrypterDecrypter", member="serviceAccount:agent")
    pause = _reg("pause", "pulumi-python:dynamic:Resource", ("grant",), provider="dynamic", grants=["g"], seconds=120)
    instance = _reg("pg", SQL, ("key", *waits_on), encryptionKeyName="projects/p/.../cryptoKeys/k")
    plain = _reg("other-pg", SQL)
    found = ordering.violations([key, grant, pause, instance, plain], RULES)
    missing = {v.first.name for v in found if v.then.name == "pg"}
    assert missing == ({"pause"} if waits_on == ("grant",) else set())


def test_cloud_run_reads_a_secret_only_after_its_grant_has_propagated():
    secret = _reg("secret", "gcp:secretmanager/secret:Secret")
    grant = _reg("grant", "gcp:secretmanager/secretIamMember:SecretIamMember", ("secret",))
    pause = _reg("pause", "pulumi-python:dynamic:Resource", ("grant",), provider="dynamic", grants=["g"], seconds=120)
    early = _reg("api", "gcp:cloudrunv2/service:Service", ("secret",))
    late = _reg("worker", "gcp:cloudrunv2/workerPool:WorkerPool", ("secret", "pause"))
    found = ordering.violations([secret, grant, pause, early, late], RULES)
    assert {(v.first.name, v.then.name) for v in found} == {("grant", "api"), ("pause", "api")}


def test_a_private_ip_waits_for_the_private_services_connection_of_its_network():
    vpc = _reg("vpc", "gcp:compute/network:Network")
    connection = _reg("peering", "gcp:servicenetworking/connection:Connection", ("vpc",))
    early = _reg("pg", SQL, ("vpc",), settings={"ipConfiguration": {"privateNetwork": "projects/p/global/networks/vpc"}})
    redis = _reg("redis", "gcp:redis/instance:Instance", ("vpc", "peering"), connectMode="PRIVATE_SERVICE_ACCESS")
    found = ordering.violations([vpc, connection, early, redis], RULES)
    assert [(v.first.name, v.then.name) for v in found] == [("peering", "pg")]
