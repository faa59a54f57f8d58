#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the example service, on 127.0.0.1 and a free port, in a
# temporary directory, with trust authentication on loopback only.
#
#   scripts/pg.sh start     # prints DATABASE_URL=…, PG_DIR=… and PG_STOP=… (eval-able)
#   scripts/pg.sh stop DIR  # stops the cluster in DIR and removes DIR
#
#   eval "$(scripts/pg.sh start)" && DATABASE_URL=$DATABASE_URL npm start; eval "$PG_STOP"
#
# initdb and pg_ctl come from PATH or /usr/lib/postgresql/*/bin (Debian `postgresql`). As root
# the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

bindir() {
  local initdb
  initdb=$(command -v initdb 2>/dev/null || true)
  if [ -z "$initdb" ]; then
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  fi
  [ -n "$initdb" ] && [ -x "$initdb" ] \
    || die "no initdb on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL (Debian: apt-get install postgresql)"
  dirname "$(readlink -f "$initdb")"
}

# Runs "$@" as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

start() {
  local bin dir port
  bin=$(bindir)
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run the cluster as"
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/leaky-pg.XXXXXX")
  chmod 700 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  port=$(free_port)
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed (log above)"; }
  # listen on loopback only; the Unix socket goes into the temp dir, not /var/run/postgresql
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null 2>&1; then
    cat "$dir/server.log" >&2 2>/dev/null || true
    rm -rf "$dir"
    die "pg_ctl start failed (server log above)"
  fi
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "PG_DIR=$(printf '%q' "$dir")"
  echo "PG_STOP=$(printf '%q' "$(printf '%q stop %q' "$(readlink -f "$0")" "$dir")")"
}

stop() {
  local dir=${1:-}
  [ -n "$dir" ] && [ -f "$dir/data/PG_VERSION" ] || die "stop: '$dir' is not a cluster made by pg.sh start"
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: pg.sh start | pg.sh stop DIR" ;;
esac
