package aspm.test.controls.vm_sla_all

import data.aspm.controls.vm_sla_all
import data.aspm.test.fixtures
import rego.v1

test_pass_within_sla if {
	p := fixtures.with_findings([
		fixtures.finding("f1", {}),
		fixtures.finding("f2", {"severity": "low", "risk": {"priority": "P4"}}),
	])
	vm_sla_all.applicable with input as p
	count(vm_sla_all.violations) == 0 with input as p
	vm_sla_all.evidence == ["finding:f1", "finding:f2"] with input as p
}

test_fail_low_severity_past_sla if {
	p := fixtures.with_findings([
		fixtures.finding("f1", {}),
		fixtures.finding("f-low", object.union({"severity": "low", "risk": {"priority": "P4"}}, fixtures.breached)),
	])
	vm_sla_all.violations == {{
		"msg": "finding f-low (low, P4) is open past its SLA due date 2025-06-16T00:00:00Z",
		"evidence": ["finding:f-low", "asset:component:pkg:npm/lodash@4.17.20"],
	}} with input as p
	count(vm_sla_all.evidence) == 0 with input as p
}

test_fail_message_without_severity_or_due if {
	f := json.remove(fixtures.finding("f-bare", {"sla": {"breached": true}}), ["severity", "risk", "sla/due"])
	p := fixtures.with_findings([f])
	some v in vm_sla_all.violations with input as p
	v.msg == "finding f-bare (unknown severity, no priority) is open past its SLA due date (not given)"
}

test_pass_triaged_past_sla if {
	p := fixtures.with_findings([fixtures.finding("f1", object.union({"suppressed": true, "triage": {"status": "not_affected"}}, fixtures.breached))])
	count(vm_sla_all.violations) == 0 with input as p
}

test_not_applicable_empty_posture if {
	not vm_sla_all.applicable with input as fixtures.empty
}
