#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for every SARIF file of the shared
# corpus, counted from the raw files with jq, independently of the decoder:
# one finding per result, across all runs; SARIF has no VEX statements.
#
# Files jq cannot count are handled explicitly, and counted 0:
#   - invalid JSON (jq fails to parse: BinSkim's trailing commas) → syntax;
#   - 0-byte files → syntax ("empty input");
#   - a version other than 2.1.0 (pre-standard 2.0.0 logs) → unsupported.
# The reason is printed to stderr.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
corpus="$root/../shared/corpus"
cd "$corpus"
find sarif -type f | LC_ALL=C sort | while IFS= read -r f; do
	if [ ! -s "$f" ]; then
		echo "$f: empty file (syntax)" >&2
		printf '%s\t0\t0\n' "$f"
		continue
	fi
	if ! version="$(jq -r '.version // "none"' "$f" 2>/dev/null)"; then
		echo "$f: not valid JSON (syntax)" >&2
		printf '%s\t0\t0\n' "$f"
		continue
	fi
	if [ "$version" != "2.1.0" ]; then
		echo "$f: version $version (unsupported)" >&2
		printf '%s\t0\t0\n' "$f"
		continue
	fi
	n="$(jq '[.runs // [] | .[] | (.results // [])[]] | length' "$f")"
	printf '%s\t%s\t0\n' "$f" "$n"
done
