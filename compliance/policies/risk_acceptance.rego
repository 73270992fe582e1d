# METADATA
# title: Risk acceptances have an owner and an expiry
# description: >-
#   Every risk acceptance (an open finding triaged accepted_risk or
#   wont_fix) names its author, who owns the decision, and expires at a
#   valid date no more than risk_acceptance_max_days days (default 365; set
#   data.aspm.config.risk_acceptance_max_days) after the posture's date, so
#   the decision is reviewed again. Not applicable when the posture has no
#   risk acceptance.
# custom:
#   id: ASPM-RA-01
#   gate: true
#   severity: medium
#   frameworks:
#     ssdf: ["RV.2.1", "RV.2.2"]
#     soc2: ["CC3.2"]
#     iso27001: ["A.8.8"]
package aspm.controls.risk_acceptance

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if count(posture.risk_acceptances) == 0

violations contains _violation(f, "has no author") if {
	some f in posture.risk_acceptances
	not posture.nonempty(object.get(f.triage, "author", ""))
}

violations contains _violation(f, "has no expiry") if {
	some f in posture.risk_acceptances
	not posture.set_time(object.get(f.triage, "expires", ""))
}

violations contains _violation(f, sprintf("has an invalid expiry %q", [f.triage.expires])) if {
	some f in posture.risk_acceptances
	posture.set_time(f.triage.expires)
	not posture.triage_expiry_ns[f.triage.expires]
}

violations contains _violation(f, msg) if {
	some f in posture.risk_acceptances
	posture.triage_expiry_ns[f.triage.expires] - posture.now_ns > posture.risk_acceptance_max_days * posture.day_ns
	msg := sprintf("expires at %s, more than %d days after the posture", [
		f.triage.expires,
		posture.risk_acceptance_max_days,
	])
}

# risk_acceptances holds objects whose triage is an object, so object.get
# on f.triage cannot fail.
_violation(f, problem) := {
	"msg": sprintf("risk acceptance (%s) of finding %v %s", [f.triage.status, object.get(f, "id", "(no id)"), problem]),
	"evidence": array.concat(
		[sprintf("finding:%v", [object.get(f, "id", "(no id)")])],
		[concat("", ["asset:", a]) | some a in f.assets; is_string(a)],
	),
}

evidence contains e if {
	count(violations) == 0
	some f in posture.risk_acceptances
	e := posture.finding_ref(f)
}
