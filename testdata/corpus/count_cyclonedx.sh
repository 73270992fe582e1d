#!/usr/bin/env bash
# Counts the findings and VEX statements in every CycloneDX document of the
# shared corpus (cyclonedx/*/* and trivy/trivy/npm-cyclonedx-scan.json, a
# CycloneDX 1.7 BOM written by Trivy), independently of the Go decoder.
#   - A vulnerability "is analysed" when it has an analysis with a
#     non-empty state.
#   - VEX statements: one per analysed vulnerability.
#   - Findings: 0 when the document is VEX-only (it has vulnerabilities,
#     all analysed, and no top-level components); else, per vulnerability,
#     max(1, number of affects entries). In XML, each vulnerability of the
#     1.0 extension namespace (http://cyclonedx.org/schema/ext/vulnerability/1.0,
#     written inside components) counts 1 and is never analysed.
# JSON is counted with jq, XML with python3's xml.etree.
# Prints <corpus-relative path>\t<findings>\t<vex>.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
{ find cyclonedx -type f; echo trivy/trivy/npm-cyclonedx-scan.json; } | LC_ALL=C sort | while IFS= read -r f; do
	case "$f" in
	*.xml)
		python3 - "$f" <<'PY'
import sys
import xml.etree.ElementTree as ET

EXT = "{http://cyclonedx.org/schema/ext/vulnerability/1.0}"
path = sys.argv[1]
root = ET.parse(path).getroot()
ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
comps = root.find(ns + "components")
has_components = comps is not None and len(comps.findall(ns + "component")) > 0
native = root.findall(ns + "vulnerabilities/" + ns + "vulnerability")
ext = list(root.iter(EXT + "vulnerability"))

def analysed(v):
    st = v.find(ns + "analysis/" + ns + "state")
    return st is not None and (st.text or "").strip() != ""

vex = sum(1 for v in native if analysed(v))
vulns = len(native) + len(ext)
vex_only = vulns > 0 and not ext and vex == len(native) and not has_components
findings = 0
if not vex_only:
    findings = len(ext) + sum(max(1, len(v.findall(ns + "affects/" + ns + "target"))) for v in native)
print(f"{path}\t{findings}\t{vex}")
PY
		;;
	*)
		jq -r --arg f "$f" '
			(.vulnerabilities // []) as $v
			| ([$v[] | select((.analysis.state // "") != "")] | length) as $vex
			| (($v | length) > 0 and $vex == ($v | length) and ((.components // []) | length) == 0) as $vexonly
			| (if $vexonly then 0 else ([$v[] | [((.affects // []) | length), 1] | max] | add // 0) end) as $n
			| "\($f)\t\($n)\t\($vex)"' "$f"
		;;
	esac
done
