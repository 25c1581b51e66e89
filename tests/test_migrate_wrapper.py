"""The migrate role's wrapper (``lago_infra/lago/migrate.sh``), run as every runtime runs it (the
role's command, ``sh -c SCRIPT lago-migrate COMMAND``) against a real PostgreSQL 15 with pg_cron
and pg_partman: it waits for the database, migrates, then keeps exactly one hourly pg_cron job of
pg_partman's maintenance, and that job's call does the maintenance. Lago's migrations are stood in
for by psql creating what they create (pg_partman in schema ``partman``, a monthly partitioned
table, three months ahead)."""

from __future__ import annotations

import os
import shutil
import subprocess
from urllib.parse import quote

import pytest

from lago_infra.lago import migrate
from lago_infra.lago.roles import MIGRATE, PG_PARTMAN_MAINTENANCE
from lago_infra.lago.urls import database_url

from . import postgres as pg

LAGO_PASSWORD = "lago-test-password"

#: What Lago's migrations leave where the server offers pg_partman (SetupPartman,
#: PartitionEnrichedEvents): the extension in schema partman and a monthly partitioned table.
MIGRATION_SQL = """
CREATE SCHEMA IF NOT EXISTS partman;
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
CREATE TABLE enriched_events (id bigint, timestamp timestamptz NOT NULL) PARTITION BY RANGE (timestamp);
SELECT partman.create_parent('public.enriched_events', 'timestamp', 'native', 'monthly', p_premake := 1);
"""


def lago_url(server: pg.Server, user: str = "lago", password: str = LAGO_PASSWORD, **query: str) -> str:
    """DATABASE_URL as Lago reads it: Rails' search_path parameter included."""
    url = database_url(user=user, password=password, host=server.host, port=server.port, database="lago", schema="public")
    return url + "".join(f"&{k}={quote(v)}" for k, v in query.items())


def plain_url(server: pg.Server, user: str = "lago", password: str = LAGO_PASSWORD) -> str:
    return server.url(user=user, password=password, database="lago")


def run_wrapper(database_url: str | None, *command: str, wait: int = 30) -> subprocess.CompletedProcess:
    """The migrate role's own command with Lago's migration replaced by ``command``."""
    assert MIGRATE.command[-1] == "./scripts/migrate.sh"
    env = {"PATH": f"{pg.BIN}:{os.environ['PATH']}", "MIGRATE_DATABASE_WAIT": str(wait), "PGCONNECT_TIMEOUT": "5"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run([*MIGRATE.command[:-1], *command], env=env, capture_output=True, text=True, timeout=120)


def migration(server: pg.Server, url: str, sql: str = MIGRATION_SQL) -> tuple[str, ...]:
    return (str(pg.BIN / "psql"), url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql)


@pytest.fixture
def cron_server(postgres_server) -> pg.Server:
    """A server of the test's own that loads pg_cron for database ``lago``, as Cloud SQL
    (cloudsql.enable_pg_cron, cron.database_name) and RDS (shared_preload_libraries) do."""
    server = postgres_server(pg.CRON_SETTINGS)
    server.psql(f"CREATE ROLE lago LOGIN PASSWORD '{LAGO_PASSWORD}'")
    server.psql("CREATE DATABASE lago OWNER lago")
    return server


def jobs(server: pg.Server) -> list[tuple[str, ...]]:
    rows = server.value(
        "SELECT string_agg(concat_ws('|', jobname, schedule, command, username, database), E'\\n' ORDER BY jobid) FROM cron.job",
        url=server.url(database="lago"),
    )
    return [tuple(row.split("|")) for row in rows.splitlines()]


def partitions(server: pg.Server) -> int:
    return int(
        server.value(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.enriched_events'::regclass", url=server.url(database="lago")
        )
    )


def run_job_as_pg_cron_would(server: pg.Server, job: tuple[str, ...], password: str) -> None:
    """pg_cron runs a job's command as its user in its database: so does this."""
    _name, _schedule, command, user, database = job
    server.psql(command, url=server.url(user=user, password=password, database=database))


def test_the_wrapper_passes_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail("shellcheck is needed: run `make deps` (Debian's shellcheck)")
    script = os.path.join(os.path.dirname(migrate.__file__), "migrate.sh")
    result = subprocess.run([shellcheck, "-s", "sh", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_it_is_the_migrate_roles_command_on_every_runtime():
    assert MIGRATE.command == ("sh", "-c", migrate.SCRIPT, "lago-migrate", "./scripts/migrate.sh")


def test_it_migrates_then_schedules_the_maintenance_once_again_without_a_duplicate_and_the_call_runs(cron_server):
    """A user that may create pg_cron (Cloud SQL's cloudsqlsuperuser, RDS's rds_superuser; here
    the superuser) migrates; the wrapper creates pg_cron and schedules one hourly job, and every
    later release leaves that one job."""
    url = lago_url(cron_server, user=pg.SUPERUSER, password=pg.SUPERUSER_PASSWORD, sslmode="prefer")
    done = run_wrapper(url, *migration(cron_server, plain_url(cron_server, pg.SUPERUSER, pg.SUPERUSER_PASSWORD)))
    assert done.returncode == 0, done.stderr
    assert "pg_partman maintenance runs hourly" in done.stderr
    (job,) = jobs(cron_server)
    assert job == (migrate.PARTMAN_CRON_JOB, "@hourly", PG_PARTMAN_MAINTENANCE, pg.SUPERUSER, "lago")
    for _ in range(2):
        again = run_wrapper(url, "true")
        assert again.returncode == 0, again.stderr
    assert jobs(cron_server) == [job]

    # The scheduled call itself: partitions one month ahead; events arrive; premake raised to three.
    before = partitions(cron_server)
    cron_server.psql(
        "INSERT INTO enriched_events VALUES (1, now()); UPDATE partman.part_config SET premake = 3", url=cron_server.url(database="lago")
    )
    run_job_as_pg_cron_would(cron_server, job, pg.SUPERUSER_PASSWORD)
    assert partitions(cron_server) == before + 2


def test_lagos_own_user_schedules_where_pg_cron_is_granted_and_the_job_runs_as_it(cron_server):
    """Lago's user without superuser rights: the platform created pg_cron and granted its schema
    (pg_cron's documented way), and pg_partman's objects to the user (pg_partman's)."""
    admin = cron_server.url(database="lago")
    cron_server.psql("CREATE EXTENSION pg_cron; GRANT USAGE ON SCHEMA cron TO lago", url=admin)
    cron_server.psql(
        "CREATE SCHEMA partman AUTHORIZATION lago; CREATE EXTENSION pg_partman SCHEMA partman;"
        " GRANT ALL ON ALL TABLES IN SCHEMA partman TO lago; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO lago;"
        " GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO lago",
        url=admin,
    )
    own_table = MIGRATION_SQL.split("\n", 3)[3]  # the extension is there: the table alone
    done = run_wrapper(lago_url(cron_server), *migration(cron_server, plain_url(cron_server), own_table))
    assert done.returncode == 0, done.stderr
    (job,) = jobs(cron_server)
    assert job[3] == "lago"
    before = partitions(cron_server)
    cron_server.psql("INSERT INTO enriched_events VALUES (1, now()); UPDATE partman.part_config SET premake = 2", url=admin)
    run_job_as_pg_cron_would(cron_server, job, LAGO_PASSWORD)
    assert partitions(cron_server) == before + 1


def own_database(server: pg.Server, name: str) -> str:
    """A database of the test's own on the shared server (pg_cron is loaded for ``lago`` only),
    owned by a user of its own; Lago's DATABASE_URL for it."""
    server.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{LAGO_PASSWORD}'")
    server.psql(f"CREATE DATABASE {name} OWNER {name}")
    return database_url(user=name, password=LAGO_PASSWORD, host=server.host, port=server.port, database=name, schema="public")


def test_without_pg_partman_it_succeeds_doing_nothing(postgres):
    """The official postgres image (the local target) has no pg_partman: Lago's migrations skip
    partitioning and the wrapper has nothing to schedule (it never touches pg_cron)."""
    url = own_database(postgres, "wrapper_no_partman")
    done = run_wrapper(url, *migration(postgres, url.split("?")[0], "CREATE TABLE enriched_events (id bigint)"))
    assert done.returncode == 0, done.stderr
    assert "no pg_partman in this database, nothing to schedule" in done.stderr and "WARNING" not in done.stderr
    assert (
        postgres.value("SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'", url=postgres.url(database="wrapper_no_partman"))
        == "0"
    )


def test_where_pg_cron_is_not_loaded_for_lagos_database_it_warns_and_the_release_goes_on(postgres):
    """pg_partman installed, pg_cron loaded for another database (or not at all): said loudly,
    not fatal (partitions are made three months ahead)."""
    url = own_database(postgres, "wrapper_other_cron_db")
    postgres.psql("CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman", url=postgres.url(database="wrapper_other_cron_db"))
    done = run_wrapper(url, "true")
    assert done.returncode == 0, done.stderr
    assert "WARNING: pg_partman maintenance is NOT scheduled" in done.stderr


def test_a_failed_migration_exits_with_its_status_and_schedules_nothing(postgres):
    url = own_database(postgres, "wrapper_failed")
    failed = run_wrapper(url, "sh", "-c", "exit 3")
    assert failed.returncode == 3
    assert "the migration failed (exit 3)" in failed.stderr and "pg_partman" not in failed.stderr
    broken = run_wrapper(url, *migration(postgres, url.split("?")[0], "SELECT no_such_function()"))
    assert broken.returncode != 0 and "pg_partman" not in broken.stderr


def test_a_database_that_never_answers_fails_after_the_wait():
    unreachable = database_url(user="lago", password="x", host="127.0.0.1", port=pg._free_port(), database="lago")
    done = run_wrapper(unreachable, "sh", "-c", "echo migrated", wait=1)
    assert done.returncode == 1
    assert "did not accept connections within 1s" in done.stderr and "migrated" not in done.stdout


def test_without_a_database_url_or_a_command_it_refuses():
    assert run_wrapper(None, "true").returncode == 2
    assert run_wrapper("postgresql://lago@127.0.0.1:1/lago").returncode == 2
