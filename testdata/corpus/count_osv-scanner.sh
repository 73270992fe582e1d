#!/usr/bin/env bash
# Counts, from the raw files, what the osv-scanner decoder must emit for each
# corpus file under osv-scanner/: one finding per
# results[].packages[].vulnerabilities[] entry, plus one per package with
# license_violations; OSV-Scanner output has no VEX statements.
# Prints "<path>\t<findings>\t<vex>" per file. A 0-byte file counts 0 0.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find osv-scanner -type f | LC_ALL=C sort | while IFS= read -r f; do
	if [ ! -s "$f" ]; then
		printf '%s\t0\t0\n' "$f"
		continue
	fi
	n=$(jq '([.results[]?.packages[]?.vulnerabilities[]?] | length)
		+ ([.results[]?.packages[]? | select((.license_violations // []) | length > 0)] | length)' "$f")
	printf '%s\t%s\t0\n' "$f" "$n"
done
