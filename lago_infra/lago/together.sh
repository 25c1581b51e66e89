#!/bin/sh
# lago-together: two of Lago's long-running processes in one container, stopped and restarted as
# one. Where a runtime bills every container at least a whole vCPU (Cloud Run's worker pools), the
# clock, which needs a sliver of one, runs beside a Sidekiq worker instead of alone:
#
#   sh -c "$SCRIPT" lago-together COUNT FIRST... SECOND...
#
# FIRST is the first COUNT words (the worker's command), SECOND the rest (the clock's command,
# usually behind `env -u NAME... NAME=VALUE...` for the variables it reads differently).
#  - Starts both.
#  - On SIGTERM or SIGINT, sends SIGTERM to both at once and waits for both: the runtime's kill
#    grace must cover the slower one's own shutdown (Sidekiq: its timeout, then pushing unfinished
#    jobs back), nothing more. (SIGTERM either way: a background process of a shell without job
#    control starts with SIGINT ignored.)
#  - When either exits on its own, stops the other the same way and exits non-zero (with the
#    status of the one that stopped first, or 1 when that was 0): both are meant to run forever,
#    so the runtime starts the container again.
#  - Exits 0 after a signal when both exited 0, else with the first non-zero status.
set -u

say() {
	printf 'lago-together: %s\n' "$*" >&2
}

if [ "$#" -lt 2 ]; then
	say "usage: lago-together COUNT FIRST... SECOND..."
	exit 64
fi
count="$1"
shift
case "$count" in
'' | *[!0-9]*)
	say "COUNT must be a number of words, not '$count'"
	exit 64
	;;
esac
if [ "$count" -lt 1 ] || [ "$count" -ge "$#" ]; then
	say "COUNT ($count) must leave at least one word for each command ($# given)"
	exit 64
fi

# The first COUNT words, by rotating "$@" in place (sh has no arrays); exec keeps the process id
# the supervisor signals.
first() {
	total=$#
	i=0
	while [ "$i" -lt "$total" ]; do
		word="$1"
		shift
		if [ "$i" -lt "$count" ]; then
			set -- "$@" "$word"
		fi
		i=$((i + 1))
	done
	exec "$@"
}

second() {
	shift "$count"
	exec "$@"
}

first "$@" &
first_pid=$!
second "$@" &
second_pid=$!

stopping=""
stop() {
	stopping=1
	kill -s TERM "$first_pid" "$second_pid" 2>/dev/null
}
trap stop TERM INT

running() {
	kill -0 "$1" 2>/dev/null
}

# Until a signal arrives or a process ends. A trapped signal interrupts `wait` at once (POSIX), so
# the polling costs the shutdown nothing.
while [ -z "$stopping" ] && running "$first_pid" && running "$second_pid"; do
	sleep 1 &
	wait "$!"
done

early=""
if [ -z "$stopping" ]; then
	if running "$first_pid"; then early="$second_pid"; else early="$first_pid"; fi
	if [ "$early" = "$first_pid" ]; then which="the first command"; else which="the second command"; fi
	say "$which exited on its own: stopping the other, so the container starts again"
	stop
fi

# A signal during `wait` makes it return early: wait again until each has exited.
status_of() {
	while :; do
		wait "$1"
		code=$?
		running "$1" || return "$code"
	done
}
status_of "$first_pid"
first_status=$?
status_of "$second_pid"
second_status=$?

if [ -n "$early" ]; then
	if [ "$early" = "$first_pid" ]; then code="$first_status"; else code="$second_status"; fi
	[ "$code" -eq 0 ] && code=1
	exit "$code"
fi
[ "$first_status" -ne 0 ] && exit "$first_status"
exit "$second_status"
