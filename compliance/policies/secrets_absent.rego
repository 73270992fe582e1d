# METADATA
# title: No open hard-coded secret
# description: >-
#   No finding of kind "secret" (a credential, key or token committed to
#   code or baked into an artifact) is open. A finding is judged unless it
#   is suppressed at the posture's date (its suppressed field is true, for
#   a VEX statement or a tool's suppression, or an analyst's triage
#   decision has not expired). Not applicable when the posture has neither
#   secret findings nor secret-scanning coverage.
# custom:
#   id: ASPM-SEC-01
#   gate: true
#   severity: critical
#   frameworks:
#     asvs: ["V2.10.4", "V6.4.1"]
#     ssdf: ["PW.5.1"]
#     pci-dss-4: ["8.6.2"]
#     soc2: ["CC6.1"]
#     iso27001: ["A.5.17", "A.8.28"]
package aspm.controls.secrets_absent

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if {
	not _any_secret_finding
	not _any_secret_coverage
}

_any_secret_finding if count(posture.secret_findings) > 0

_any_secret_coverage if {
	some c in posture.coverage
	posture.coverage_kind(c) == "secret"
}

# One violation per active secret finding, saying where it is: "in
# <path>", else "in <image>". The findings with a path build their
# violation inline, with their evidence (finding_evidence) from a list in
# the same order: a function call or a comprehension per finding would
# cost as much again, and the list may hold tens of thousands.
violations contains v if {
	some i, f in posture.active_secrets_with_path
	v := {
		"msg": sprintf("hard-coded secret %v is open in %s", [object.get(f, "id", "(no id)"), f.location.path]),
		"evidence": posture.active_secrets_with_path_evidence[i],
	}
}

violations contains _violation(f, _where_image(f)) if {
	some f in posture.active_secrets_without_path
}

_violation(f, where) := {
	"msg": sprintf("hard-coded secret %v is open%s", [object.get(f, "id", "(no id)"), where]),
	"evidence": array.concat(
		[sprintf("finding:%v", [object.get(f, "id", "(no id)")])],
		[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
	),
}

evidence contains e if {
	count(violations) == 0
	some e in posture.secret_refs
}

evidence contains e if {
	count(violations) == 0
	some c in posture.coverage
	posture.coverage_kind(c) == "secret"
	posture.nonempty(c.asset)
	e := sprintf("asset:%s", [c.asset])
}

_where_image(f) := concat("", [" in ", f.location.image]) if {
	posture.nonempty(f.location.image)
} else := ""
