"""The real PostgreSQL server the in-cloud SQL tests use has what RDS and Cloud SQL offer Lago."""


def test_server_offers_pg_cron_and_pg_partman(postgres):
    assert postgres.value("SHOW shared_preload_libraries") == "pg_cron"
    available = postgres.value(
        "SELECT string_agg(name, ',' ORDER BY name) FROM pg_available_extensions WHERE name IN ('pg_cron', 'pg_partman')"
    )
    assert available == "pg_cron,pg_partman"


def test_password_authentication_is_enforced(postgres):
    wrong = postgres.psql("SELECT 1", url=postgres.url(password="wrong"), check=False)
    assert wrong.returncode != 0
    assert "password authentication failed" in wrong.stderr
