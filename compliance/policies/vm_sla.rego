# METADATA
# title: No open critical or KEV finding past its SLA
# description: >-
#   Every open finding of critical severity, or whose vulnerability is listed
#   in CISA's Known Exploited Vulnerabilities catalog, is remediated before
#   its SLA due date. A finding is judged unless an analyst's triage decision
#   (false positive, not affected, accepted risk, won't fix) holds at the
#   posture's date. The SLA comes from the finding's sla.breached flag, or
#   its sla.due date compared with generated_at. Not applicable when the
#   posture records no findings and no scan coverage.
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

violations contains _violation(f) if {
	some f in posture.overdue_findings
	f.severity == "critical"
}

violations contains _violation(f) if {
	some f in posture.overdue_findings
	not f.severity == "critical"
	posture.kev(f)
}

_violation(f) := {
	"msg": sprintf("finding %s (%s%s) is open past its SLA due date %s", [
		posture.id(f),
		_label(f),
		_kev_label(f),
		_due_label(f),
	]),
	"evidence": posture.finding_evidence(f),
}

evidence contains concat("", ["finding:", posture.id(f)]) if {
	count(violations) == 0
	some f in posture.active_findings
	f.severity == "critical"
}

evidence contains concat("", ["finding:", posture.id(f)]) if {
	count(violations) == 0
	some f in posture.active_findings
	posture.kev(f)
}

_label(f) := posture.severity(f) if posture.severity(f) != ""

else := "unknown severity"

_kev_label(f) := ", in CISA KEV" if posture.kev(f)

else := ""

_due_label(f) := posture.due(f) if posture.due(f) != ""

else := "(breached)"
