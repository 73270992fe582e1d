#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for every Grype JSON document of the
# shared corpus, counted from the raw files with jq, independently of the
# decoder: one finding per entry of .matches and of .ignoredMatches (null or
# absent counts 0). Grype documents carry no VEX statements.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
corpus="$root/../shared/corpus"
cd "$corpus"
for f in grype/*/*; do
	n=$(jq '((.matches // []) | length) + ((.ignoredMatches // []) | length)' "$f")
	printf '%s\t%s\t%s\n' "$f" "$n" 0
done
