"""TLS to PostgreSQL that verifies the server (issue 21, item 2), shown on a real PostgreSQL 15.

The server runs with a certificate signed by a CA made here. What connects is what the project
ships: the DATABASE_URL the program stores in the cloud's secret store, the CA file as the ECS
init container writes it, the bootstrap container's environment and script, and the GCP
migration wrapper. The only change to them: the CA directory the containers mount is a
temporary one here (``roles.DATABASE_CA_DIR``), as no test may write ``/lago-tls``.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import pytest

from lago_infra.lago import roles
from lago_infra.plan import Plan
from lago_infra.targets.aws.database import BOOTSTRAP_SCRIPT

from . import postgres as pg
from .helpers import named, refused
from .test_gcp_production import BASE as GCP

ADMIN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
AWS_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
GCP_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
HOST = "127.0.0.1"
#: libpq's words for a certificate that does not chain to the CA, and for a name it does not hold.
UNTRUSTED = "certificate verify failed"
WRONG_NAME = "does not match host name"


# -- certificates ----------------------------------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory: Path, name: str) -> Path:
    """A self-signed CA; returns its directory (ca.key, ca.crt)."""
    home = directory / name
    home.mkdir()
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        f"/CN={name}",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=home,
    )
    return home


def server_certificate(ca: Path, name: str, san: str) -> dict[str, bytes]:
    """A server certificate for ``san`` (``IP:127.0.0.1``, ``DNS:db.internal``) signed by ``ca``:
    the two files the server's data directory takes."""
    (ca / f"{name}.ext").write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    _openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        f"{name}.key",
        "-out",
        f"{name}.csr",
        "-subj",
        f"/CN={name}",
        cwd=ca,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        f"{name}.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        f"{name}.crt",
        "-extfile",
        f"{name}.ext",
        cwd=ca,
    )
    return {"server.crt": (ca / f"{name}.crt").read_bytes(), "server.key": (ca / f"{name}.key").read_bytes()}


TLS_SETTINGS = {"ssl": "on", "ssl_cert_file": "'server.crt'", "ssl_key_file": "'server.key'"}
#: TLS or nothing, as RDS (rds.force_ssl) and Cloud SQL (ENCRYPTED_ONLY) serve Lago.
TLS_ONLY = ["hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 0.0.0.0/0 reject"]


def swap_certificate(server: pg.Server, files: dict[str, bytes]) -> None:
    """The server presents another certificate from its next connection on (a reload re-reads them)."""
    for name, content in files.items():
        (server.directory / "data" / name).write_bytes(content)
    server.psql("SELECT pg_reload_conf()")
    time.sleep(0.5)


# -- what the project ships ------------------------------------------------------------------------


def stored(plan: Plan, resource: str, field: str, type_: str) -> str:
    """A value the plan stores in the cloud's secret store (the mocks keep what they were given)."""
    value = plan.states[named(plan, resource, type_).urn][field]
    return value["value"] if isinstance(value, dict) else value


def aws_stored(plan: Plan, resource: str) -> str:
    """A value the AWS plan stores: a Secrets Manager version, or an SSM parameter where the stack
    keeps its secrets in Parameter Store (the dev preset)."""
    kept = [r for r in plan.resources if r.name.endswith(resource) and r.type in (AWS_VERSION, "aws:ssm/parameter:Parameter")]
    assert len(kept) == 1, [r.name for r in kept]
    value = plan.states[kept[0].urn]["secretString" if kept[0].type == AWS_VERSION else "value"]
    return value["value"] if isinstance(value, dict) else value


def task(plan: Plan, role: str) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(named(plan, f"-ecs-{role}", TASK).inputs["containerDefinitions"])}


def env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("environment", [])}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """A command as a container runs it: sh, with the real psql and pg_isready on the PATH."""
    environment = {"PATH": f"{pg.BIN}:/usr/bin:/bin", "PGCONNECT_TIMEOUT": "5", **env}
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


def libpq_url(url: str) -> str:
    """DATABASE_URL as Rails hands it to libpq: every query key but ``search_path`` (which Rails
    drops and libpq refuses)."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    return urlunsplit(parts._replace(query=urlencode(kept, safe="/")))


def lago_connects(url: str) -> subprocess.CompletedProcess:
    """What a role does with DATABASE_URL, through libpq: connect and say whether TLS is on."""
    return run(["psql", libpq_url(url), "-qAtX", "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"], {})


def create_lago_user(server: pg.Server, url: str) -> None:
    """The Lago user and database the URL names, as RDS's or Cloud SQL's own create them."""
    parts = urlsplit(url)
    user, password, database = unquote(parts.username), unquote(parts.password), parts.path.lstrip("/")
    server.psql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
    server.psql(f"CREATE DATABASE {database} OWNER {user}")


@pytest.fixture
def ca_dir(tmp_path, monkeypatch) -> Path:
    """The directory the containers mount the CA file in, here a temporary one."""
    directory = tmp_path / "lago-tls"
    directory.mkdir()
    monkeypatch.setattr(roles, "DATABASE_CA_DIR", str(directory))
    return directory


def aws_plan(plan_config, server: pg.Server, ca: Path) -> Plan:
    """An AWS stack on a server the platform runs (here the test's), verified with its CA."""
    return plan_config(
        {
            "aws:region": "eu-west-1",
            "lago:target": "aws",
            "lago:database": {"sslMode": "verify-full", "sslRootCert": (ca / "ca.crt").read_text()},
            "lago:aws": {
                "database": {"existing": {"host": HOST, "port": server.port, "adminSecretArn": ADMIN}},
                # A brought server lives in the platform's VPC, which the stack must then run in.
                "network": {
                    "existing": {
                        "vpcId": "vpc-0123456789abcdef0",
                        "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
                        "privateSubnetIds": ["subnet-1000000a", "subnet-1000000b"],
                    }
                },
            },
        }
    )


# -- AWS: verify-full ------------------------------------------------------------------------------


def test_the_aws_url_connects_with_verify_full_and_refuses_another_ca_and_another_name(tmp_path, ca_dir, postgres_server, plan_config):
    ours, theirs = make_ca(tmp_path, "lago-test-ca"), make_ca(tmp_path, "another-ca")
    server = postgres_server(TLS_SETTINGS, files=server_certificate(ours, "db", f"IP:{HOST}"), hba=TLS_ONLY)
    plan = aws_plan(plan_config, server, ours)
    url = aws_stored(plan, "-secret-database-url")
    assert f"@{HOST}:{server.port}/lago?" in url and f"sslmode=verify-full&sslrootcert={ca_dir}/postgres-ca.pem" in url

    # The migrate task: the files container writes the CA, the bootstrap readies user and
    # database over verified TLS, then Lago's URL connects.
    containers = task(plan, "migrate")
    files, bootstrap = containers["files"], containers["db-bootstrap"]
    written = run([*files["entryPoint"], *files["command"]], env_of(files))
    assert written.returncode == 0, written.stderr
    assert (ca_dir / "postgres-ca.pem").read_text() == (ours / "ca.crt").read_text()
    admin = {
        "PGUSER": pg.SUPERUSER,
        "PGPASSWORD": pg.SUPERUSER_PASSWORD,
        "LAGO_DATABASE_PASSWORD": aws_stored(plan, "-secret-lago-database-password"),
    }
    assert bootstrap["command"] == [BOOTSTRAP_SCRIPT]
    readied = run([*bootstrap["entryPoint"], *bootstrap["command"]], {**env_of(bootstrap), **admin})
    assert readied.returncode == 0, readied.stderr
    connected = lago_connects(url)
    assert (connected.returncode, connected.stdout.strip()) == (0, "t"), connected.stderr

    # Every role that opens DATABASE_URL reads the same file, written the same way.
    for role in ("api", "worker", "clock"):
        c = task(plan, role)
        assert c["files"]["command"] == files["command"] and env_of(c["files"]) == env_of(files), role
        assert [m["readOnly"] for m in c[role]["mountPoints"] if m["containerPath"] == str(ca_dir)] == [True], role
        assert c[role]["dependsOn"] == [{"containerName": "files", "condition": "SUCCESS"}], role

    # A server whose certificate another CA signed: refused, by the roles and by the bootstrap.
    swap_certificate(server, server_certificate(theirs, "impostor", f"IP:{HOST}"))
    refused_ca = lago_connects(url)
    assert refused_ca.returncode != 0 and UNTRUSTED in refused_ca.stderr
    assert UNTRUSTED in run([*bootstrap["entryPoint"], *bootstrap["command"]], {**env_of(bootstrap), **admin}).stderr

    # Our CA, but a certificate for another name: refused by verify-full.
    swap_certificate(server, server_certificate(ours, "elsewhere", "DNS:db.elsewhere.internal"))
    refused_name = lago_connects(url)
    assert refused_name.returncode != 0 and WRONG_NAME in refused_name.stderr


# -- GCP: verify-ca, and the migration wrapper --------------------------------------------------


def test_the_gcp_url_verifies_the_ca_and_its_migration_wrapper_keeps_the_tls_parameters(tmp_path, ca_dir, postgres_server, plan_config):
    ours, theirs = make_ca(tmp_path, "instance-ca"), make_ca(tmp_path, "another-instance-ca")
    # Cloud SQL's per-instance certificate names the instance, never the private IP.
    instance_name = "DNS:lago-db-pg.instance.internal"
    server = postgres_server(TLS_SETTINGS, files=server_certificate(ours, "db", instance_name), hba=TLS_ONLY)
    plan = plan_config(
        {
            **GCP,
            "lago:database": {"sslMode": "verify-ca", "sslRootCert": (ours / "ca.crt").read_text()},
            "lago:gcp": {
                "database": {"existing": {"instance": "lago-db-pg", "privateIp": HOST}},
                # A brought instance is on the platform's network, which the stack must then run on.
                "network": {
                    "existing": {
                        "network": "projects/p/global/networks/platform",
                        "subnetwork": "projects/p/regions/europe-west1/subnetworks/run",
                    }
                },
            },
        }
    )
    url = stored(plan, "-sm-database-url-version", "secretData", GCP_VERSION)
    assert f"@{HOST}:5432/lago?" in url and f"sslmode=verify-ca&sslrootcert={ca_dir}/postgres-ca.pem" in url
    # Cloud SQL listens on 5432; the test's server on a free port: the one change to the URL.
    url = url.replace(f"@{HOST}:5432/", f"@{HOST}:{server.port}/")
    create_lago_user(server, url)
    # Cloud Run mounts the CA secret as the file: its content is the CA given.
    assert stored(plan, "-sm-file-postgres-ca-pem-version", "secretData", GCP_VERSION) == (ours / "ca.crt").read_text()
    (ca_dir / "postgres-ca.pem").write_text(stored(plan, "-sm-file-postgres-ca-pem-version", "secretData", GCP_VERSION))

    connected = lago_connects(url)
    assert (connected.returncode, connected.stdout.strip()) == (0, "t"), connected.stderr
    # The migration job's wrapper, as the job runs it (Lago's command replaced by `true`): its
    # pg_isready and psql get sslmode and sslrootcert too, and schedule nothing without pg_partman.
    job = named(plan, "lago-migrate", "gcp:cloudrunv2/job:Job").inputs["template"]["template"]["containers"][0]["args"]
    assert job[-1] == "./scripts/migrate.sh"
    migrated = run([*job[:-1], "true"], {"DATABASE_URL": url})
    assert migrated.returncode == 0 and "WARNING" not in migrated.stderr, migrated.stderr

    swap_certificate(server, server_certificate(theirs, "impostor", instance_name))
    refused_ca = lago_connects(url)
    assert refused_ca.returncode != 0 and UNTRUSTED in refused_ca.stderr
    # The wrapper's own clients refuse it too: it never reaches the migration.
    wrapped = run([*job[:-1], "sh", "-c", "echo MIGRATED"], {"DATABASE_URL": url, "MIGRATE_DATABASE_WAIT": "4"})
    assert "MIGRATED" not in wrapped.stdout and (wrapped.returncode != 0 or UNTRUSTED in wrapped.stderr), wrapped.stderr


# -- the defaults, and what is refused ------------------------------------------------------------

BACKEND = ("migrate", "api", "worker", "clock")


@pytest.mark.parametrize(
    "stack, mode",
    [("aws-prod", "verify-full"), ("gcp-prod", "verify-ca"), ("aws-dev", "require"), ("gcp-dev", "require"), ("local", None)],
)
def test_prod_verifies_the_server_and_every_role_that_opens_the_database_gets_the_ca(plan_of, stack, mode):
    plan = plan_of(stack)
    assert plan.settings.database.ssl_mode is None  # the preset's default, not a stack key
    for role, spec in plan.roles.items():
        opens_the_database = "DATABASE_URL" in spec["env"]
        assert opens_the_database == (role in BACKEND or role.startswith("worker-")), role
        expected = {roles.database_ca_path()} if mode in ("verify-ca", "verify-full") and opens_the_database else set()
        assert set(spec.get("files", {})) == expected, f"{stack}/{role}"


def test_the_url_names_the_mode_and_the_ca_file(plan_of):
    aws = aws_stored(plan_of("aws-prod"), "-secret-database-url")
    assert aws.endswith("?search_path=public&sslmode=verify-full&sslrootcert=/lago-tls/postgres-ca.pem")
    gcp = stored(plan_of("gcp-prod"), "-sm-database-url-version", "secretData", GCP_VERSION)
    assert gcp.endswith("?search_path=public&sslmode=verify-ca&sslrootcert=/lago-tls/postgres-ca.pem")
    assert aws_stored(plan_of("aws-dev"), "-secret-database-url").endswith("?search_path=public&sslmode=require")


def test_aws_verifies_against_rds_bundle_of_the_stacks_region(plan_of):
    from lago_infra.targets.aws import limits, truststore

    assert truststore.bundle_url("eu-west-1") == "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
    assert (
        truststore.bundle_url("us-gov-east-1")
        == "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-east-1/us-gov-east-1-bundle.pem"
    )
    assert truststore.bundle_url("cn-north-1") == "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-north-1/cn-north-1-bundle.pem"
    assert truststore.bundle_url("us-iso-east-1") is None
    plan = plan_of("aws-prod")  # eu-west-1
    files = task(plan, "api")["files"]
    assert env_of(files)["LAGO_FILE_0"] == truststore.rds_ca_bundle("eu-west-1")
    # A region's bundle (five certificates) keeps every task definition within ECS's limit.
    for reg in plan.by_type(TASK):
        assert len(json.dumps(reg.inputs)) < limits.ECS_TASK_DEFINITION_MAX_BYTES, reg.name


def test_an_unreadable_rds_bundle_stops_the_program_before_anything_is_created(plan_config, monkeypatch):
    from lago_infra.targets.aws import truststore

    def unreachable(url: str) -> str:
        raise OSError("network is unreachable")

    monkeypatch.setattr(truststore, "fetch", unreachable)
    truststore.rds_ca_bundle.cache_clear()
    try:
        config = {"aws:region": "eu-central-1", "lago:target": "aws", "lago:database": {"sslMode": "verify-full"}}
        refused(
            plan_config,
            config,
            "lago:database.sslMode",
            "eu-central-1-bundle.pem",
            "network is unreachable",
            "lago:database.sslRootCert",
            none_of="aws:",
        )
        monkeypatch.setattr(truststore, "fetch", lambda url: "<html>maintenance</html>")
        truststore.rds_ca_bundle.cache_clear()
        refused(plan_config, config, "answered without a PEM certificate", none_of="aws:")
        # A CA of one's own needs no download.
        plan = plan_config({**config, "lago:database": {"sslMode": "verify-full", "sslRootCert": FAKE_CA}})
        assert env_of(task(plan, "api")["files"])["LAGO_FILE_0"] == FAKE_CA
    finally:
        truststore.rds_ca_bundle.cache_clear()


FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ0dXh0bGFnby10ZXN0LWNh\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    "config, fragments",
    [
        ({"lago:target": "local", "lago:database": {"sslMode": "verify-full"}}, ("lago:database.sslMode", "serves no TLS")),
        ({**GCP, "lago:database": {"sslMode": "verify-full"}}, ("lago:database.sslMode", "private IP", "verify-ca")),
        ({**GCP, "lago:database": {"sslMode": "require", "sslRootCert": FAKE_CA}}, ("lago:database.sslRootCert", "checks no certificate")),
        (
            {**GCP, "lago:database": {"sslRootCert": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}},
            ("lago:database.sslRootCert", "private key"),
        ),
        ({**GCP, "lago:database": {"sslRootCert": "ca.pem"}}, ("lago:database.sslRootCert", "not PEM certificate text")),
        (
            {
                "aws:region": "eu-west-1",
                "lago:target": "aws",
                "lago:database": {"sslMode": "verify-full"},
                "lago:aws": {"database": {"existingUrlSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:lago-url-AbCdEf"}},
            },
            ("lago:database.sslMode", "existingUrlSecretArn", "sslrootcert=/lago-tls/postgres-ca.pem"),
        ),
    ],
)
def test_tls_settings_a_target_cannot_honour_are_refused_with_the_way_out(plan_config, config, fragments):
    refused(plan_config, config, *fragments)


def test_a_platform_runtime_gets_the_ca_file_with_each_role(plan_config):
    plan = plan_config(
        {
            **GCP,
            "lago:runtime": "external",
            "lago:urls": {"front": "https://l.example.com", "api": "https://api.l.example.com"},
            "lago:database": {"sslMode": "verify-ca"},
        }
    )
    handed = plan.outputs["role_environments"]
    for role, spec in handed.items():
        expected = {roles.database_ca_path()} if "DATABASE_URL" in spec["secrets"] else set()
        assert set(spec["files"]) == expected, role
        for content in spec["files"].values():
            assert content.startswith("-----BEGIN CERTIFICATE-----")


def test_a_ca_certificate_is_no_credential_but_a_private_key_is():
    from lago_infra.policy.credentials import value_looks_like_credential

    assert value_looks_like_credential(FAKE_CA) is None
    assert value_looks_like_credential("-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----") == "a PEM private key"
