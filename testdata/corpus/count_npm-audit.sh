#!/usr/bin/env bash
# Counts the findings in every `npm audit --json` report of the shared
# corpus, independently of the Go decoder. One finding per package x
# advisory:
#   version 1: one per entry of advisories[].findings (one when it is empty);
#   version 2: one per advisory object in vulnerabilities[].via (names of
#              other vulnerable packages are not advisories).
# A report holding npm's "error" object (a failed audit) counts 0; the
# decoder rejects it. npm audit has no VEX.
# Prints <corpus-relative path>\t<findings>\t<vex>.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find npm-audit -type f | LC_ALL=C sort | while IFS= read -r f; do
	n=$(jq '
		([.advisories // {} | .[] | (.findings // []) | length | if . == 0 then 1 else . end] | add // 0)
		+ ([.vulnerabilities // {} | .[] | .via // [] | .[] | objects] | length)
	' "$f")
	printf '%s\t%s\t0\n' "$f" "$n"
done
