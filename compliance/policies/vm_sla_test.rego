package aspm.test.controls.vm_sla

import data.aspm.controls.vm_sla
import data.aspm.test.fixtures
import rego.v1

test_pass_critical_within_sla if {
	p := fixtures.with_findings([
		fixtures.finding("f-crit", {"severity": "critical"}),
		fixtures.finding("f-high-late", fixtures.breached),
	])
	vm_sla.applicable with input as p
	count(vm_sla.violations) == 0 with input as p
	vm_sla.evidence == ["finding:f-crit"] with input as p
}

test_pass_no_findings_with_coverage if {
	vm_sla.applicable with input as fixtures.posture
	count(vm_sla.violations) == 0 with input as fixtures.posture
	count(vm_sla.evidence) == 0 with input as fixtures.posture
}

test_fail_critical_past_sla if {
	p := fixtures.with_findings([fixtures.finding("f-crit", object.union({"severity": "critical"}, fixtures.breached))])
	vm_sla.violations == {{
		"msg": "finding f-crit (critical) is open past its SLA due date 2025-06-16T00:00:00Z",
		"evidence": ["finding:f-crit", "asset:component:pkg:npm/lodash@4.17.20"],
	}} with input as p
	count(vm_sla.evidence) == 0 with input as p
}

test_fail_kev_past_sla if {
	p := fixtures.with_findings([fixtures.finding("f-kev", object.union({"risk": {"kev": true}}, fixtures.breached))])
	some v in vm_sla.violations with input as p
	v.msg == "finding f-kev (high, in CISA KEV) is open past its SLA due date 2025-06-16T00:00:00Z"
}

test_fail_kev_due_date_only if {
	# No breached flag: the due date is compared with generated_at.
	p := fixtures.with_findings([fixtures.finding("f-kev", {
		"risk": {"kev": true},
		"sla": {"due": "2025-06-29T23:59:59Z", "breached": null},
	})])
	count(vm_sla.violations) == 1 with input as p
}

test_pass_suppressed_or_fixed if {
	p := fixtures.with_findings([
		fixtures.finding("f-fp", object.union(
			{"severity": "critical", "suppressed": true, "triage": {"status": "false_positive", "author": "alice"}},
			fixtures.breached,
		)),
		fixtures.finding("f-accepted", object.union(
			{"severity": "critical", "suppressed": true, "triage": {"status": "accepted_risk", "author": "alice", "expires": "2025-12-31T00:00:00Z"}},
			fixtures.breached,
		)),
		fixtures.finding("f-fixed", object.union({"severity": "critical", "state": "fixed", "open": false}, fixtures.breached)),
		fixtures.finding("f-vex", object.union({"severity": "critical", "suppressed": true, "vex": "not_affected"}, fixtures.breached)),
	])
	count(vm_sla.violations) == 0 with input as p
}

# The builder leaves an expired or unreadable acceptance unsuppressed; the
# triage object alone suppresses nothing.
test_fail_expired_or_unreadable_triage if {
	p := fixtures.with_findings([
		fixtures.finding("f-expired", object.union(
			{"severity": "critical", "triage": {"status": "accepted_risk", "author": "alice", "expires": "2025-06-01T00:00:00Z"}},
			fixtures.breached,
		)),
		fixtures.finding("f-garbled", object.union(
			{"severity": "critical", "triage": {"status": "accepted_risk", "author": "alice", "expires": "next year"}},
			fixtures.breached,
		)),
	])
	ids := {v.evidence[0] | some v in vm_sla.violations} with input as p
	ids == {"finding:f-expired", "finding:f-garbled"}
}

test_not_applicable_empty_posture if {
	not vm_sla.applicable with input as fixtures.empty
	count(vm_sla.violations) == 0 with input as fixtures.empty
}

test_not_applicable_null_lists if {
	p := {"version": "aspm-posture/1", "generated_at": fixtures.now, "findings": null, "coverage": null}
	not vm_sla.applicable with input as p
}
