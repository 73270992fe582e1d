#!/usr/bin/env bash
# OSV advisory records (osv/...) describe vulnerabilities; they are not
# findings about a project, so each counts 0 findings and 0 VEX statements.
# The script checks that every file parses and is an OSV record (an object
# with an "id") or a non-empty array of them, and prints "<path>\t0\t0";
# for any other file it prints an error on stderr and exits non-zero.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
status=0
while IFS= read -r f; do
	if jq -e 'if type == "array" then length > 0 and all(.[]; type == "object" and has("id"))
		else type == "object" and has("id") end' "$f" >/dev/null 2>&1; then
		printf '%s\t0\t0\n' "$f"
	else
		printf '%s: not an OSV record (invalid JSON, or no "id")\n' "$f" >&2
		status=1
	fi
done < <(find osv -type f | LC_ALL=C sort)
exit "$status"
