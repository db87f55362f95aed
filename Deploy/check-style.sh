#!/usr/bin/env bash
# The house style, checked in CI: swift format's lint with the repository's .swift-format (120 columns),
# and no line over 120 characters nor file over 400 lines outside generated code.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find Sources Tests -name '*.swift' -not -path '*/Generated/*' | sort)
swift format lint --strict --configuration .swift-format "${files[@]}"
python3 - "${files[@]}" <<'PY'
import sys
problems = []
for path in sys.argv[1:]:
    lines = open(path, encoding="utf-8").read().split("\n")
    if len(lines) - 1 > 400:
        problems.append(f"{path}: {len(lines) - 1} lines (at most 400: split it by job)")
    for number, line in enumerate(lines, 1):
        if len(line) > 120:
            problems.append(f"{path}:{number}: {len(line)} characters (at most 120)")
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY
echo "style: ${#files[@]} files clean"
