# METADATA
# title: Every production repository is covered by software composition analysis (SCA)
# description: >-
#   Every repository that ships to production (its own environment is
#   production, it is tagged "production", or a production application or
#   service contains it) has a software composition analysis scan of its
#   third-party dependencies (coverage kind "sca") recorded within the last
#   coverage_max_age_days days (default 90; set
#   data.aspm.config.coverage_max_age_days) before the posture's
#   generated_at. Not applicable when no production repository is known.
# custom:
#   id: ASPM-COV-02
#   gate: true
#   severity: high
#   frameworks:
#     asvs: ["V1.14.3", "V14.2.1"]
#     ssdf: ["PW.4.4", "RV.1.1"]
#     pci-dss-4: ["6.3.1"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.8", "A.8.29"]
package aspm.controls.coverage_sca

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if count(posture.production_repositories) == 0

violations contains v if {
	some r in posture.production_repositories
	not r in posture.covered_by_kind.sca
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

_msg(r) := sprintf("production repository %s was last scanned by SCA at %s, more than %d days before the posture", [
	r,
	posture.last_scan("sca", r),
	posture.coverage_max_age_days,
]) if posture.last_scan("sca", r)

else := sprintf("production repository %s has no SCA coverage", [r])
