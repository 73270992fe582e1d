package aspm.test.controls.coverage

import data.aspm.controls.coverage_sast
import data.aspm.controls.coverage_sca
import data.aspm.controls.coverage_secrets
import data.aspm.test.fixtures
import rego.v1

# without(kind) is the fixture posture less its coverage of kind.
without(kind) := object.union(fixtures.posture, {"coverage": [c | some c in fixtures.coverage; c.kind != kind]})

test_pass_sast if {
	coverage_sast.applicable with input as fixtures.posture
	count(coverage_sast.violations) == 0 with input as fixtures.posture
	coverage_sast.evidence == {"asset:repository:github.com/acme/shop"} with input as fixtures.posture
}

test_pass_sca if {
	coverage_sca.applicable with input as fixtures.posture
	count(coverage_sca.violations) == 0 with input as fixtures.posture
	coverage_sca.evidence == {"asset:repository:github.com/acme/shop"} with input as fixtures.posture
}

test_pass_secrets if {
	coverage_secrets.applicable with input as fixtures.posture
	count(coverage_secrets.violations) == 0 with input as fixtures.posture
	coverage_secrets.evidence == {"asset:repository:github.com/acme/shop"} with input as fixtures.posture
}

test_pass_secrets_spelled_secrets if {
	p := object.union(without("secret"), {"coverage": array.concat(
		without("secret").coverage,
		[{"asset": fixtures.repo, "tool": "trufflehog", "kind": "secrets", "at": "2025-06-20T10:00:00+02:00"}],
	)})
	count(coverage_secrets.violations) == 0 with input as p
}

test_fail_sast_missing if {
	p := without("sast")
	coverage_sast.violations == {{
		"msg": "production repository repository:github.com/acme/shop has no SAST coverage",
		"evidence": ["asset:repository:github.com/acme/shop"],
	}} with input as p
	count(coverage_sast.evidence) == 0 with input as p
	count(coverage_sca.violations) == 0 with input as p
}

test_fail_sca_missing if {
	some v in coverage_sca.violations with input as without("sca")
	v.msg == "production repository repository:github.com/acme/shop has no SCA coverage"
}

test_fail_secrets_missing if {
	some v in coverage_secrets.violations with input as without("secret")
	v.msg == "production repository repository:github.com/acme/shop has no secret scanning coverage"
}

test_fail_stale_scan if {
	p := object.union(fixtures.posture, {"coverage": [
		{"asset": fixtures.repo, "tool": "gosec", "kind": "sast", "at": "2025-01-01T00:00:00Z"},
		{"asset": fixtures.repo, "tool": "semgrep", "kind": "sast", "at": "2025-03-01T00:00:00Z"},
	]})
	coverage_sast.violations == {{
		"msg": "production repository repository:github.com/acme/shop was last scanned by SAST at 2025-03-01T00:00:00Z, more than 90 days before the posture",
		"evidence": ["asset:repository:github.com/acme/shop"],
	}} with input as p
}

test_pass_stale_scan_with_longer_window if {
	p := object.union(fixtures.posture, {"coverage": [{"asset": fixtures.repo, "tool": "gosec", "kind": "sast", "at": "2025-03-01T00:00:00Z"}]})
	count(coverage_sast.violations) == 0 with input as p with data.aspm.config.coverage_max_age_days as 180
}

test_pass_scan_time_unreadable_is_not_stale if {
	p := object.union(fixtures.posture, {"coverage": [{"asset": fixtures.repo, "tool": "gosec", "kind": "sast", "at": "yesterday"}]})
	count(coverage_sast.violations) == 0 with input as p
}

test_fail_production_by_runs_in_and_tag if {
	p := object.union(fixtures.posture, {
		"assets": array.concat(fixtures.assets, [
			{"id": "repository:a", "kind": "repository", "name": "a"},
			{"id": "repository:b", "kind": "repository", "name": "b", "tags": ["Production"]},
			{"id": "repository:c", "kind": "repository", "name": "c", "environment": "production"},
			{"id": "repository:d", "kind": "repository", "name": "d", "environment": "staging"},
		]),
		"edges": array.concat(fixtures.edges, [{"from": "repository:a", "to": "environment:production", "type": "runs_in"}]),
	})
	ids := {v.evidence[0] | some v in coverage_sast.violations} with input as p
	ids == {"asset:repository:a", "asset:repository:b", "asset:repository:c"}
}

test_not_applicable_no_production_repository if {
	p := object.union(fixtures.posture, {"edges": [e | some e in fixtures.edges; e.to != fixtures.repo]})
	not coverage_sast.applicable with input as p
	not coverage_sca.applicable with input as p
	not coverage_secrets.applicable with input as p
}

test_not_applicable_empty_posture if {
	not coverage_sast.applicable with input as fixtures.empty
	not coverage_sca.applicable with input as fixtures.empty
	not coverage_secrets.applicable with input as fixtures.empty
}
