# METADATA
# title: No open finding past its SLA
# description: >-
#   Every open finding, whatever its severity, is remediated before its SLA
#   due date (by default P1 7 days, P2 30, P3 90, P4 180 from first seen). A
#   finding is judged unless an analyst's triage decision holds at the
#   posture's date. Not applicable when the posture records no findings and
#   no scan coverage.
# custom:
#   id: ASPM-VM-02
#   gate: false
#   severity: medium
#   frameworks:
#     asvs: ["V14.2.1"]
#     ssdf: ["RV.2.2"]
#     pci-dss-4: ["6.3.1", "6.3.3"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.8"]
package aspm.controls.vm_sla_all

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if {
	count(posture.findings) == 0
	count(posture.coverage) == 0
}

violations contains v if {
	some f in posture.overdue_findings
	v := {
		"msg": sprintf("finding %s (%s) is open past its SLA due date %s", [
			posture.id(f),
			_label(f),
			_due_label(f),
		]),
		"evidence": posture.finding_evidence(f),
	}
}

evidence contains e if {
	count(violations) == 0
	some f in posture.active_findings
	e := concat("", ["finding:", posture.id(f)])
}

_label(f) := l if {
	l := concat(", ", [x | some x in [posture.severity(f), posture.priority(f)]; x != ""])
	l != ""
} else := "unknown severity"

_due_label(f) := posture.due(f) if posture.due(f) != ""

else := "(breached)"
