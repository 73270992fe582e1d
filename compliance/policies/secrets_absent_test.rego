package aspm.test.controls.secrets_absent

import data.aspm.controls.secrets_absent
import data.aspm.test.fixtures
import rego.v1

secret(id, patch) := fixtures.finding(id, object.union(
	{
		"kind": "secret",
		"tool": "gitleaks",
		"rule_id": "aws-access-token",
		"title": "AWS access token",
		"severity": "high",
		"package": null,
		"location": {"path": "config/prod.env"},
		"assets": [fixtures.repo],
	},
	patch,
))

test_pass_scanned_no_secret if {
	secrets_absent.applicable with input as fixtures.posture
	count(secrets_absent.violations) == 0 with input as fixtures.posture
	secrets_absent.evidence == {"asset:repository:github.com/acme/shop"} with input as fixtures.posture
}

test_pass_secret_fixed_or_false_positive if {
	p := fixtures.with_findings([
		secret("s-fixed", {"state": "fixed", "open": false}),
		secret("s-fp", {"suppressed": true, "triage": {"status": "false_positive", "author": "bob", "justification": "test fixture"}}),
	])
	count(secrets_absent.violations) == 0 with input as p
	secrets_absent.evidence == {"asset:repository:github.com/acme/shop", "finding:s-fixed", "finding:s-fp"} with input as p
}

test_fail_open_secret if {
	p := fixtures.with_findings([secret("s1", {}), fixtures.finding("f-sca", {})])
	secrets_absent.violations == {{
		"msg": "hard-coded secret s1 is open in config/prod.env",
		"evidence": ["finding:s1", "asset:repository:github.com/acme/shop"],
	}} with input as p
	count(secrets_absent.evidence) == 0 with input as p
}

test_fail_open_secret_in_image if {
	p := fixtures.with_findings([secret("s2", {"location": {"path": null, "image": "ghcr.io/acme/api:1.0"}})])
	some v in secrets_absent.violations with input as p
	v.msg == "hard-coded secret s2 is open in ghcr.io/acme/api:1.0"
}

test_fail_secret_where_path_is_blank_or_odd if {
	p := fixtures.with_findings([
		secret("s-blank", {"location": {"path": " \t", "image": "ghcr.io/acme/api:1.0"}}),
		secret("s-number", {"location": {"path": 7}}),
		secret("s-none", {"location": {"path": null}}),
	])
	{v.msg | some v in secrets_absent.violations} == {
		"hard-coded secret s-blank is open in ghcr.io/acme/api:1.0",
		"hard-coded secret s-number is open",
		"hard-coded secret s-none is open",
	} with input as p
}

test_fail_secret_without_scan_coverage if {
	# Secret findings make the control applicable even without coverage.
	p := object.union(fixtures.empty, {"findings": [secret("s3", {"location": null})]})
	secrets_absent.applicable with input as p
	some v in secrets_absent.violations with input as p
	v.msg == "hard-coded secret s3 is open"
}

test_not_applicable_no_secret_scanning if {
	p := object.union(fixtures.posture, {
		"coverage": [c | some c in fixtures.coverage; c.kind != "secret"],
		"findings": [fixtures.finding("f-sca", {})],
	})
	not secrets_absent.applicable with input as p
	not secrets_absent.applicable with input as fixtures.empty
}
