#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for the SPDX files of the shared corpus.
# SPDX 2.x documents carry no vulnerability records, so each count is 0; the
# script checks that each file is what its row says: SPDX 2.2/2.3 (JSON,
# YAML, tag-value or RDF), or SPDX 3 (which aspm reports as unsupported).
set -euo pipefail
corpus="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
for f in $(grep -o '^spdx/[^	]*' MANIFEST.tsv | sort); do
  case "$f" in
    *.json)
      v=$(jq -r '.spdxVersion // empty' "$f")
      ;;
    *.yaml)
      v=$(grep -m1 -o 'spdxVersion: *"\?SPDX-[0-9.]*' "$f" | grep -o 'SPDX-[0-9.]*')
      ;;
    *.rdf)
      v=$(grep -m1 -o 'SPDX-[0-9.]*' "$f")
      ;;
    *)
      v=$(grep -m1 -o '^SPDXVersion: *SPDX-[0-9.]*' "$f" | grep -o 'SPDX-[0-9.]*')
      ;;
  esac
  case "$v" in
    SPDX-2.*) printf '%s\t0\t0\n' "$f" ;;
    SPDX-3*) printf '%s\t0\t0\t# unsupported: %s\n' "$f" "$v" ;;
    *) printf '%s\t?\t?\t# not SPDX\n' "$f"; exit 1 ;;
  esac
done
