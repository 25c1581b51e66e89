"""Values whose shape Lago depends on are refused before they reach a role's environment (issue
22, class 3): e-mail addresses, root URLs Lago joins paths onto, the SMTP host, the Sentry DSN,
the OAuth proxy URL, the values of free variables Lago parses, image repositories with a tag,
the database name and user RDS takes, the storage ceiling RDS takes, a database image of another
major version, tag keys the target writes itself."""

from __future__ import annotations

import json

import pytest

from lago_infra.__main__ import main
from lago_infra.config import ConfigError, RawConfig, validate
from lago_infra.lago.values import RULES
from lago_infra.targets.aws import limits as aws_limits
from lago_infra.targets.aws.checks import OWN_TAG_KEYS


def problems(values: dict, secret: frozenset = frozenset()) -> dict:
    with pytest.raises(ConfigError) as caught:
        validate(RawConfig(values, set(secret), "stacks/Pulumi.test.yaml"))
    return {p.key: p for p in caught.value.problems}


def accepted(values: dict, secret: frozenset = frozenset()):
    return validate(RawConfig(values, set(secret), "stacks/Pulumi.test.yaml"))


ORG = {"name": "Acme", "email": "admin@acme.test", "password": "x"}


@pytest.mark.parametrize("email", ["admin-at-acme", "admin@localhost", "two@@acme.test", "Admin <admin@acme.test>"])
def test_the_first_admin_needs_an_email_address(email):
    found = problems(
        {"target": "local", "features": {"signup": False}, "organization": {**ORG, "email": email}}, frozenset({"organization"})
    )
    assert "is not an e-mail address" in found["lago:organization.email"].what


@pytest.mark.parametrize(
    "sender, good", [("billing@acme.test", True), ("Acme Billing <billing@acme.test>", True), ("Lago billing", False), ("<billing>", False)]
)
def test_the_sender_is_an_address_or_a_named_address(sender, good):
    values = {"target": "local", "smtp": {"address": "smtp.acme.test", "fromEmail": sender}}
    if good:
        assert accepted(values).smtp.from_email == sender
    else:
        assert "is not a sender address" in problems(values)["lago:smtp.fromEmail"].what


@pytest.mark.parametrize(
    "address, fragment",
    [
        ("smtp://mail.acme.test", "is a URL, not a host"),
        ("mail.acme.test:587", "holds a port"),
        ("mail acme", "is not a host name"),
        ("mail.acme.test/x", "is a URL"),
    ],
)
def test_the_smtp_address_is_a_host(address, fragment):
    found = problems({"target": "local", "smtp": {"address": address, "fromEmail": "billing@acme.test"}})
    assert fragment in found["lago:smtp.address"].what


@pytest.mark.parametrize("address", ["mailpit", "smtp.acme.test", "10.0.0.25", "2001:db8::25"])
def test_smtp_hosts_of_every_form_are_accepted(address):
    accepted({"target": "local", "smtp": {"address": address, "fromEmail": "billing@acme.test"}})


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("https://lago.acme.test/app", "is not a root URL"),
        ("https://lago.acme.test/?tab=1", "is not a root URL"),
        ("https://lago.acme.test/#x", "is not a root URL"),
        ("lago.acme.test", "is not an http(s) URL"),
        ("ftp://lago.acme.test", "is not an http(s) URL"),
        ("https://lago.acme.test:port", "port that is no number"),
    ],
)
@pytest.mark.parametrize("key", ["front", "api"])
def test_the_front_and_api_urls_are_roots(url, fragment, key):
    found = problems({"target": "local", "urls": {key: url}})
    assert fragment in found[f"lago:urls.{key}"].what


def test_a_root_url_keeps_its_port_and_loses_a_trailing_slash():
    settings = accepted({"target": "local", "urls": {"front": "http://localhost:8080/", "api": "https://api.acme.test"}})
    assert (settings.urls.front, settings.urls.api) == ("http://localhost:8080", "https://api.acme.test")


@pytest.mark.parametrize("url", ["proxy.getlago.com", "https://proxy.getlago.com/path", "//proxy.getlago.com"])
def test_the_oauth_proxy_url_has_its_scheme_and_no_path(url):
    assert "lago:oauthProxyUrl" in problems({"target": "local", "oauthProxyUrl": url})


@pytest.mark.parametrize(
    "dsn, good",
    [
        ("https://0123abcd@o12345.ingest.sentry.io/4505", True),
        ("not-a-dsn", False),
        ("https://o12345.ingest.sentry.io/4505", False),
        ("https://key@o12345.ingest.sentry.io/", False),
    ],
)
def test_the_sentry_dsn_has_its_key_host_and_project(dsn, good):
    values = {"target": "local", "sentry": {"dsn": dsn}}
    if good:
        accepted(values)
    else:
        assert "is not a Sentry DSN" in problems(values)["lago:sentry.dsn"].what


# -- free variables Lago parses ---------------------------------------------------------------------

#: A value each rule takes and one it refuses.
SAMPLES = {
    "LAGO_LOG_LEVEL": ("WARN", "verbose"),
    "LAGO_SIDEKIQ_STATSD_ENDPOINT": ("statsd.internal:8125", "statsd.internal"),
    "LAGO_SIDEKIQ_PRO_REQUIRED": ("false", "no"),
    "LAGO_SUBSCRIPTION_TERMINATION_ALERT_SENT_AT_DAYS": ("1, 15,45", "1;15"),
    "LAGO_REDIS_SIDEKIQ_RETRY_WINDOW_SECONDS": ("2.5", "five"),
    "LAGO_REDIS_SIDEKIQ_SENTINELS": ("s1:26379,s2", "s1:port"),
    "LAGO_REDIS_CACHE_SENTINELS": ("s1:26379,s2:26379", "s1:x"),
    "LAGO_MEMCACHE_SERVERS": ("m1:11211,m2", "m1:y"),
    "LAGO_AWS_S3_SSL_VERIFY": ("true", "yes"),
    "LAGO_DISABLE_EVENTS_VALIDATION": ("true", "no"),
    "LAGO_DISABLE_LIFETIME_USAGE_REFRESH": ("false", "True"),
    "LAGO_REDIS_STORE_SSL": ("true", "false"),
    "LAGO_REDIS_STORE_DISABLE_SSL_VERIFY": ("1", "off"),
    "LAGO_DISABLE_SCHEMA_DUMP": ("true", "0"),
    "RAILS_SERVE_STATIC_FILES": ("true", "no"),
    "SENTRY_ENABLE_CRONS": ("true", "false"),
    "OTEL_EXPORTER": ("otlp", "disabled"),
    "DD_TRACE_SAMPLE_RATE": ("0.25", "2"),
    "LAGO_SIDEKIQ_AVERAGE_SCHEDULED_POLL_INTERVAL": ("2.5", "0"),
    "LAGO_DATA_API_URL": ("http://data-api:3000", "data-api:3000"),
    "LAGO_FINANCE_ASSISTANT_URL": ("https://fa.acme.test", "fa.acme.test"),
    "LAGO_MCP_SERVER_URL": ("https://mcp.acme.test", "mcp"),
    "LAGO_LICENSE_URL": ("https://license.acme.test", "license"),
    "LAGO_SUPERSET_URL": ("https://bi.acme.test", "bi.acme.test"),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_refuses_what_lago_misreads_and_takes_what_it_reads(name):
    good, bad = SAMPLES.get(name, ("30", "thirty"))
    accepted({"target": "local", "env": {name: good}})
    problem = problems({"target": "local", "env": {name: bad}})[f"lago:env.{name}"]
    assert f"'{bad}'" in problem.what and problem.fix


def test_a_log_level_rails_cannot_read_names_the_levels():
    problem = problems({"target": "aws", "env": {"LAGO_LOG_LEVEL": "verbose"}})["lago:env.LAGO_LOG_LEVEL"]
    assert "every backend role stops as it boots" in problem.what and "debug, info, warn, error, fatal, unknown" in problem.fix


def test_a_flag_lago_reads_as_present_says_that_false_turns_it_on():
    problem = problems({"target": "local", "env": {"LAGO_DISABLE_SCHEMA_DUMP": "false"}})["lago:env.LAGO_DISABLE_SCHEMA_DUMP"]
    assert "turns it on" in problem.what and "remove the variable" in problem.fix


def test_every_value_problem_of_a_stack_is_in_one_message():
    found = problems({"target": "local", "env": {"LAGO_LOG_LEVEL": "loud", "LAGO_WEBHOOK_TIMEOUT_SECONDS": "0", "OTEL_EXPORTER": "false"}})
    assert {"lago:env.LAGO_LOG_LEVEL", "lago:env.LAGO_WEBHOOK_TIMEOUT_SECONDS", "lago:env.OTEL_EXPORTER"} <= set(found)


def test_every_rule_is_of_a_variable_lago_reads_freely():
    from lago_infra.lago.variables import CATALOGUE

    assert all(name in CATALOGUE and CATALOGUE[name].owner is None and CATALOGUE[name].refused is None for name in RULES)


# -- images ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, fragment",
    [
        ("getlago/api:v1.51.0", "has a tag (v1.51.0)"),
        ("registry.acme.test:5000/getlago/api:v1.51.0", "has a tag (v1.51.0)"),
        ("getlago/api@sha256:" + "0" * 64, "has a digest"),
    ],
)
def test_an_image_repository_with_a_tag_is_refused(image, fragment):
    found = problems({"target": "local", "images": {"api": image}})
    assert fragment in found["lago:images.api"].what


def test_a_registry_port_is_no_tag_and_the_pdf_image_needs_one():
    accepted(
        {"target": "local", "images": {"api": "registry.acme.test:5000/getlago/api", "front": "registry.acme.test:5000/getlago/front"}}
    )
    assert "has no tag" in problems({"target": "local", "images": {"pdf": "getlago/lago-gotenberg"}})["lago:images.pdf"].what


@pytest.mark.parametrize(
    "image, version, fragment",
    [
        ("postgres:14-alpine", 16, "runs PostgreSQL 14, but lago:database.version is 16"),
        ("postgis/postgis:15-3.4", 16, "runs PostgreSQL 15"),
        ("postgres:latest", 16, "names no PostgreSQL major version"),
        ("postgres", 16, "has no tag"),
    ],
)
def test_a_database_image_of_another_major_version_is_refused(image, version, fragment):
    found = problems({"target": "local", "database": {"version": version}, "local": {"postgresImage": image}})
    assert fragment in found["lago:local.postgresImage"].what


def test_a_database_image_of_the_same_major_version_is_accepted():
    accepted({"target": "local", "database": {"version": 15}, "local": {"postgresImage": "pgvector/pgvector:pg15"}})


# -- AWS: names RDS takes, its storage ceiling, tags -----------------------------------------------------


@pytest.mark.parametrize(
    "database, key",
    [
        ({"name": "lago-billing"}, "lago:database.name"),
        ({"name": "1lago"}, "lago:database.name"),
        ({"name": "user"}, "lago:database.name"),
        ({"user": "lago_billing_admin_1"}, "lago:database.user"),
        ({"user": "select"}, "lago:database.user"),
        ({"user": "rdsadmin"}, "lago:database.user"),
    ],
)
def test_a_database_name_or_user_rds_refuses(database, key):
    found = problems({"target": "aws", "database": database})
    assert "RDS accepts" in found[key].what and found[key].fix.startswith("use e.g.")


def test_a_brought_server_takes_any_name():
    accepted(
        {
            "target": "aws",
            "database": {"name": "lago-billing"},
            "aws": {
                "network": {
                    "existing": {
                        "vpcId": "vpc-0123456789abcdef0",
                        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
                        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
                    }
                },
                "database": {
                    "existing": {
                        "host": "pg.abc.eu-west-1.rds.amazonaws.com",
                        "adminSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin-AbCdEf",
                    }
                },
            },
        }
    )


@pytest.mark.parametrize("allocated, ceiling, least", [(100, 105, 110), (20, 21, 22), (100, 100, 110)])
def test_a_storage_ceiling_rds_refuses(allocated, ceiling, least):
    problem = problems({"target": "aws", "aws": {"database": {"allocatedStorage": allocated, "maxAllocatedStorage": ceiling}}})[
        "lago:aws.database.maxAllocatedStorage"
    ]
    assert "which RDS refuses" in problem.what and problem.fix.startswith(f"set it to at least {least}")


@pytest.mark.parametrize("key", OWN_TAG_KEYS)
def test_tag_keys_the_aws_target_writes_itself_are_refused(key):
    assert "a tag this target writes itself" in problems({"target": "aws", "tags": {key: "x"}})[f"lago:tags.{key}"].what


def test_the_own_tag_keys_are_every_key_the_plan_writes(plan_of):
    """Measured on a plan: every tag key on an AWS resource is the user's or one of OWN_TAG_KEYS."""
    plan = plan_of("aws-prod")
    written = {key for r in plan.resources if r.type.startswith("aws:") for key in (r.inputs.get("tags") or {})}
    assert written <= set(OWN_TAG_KEYS) | set(plan.settings.tags), written - set(OWN_TAG_KEYS)
    assert len(OWN_TAG_KEYS) == aws_limits.OWN_TAGS


def test_the_reserved_words_are_postgresqls(postgres):
    """The words RDS refuses as names are PostgreSQL's reserved key words, read from a real server."""
    words = postgres.value("SELECT word FROM pg_get_keywords() WHERE catcode = 'R' ORDER BY word").split()
    assert set(words) == set(aws_limits.POSTGRES_RESERVED_WORDS)


def test_a_values_problem_exits_2_naming_the_stack_file(tmp_path, capsys):
    path = tmp_path / "Pulumi.adhoc.yaml"
    path.write_text(
        json.dumps(
            {
                "config": {
                    "lago:target": "local",
                    "lago:env": {"LAGO_LOG_LEVEL": "verbose"},
                    "lago:urls": {"front": "https://lago.acme.test/app"},
                }
            }
        )
    )
    assert main(["plan", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Invalid stack configuration in {path} (2 problems)") and "Traceback" not in err
