# METADATA
# title: No open finding past its SLA
# description: >-
#   Every open finding, whatever its severity, is remediated before its SLA
#   due date (by default P1 7 days, P2 30, P3 90, P4 180 from first seen).
#   A finding is judged unless it is suppressed at the posture's date (its
#   suppressed field is true, for a VEX statement or a tool's suppression,
#   or an analyst's triage decision has not expired). Past its SLA means
#   sla.breached is true or, for a finding without that flag, sla.due is
#   before generated_at. Not applicable when the posture records no
#   findings and no scan coverage.
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
	id := object.get(f, "id", "(no id)")
	v := {
		"msg": sprintf("finding %v (%v, %v) is open past its SLA due date %v", [
			id,
			object.get(f, "severity", "unknown severity"),
			object.get(f, ["risk", "priority"], "no priority"),
			object.get(f, ["sla", "due"], "(not given)"),
		]),
		"evidence": array.concat(
			[sprintf("finding:%v", [id])],
			[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
		),
	}
}

# On a pass, the evidence is the findings within their SLA: the
# library's list of their references as it is (a set built of it would
# cost a microsecond per finding; the engine sorts and deduplicates
# evidence).
evidence := posture.within_sla_refs if count(violations) == 0

else := []
