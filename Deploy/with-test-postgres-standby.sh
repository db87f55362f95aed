#!/usr/bin/env bash
# Runs a command beside a private, throw-away PostgreSQL primary with one synchronous standby, both set
# up by Deploy/postgres-sync-standby.sh, for the documented run of a standby promoted under the hubs:
#   usage: Deploy/with-test-postgres-standby.sh COMMAND [ARGS...]
# Both clusters live in a new temporary folder and listen on 127.0.0.1 (free ports). The command sees
#   AEOHUB_TEST_POSTGRES=postgresql://aeohub@127.0.0.1:PRIMARY,127.0.0.1:STANDBY/aeohub
#   AEOHUB_STORE_PASSWORD_FILE=FOLDER/aeohub.password
#   AEOHUB_TEST_PROMOTE='a command that stops the primary (immediate: a crash) and promotes the standby'
# and both are stopped and removed when it ends. The system's own clusters are never touched.
set -euo pipefail
bin=${AEOHUB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries (run Deploy/install-deps.sh)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/aeohub-pg-standby.XXXXXX")
chmod 755 "$dir"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_postgres=(runuser -u postgres --)
fi
cleanup() {
  for cluster in standby primary; do
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/$cluster" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
primary_port=$(free_port)
standby_port=$(free_port)
for name in aeohub replication; do
  (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(16))' > "$dir/$name.password")
done
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir/aeohub.password" "$dir/replication.password"
"${as_postgres[@]}" "$bin/initdb" -D "$dir/primary" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
options="-c listen_addresses=127.0.0.1 -k $dir -c max_connections=200"
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start -o "-p $primary_port $options" \
  >/dev/null
# The setup script, as an operator runs it: the primary's settings and roles, then the standby's copy.
"${as_postgres[@]}" env PATH="$bin:$PATH" PGHOST="$dir" PGPORT="$primary_port" PGUSER=postgres \
  REPLICATION_PASSWORD_FILE="$dir/replication.password" AEOHUB_PASSWORD_FILE="$dir/aeohub.password" \
  HUB_NETWORK=127.0.0.1/32 bash "$here/postgres-sync-standby.sh" primary "$dir/primary" 127.0.0.1/32 >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w restart \
  -o "-p $primary_port $options" >/dev/null
"${as_postgres[@]}" env PATH="$bin:$PATH" PGPORT="$primary_port" \
  REPLICATION_PASSWORD_FILE="$dir/replication.password" \
  bash "$here/postgres-sync-standby.sh" standby "$dir/standby" 127.0.0.1 >/dev/null 2>&1
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w start -o "-p $standby_port $options" \
  >/dev/null
state=""
for _ in $(seq 1 50); do
  state=$(psql -X -At -h "$dir" -p "$primary_port" -U postgres -d postgres \
    -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")
  [ "$state" = sync ] && break
  sleep 0.2
done
[ "$state" = sync ] || { echo "the standby is not synchronous ($state)" >&2; exit 1; }
export AEOHUB_TEST_POSTGRES="postgresql://aeohub@127.0.0.1:$primary_port,127.0.0.1:$standby_port/aeohub?sslmode=disable"
export AEOHUB_STORE_PASSWORD_FILE="$dir/aeohub.password"
as=""
[ "$(id -u)" -eq 0 ] && as="runuser -u postgres -- "
export AEOHUB_TEST_PROMOTE="${as}$bin/pg_ctl -D $dir/primary -m immediate -w stop && ${as}$bin/pg_ctl -D $dir/standby -w promote"
echo "PostgreSQL primary 127.0.0.1:$primary_port with synchronous standby 127.0.0.1:$standby_port (in $dir)"
"$@"
