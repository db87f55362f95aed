#!/usr/bin/env bash
# Runs a command beside a private, throw-away PostgreSQL cluster, for the tests:
#   usage: Deploy/with-test-postgres.sh COMMAND [ARGS...]
# The cluster lives in a new temporary folder (its Unix socket too), listens on 127.0.0.1 on a free
# port, runs with fsync=on and synchronous_commit=on, and has a role `aeohub` (password in a file)
# owning a database `aeohub_test`; it offers TLS with a throw-away self-signed certificate for
# 127.0.0.1 (when openssl is there). The command sees
#   AEOHUB_TEST_POSTGRES=postgresql://aeohub@127.0.0.1:PORT/aeohub_test
#   AEOHUB_STORE_PASSWORD_FILE=FOLDER/aeohub.password
#   AEOHUB_TEST_POSTGRES_CA=FOLDER/server.crt   (the certificate, to check it; unset without TLS)
# and the cluster is stopped and its folder removed when the command ends, however it ends. The
# system's own clusters are never touched. With AEOHUB_TEST_POSTGRES=off, runs the command alone.
set -euo pipefail
if [ "${AEOHUB_TEST_POSTGRES:-}" = off ]; then
  "$@"
  exit
fi
bin=${AEOHUB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries (run Deploy/install-deps.sh)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/aeohub-pg.XXXXXX")
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  chown postgres: "$dir"
  as_postgres=(runuser -u postgres --)
fi
cleanup() {
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
(umask 077 && printf '%s\n' "$password" > "$dir/aeohub.password")

"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
tls=""
if command -v openssl >/dev/null 2>&1 && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1; then
  chmod 600 "$dir/server.key"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/server.key" "$dir/server.crt"
  tls="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
fi
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200 $tls" \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
psql -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE aeohub LOGIN PASSWORD '$password'" -c "CREATE DATABASE aeohub_test OWNER aeohub" >/dev/null

export AEOHUB_TEST_POSTGRES="postgresql://aeohub@127.0.0.1:$port/aeohub_test"
export AEOHUB_STORE_PASSWORD_FILE="$dir/aeohub.password"
if [ -n "$tls" ]; then export AEOHUB_TEST_POSTGRES_CA="$dir/server.crt"; else unset AEOHUB_TEST_POSTGRES_CA; fi
echo "PostgreSQL for the tests: $AEOHUB_TEST_POSTGRES (cluster in $dir)"
"$@"
