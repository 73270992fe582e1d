# METADATA
# title: Every production repository is covered by secret scanning
# description: >-
#   Every repository that ships to production (its own environment is
#   production, it is tagged "production", or a production application or
#   service contains it) has a secret scan (coverage kind "secret") recorded
#   within the last coverage_max_age_days days (default 90; set
#   data.aspm.config.coverage_max_age_days) before the posture's
#   generated_at. Not applicable when no production repository is known.
# custom:
#   id: ASPM-COV-03
#   gate: true
#   severity: high
#   frameworks:
#     asvs: ["V2.10.4"]
#     ssdf: ["PW.7.2", "RV.1.2"]
#     pci-dss-4: ["6.2.3", "8.6.2"]
#     soc2: ["CC7.1", "CC8.1"]
#     iso27001: ["A.8.25", "A.8.28"]
package aspm.controls.coverage_secrets

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if count(posture.production_repositories) == 0

violations contains v if {
	some r in posture.production_repositories
	not r in posture.covered_by_kind.secret
	v := {
		"msg": _msg(r),
		"evidence": [sprintf("asset:%s", [r])],
	}
}

evidence contains e if {
	count(violations) == 0
	some r in posture.production_repositories
	e := sprintf("asset:%s", [r])
}

_msg(r) := sprintf("production repository %s was last scanned by secret scanning at %s, more than %d days before the posture", [
	r,
	posture.last_scan("secret", r),
	posture.coverage_max_age_days,
]) if posture.last_scan("secret", r)

else := sprintf("production repository %s has no secret scanning coverage", [r])
