#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 60s).
# Usage: scripts/fuzz.sh [PACKAGE_PATTERN]   e.g. scripts/fuzz.sh ./findings/...
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-60s}"
pattern="${1:-./...}"
status=0
for pkg in $(go list "$pattern"); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "== $pkg $target ($fuzztime)"
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"; then
      echo "!! $pkg $target failed: see testdata/fuzz/$target for the crasher" >&2
      status=1
    fi
  done
done
exit $status
