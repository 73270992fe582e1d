# METADATA
# title: Internet-exposed services have no reachable high-risk finding
# description: >-
#   No open finding of risk priority P1 or P2 is linked to an
#   internet-exposed service or to what it is made of (the images it
#   deploys, their packages and dependencies, the endpoints it serves, up
#   to 16 edges away), unless reachability analysis shows the vulnerable
#   code unreachable: a finding whose reachability is unknown or was not
#   analysed counts. A finding is judged unless it is suppressed at the
#   posture's date (its suppressed field is true, for a VEX statement or a
#   tool's suppression, or an analyst's triage decision has not expired).
#   Not applicable when no internet-exposed service is known.
# custom:
#   id: ASPM-EXP-01
#   gate: true
#   severity: critical
#   frameworks:
#     ssdf: ["RV.2.1", "RV.2.2"]
#     pci-dss-4: ["6.3.1", "6.4.1"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.8"]
package aspm.controls.exposed_high_risk

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if count(posture.internet_services) == 0

violations contains v if {
	some f in posture.exposed_high_risk_findings
	on := {a |
		some a in f.assets
		a in posture.exposed_assets
	}
	id := object.get(f, "id", "(no id)")
	v := {
		"msg": sprintf("finding %v (%s, reachability %v) is open on internet-exposed %s", [
			id,
			f.risk.priority,
			_reach(f),
			concat(", ", on),
		]),
		"evidence": array.concat(
			[sprintf("finding:%v", [id])],
			[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
		),
	}
}

evidence contains e if {
	count(violations) == 0
	some s in posture.internet_services
	e := sprintf("asset:%s", [s])
}

_reach(f) := f.risk.reachability if posture.nonempty(f.risk.reachability)

else := "not analysed"
