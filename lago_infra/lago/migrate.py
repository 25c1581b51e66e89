"""The migrate role's wrapper (``migrate.sh``, shipped beside this module): wait for the database,
run Lago's migrations, then schedule pg_partman's maintenance with pg_cron where pg_partman is
installed. It is the migrate role's command, so every runtime runs it: the Cloud Run job, the ECS
task, the local container and a platform's own Job (``role_environments``).

The script travels inside the command (``sh -c SCRIPT``): Lago's image does not ship it, and has
``sh``, ``psql`` and ``pg_isready`` to run it. The tests run it against a real PostgreSQL with
pg_cron and pg_partman, and through shellcheck.
"""

from __future__ import annotations

import re
from importlib.resources import files

#: The script, as shipped in the package (``package-data`` in pyproject.toml).
SCRIPT = files(__package__).joinpath("migrate.sh").read_text(encoding="utf-8")

#: The name the wrapper runs under (``$0``, in its messages).
NAME = "lago-migrate"

#: How long the wrapper waits for the database to accept connections before it gives up, as the
#: script says (``MIGRATE_DATABASE_WAIT``'s default): Direct VPC egress on Cloud Run may need a
#: minute or more to connect when an instance starts
#: (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#limitations).
DATABASE_WAIT_S = int(re.search(r"MIGRATE_DATABASE_WAIT:-(\d+)", SCRIPT)[1])

#: The pg_cron job the wrapper keeps, one per database user.
PARTMAN_CRON_JOB = "lago-partman-maintenance"


def command(lago_command: tuple[str, ...]) -> tuple[str, ...]:
    """``sh -c SCRIPT lago-migrate LAGO_COMMAND...``: Lago's command runs unchanged inside."""
    return ("sh", "-c", SCRIPT, NAME, *lago_command)
