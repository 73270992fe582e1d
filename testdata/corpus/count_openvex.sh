#!/usr/bin/env bash
# Counts the VEX statements in every OpenVEX document of the shared corpus,
# independently of the Go decoder: one per element of .statements (0.0.1
# and 0.2.0 alike). A top-level value that is not an object is not an
# OpenVEX document (the decoder rejects it) and counts 0. OpenVEX documents
# hold no findings.
# Prints <corpus-relative path>\t<findings>\t<vex>.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find openvex -type f | LC_ALL=C sort | while IFS= read -r f; do
	n=$(jq 'if type == "object" then (.statements // []) | length else 0 end' "$f")
	printf '%s\t0\t%s\n' "$f" "$n"
done
