#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the tests and prints its admin URL.
# Usage: scripts/postgres.sh start|stop   (data in ${CONCORD_PG_DIR:-/tmp/concord-pg}, port ${CONCORD_PG_PORT:-55432})
set -euo pipefail
dir=${CONCORD_PG_DIR:-/tmp/concord-pg}
port=${CONCORD_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    # A server left from an earlier run keeps serving; otherwise start from an empty cluster.
    if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then rm -rf "$dir"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
      as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
