"""A real PostgreSQL server for the tests that run SQL and scripts which run inside a cloud.

Each server is a throwaway cluster in a temporary directory (``initdb``), on a free loopback port,
with password authentication, so SQL meets the same server checks it meets on RDS or Cloud SQL.
Debian's packages provide it: ``postgresql-15`` with ``postgresql-15-cron`` and
``postgresql-15-partman`` (``make deps`` installs them; ``.ci/run`` does it on a fresh machine).
Clients are the real ``psql`` and ``pg_isready``: what Lago's image and the wrapper scripts run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import quote, urlencode

import pytest

#: The major version Debian's pg_cron and pg_partman packages are built for.
MAJOR = os.environ.get("LAGO_TEST_PG_MAJOR", "15")
BIN = Path(os.environ.get("LAGO_TEST_PG_BIN", f"/usr/lib/postgresql/{MAJOR}/bin"))
EXTENSIONS = Path(f"/usr/share/postgresql/{MAJOR}/extension")
SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "test-superuser-password"


def missing() -> Optional[str]:
    """Why no server can be started here, or None."""
    for tool in ("initdb", "pg_ctl", "postgres", "psql", "pg_isready"):
        if not (BIN / tool).exists():
            return f"{BIN / tool} is missing"
    for extension in ("pg_cron", "pg_partman"):
        if not (EXTENSIONS / f"{extension}.control").exists():
            return f"the {extension} extension is missing"
    return None


def require() -> None:
    """Fails (never skips) the calling test where the server cannot run: CI installs it."""
    reason = missing()
    if reason:
        pytest.fail(
            f"PostgreSQL {MAJOR} with pg_cron and pg_partman is needed ({reason}): run `make deps` "
            "(Debian's postgresql-15, postgresql-15-cron, postgresql-15-partman)"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(owner: Optional[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its server tools as ``owner`` then."""
    return ["runuser", "-u", owner, "--"] if owner else []


@dataclass
class Server:
    """A running server. ``url()`` builds a libpq URL; ``psql()`` runs the real client."""

    directory: Path
    port: int
    owner: Optional[str]
    settings: Mapping[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    def url(self, user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD, database: str = "postgres", **params: str) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{self.host}:{self.port}/{quote(database, safe='')}{query}"

    def psql(
        self,
        sql: str = "",
        *,
        url: Optional[str] = None,
        check: bool = True,
        args: tuple[str, ...] = (),
        env: Optional[Mapping[str, str]] = None,
    ) -> subprocess.CompletedProcess:
        """Runs ``psql URL -v ON_ERROR_STOP=1 -qAt [-c SQL] ARGS``: unaligned, tuples only."""
        command = [str(BIN / "psql"), url or self.url(), "-v", "ON_ERROR_STOP=1", "-qAtX"]
        if sql:
            command += ["-c", sql]
        result = subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PGCONNECT_TIMEOUT": "5", **(env or {})},
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def value(self, sql: str, **kwargs) -> str:
        return self.psql(sql, **kwargs).stdout.strip()

    def stop(self) -> None:
        subprocess.run(
            [*_as_owner(self.owner), str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start(
    settings: Optional[Mapping[str, str]] = None, files: Optional[Mapping[str, bytes]] = None, hba: Optional[list[str]] = None
) -> Server:
    """A new cluster with ``settings`` in postgresql.conf and ``files`` written into its data
    directory (certificates), listening on a free loopback port. The superuser's password is
    ``SUPERUSER_PASSWORD``; every connection authenticates with scram-sha-256."""
    require()
    owner = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="lago-pg-"))
    data = directory / "data"
    password_file = directory / "pw"
    password_file.write_text(SUPERUSER_PASSWORD)
    if owner:
        uid = pwd.getpwnam(owner).pw_uid
        for path in (directory, password_file):
            os.chown(path, uid, -1)
    subprocess.run(
        [
            *_as_owner(owner),
            str(BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    conf = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{directory}'",
        "fsync": "off",
        "full_page_writes": "off",
        "synchronous_commit": "off",
        **(settings or {}),
    }
    with (data / "postgresql.conf").open("a") as f:
        f.writelines(f"{k} = {v}\n" for k, v in conf.items())
    if hba is not None:
        (data / "pg_hba.conf").write_text("".join(f"{line}\n" for line in hba))
    for name, content in (files or {}).items():
        path = data / name
        path.write_bytes(content)
        path.chmod(0o600)
        if owner:
            os.chown(path, pwd.getpwnam(owner).pw_uid, -1)
    started = subprocess.run(
        [*_as_owner(owner), str(BIN / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w", "-t", "60", "start"],
        capture_output=True,
        text=True,
    )
    server = Server(directory, port, owner, dict(settings or {}))
    if started.returncode != 0:
        log = (directory / "log").read_text() if (directory / "log").exists() else started.stderr
        server.stop()
        raise AssertionError(f"PostgreSQL did not start: {log[-2000:]}")
    deadline = time.monotonic() + 30
    while subprocess.run([str(BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0:
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError("PostgreSQL did not accept connections within 30 s")
        time.sleep(0.2)
    return server


#: What RDS and Cloud SQL load for Lago: pg_cron, running its jobs in Lago's database.
CRON_SETTINGS = {"shared_preload_libraries": "'pg_cron'", "cron.database_name": "'lago'"}
