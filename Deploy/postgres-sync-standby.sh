#!/usr/bin/env bash
# PostgreSQL for a pair of hubs: a primary with one synchronous standby, so that a commit (and so an
# ACCEPTED) is on two machines' disks before the hub answers (README "Running a pair of hubs").
#
#   on the primary, as postgres:  Deploy/postgres-sync-standby.sh primary PGDATA STANDBY_ADDRESS
#   on the standby, as postgres:  Deploy/postgres-sync-standby.sh standby PGDATA PRIMARY_HOST
#
# `primary` sets, with ALTER SYSTEM: wal_level=replica, synchronous_commit=on (the hub's connections set
# it too: with a synchronous standby named, a commit returns once the standby has flushed it as well),
# synchronous_standby_names='standby1',
# fsync=on, hot_standby=on; creates the roles `replicator` (password from REPLICATION_PASSWORD_FILE)
# and `aeohub` (password from AEOHUB_PASSWORD_FILE) and the database `aeohub`; lets STANDBY_ADDRESS
# (an address or CIDR) replicate and the hub machines (HUB_NETWORK, a CIDR) connect, with scram-sha-256;
# then restart PostgreSQL (e.g. systemctl restart postgresql). PGDATA is the cluster's data folder (for
# pg_hba.conf; Debian keeps it in /etc/postgresql/VERSION/main: set PG_HBA to that file).
# `standby` makes PGDATA (empty, the server stopped) a copy of the primary with pg_basebackup -R,
# streaming as application_name=standby1; start the server afterwards.
# Nothing here removes data; the primary's settings are idempotent.
set -euo pipefail
mode=${1:-}
data=${2:-}
peer=${3:-}
[ -n "$mode" ] && [ -n "$data" ] && [ -n "$peer" ] || { sed -n 4,6p "$0" >&2; exit 64; }
standby_name=${STANDBY_NAME:-standby1}
read_secret() {
  local variable=$1
  local file=${!variable:-}
  [ -n "$file" ] && [ -r "$file" ] || { echo "set $variable to a readable file with the password" >&2; exit 64; }
  head -n1 "$file"
}
case "$mode" in
primary)
  replication_password=$(read_secret REPLICATION_PASSWORD_FILE)
  aeohub_password=$(read_secret AEOHUB_PASSWORD_FILE)
  hub_network=${HUB_NETWORK:?set HUB_NETWORK to the hubs addresses as a CIDR, e.g. 10.0.1.0/28}
  psql -X -v ON_ERROR_STOP=1 -q \
    -v replication_password="$replication_password" -v aeohub_password="$aeohub_password" \
    -v standby="'$standby_name'" <<'SQL'
ALTER SYSTEM SET wal_level = 'replica';
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = 'on';
ALTER SYSTEM SET synchronous_standby_names = :standby;
ALTER SYSTEM SET max_wal_senders = 10;
ALTER SYSTEM SET hot_standby = on;
ALTER SYSTEM SET wal_keep_size = '1GB';
SELECT format('CREATE ROLE replicator REPLICATION LOGIN PASSWORD %L', :'replication_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \gexec
SELECT format('CREATE ROLE aeohub LOGIN PASSWORD %L', :'aeohub_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aeohub') \gexec
SELECT 'CREATE DATABASE aeohub OWNER aeohub' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'aeohub')
\gexec
SQL
  hba=${PG_HBA:-$data/pg_hba.conf}
  for line in "host replication replicator $peer scram-sha-256" "host aeohub aeohub $hub_network scram-sha-256"; do
    grep -qxF "$line" "$hba" || echo "$line" >> "$hba"
  done
  echo "primary set up; restart PostgreSQL, then run '$0 standby' on the standby"
  ;;
standby)
  replication_password=$(read_secret REPLICATION_PASSWORD_FILE)
  [ -z "$(ls -A "$data" 2>/dev/null)" ] || { echo "$data is not empty: stop the server and empty it first" >&2; exit 1; }
  PGPASSWORD="$replication_password" pg_basebackup -h "$peer" -U replicator -D "$data" -X stream -R -P \
    -d "application_name=$standby_name"
  echo "standby copied from $peer; start PostgreSQL, then check on the primary:"
  echo "  psql -c \"SELECT application_name, sync_state FROM pg_stat_replication\"   (want: $standby_name | sync)"
  ;;
*)
  sed -n 4,6p "$0" >&2
  exit 64
  ;;
esac
