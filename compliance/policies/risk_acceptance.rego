# METADATA
# title: Risk acceptances have an owner and an expiry
# description: >-
#   Every risk acceptance (a finding triaged accepted_risk or wont_fix that
#   is not fixed) names its author, who owns the decision, and expires at a
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

violations contains v if {
	some f in posture.risk_acceptances
	some problem in _problems(f)
	v := {
		"msg": sprintf("risk acceptance (%s) of finding %s %s", [f.triage.status, posture.id(f), problem]),
		"evidence": posture.finding_evidence(f),
	}
}

# _problems(f) is the set of what is wrong with a risk acceptance.
_problems(f) := (({p | p := _no_author(f)} | {p | p := _no_expiry(f)}) | {p | p := _bad_expiry(f)}) | {p | p := _far_expiry(f)}

# Note: "not fn(x.y)" is undefined, not true, when x.y is undefined, so the
# fields are read with posture.text, which is always defined.
_no_author(f) := "has no author" if not posture.nonempty(posture.text(f.triage, "author"))

_no_expiry(f) := "has no expiry" if not posture.set_time(posture.text(f.triage, "expires"))

_bad_expiry(f) := sprintf("has an invalid expiry %q", [f.triage.expires]) if {
	posture.set_time(f.triage.expires)
	not posture.valid_timestamp(f.triage.expires)
}

_far_expiry(f) := sprintf("expires at %s, more than %d days after the posture", [
	f.triage.expires,
	posture.risk_acceptance_max_days,
]) if {
	(posture.ts_ns(f.triage.expires) - posture.now_ns) > posture.risk_acceptance_max_days * posture.day_ns
}

evidence contains e if {
	count(violations) == 0
	some f in posture.risk_acceptances
	e := sprintf("finding:%s", [posture.id(f)])
}
