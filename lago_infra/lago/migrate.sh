#!/bin/sh
# lago-migrate: Lago's migrations, then pg_partman's maintenance scheduled where it is needed.
# The migrate role's command on every runtime (Cloud Run job, ECS task, Docker, a platform's
# Kubernetes Job), run by Lago's own image, which has sh, psql and pg_isready:
#
#   sh -c "$SCRIPT" lago-migrate COMMAND [ARGUMENT...]
#
# DATABASE_URL (the container's, as Lago reads it) names Lago's database.
#  1. Waits until the database accepts connections, at most MIGRATE_DATABASE_WAIT seconds
#     (default 180: Cloud Run's Direct VPC egress may take a minute to connect a new instance).
#  2. Runs COMMAND (Lago's ./scripts/migrate.sh) and exits with its status when it fails.
#  3. Where Lago's migrations installed pg_partman (they do when the server offers it), schedules
#     CALL partman.run_maintenance_proc() hourly with pg_cron: one job named
#     lago-partman-maintenance, replaced on every run, never added twice. Without pg_partman
#     (the official postgres image) there is nothing to schedule. A schedule that fails (pg_cron
#     not loaded, or loaded for another database) is reported and does not fail the release:
#     partitions are made three months ahead, and the README says how to schedule it by hand.
set -u

wait_seconds="${MIGRATE_DATABASE_WAIT:-180}"

say() {
	printf 'lago-migrate: %s\n' "$*" >&2
}

# libpq refuses Rails' search_path parameter; every other one (sslmode, sslrootcert) is kept.
libpq_url() {
	base="${1%%\?*}"
	query=""
	case "$1" in *\?*) query="${1#*\?}" ;; esac
	kept=""
	saved_ifs="$IFS"
	IFS='&'
	set -f
	for param in $query; do
		case "$param" in
		search_path=* | "") ;;
		*) kept="${kept:+$kept&}$param" ;;
		esac
	done
	set +f
	IFS="$saved_ifs"
	printf '%s%s\n' "$base" "${kept:+?$kept}"
}

if [ "$#" -eq 0 ]; then
	say "no migration command given"
	exit 2
fi
if [ -z "${DATABASE_URL:-}" ]; then
	say "DATABASE_URL is not set"
	exit 2
fi
db="$(libpq_url "$DATABASE_URL")"

deadline=$(($(date +%s) + wait_seconds))
until pg_isready -q -t 5 -d "$db"; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		say "the database did not accept connections within ${wait_seconds}s"
		exit 1
	fi
	sleep 2
done

"$@"
status=$?
if [ "$status" -ne 0 ]; then
	say "the migration failed (exit $status)"
	exit "$status"
fi

if ! psql "$db" -X -q -v ON_ERROR_STOP=1 <<'SQL'; then
DO $schedule$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman') THEN
    RAISE NOTICE 'lago-migrate: no pg_partman in this database, nothing to schedule';
    RETURN;
  END IF;
  CREATE EXTENSION IF NOT EXISTS pg_cron;
  -- A job of the same name and user is replaced, so every run leaves exactly one.
  PERFORM cron.schedule('lago-partman-maintenance', '@hourly', 'CALL partman.run_maintenance_proc()');
  RAISE NOTICE 'lago-migrate: pg_partman maintenance runs hourly (pg_cron job lago-partman-maintenance)';
END
$schedule$;
SQL
	say "WARNING: pg_partman maintenance is NOT scheduled: load pg_cron for Lago's database (cron.database_name), or run CALL partman.run_maintenance_proc() hourly yourself"
fi
exit 0
