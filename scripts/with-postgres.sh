#!/usr/bin/env bash
# Runs "$@" with DASHBOARD_TEST_PG pointing at a throwaway PostgreSQL cluster that is removed
# afterwards. Installs Debian's PostgreSQL first when it is missing. The cluster runs as the
# `postgres` user (PostgreSQL refuses to run as root) in a temporary folder, on a free local
# port, with a C.UTF-8 locale (binary sort order, as DuckDB sorts). fsync and synchronous
# commit are off: a test database never needs to survive a power cut. Benchmarks start their
# own cluster with the defaults.
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
bin=$(find_bin)
if [ -z "$bin" ]; then
  echo "Installing PostgreSQL from Debian's packages..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# In memory when /dev/shm has room (Docker gives it only 64 MB): creating a test database (one per
# test) took 0.3-0.8 s on this machine's disk and 0.02-0.05 s on tmpfs, with fsync off either way.
base=/tmp
if [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -ge 2097152 ]; then base=/dev/shm; fi
dir=$(mktemp -d "$base/dashboard-pg.XXXXXX")
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >/dev/null
stop() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
extra=${DASHBOARD_PG_SETTINGS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}
as_pg "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $extra" start >/dev/null

export DASHBOARD_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for this run: $DASHBOARD_TEST_PG" >&2
"$@"
