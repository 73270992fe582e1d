package aspm.test.controls.least_privilege

import data.aspm.controls.least_privilege
import data.aspm.test.fixtures
import rego.v1

access_finding(id, patch) := fixtures.finding(id, object.union(
	{
		"kind": "access",
		"tool": "aspm-access",
		"rule_id": "admin-role",
		"title": "service account has cluster-admin",
		"package": null,
		"assets": [fixtures.worker],
	},
	patch,
))

test_pass_reviewed_access if {
	p := object.union(fixtures.posture, {"access": [
		{"principal": "svc-api", "kind": "service_account"},
		{"principal": "bob", "kind": "user", "issue": "stale key", "resolved": true},
	]})
	least_privilege.applicable with input as p
	count(least_privilege.violations) == 0 with input as p
	least_privilege.evidence == {"principal:svc-api", "principal:bob"} with input as p
}

test_pass_fixed_access_finding if {
	p := fixtures.with_findings([access_finding("a1", {"state": "fixed", "open": false})])
	least_privilege.applicable with input as p
	count(least_privilege.violations) == 0 with input as p
	least_privilege.evidence == {"finding:a1"} with input as p
}

test_fail_open_access_finding if {
	p := fixtures.with_findings([access_finding("a1", {})])
	least_privilege.violations == {{
		"msg": "least-privilege finding a1 is open: service account has cluster-admin",
		"evidence": ["finding:a1", "asset:service:shop/worker"],
	}} with input as p
	count(least_privilege.evidence) == 0 with input as p
}

test_fail_access_entries if {
	p := object.union(fixtures.posture, {"access": [
		{"principal": "svc-worker", "kind": "service_account", "issue": "wildcard permissions"},
		{"principal": "dave", "issue": "admin without MFA"},
		{"issue": "orphaned role binding"},
		{"principal": "carol", "issue": ""},
	]})
	least_privilege.violations == {
		{"msg": "access entry service_account svc-worker reports wildcard permissions", "evidence": ["principal:svc-worker"]},
		{"msg": "access entry dave reports admin without MFA", "evidence": ["principal:dave"]},
		{"msg": "access entry #2 reports orphaned role binding", "evidence": ["access:2"]},
	} with input as p
}

test_not_applicable_no_access_data if {
	not least_privilege.applicable with input as fixtures.posture
	not least_privilege.applicable with input as fixtures.empty
}

test_applicable_with_access_review_coverage if {
	p := object.union(fixtures.posture, {"coverage": [{"asset": fixtures.worker, "tool": "access-review", "kind": "access", "at": fixtures.now}]})
	least_privilege.applicable with input as p
	count(least_privilege.violations) == 0 with input as p
}
