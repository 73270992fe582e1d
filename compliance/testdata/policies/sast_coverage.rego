# METADATA
# title: Every production repository is covered by SAST
# description: >-
#   A production repository needs a coverage entry of kind sast. The tool
#   name may be restricted with data.testcfg.sast_tools.
# custom:
#   id: TEST-COV-01
#   gate: false
#   severity: medium
#   frameworks:
#     ssdf: ["PW.7.2"]
#     iso27001: ["A.8.8", "A.8.29"]
#     pci-dss-4: ["11.3.1"]
package aspm.controls.sast_coverage

import data.aspm.testlib
import rego.v1

default applicable := true

applicable := false if count(testlib.production_repositories) == 0

covered contains c.asset if {
	some c in input.coverage
	c.kind == "sast"
	allowed_tool(c.tool)
}

allowed_tool(_) if not data.testcfg.sast_tools

allowed_tool(t) if t in data.testcfg.sast_tools

violations contains v if {
	some r in testlib.production_repositories
	not r in covered
	v := {"msg": sprintf("production repository %s has no SAST coverage", [r]), "evidence": [sprintf("asset:%s", [r])]}
}

evidence contains sprintf("asset:%s", [r]) if {
	some r in testlib.production_repositories
}
