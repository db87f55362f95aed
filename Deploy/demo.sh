#!/usr/bin/env bash
# The main job on its embedded default: builds AEO Hub and runs `aeohub demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/install-deps.sh
swift build --product aeohub
exec .build/debug/aeohub demo "$@"
