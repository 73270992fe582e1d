#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for every Trivy JSON report of the shared
# corpus, counted from the raw files with jq, independently of the decoder:
# per Result, its Vulnerabilities, its Misconfigurations whose Status is not
# PASS, its Secrets, its Licenses and its ExperimentalModifiedFindings.
# Results are read from .Results, from the legacy top-level array, and from
# the resources of Kubernetes reports (.Resources, and the .Vulnerabilities
# and .Misconfigurations arrays of older k8s reports); null counts 0.
# Trivy reports carry no VEX statements. CycloneDX files written by Trivy
# (a top-level bomFormat) belong to the cyclonedx decoder and are skipped.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
corpus="$root/../shared/corpus"
cd "$corpus"
for f in trivy/*/*; do
	if [ "$(jq -r 'if type == "object" and has("bomFormat") then "cdx" else "" end' "$f")" = cdx ]; then
		continue
	fi
	n=$(jq '
		def results:
			if type == "array" then .[]
			elif type == "object" then
				(.Results // [])[],
				(((.Resources // []), (.Vulnerabilities // []), (.Misconfigurations // []))[] | (.Results // [])[])
			else empty end;
		[results | select(. != null) |
			((.Vulnerabilities // []) | length)
			+ ([(.Misconfigurations // [])[] | select(((.Status // "") | ascii_upcase) != "PASS")] | length)
			+ ((.Secrets // []) | length)
			+ ((.Licenses // []) | length)
			+ ((.ExperimentalModifiedFindings // []) | length)
		] | add // 0' "$f")
	printf '%s\t%s\t%s\n' "$f" "$n" 0
done
