#!/usr/bin/env bash
# Long fuzzing in batches: runs each fuzz target of the module for FUZZTIME
# (default 5m) and records the outcome in scripts/fuzz-ledger.tsv, so a
# batch can stop and the next one (another day, another session) picks up
# the targets that have not yet had a full run at that length.
#
# Usage: scripts/fuzz-long.sh [PACKAGE_PATTERN]
#   FUZZTIME=5m   time per target
#   BATCH=N       run at most N targets this time (default: all pending)
#   PARALLEL=N    fuzzing workers per target (default: number of CPUs)
#   AGAIN=1       also re-run targets the ledger already has
#
# A crasher is written by go test under the package's
# testdata/fuzz/<Target>/; the ledger records FAIL with its path. Fix the
# code, keep the crasher as a regression seed (it then runs in every
# go test), and run the target again.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5m}"
batch="${BATCH:-0}"
parallel="${PARALLEL:-$(nproc 2>/dev/null || echo 2)}"
pattern="${1:-./...}"
ledger=scripts/fuzz-ledger.tsv
[ -f "$ledger" ] || printf 'package\ttarget\tfuzztime\tdate\tresult\texecs\tinteresting\n' >"$ledger"

done_before() { # package target -> 0 when the ledger has a PASS at this fuzztime
  awk -F'\t' -v p="$1" -v t="$2" -v ft="$fuzztime" \
    '$1==p && $2==t && $3==ft && $5=="PASS" {found=1} END {exit !found}' "$ledger"
}

status=0
ran=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list "$pattern"); do
  short=${pkg#github.com/aspmkit/aspm/}
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    if [ "${AGAIN:-0}" != 1 ] && done_before "$short" "$target"; then
      continue
    fi
    if [ "$batch" -gt 0 ] && [ "$ran" -ge "$batch" ]; then
      echo "batch of $batch done; run again for the rest"
      exit $status
    fi
    ran=$((ran + 1))
    echo "== $short $target ($fuzztime, $parallel workers)"
    result=PASS
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel "$parallel" 2>&1 | tee "$log"; then
      if grep -q '\[build failed\]\|\[setup failed\]' "$log"; then
        echo "!! $short does not build; not recorded" >&2
        status=1
        continue
      fi
      result=FAIL
      status=1
      crasher=$(grep -o 'testdata/fuzz/[^ ]*' "$log" | tail -1 || true)
      echo "!! $short $target failed; crasher: $short/$crasher" >&2
    fi
    last=$(grep 'execs:' "$log" | tail -1 || true)
    execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$last")
    interesting=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$short" "$target" "$fuzztime" "$(date -u +%Y-%m-%d)" \
      "$result" "${execs:-?}" "${interesting:-?}" >>"$ledger"
  done
done
echo "all targets of $pattern have a run of $fuzztime in $ledger"
exit $status
