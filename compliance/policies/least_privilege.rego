# METADATA
# title: No open least-privilege finding
# description: >-
#   No identity or permission problem is open: no finding of kind "access"
#   (an over-privileged role, a stale or shared credential, a missing
#   review) is active, and no entry of the posture's access list reports an
#   issue, unless the entry says it is resolved ("resolved" true or "open"
#   false). A finding is judged unless it is suppressed at the posture's
#   date (its suppressed field is true, for a VEX statement or a tool's
#   suppression, or an analyst's triage decision has not expired). Not
#   applicable when the posture has no access finding, no access entry and
#   no access-review coverage.
# custom:
#   id: ASPM-IAM-01
#   gate: false
#   severity: high
#   frameworks:
#     asvs: ["V4.1.3"]
#     ssdf: ["PS.1.1"]
#     pci-dss-4: ["7.2.1", "7.2.2", "7.2.5"]
#     soc2: ["CC6.1", "CC6.3"]
#     iso27001: ["A.5.15", "A.5.18", "A.8.2"]
package aspm.controls.least_privilege

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if {
	count(posture.access) == 0
	not _any_access_finding
	not _any_access_coverage
}

_any_access_finding if count(posture.access_findings) > 0

_any_access_coverage if {
	some c in posture.coverage
	posture.coverage_kind(c) == "access"
}

violations contains v if {
	some f in posture.active_access_findings
	v := {
		"msg": sprintf("least-privilege finding %v is open: %v", [object.get(f, "id", "(no id)"), object.get(f, "title", "")]),
		"evidence": array.concat(
			[sprintf("finding:%v", [object.get(f, "id", "(no id)")])],
			[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
		),
	}
}

violations contains v if {
	some i, x in posture.access
	posture.nonempty(x.issue)
	not _resolved(x)
	v := {
		"msg": sprintf("access entry %s reports %s", [_who(i, x), posture.text(x, "issue")]),
		"evidence": [_ref(i, x)],
	}
}

_resolved(x) if x.resolved == true

_resolved(x) if x.open == false

_who(i, x) := sprintf("%s %s", [posture.text(x, "kind"), posture.text(x, "principal")]) if {
	posture.nonempty(x.kind)
	posture.nonempty(x.principal)
} else := posture.text(x, "principal") if {
	posture.nonempty(x.principal)
} else := sprintf("#%d", [i])

_ref(i, x) := sprintf("principal:%s", [x.principal]) if posture.nonempty(x.principal)

else := sprintf("access:%d", [i])

evidence contains e if {
	count(violations) == 0
	some e in posture.access_refs
}

evidence contains e if {
	count(violations) == 0
	some i, x in posture.access
	e := _ref(i, x)
}
