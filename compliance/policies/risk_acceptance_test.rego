package aspm.test.controls.risk_acceptance

import data.aspm.controls.risk_acceptance
import data.aspm.test.fixtures
import rego.v1

accepted(id, triage) := fixtures.finding(id, {"triage": object.union({"status": "accepted_risk"}, triage)})

test_pass_owned_and_expiring if {
	p := fixtures.with_findings([
		accepted("f1", {"author": "alice", "justification": "compensating WAF rule", "expires": "2025-12-31T00:00:00Z"}),
		fixtures.finding("f2", {"triage": {"status": "wont_fix", "author": "bob", "expires": "2026-06-01T00:00:00+02:00"}}),
		fixtures.finding("f-fp", {"triage": {"status": "false_positive"}}),
	])
	risk_acceptance.applicable with input as p
	count(risk_acceptance.violations) == 0 with input as p
	risk_acceptance.evidence == {"finding:f1", "finding:f2"} with input as p
}

test_fail_no_author_no_expiry if {
	p := fixtures.with_findings([accepted("f1", {"author": " "})])
	risk_acceptance.violations == {
		{
			"msg": "risk acceptance (accepted_risk) of finding f1 has no author",
			"evidence": ["finding:f1", "asset:component:pkg:npm/lodash@4.17.20"],
		},
		{
			"msg": "risk acceptance (accepted_risk) of finding f1 has no expiry",
			"evidence": ["finding:f1", "asset:component:pkg:npm/lodash@4.17.20"],
		},
	} with input as p
	count(risk_acceptance.evidence) == 0 with input as p
}

test_fail_zero_time_is_no_expiry if {
	p := fixtures.with_findings([accepted("f1", {"author": "alice", "expires": "0001-01-01T00:00:00Z"})])
	{v.msg | some v in risk_acceptance.violations} == {"risk acceptance (accepted_risk) of finding f1 has no expiry"} with input as p
}

test_fail_invalid_or_distant_expiry if {
	p := fixtures.with_findings([
		accepted("f1", {"author": "alice", "expires": "2025-02-30T00:00:00Z"}),
		accepted("f2", {"author": "alice", "expires": "2099-01-01T00:00:00Z"}),
		accepted("f3", {"author": "alice", "expires": 1767139200}),
	])
	msgs := {v.msg | some v in risk_acceptance.violations} with input as p
	msgs == {
		"risk acceptance (accepted_risk) of finding f1 has an invalid expiry \"2025-02-30T00:00:00Z\"",
		"risk acceptance (accepted_risk) of finding f2 expires at 2099-01-01T00:00:00Z, more than 365 days after the posture",
		"risk acceptance (accepted_risk) of finding f3 has no expiry",
	}
}

test_pass_distant_expiry_with_longer_limit if {
	p := fixtures.with_findings([accepted("f2", {"author": "alice", "expires": "2027-01-01T00:00:00Z"})])
	count(risk_acceptance.violations) == 0 with input as p with data.aspm.config.risk_acceptance_max_days as 730
	count(risk_acceptance.violations) == 1 with input as p
}

test_not_applicable_without_acceptances if {
	p := fixtures.with_findings([
		fixtures.finding("f1", {}),
		accepted("f-fixed", {"author": "alice", "expires": "2025-12-31T00:00:00Z"}),
	])
	q := json.patch(p, [{"op": "replace", "path": "/findings/1/open", "value": false}])
	not risk_acceptance.applicable with input as q
	not risk_acceptance.applicable with input as fixtures.empty
}
