"""Connection URLs: credentials percent-encoded so any password round-trips through a URL parser."""

from urllib.parse import parse_qs, unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from lago_infra.lago import urls

NASTY = "p@ss:w/o?r#d%25 é+&="


def test_database_url_round_trips_a_password_with_every_reserved_character():
    url = urls.database_url(
        user="la go@x", password=NASTY, host="db.internal", port=5432, database="lago", schema="billing", sslmode="require"
    )
    parts = urlsplit(url)
    assert parts.scheme == "postgresql"
    assert unquote(parts.username) == "la go@x"
    assert unquote(parts.password) == NASTY
    assert parts.hostname == "db.internal" and parts.port == 5432
    assert parts.path == "/lago"
    assert parse_qs(parts.query) == {"search_path": ["billing"], "sslmode": ["require"]}


@settings(max_examples=200, deadline=None)
@given(user=st.text(min_size=1, max_size=20), password=st.text(min_size=1, max_size=40))
def test_any_credentials_round_trip(user, password):
    parts = urlsplit(urls.database_url(user=user, password=password, host="h", port=1, database="d"))
    assert unquote(parts.username) == user
    assert unquote(parts.password) == password
    assert parts.hostname == "h"


def test_sslmode_is_left_out_unless_asked():
    assert "sslmode" not in urls.database_url(user="u", password="p", host="h", port=5432, database="d")


def test_redis_url_uses_rediss_with_tls_and_carries_no_credentials():
    assert urls.redis_url(host="r.internal", port=6379, tls=True) == "rediss://r.internal:6379/0"
    assert urls.redis_url(host="redis", port="6379", tls=False) == "redis://redis:6379/0"


def test_http_url_drops_default_ports_and_brackets_ipv6():
    assert urls.http_url("http", "localhost", 80) == "http://localhost"
    assert urls.http_url("https", "a.example", 443) == "https://a.example"
    assert urls.http_url("http", "localhost", 3000) == "http://localhost:3000"
    assert urls.http_url("http", "::1", 8080) == "http://[::1]:8080"
