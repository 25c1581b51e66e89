"""Bad stack config never gets through, and never as a traceback: whatever the values and
shapes, ``validate`` returns settings or raises ``ConfigError``."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lago_infra.__main__ import main
from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.config.model import LagoSettings
from lago_infra.lago.roles import DEDICATED_QUEUES

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TOP_KEYS = sorted(f.alias or n for n, f in LagoSettings.model_fields.items())
NESTED = [
    "roles.api.replicas",
    "roles.clock.maxReplicas",
    "roles.worker.cpu",
    "database.version",
    "database.pool.web",
    "api.threads",
    "workers.concurrency",
    "workers.dedicated",
    "features.signup",
    "smtp.port",
    "urls.front",
    "domain.app",
    "domain.api",
    "local.apiPort",
    "local.frontPort",
    "roles.api.max_replicas",
    "aws.network.cidr",
    "gcp.network.subnetCidr",
    "protection.acknowledge_data_loss",
    "protection.protect",
    "env",
    "secretEnv",
    "images.api",
    "redis.separateCache",
]

anything = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def base(target: str = "local") -> dict:
    return {"target": target}


def put(values: dict, path: str, value) -> dict:
    node = values
    *parents, leaf = path.split(".")
    for p in parents:
        node = node.setdefault(p, {}) if isinstance(node.get(p, {}), dict) else node
    node[leaf] = value
    return values


def rejected(values: dict, secret_keys: set[str] = frozenset(), others: set[str] = frozenset()) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig(values, set(secret_keys), "stacks/Pulumi.test.yaml", set(others)))
    assert "Fix:" in str(caught.value)
    assert all(well_formed(p.key) for p in caught.value.problems), [p.key for p in caught.value.problems]
    return caught.value


def well_formed(key: str) -> bool:
    """A namespace, then a path: never ``lago::`` or a bare ``lago:`` (quoted parts aside)."""
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "Q", key)
    return "::" not in bare and not bare.endswith(":")


def accepted_or_config_error(values, others=frozenset()) -> None:
    try:
        validate(RawConfig(values, set(), "test", set(others)))
    except ConfigError as error:
        assert all(well_formed(p.key) for p in error.problems), [p.key for p in error.problems]


@FAST
@given(path=st.sampled_from(TOP_KEYS + NESTED), value=anything)
def test_any_value_anywhere_is_accepted_or_a_config_error(path, value):
    accepted_or_config_error(put(base(), path, value))


@FAST
@given(shape=anything)
def test_any_shape_for_the_whole_namespace_is_a_config_error_or_accepted(shape):
    values = shape if isinstance(shape, dict) else {"target": shape}
    accepted_or_config_error(values)


@FAST
@given(key=st.from_regex(r"[a-z][a-zA-Z]{2,12}", fullmatch=True).filter(lambda k: k not in TOP_KEYS))
def test_unknown_keys_are_rejected(key):
    assert "unknown key" in str(rejected({**base(), key: "x"}))


@FAST
@given(count=st.integers(2, 100), which=st.sampled_from(["replicas", "maxReplicas"]))
def test_more_than_one_clock_is_rejected(count, which):
    values = {**base(), "roles": {"clock": {"replicas": count, "maxReplicas": count} if which == "replicas" else {"maxReplicas": count}}}
    assert "clock" in str(rejected(values))


@FAST
@given(queue=st.text(min_size=1, max_size=12).filter(lambda q: q not in DEDICATED_QUEUES), as_list=st.booleans())
def test_a_dedicated_worker_for_an_unknown_queue_is_rejected(queue, as_list):
    dedicated = [queue] if as_list else {queue: {}}
    assert "dedicated" in str(rejected({**base(), "workers": {"dedicated": dedicated}}))


@FAST
@given(target=st.sampled_from(["local", "aws", "gcp"]), protect=st.booleans(), deletion=st.booleans())
def test_prod_without_protection_needs_the_acknowledgement(target, protect, deletion):
    values = {"target": target, "preset": "prod", "protection": {"protect": protect, "deletionProtection": deletion}}
    if protect and deletion:
        validate(RawConfig(values, set(), "test"))
    else:
        assert "acknowledgeDataLoss" in str(rejected(values))
        values["protection"]["acknowledgeDataLoss"] = True
        validate(RawConfig(values, set(), "test"))


@FAST
@given(
    secret=st.text(min_size=1, max_size=30).filter(str.strip),
    where=st.sampled_from(["smtp", "license", "secretEnv", "secrets", "googleAuth"]),
)
def test_secrets_written_in_plain_text_are_rejected_and_not_echoed(secret, where):
    value = {
        "smtp": {"address": "smtp.example.com", "fromEmail": "a@example.com", "password": secret},
        "license": secret,
        "secretEnv": {"STRIPE_API_KEY": secret},
        "secrets": {"secretKeyBase": secret},
        "googleAuth": {"clientId": "id", "clientSecret": secret},
    }[where]
    error = rejected({**base(), where: value})
    assert "--secret" in str(error)


@FAST
@given(
    name=st.sampled_from(
        ["DATABASE_URL", "LAGO_SIDEKIQ_WEB", "SIDEKIQ_PDFS", "LAGO_API_URL", "RAILS_ENV", "DATABASE_POOL", "NOT_A_LAGO_VAR"]
    )
)
def test_variables_owned_by_typed_keys_cannot_be_set_through_env(name):
    rejected({**base(), "env": {name: "x"}})


def test_bad_config_registers_nothing_and_the_cli_prints_no_traceback(tmp_path, capsys, monkeypatch):
    from lago_infra.plan import runner

    created = []
    monkeypatch.setattr(runner, "RecordingMonitor", lambda *a: created.append(a) or pytest.fail("monitor created"))
    stack = tmp_path / "Pulumi.bad.yaml"
    stack.write_text(json.dumps({"config": {"lago:target": "local", "lago:roles": {"clock": {"replicas": 2}}}}))
    with pytest.raises(ConfigError):
        runner.run_plan(config_file=stack)
    assert main(["plan", "--config", str(stack), "--policy"]) == 2
    err = capsys.readouterr().err
    assert "lago:roles.clock" in err and "Traceback" not in err and created == []


@FAST
@given(
    target=st.sampled_from(["local", "aws", "gcp"]),
    key=st.text(min_size=1, max_size=20),
    namespace=st.sampled_from(["aws", "gcp", "docker", "lgo", "pulumi", "random", "tls", "x"]),
)
def test_any_key_outside_lago_is_accepted_warned_or_a_config_error(target, key, namespace):
    accepted_or_config_error({"target": target}, {f"{namespace}:{key}"})


@FAST
@given(target=st.sampled_from(["aws", "gcp"]), other=st.sampled_from(["local", "aws", "gcp"]), section=anything)
def test_another_targets_section_is_named_whatever_it_holds(target, other, section):
    if other == target or section is None:
        return
    error = rejected({"target": target, other: section})
    assert f"lago:{other}" in {p.key for p in error.problems}


@FAST
@given(port=st.integers(1, 65535))
def test_the_same_port_for_front_and_api_is_refused(port):
    error = rejected({"target": "local", "local": {"frontPort": port, "apiPort": port}})
    assert "lago:local.apiPort" in {p.key for p in error.problems}


@FAST
@given(
    value=st.integers(-(10**6), 10**6),
    path=st.sampled_from(["roles.api.replicas", "webhookAttempts", "database.version", "workers.concurrency"]),
)
def test_a_number_out_of_range_states_the_range(value, path):
    try:
        validate(RawConfig(put(base(), path, value), set(), "test"))
    except ConfigError as error:
        (problem,) = [p for p in error.problems if p.key == f"lago:{path}"]
        assert re.search(r"from -?\d+ to \d+", problem.what) and "e.g." in problem.fix


@FAST
@given(label=st.text(st.characters(min_codepoint=0xA1, max_codepoint=0x2FFF, categories=["Ll", "Lo"]), min_size=1, max_size=10))
def test_a_non_ascii_domain_is_refused_with_its_ascii_form_or_as_invalid(label):
    error = rejected({"target": "aws", "domain": {"app": f"{label}.example.com", "api": "api.example.com"}})
    (problem,) = error.problems
    assert problem.key == "lago:domain.app", problem
    try:
        ascii_form = f"{label}.example.com".encode("idna").decode()
    except UnicodeError:
        assert "not a valid" in problem.what
    else:
        assert problem.fix.endswith(f"punycode form, {ascii_form}")


@FAST
@given(cidr=st.sampled_from(["banana", "10.0.0.0/33", "10.0.0.1/16", "::1/128", "300.0.0.0/8", ""]) | st.text(max_size=18))
def test_the_cidr_type_turns_every_bad_range_into_a_problem(cidr):
    """Any ValueError a validator raises (here the Cidr type's) ends as a Problem with its key."""
    from lago_infra.config.base import Cidr, Section

    class Net(Section):
        cidr: Cidr

    try:
        Net(cidr=cidr)
    except ConfigError as error:
        (problem,) = error.problems
        assert problem.key == "lago:cidr" and problem.fix


# -- brought pieces and component args (issue 22) ----------------------------------------------------------

#: Every key of a piece a platform brings, each filled with a well-formed value; the properties
#: below replace one with anything, or compare them with any region.
BROUGHT = {
    "aws": {
        "aws.network.existing": {
            "vpcId": "vpc-0123456789abcdef0",
            "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
            "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
        },
        "aws.edge.existing": {
            "listenerArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform/50dc6c495c0c9188/f2f7dc8efc522ab2",
            "loadBalancerArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/platform/50dc6c495c0c9188",
            "securityGroupId": "sg-0123456789abcdef0",
            "dnsName": "platform-1234567890.eu-west-1.elb.amazonaws.com",
            "zoneId": "Z32O12XQLNTSW2",
            "rulePriorities": {"from": 100, "to": 119},
        },
        "aws.edge.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
        "aws.edge.route53ZoneId": "Z0123456789ABCDEFGHIJ",
        "aws.services.existingCluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/platform",
        "aws.services.existingNamespaceArn": "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefghij123456",
        "aws.baseline.existingKmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/12345678-1234-1234-1234-123456789012",
        "aws.database.existing": {
            "host": "pg.cluster-abc.eu-west-1.rds.amazonaws.com",
            "adminSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin-AbCdEf",
        },
        "aws.redis.existing": {
            "queue": {
                "host": "master.platform.abcdef.euw1.cache.amazonaws.com",
                "authTokenSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf",
            }
        },
        "alerts.snsTopicArn": "arn:aws:sns:eu-west-1:123456789012:pager",
    },
    "gcp": {
        "gcp.network.existing": {
            "network": "projects/host-prj/global/networks/core",
            "subnetwork": "projects/host-prj/regions/europe-west1/subnetworks/run",
        },
        "gcp.database.existing": {"instance": "host-prj:europe-west1:platform-pg", "privateIp": "10.9.0.5"},
        "gcp.redis.existing": {"queue": {"host": "10.9.1.4", "tls": False}},
        "gcp.storage.existing": "platform-files",
        "gcp.serviceAccounts.backend": "lago-backend@host-prj.iam.gserviceaccount.com",
    },
}


def brought(target: str) -> dict:
    values: dict = {"target": target, "domain": {"app": "lago.example.com", "api": "api.lago.example.com"}}
    for path, value in BROUGHT[target].items():
        put(values, path, json.loads(json.dumps(value)))
    return values


def brought_paths(target: str) -> list[str]:
    """Each brought key, and each key inside a brought mapping."""
    paths = []
    for path, value in BROUGHT[target].items():
        paths.append(path)
        if isinstance(value, dict):
            paths += [f"{path}.{key}" for key in value]
    return paths


regions = st.sampled_from(["eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1", "europe-west1", "us-central1", ""]) | st.text(
    max_size=12
)
arns = st.builds(
    lambda partition, service, region, account, resource: f"arn:{partition}:{service}:{region}:{account}:{resource}",
    st.sampled_from(["aws", "aws-cn", "aws-us-gov", "x"]),
    st.sampled_from(["elasticloadbalancing", "ecs", "kms", "sns", "secretsmanager", "acm", "servicediscovery"]),
    regions,
    st.sampled_from(["123456789012", "210987654321", "", "1"]),
    st.text(min_size=1, max_size=30),
)


@FAST
@given(target=st.sampled_from(["aws", "gcp"]), data=st.data(), value=anything | arns, region=regions)
def test_any_value_of_a_brought_piece_against_any_region_is_settings_or_a_config_error(target, data, value, region):
    path = data.draw(st.sampled_from(brought_paths(target)))
    provider = (
        {"aws:region": region, "aws:allowedAccountIds": ["123456789012"]}
        if target == "aws"
        else {"gcp:project": "lago-test-1", "gcp:region": region}
    )
    values = put(brought(target), path, value)
    try:
        validate(RawConfig(values, set(), "test", set(provider), provider), default_providers=True)
    except ConfigError as error:
        assert all(well_formed(p.key) for p in error.problems), [p.key for p in error.problems]
        assert all(p.what and p.fix for p in error.problems)


@pytest.mark.parametrize("target", ["aws", "gcp"])
def test_the_brought_pieces_above_are_accepted_in_their_region(target):
    provider = {"aws:region": "eu-west-1"} if target == "aws" else {"gcp:project": "lago-test-1", "gcp:region": "europe-west1"}
    validate(RawConfig(brought(target), set(), "test", set(provider), provider), default_providers=True)


@FAST
@given(
    target=st.sampled_from(["local", "aws", "gcp"]),
    args=st.dictionaries(st.sampled_from(TOP_KEYS + ["max_replicas", "tpyo", "secret_env"]), anything, max_size=4),
)
def test_any_component_args_are_settings_or_a_config_error_naming_the_component(target, args):
    """The args a component of the package takes (any language), and settings built in Python
    with the classes: never anything but settings or the one ConfigError."""
    from lago_infra.package.hosting import settings_from_args

    for build in (lambda: settings_from_args(target, "LagoAws", "billing", args), lambda: LagoSettings(**{**args, "target": target})):
        try:
            build()
        except ConfigError as error:
            assert error.from_program and error.problems
            assert str(error).startswith(("Invalid args of LagoAws 'billing'", "Invalid LagoSettings built in Python")), str(error)


@FAST
@given(name=anything, settings=anything, opts=anything)
def test_any_arguments_of_the_wrong_kind_are_problems_not_exceptions(name, settings, opts):
    from lago_infra.targets.base import _wrong_arguments

    wrong = _wrong_arguments(name, settings, "aws", "LagoAws", opts)
    assert {p.key for p in wrong} <= {"name", "settings", "opts", "lago:target"} and "settings" in {p.key for p in wrong}
