# METADATA
# title: No open critical finding
# description: >-
#   Fails for every open finding of critical severity, naming the finding
#   and the assets it was found on.
# custom:
#   id: TEST-VM-01
#   gate: true
#   severity: critical
#   frameworks:
#     pci-dss-4: ["6.3.3"]
#     ssdf: ["RV.2.2"]
#     iso27001: ["A.8.8"]
package aspm.controls.open_critical

import data.aspm.testlib
import rego.v1

default applicable := true

applicable := false if count(input.findings) == 0

violations contains v if {
	some f in testlib.open_findings
	f.severity == "critical"
	v := {
		"msg": sprintf("open critical finding %s: %s", [f.id, f.title]),
		"evidence": array.concat([sprintf("finding:%s", [f.id])], [sprintf("asset:%s", [a]) | some a in f.assets]),
	}
}

evidence contains sprintf("finding:%s", [f.id]) if {
	some f in input.findings
}
