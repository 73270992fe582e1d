# METADATA
# title: No open hard-coded secret
# description: Fails for every open finding of kind secret.
# custom:
#   id: TEST-SEC-01
#   gate: true
#   severity: high
#   frameworks:
#     asvs: ["V2.10.4"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.28"]
package aspm.controls.secrets

import data.aspm.testlib
import rego.v1

violations contains v if {
	some f in testlib.open_findings
	f.kind == "secret"
	v := {"msg": sprintf("hard-coded secret %s in %s", [f.id, f.location.path]), "evidence": [sprintf("finding:%s", [f.id])]}
}
