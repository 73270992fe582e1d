# METADATA
# title: No open critical or KEV finding past its SLA
# description: >-
#   Every open finding of critical severity, or whose vulnerability is
#   listed in CISA's Known Exploited Vulnerabilities catalog, is remediated
#   before its SLA due date. A finding is judged unless it is suppressed at
#   the posture's date (its suppressed field is true, for a VEX statement
#   or a tool's suppression, or an analyst's triage decision has not
#   expired). Past its SLA means sla.breached is true or, for a finding
#   without that flag, sla.due is before generated_at. Not applicable when
#   the posture records no findings and no scan coverage.
# custom:
#   id: ASPM-VM-01
#   gate: true
#   severity: critical
#   frameworks:
#     asvs: ["V14.2.1"]
#     ssdf: ["RV.2.2"]
#     pci-dss-4: ["6.3.3", "11.3.1"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.8"]
package aspm.controls.vm_sla

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if {
	count(posture.findings) == 0
	count(posture.coverage) == 0
}

# urgent_overdue_findings holds objects (each passed an sla test), so
# object.get on f cannot fail.
violations contains _violation(f) if {
	some f in posture.urgent_overdue_findings
}

_violation(f) := {
	"msg": sprintf("finding %v (%v%s) is open past its SLA due date %v", [
		object.get(f, "id", "(no id)"),
		object.get(f, "severity", "unknown severity"),
		_kev_label(f),
		object.get(f, ["sla", "due"], "(not given)"),
	]),
	"evidence": array.concat(
		[sprintf("finding:%v", [object.get(f, "id", "(no id)")])],
		[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
	),
}

# On a pass, the evidence is the critical and KEV findings within their
# SLA: the library's list of their references as it is (a set built of
# it would cost a microsecond per finding; the engine sorts and
# deduplicates evidence).
evidence := posture.urgent_within_sla_refs if count(violations) == 0

else := []

_kev_label(f) := ", in CISA KEV" if posture.kev(f)

else := ""
