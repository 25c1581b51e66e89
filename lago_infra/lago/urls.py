"""Connection URLs in the exact form Lago parses, with credentials percent-encoded.

Plain functions on plain strings, so they can be tested exhaustively; ``environment`` lifts them
over Pulumi outputs.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote, urlencode


def _userinfo_part(value: str) -> str:
    # Nothing is safe: '@', ':', '/', '?', '#' and '%' in a password must all be escaped.
    return quote(value, safe="")


def database_url(
    *,
    user: str,
    password: str,
    host: str,
    port: int | str,
    database: str,
    schema: str = "public",
    sslmode: Optional[str] = None,
    sslrootcert: Optional[str] = None,
) -> str:
    """``postgresql://USER:PASS@HOST:PORT/DB?search_path=SCHEMA[&sslmode=...][&sslrootcert=PATH]``.

    Rails hands ``sslmode`` and ``sslrootcert`` to libpq (ActiveRecord's PostgreSQL adapter keeps
    the URL's query keys libpq knows, ``PG::Connection.conndefaults``, and drops the others, such as
    ``search_path``; Lago sets the schema from POSTGRES_SCHEMA). libpq itself refuses ``search_path``
    in a URL: the migrate wrapper (``migrate.sh``) drops it before it hands DATABASE_URL to psql."""
    query = {"search_path": schema}
    if sslmode:
        query["sslmode"] = sslmode
    if sslrootcert:
        query["sslrootcert"] = sslrootcert
    return (
        f"postgresql://{_userinfo_part(user)}:{_userinfo_part(password)}@{_host(host)}:{int(port)}"
        f"/{quote(database, safe='')}?{urlencode(query, safe='/')}"
    )


def redis_url(*, host: str, port: int | str, tls: bool, db: int = 0, password: Optional[str] = None) -> str:
    """``redis://`` or ``rediss://`` (TLS). Without ``password`` the URL carries no credentials
    (Sidekiq and the cache read theirs from ``REDIS_PASSWORD`` / ``LAGO_REDIS_CACHE_PASSWORD``);
    with it, ``redis://:PASSWORD@host`` for readers that take the URL alone (ActionCable)."""
    scheme = "rediss" if tls else "redis"
    userinfo = f":{_userinfo_part(password)}@" if password else ""
    return f"{scheme}://{userinfo}{_host(host)}:{int(port)}/{int(db)}"


def http_url(scheme: str, host: str, port: Optional[int] = None) -> str:
    """A base URL without trailing slash; the port is left out where it is the scheme's default."""
    default = {"http": 80, "https": 443}.get(scheme)
    suffix = "" if port is None or port == default else f":{port}"
    return f"{scheme}://{_host(host)}{suffix}"


def _host(host: str) -> str:
    # A bare IPv6 address must be bracketed inside a URL.
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
