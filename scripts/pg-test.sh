#!/usr/bin/env bash
# Runs the PostgreSQL store's tests against a throwaway cluster.
#
# Usage:
#   scripts/pg-test.sh                 # the store tests (go test -race) against a fresh cluster
#   PG_LONG=1 scripts/pg-test.sh       # ... plus the 60 s concurrency run
#   scripts/pg-test.sh CMD [ARGS...]   # any command with ASPM_POSTGRES_DSN set, e.g.
#     scripts/pg-test.sh go test -run '^$' -bench . -benchtime 3x ./correlate/postgres/
#
# It initializes a cluster in a temporary directory, starts it on a free
# loopback port (PGPORT to choose one) with its socket in that directory,
# creates a database, exports ASPM_POSTGRES_DSN, runs the tests and stops
# and removes the cluster on exit. The PostgreSQL server binaries are
# taken from PG_BINDIR, else the newest /usr/lib/postgresql/*/bin (Debian
# and Ubuntu: apt-get install postgresql), else pg_config --bindir.
# initdb refuses to run as root: as root, the cluster runs as the system
# user PG_USER (default aspmpg), created if missing. PG_OPTS adds server
# options (e.g. PG_OPTS="-c fsync=off" for speed over durability).
set -euo pipefail
cd "$(dirname "$0")/.."

bindir="${PG_BINDIR:-}"
if [[ -z "$bindir" ]]; then
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do bindir="$d"; done
fi
if [[ -z "$bindir" ]] && command -v pg_config >/dev/null; then
	bindir="$(pg_config --bindir)"
fi
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
	echo "pg-test: no PostgreSQL server binaries (set PG_BINDIR, or install the postgresql package)" >&2
	exit 2
fi

run=()
pguser="$(id -un)"
if [[ "$(id -u)" == 0 ]]; then
	pguser="${PG_USER:-aspmpg}"
	if ! id "$pguser" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
	fi
	run=(runuser -u "$pguser" --)
fi

tmp="$(mktemp -d)"
chmod 755 "$tmp"
mkdir "$tmp/data" "$tmp/sock"
[[ "$(id -u)" == 0 ]] && chown "$pguser" "$tmp/data" "$tmp/sock"

port="${PGPORT:-}"
if [[ -z "$port" ]]; then
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
	done
fi
[[ -n "$port" ]] || { echo "pg-test: no free port" >&2; exit 2; }

stop() {
	"${run[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "pg-test: $("$bindir/postgres" --version) on 127.0.0.1:$port" >&2
"${run[@]}" "$bindir/initdb" -D "$tmp/data" -U aspm --auth=trust --encoding=UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 ||
	{ cat "$tmp/initdb.log" >&2; exit 1; }
"${run[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/sock/server.log" -w -t 60 start \
	-o "-p $port -k $tmp/sock -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_OPTS:-}" >/dev/null ||
	{ cat "$tmp/sock/server.log" >&2; exit 1; }
"${run[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U aspm aspm_test

export ASPM_POSTGRES_DSN="postgres://aspm@127.0.0.1:$port/aspm_test?sslmode=disable"

if [[ $# -gt 0 ]]; then
	"$@"
	exit
fi
go test -race -count=1 ./correlate/postgres/ ./internal/storetest/ ./correlate/sqlite/ ./correlate/stores/
go test -race -count=1 -run 'Postgres' ./examples/aspm/
if [[ "${PG_LONG:-}" == 1 ]]; then
	ASPM_POSTGRES_STRESS=60s go test -race -count=1 -run '^TestConcurrentWriters' -timeout 10m -v ./correlate/postgres/
fi
