#!/usr/bin/env bash
# The whole test suite, the PostgreSQL store's tests on a private throw-away cluster
# (Deploy/with-test-postgres.sh; AEOHUB_TEST_POSTGRES=off skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/install-deps.sh
bash Deploy/check-style.sh
swift build --build-tests
bash Deploy/with-test-postgres.sh swift test --skip-build
