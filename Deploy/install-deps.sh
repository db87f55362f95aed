#!/usr/bin/env bash
# Installs what AEO Hub needs on a Debian machine that already has Swift. Idempotent: installs only
# what is missing, and runs apt-get update only when something is.
set -euo pipefail

needed=()
pkg-config --exists libzmq 2>/dev/null || needed+=(libzmq3-dev)
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
[ -f /usr/include/sqlite3.h ] || needed+=(libsqlite3-dev)
# The dashboard's browser tests: Chromium, its WebDriver, and a font with the Chinese glyphs.
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v chromedriver >/dev/null 2>&1 || needed+=(chromium-driver)
# grep reads every line (no -q): an early exit would fail fc-list with SIGPIPE, and pipefail the check.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || needed+=(fonts-noto-cjk)
# PostgreSQL's server and client: the PostgreSQL store's tests start a private cluster of their own
# (Deploy/with-test-postgres.sh) and `aeohub log backup` runs pg_dump.
pg_missing=false
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v pg_dump >/dev/null 2>&1 || pg_missing=true
if $pg_missing; then
  needed+=(postgresql)
fi
command -v openssl >/dev/null 2>&1 || needed+=(openssl)  # the test cluster's TLS certificate

if [ "${#needed[@]}" -gt 0 ]; then
  echo "Installing: ${needed[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  if $pg_missing && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    # Only the binaries: no system cluster created or started as a service.
    "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${needed[@]}"
fi

# Python with pyzmq and protobuf 4.21: the protocol's example node (Protocols/examples), which the
# tests run against the real hub to prove the specification is enough for another language; and
# jsonschema, with which the tests check the command line's JSON against Protocols/json.
if ! python3 -c 'import zmq, jsonschema, selenium, google.protobuf as p; assert p.__version__.startswith("4.21")' 2>/dev/null; then
  echo "Installing Python packages: pyzmq, protobuf==4.21.12, jsonschema, selenium"
  python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip; }
  # A Debian-managed Python refuses plain pip installs (PEP 668); retry with its override.
  python3 -m pip install -q --disable-pip-version-check pyzmq 'protobuf==4.21.12' jsonschema selenium \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages pyzmq 'protobuf==4.21.12' \
      jsonschema selenium
fi
