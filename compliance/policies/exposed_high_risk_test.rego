package aspm.test.controls.exposed_high_risk

import data.aspm.controls.exposed_high_risk
import data.aspm.test.fixtures
import rego.v1

# high(id, asset, patch) is a P2 finding on asset.
high(id, asset, patch) := fixtures.finding(id, object.union({"assets": [asset], "risk": {"priority": "P2"}}, patch))

test_pass_no_high_risk_finding if {
	p := fixtures.with_findings([fixtures.finding("f-p3", {})])
	exposed_high_risk.applicable with input as p
	count(exposed_high_risk.violations) == 0 with input as p
	exposed_high_risk.evidence == {"asset:service:shop/api"} with input as p
}

test_pass_unreachable_internal_or_triaged if {
	p := fixtures.with_findings([
		high("f-unreachable", fixtures.lodash, {"risk": {"reachability": "unreachable"}}),
		high("f-internal", fixtures.worker_image, {}),
		high("f-triaged", fixtures.api_image, {"suppressed": true, "triage": {"status": "not_affected", "author": "carol"}}),
		high("f-repo", fixtures.repo, {}),
	])
	count(exposed_high_risk.violations) == 0 with input as p
}

test_fail_reachable_through_dependencies if {
	# api deploys api_image, which contains express, which depends on lodash.
	p := fixtures.with_findings([high("f-lodash", fixtures.lodash, {"risk": {"reachability": "reachable"}})])
	exposed_high_risk.violations == {{
		"msg": "finding f-lodash (P2, reachability reachable) is open on internet-exposed component:pkg:npm/lodash@4.17.20",
		"evidence": ["finding:f-lodash", "asset:component:pkg:npm/lodash@4.17.20"],
	}} with input as p
	count(exposed_high_risk.evidence) == 0 with input as p
}

test_fail_unknown_or_missing_reachability if {
	p := fixtures.with_findings([
		high("f-unknown", fixtures.api, {"risk": {"priority": "P1", "reachability": "unknown"}}),
		json.remove(high("f-missing", fixtures.api_image, {}), ["risk/reachability"]),
	])
	msgs := {v.msg | some v in exposed_high_risk.violations} with input as p
	msgs == {
		"finding f-unknown (P1, reachability unknown) is open on internet-exposed service:shop/api",
		"finding f-missing (P2, reachability not analysed) is open on internet-exposed image:ghcr.io/acme/api:1.0",
	}
}

test_fail_exposed_by_endpoint_or_ingress if {
	p := object.union(fixtures.posture, {
		"assets": array.concat(fixtures.assets, [
			{"id": "endpoint:https://shop.example/", "kind": "endpoint", "name": "https://shop.example/", "exposure": "internet"},
			{"id": "cloud_resource:lb", "kind": "cloud_resource", "name": "lb", "exposure": "internet"},
			{"id": "service:a", "kind": "service", "name": "a"},
			{"id": "service:b", "kind": "service", "name": "b"},
		]),
		"edges": array.concat(fixtures.edges, [
			{"from": "service:a", "to": "endpoint:https://shop.example/", "type": "exposes"},
			{"from": "cloud_resource:lb", "to": "service:b", "type": "exposes"},
		]),
		"findings": [high("f-a", "service:a", {}), high("f-b", "service:b", {}), high("f-ep", "endpoint:https://shop.example/", {"kind": "dast"})],
	})
	ids := {v.evidence[0] | some v in exposed_high_risk.violations} with input as p
	ids == {"finding:f-a", "finding:f-b", "finding:f-ep"}
}

test_not_applicable_no_internet_service if {
	p := object.union(fixtures.posture, {"assets": [a | some a in fixtures.assets; a.id != fixtures.api]})
	not exposed_high_risk.applicable with input as p
	not exposed_high_risk.applicable with input as fixtures.empty
}
