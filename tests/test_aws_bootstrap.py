"""The db-bootstrap container of the migrate task on a brought PostgreSQL server
(``targets/aws/database.py``), run as ECS runs it (``sh -c SCRIPT`` with the container's
environment) against a real PostgreSQL server: twice in a row, never dropping anything, and the
Lago user it readies can then create and migrate its database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from lago_infra.targets.aws.database import BOOTSTRAP_CONTAINER, BOOTSTRAP_SCRIPT
from tests import postgres as pg

from .test_aws_brought_data import containers, everything_brought

ADMIN, ADMIN_PASSWORD = "rdsadmin_like", "admin-password"
LAGO_PASSWORD = "stack-generated-password"


@pytest.fixture(scope="module")
def bootstrap_spec() -> dict:
    """The bootstrap container exactly as the plan gives it to ECS."""
    spec = containers(everything_brought("server"), "migrate")[0]
    assert spec["name"] == BOOTSTRAP_CONTAINER and spec["entryPoint"] == ["sh", "-c"]
    return spec


def run_bootstrap(spec: dict, server: pg.Server, *, admin: str = ADMIN, password: str = LAGO_PASSWORD) -> subprocess.CompletedProcess:
    """``sh -c`` the container's command with its environment, pointed at ``server``: its secrets
    (the admin's username and password, the Lago user's password) as ECS would resolve them."""
    env = {e["name"]: e["value"] for e in spec["environment"]}
    # The test server listens on loopback without TLS; everything else is the plan's.
    env.update(PGHOST=server.host, PGPORT=str(server.port), PGSSLMODE="disable")
    secrets = {s["name"] for s in spec["secrets"]}
    assert secrets == {"PGUSER", "PGPASSWORD", "LAGO_DATABASE_PASSWORD"}
    env.update(PGUSER=admin, PGPASSWORD=ADMIN_PASSWORD, LAGO_DATABASE_PASSWORD=password)
    return subprocess.run(
        [*spec["entryPoint"], *spec["command"]],
        env={"PATH": f"{pg.BIN}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def inventory(server: pg.Server) -> dict[str, list[str]]:
    """Every role, database, and table of every database: what a DROP would take away."""
    found = {
        "roles": server.value("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles").split(","),
        "databases": server.value("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database").split(","),
    }
    for database in found["databases"]:
        if database != "template0":
            found[database] = server.value(
                "SELECT coalesce(string_agg(schemaname || '.' || tablename, ',' ORDER BY 1), '') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
                url=server.url(database=database),
            ).split(",")
    return found


def lago(server: pg.Server, sql: str, password: str = LAGO_PASSWORD, database: str = "lago", check: bool = True):
    return server.psql(sql, url=server.url(user="lago", password=password, database=database), check=check)


@pytest.fixture
def rds_like(postgres_server):
    """A server whose admin is shaped like RDS's master user: LOGIN, CREATEROLE, CREATEDB, no
    superuser; with some of the platform's own roles, a database and a table already there."""
    server = postgres_server()
    server.psql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE CREATEDB PASSWORD '{ADMIN_PASSWORD}'")
    server.psql("CREATE ROLE reporting LOGIN")
    server.psql("CREATE DATABASE platform")
    server.psql("CREATE TABLE invoices_archive (id int); INSERT INTO invoices_archive VALUES (1)", url=server.url(database="platform"))
    return server


def test_twice_in_a_row_readies_the_user_and_database_and_drops_nothing(bootstrap_spec, rds_like):
    before = inventory(rds_like)
    for run in (1, 2):
        done = run_bootstrap(bootstrap_spec, rds_like)
        assert done.returncode == 0, f"run {run}: {done.stderr}"
    after = inventory(rds_like)
    assert set(before["roles"]) | {"lago"} == set(after["roles"])
    assert set(before["databases"]) | {"lago"} == set(after["databases"])
    assert after["platform"] == before["platform"] == ["public.invoices_archive"]
    assert rds_like.value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'lago'") == "lago"
    assert rds_like.value("SELECT rolcreatedb AND rolcanlogin AND NOT rolsuper FROM pg_roles WHERE rolname = 'lago'") == "t"


def test_the_lago_user_can_create_and_migrate_its_database(bootstrap_spec, rds_like):
    """What Lago's migrate.sh does: ``db:create`` (needs CREATEDB), then migrations that create
    the trusted extensions Lago uses (pgcrypto, unaccent, pg_trgm, btree_gin), tables and
    indexes, as the database's owner."""
    assert run_bootstrap(bootstrap_spec, rds_like).returncode == 0
    lago(rds_like, "CREATE DATABASE lago_create_probe", database="postgres")
    lago(rds_like, "DROP DATABASE lago_create_probe", database="postgres")
    lago(
        rds_like,
        "CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS btree_gin",
    )
    lago(
        rds_like,
        "CREATE TABLE schema_migrations (version varchar PRIMARY KEY); CREATE TABLE customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)",
    )
    lago(rds_like, "CREATE INDEX ON customers USING gin (name gin_trgm_ops); INSERT INTO customers (name) VALUES (unaccent('Émile'))")
    assert lago(rds_like, "SELECT name FROM customers").stdout.strip() == "Emile"


def test_a_later_run_sets_the_stacks_password_and_keeps_the_users_data(bootstrap_spec, rds_like):
    assert run_bootstrap(bootstrap_spec, rds_like, password="first-password").returncode == 0
    lago(rds_like, "CREATE TABLE events (id int); INSERT INTO events VALUES (42)", password="first-password")
    assert run_bootstrap(bootstrap_spec, rds_like, password=LAGO_PASSWORD).returncode == 0
    assert lago(rds_like, "SELECT 1", password="first-password", check=False).returncode != 0
    assert lago(rds_like, "SELECT id FROM events").stdout.strip() == "42"


def test_where_the_admin_may_it_readies_pg_partman_for_lagos_migrations(bootstrap_spec, postgres_server):
    """RDS offers pg_partman, an untrusted extension only rds_superuser may create; Lago's
    SetupPartman migration creates it wherever it is offered. The bootstrap's admin (RDS's master
    user, a member of rds_superuser: here a superuser, the closest a plain server has) creates it
    first, so Lago's IF NOT EXISTS finds it, and grants the Lago user what partitioning needs."""
    server = postgres_server()
    server.psql(f"CREATE ROLE {ADMIN} LOGIN SUPERUSER PASSWORD '{ADMIN_PASSWORD}'")
    for _ in range(2):
        done = run_bootstrap(bootstrap_spec, server)
        assert done.returncode == 0, done.stderr
    # Lago's SetupPartman and PartitionEnrichedEvents, as the Lago user.
    lago(server, "CREATE SCHEMA IF NOT EXISTS partman; CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman")
    lago(server, "CREATE TABLE enriched_events (id bigint, timestamp timestamptz NOT NULL) PARTITION BY RANGE (timestamp)")
    lago(
        server,
        "SELECT partman.create_parent(p_parent_table => 'public.enriched_events', p_control => 'timestamp', p_type => 'native', p_interval => 'monthly', p_premake => 3)",
    )
    lago(server, "CALL partman.run_maintenance_proc()")
    assert int(lago(server, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.enriched_events'::regclass").stdout) >= 4


def test_without_the_right_to_it_pg_partman_is_left_alone(bootstrap_spec, rds_like):
    assert run_bootstrap(bootstrap_spec, rds_like).returncode == 0
    assert rds_like.value("SELECT count(*) FROM pg_extension WHERE extname = 'pg_partman'", url=rds_like.url(database="lago")) == "0"


def test_the_script_passes_shellcheck(bootstrap_spec):
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is installed by make deps"
    checked = subprocess.run([shellcheck, "--shell=sh", "-"], input=bootstrap_spec["command"][0], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    assert json.dumps(bootstrap_spec["command"]) == json.dumps([BOOTSTRAP_SCRIPT])
