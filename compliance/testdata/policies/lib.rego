# Helpers shared by the test controls. A package outside aspm.controls is
# a library: the engine loads it but does not treat it as a control.
package aspm.testlib

import rego.v1

open_findings contains f if {
	some f in input.findings
	f.open
}

production_repositories contains a.id if {
	some a in input.assets
	a.kind == "repository"
	a.environment == "production"
}
