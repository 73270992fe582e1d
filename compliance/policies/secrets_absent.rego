# METADATA
# title: No open hard-coded secret
# description: >-
#   No finding of kind "secret" (a credential, key or token committed to code
#   or baked into an artifact) is open. A finding is judged unless an
#   analyst's triage decision (for example false positive) holds at the
#   posture's date. Not applicable when the posture has neither secret
#   findings nor secret-scanning coverage.
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

_any_secret_finding if {
	some f in posture.findings
	f.kind == "secret"
}

_any_secret_coverage if {
	some c in posture.coverage
	posture.coverage_kind(c) == "secret"
}

violations contains v if {
	some f in posture.active_findings
	f.kind == "secret"
	v := {
		"msg": sprintf("hard-coded secret %s is open%s", [posture.id(f), _where(f)]),
		"evidence": posture.finding_evidence(f),
	}
}

evidence contains e if {
	count(violations) == 0
	some f in posture.findings
	f.kind == "secret"
	e := sprintf("finding:%s", [posture.id(f)])
}

evidence contains e if {
	count(violations) == 0
	some c in posture.coverage
	posture.coverage_kind(c) == "secret"
	posture.nonempty(c.asset)
	e := sprintf("asset:%s", [c.asset])
}

_where(f) := sprintf(" in %s", [posture.text(f, ["location", "path"])]) if {
	posture.nonempty(posture.text(f, ["location", "path"]))
} else := sprintf(" in %s", [posture.text(f, ["location", "image"])]) if {
	posture.nonempty(posture.text(f, ["location", "image"]))
} else := ""
