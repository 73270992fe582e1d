#!/usr/bin/env bash
# Runs the benchmarks, including the 200 MB SARIF ones, COUNT times each
# (default 5) and writes bench.txt; compare two runs with benchstat:
#   go run golang.org/x/perf/cmd/benchstat@latest old.txt bench.txt
set -euo pipefail
cd "$(dirname "$0")/.."
count="${COUNT:-5}"
go test -run '^$' -bench "${BENCH:-.}" -benchmem -count "$count" -timeout 60m ./... | tee bench.txt
