"""POSTGRES_SCHEMA other than ``public`` is refused, with the reason shown on a real PostgreSQL:
Lago's initial migration names ``public.`` in its statements, so with the app's search_path set to
another schema (what Rails' ``schema_search_path`` does), a fresh install cannot find its tables."""

from __future__ import annotations

from .helpers import refused

# The first statements of lago-api v1.51.0's db/migrate/20250122112050_initial_migration.rb, in
# their shape: extensions, types and tables created by their public. name.
INITIAL_MIGRATION_SHAPE = """
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE TYPE public.customer_type AS ENUM ('company', 'individual');
CREATE TABLE public.customers (id uuid DEFAULT public.gen_random_uuid() PRIMARY KEY, customer_type public.customer_type);
"""


def test_another_schema_is_refused_with_the_reason_and_the_way_out(plan_config):
    refused(
        plan_config,
        {"lago:target": "local", "lago:database": {"schema": "billing"}},
        "lago:database.schema",
        "initial_migration.rb",
        "public.<name>",
        "lago:database.name",
    )


def test_with_another_schema_the_app_does_not_find_the_tables_its_migration_made(postgres):
    postgres.psql("CREATE ROLE schema_lago LOGIN PASSWORD 'pw'")
    postgres.psql("CREATE DATABASE schema_lago OWNER schema_lago")
    lago = postgres.url(user="schema_lago", password="pw", database="schema_lago")
    # The schema created and owned by Lago's user, as a working setup would need.
    postgres.psql("CREATE SCHEMA billing", url=lago)
    # Rails connects with search_path set to POSTGRES_SCHEMA alone.
    billing = postgres.url(user="schema_lago", password="pw", database="schema_lago", options="-csearch_path=billing")
    postgres.psql(INITIAL_MIGRATION_SHAPE, url=billing)
    # Rails' own bookkeeping table, created unqualified, lands in billing...
    postgres.psql("CREATE TABLE schema_migrations (version varchar PRIMARY KEY)", url=billing)
    assert (
        postgres.value("SELECT table_schema FROM information_schema.tables WHERE table_name = 'schema_migrations'", url=lago) == "billing"
    )
    # ...while the app's queries miss every table the migration made.
    missing = postgres.psql("SELECT count(*) FROM customers", url=billing, check=False)
    assert missing.returncode != 0 and 'relation "customers" does not exist' in missing.stderr
    # With public (the only schema accepted), the same statements are found.
    public = postgres.url(user="schema_lago", password="pw", database="schema_lago", options="-csearch_path=public")
    assert postgres.value("SELECT count(*) FROM customers", url=public) == "0"
