#!/usr/bin/env bash
# Counts, from the raw files, what the govulncheck decoder must emit for each
# corpus file under govulncheck/: one finding per distinct (OSV id, module)
# pair, where the module is trace[0].module of a "finding" message (stream
# or JSON array of messages), or ModPath of a pre-1.0 Vulns[] entry.
# govulncheck output has no VEX statements.
# Prints "<path>\t<findings>\t<vex>" per file. A 0-byte file counts 0 0.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find govulncheck -type f | LC_ALL=C sort | while IFS= read -r f; do
	if [ ! -s "$f" ]; then
		printf '%s\t0\t0\n' "$f"
		continue
	fi
	n=$(jq -s '
		(if length == 1 and (.[0] | type) == "array" then .[0] else . end) as $m
		| if ($m | length) == 1 and ($m[0] | type) == "object" and ($m[0] | has("Vulns")) then
			[$m[0].Vulns[]? | [.OSV.id, .ModPath]] | unique | length
		else
			[$m[] | (.finding? // empty) | [.osv, .trace[0].module]] | unique | length
		end' "$f")
	printf '%s\t%s\t0\n' "$f" "$n"
done
