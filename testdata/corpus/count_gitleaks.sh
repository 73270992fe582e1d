#!/usr/bin/env bash
# Counts the leaks in every gitleaks JSON report of the shared corpus,
# independently of the Go decoder: one finding per element of the top-level
# array (gitleaks v7 writes null for "no leaks"). gitleaks has no VEX.
# Prints <corpus-relative path>\t<findings>\t<vex>.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find gitleaks -type f | LC_ALL=C sort | while IFS= read -r f; do
	n=$(jq 'if type == "array" then length elif . == null then 0 else error("not a gitleaks report") end' "$f")
	printf '%s\t%s\t0\n' "$f" "$n"
done
