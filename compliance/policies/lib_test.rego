package aspm.test.lib

import data.aspm.lib.posture
import data.aspm.test.fixtures
import rego.v1

test_valid_timestamps if {
	every s in [
		"2025-06-30T00:00:00Z",
		"2024-02-29T23:59:59.123456789Z",
		"2025-06-30T12:00:00+05:30",
		"1970-01-01T00:00:00-00:00",
		"1700-01-01T00:00:00Z",
		"2261-12-31T23:59:59Z",
	] {
		posture.valid_timestamp(s)
		is_number(posture.ts_ns(s))
	}
}

test_invalid_timestamps_are_undefined_not_errors if {
	every s in [
		"",
		"2025-06-30",
		"2025-06-30 00:00:00Z",
		"2025-02-29T00:00:00Z",
		"2100-02-29T00:00:00Z",
		"2025-04-31T00:00:00Z",
		"2025-13-01T00:00:00Z",
		"2025-00-10T00:00:00Z",
		"2025-06-00T00:00:00Z",
		"2025-06-30T24:00:00Z",
		"2025-06-30T23:60:00Z",
		"2025-06-30T23:59:60Z",
		"2025-06-30T00:00:00+24:00",
		"2025-06-30T00:00:00.1234567890Z",
		"2025-06-30t00:00:00z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
		"1677-01-01T00:00:00Z",
		"tomorrow",
		42,
		null,
		true,
		["2025-06-30T00:00:00Z"],
		{"at": "2025-06-30T00:00:00Z"},
	] {
		not posture.valid_timestamp(s)
		not posture.ts_ns(s)
	}
}

test_timestamp_order if {
	posture.ts_ns("2025-06-30T00:00:00+02:00") < posture.ts_ns("2025-06-30T00:00:00Z")
	posture.ts_ns("2025-06-30T00:00:00.5Z") > posture.ts_ns("2025-06-30T00:00:00Z")
}

test_now_and_today if {
	posture.now_ns == 1751241600000000000 with input as fixtures.posture
	posture.today == "2025-06-30" with input as fixtures.posture
	not posture.now_ns with input as {"generated_at": "now"}
	not posture.today with input as {}
}

test_strings_and_text if {
	posture.str(1) == ""
	posture.str("a") == "a"
	posture.text({"a": {"b": "c"}}, ["a", "b"]) == "c"
	posture.text({"a": "s"}, ["a", "b"]) == ""
	posture.text({"a": 3}, "a") == ""
	posture.nonempty(" a ")
	not posture.nonempty(" ")
	not posture.nonempty(1)
	posture.tags({"tags": ["Prod", 1]}) == {"prod"}
	posture.prop({"properties": {"eol": "true"}}, "eol") == "true"
	posture.prop({"properties": "eol"}, "eol") == ""
	posture.prop({}, "eol") == ""
}

test_lists_keep_objects_only if {
	p := {"assets": [{"id": "a"}, "b", null, 3], "findings": {"id": "f"}, "edges": "x"}
	posture.assets == [{"id": "a"}] with input as p
	posture.findings == [] with input as p
	posture.edges == [] with input as p
	posture.coverage == [] with input as p
	posture.assets == [] with input as "not an object"
}

test_open_and_suppressed if {
	posture.is_open({"id": "f"})
	not posture.is_open({"id": "f", "open": false})
	posture.is_open({"id": "f", "state": "fixed"})
	posture.is_open({"id": "f", "open": "no"})
	posture.suppressed({"suppressed": true, "triage": null})
	not posture.suppressed({"suppressed": false, "triage": null})
	not posture.suppressed({"suppressed": "yes"})

	# The suppressed field is the one authority: the builder folds an
	# active triage decision into it, so a triage object alone suppresses
	# nothing.
	not posture.suppressed({"triage": {"status": "false_positive"}})
	not posture.suppressed({"suppressed": false, "triage": {"status": "accepted_risk", "expires": "2025-12-31T00:00:00Z"}})
}

# The grouped lists hold exactly the findings their flags put there,
# whether every flag is a boolean (one pass) or some are missing or of
# another type (the second pass), and never a grouping sentinel.
test_lists_by_flags if {
	flagged := [
		{"id": "a", "open": true, "suppressed": false, "kind": "secret", "sla": {"breached": true}, "risk": {"priority": "P1"}},
		{"id": "b", "open": true, "suppressed": true, "kind": "secret", "sla": {"breached": true}, "risk": {"priority": "P1"}},
		{"id": "c", "open": false, "suppressed": false, "kind": "access", "sla": {"breached": false}, "triage": {"status": "wont_fix"}},
		{"id": "d", "open": true, "suppressed": false, "kind": "sca", "sla": {"breached": false}, "risk": {"priority": "P2"}, "triage": {"status": "accepted_risk"}},
	]
	ids(posture.open_findings) == ["a", "b", "d"] with input as {"findings": flagged}
	ids(posture.active_findings) == ["a", "d"] with input as {"findings": flagged}
	ids(posture.overdue_findings) == ["a"] with input as {"findings": flagged}
	ids(posture.within_sla_findings) == ["d"] with input as {"findings": flagged}
	ids(posture.secret_findings) == ["a", "b"] with input as {"findings": flagged}
	ids(posture.active_secret_findings) == ["a"] with input as {"findings": flagged}
	ids(posture.access_findings) == ["c"] with input as {"findings": flagged}
	ids(posture.active_access_findings) == [] with input as {"findings": flagged}
	ids(posture.risk_acceptances) == ["d"] with input as {"findings": flagged}
	ids(posture._high_risk) == ["a", "d"] with input as {"findings": flagged}

	unflagged := [
		{"id": "e"},
		{"id": "f", "open": "yes", "suppressed": null},
		{"id": "g", "open": false},
		{"id": "h", "open": true, "suppressed": 1},
		{"id": "i", "open": true, "suppressed": true},
		"not a finding",
	]
	ids(posture.open_findings) == ["e", "f", "h", "i"] with input as {"findings": unflagged}
	ids(posture.active_findings) == ["e", "f", "h"] with input as {"findings": unflagged}

	ids(posture.active_findings) == [] with input as {"findings": []}
	ids(posture.secret_findings) == [] with input as {"findings": []}
}

ids(fs) := sort([f.id | some f in fs])

test_risk_fields if {
	posture.kev({"risk": {"kev": true}})
	not posture.kev({"risk": {"kev": {"listed": true}}})
	not posture.kev({"risk": {"kev": "yes"}})
	posture.finding_ref({"id": "f"}) == "finding:f"
	posture.finding_ref({"id": 7}) == "finding:7"
	posture.finding_ref("f") == "finding:(no id)"
	posture.finding_evidence({"id": "f", "assets": ["b", 1, "a"]}) == ["finding:f", "asset:b", "asset:a"]
	posture.finding_evidence({"id": "f", "assets": "a"}) == ["finding:f"]
}

test_past_sla if {
	posture.past_sla({"sla": {"breached": true}})
	posture.past_sla({"sla": {"due": "2025-06-29T00:00:00Z"}}) with input as fixtures.posture
	not posture.past_sla({"sla": {"due": "2025-07-01T00:00:00Z", "breached": false}}) with input as fixtures.posture
	not posture.past_sla({"sla": {"due": "2025-06-29T00:00:00Z"}}) with input as fixtures.empty_no_date
	not posture.past_sla({"sla": "breached"})
}

test_production_and_exposure if {
	posture.production_repositories == {fixtures.repo} with input as fixtures.posture
	fixtures.worker in posture.production_ids with input as fixtures.posture
	posture.internet_services == {fixtures.api} with input as fixtures.posture
	posture.exposed_assets == {fixtures.api, fixtures.api_image, fixtures.express, fixtures.lodash} with input as fixtures.posture
}

test_coverage_lookup if {
	posture.covered_by_kind == {
		"sast": {fixtures.repo},
		"sca": {fixtures.repo},
		"secret": {fixtures.repo},
	} with input as fixtures.posture
	posture.covered_by_kind == {"sast": set(), "sca": set(), "secret": set()} with input as fixtures.empty
	posture.last_scan("sast", fixtures.repo) == "2025-06-01T00:00:00Z" with input as fixtures.posture
	not posture.last_scan("sast", fixtures.tools_repo) with input as fixtures.posture
}

test_config_defaults_and_overrides if {
	posture.coverage_max_age_days == 90
	posture.risk_acceptance_max_days == 365
	posture.coverage_max_age_days == 30 with data.aspm.config.coverage_max_age_days as 30
	posture.coverage_max_age_days == 90 with data.aspm.config.coverage_max_age_days as "30"
	posture.risk_acceptance_max_days == 365 with data.aspm.config.risk_acceptance_max_days as -1
}

# hostile is a set of inputs of the wrong shape everywhere; every control
# must evaluate them without error (the Go test runs this file with strict
# builtin errors) and give each a defined applicable.
hostile := [
	null,
	"posture",
	[],
	{},
	{"generated_at": 20250630, "assets": "a", "edges": {}, "findings": 1, "coverage": null, "sboms": [null], "access": "x"},
	{
		"generated_at": "2025-02-30T00:00:00Z",
		"assets": [
			{"id": 1, "kind": ["repository"], "environment": {}, "exposure": 7, "tags": "eol", "properties": ["eol"]},
			{"id": "repository:r", "kind": "repository", "environment": "production", "tags": [1, null], "properties": {"eol": 1}},
			{"id": "component:c", "kind": "component", "properties": {"eol": "2024-13-45"}},
			{"id": "service:s", "kind": "service", "exposure": "internet"},
		],
		"edges": [
			{"from": "service:s", "to": 3, "type": "deploys"},
			{"from": null, "to": "service:s", "type": "exposes"},
			{"from": "service:s", "to": "service:s", "type": "depends_on"},
			{"from": "service:s", "to": "component:c", "type": ["contains"]},
		],
		"findings": [
			null,
			"finding",
			7,
			[{"kind": "secret"}],
			{"id": null, "kind": 3, "severity": ["critical"], "assets": "service:s", "open": "yes", "state": 1, "triage": {"status": 1, "expires": 2}, "risk": "P1", "sla": 5},
			{"id": "f", "kind": "secret", "severity": "critical", "assets": ["service:s", 2], "triage": {"status": "accepted_risk", "author": 5, "expires": "never"}, "risk": {"priority": 1, "kev": "true", "reachability": 0}, "sla": {"due": "2025-99-01T00:00:00Z", "breached": "true"}, "location": "x", "rule_id": 9, "title": null},
			{"id": "g", "kind": "access", "triage": {"status": "wont_fix", "expires": "2261-12-31T23:59:59-23:59"}, "risk": {"priority": "P2"}, "assets": ["service:s"]},
		],
		"coverage": [{"asset": 1, "kind": "sast", "at": "x"}, {"asset": "repository:r", "kind": 2, "at": 3}, {"asset": "repository:r", "kind": "sca", "at": "1600-01-01T00:00:00Z"}],
		"sboms": [{"asset": ["service:s"]}],
		"access": [{"principal": 1, "issue": 2}, {"principal": "p", "issue": "too broad", "resolved": "no"}],
	},
]

test_hostile_inputs_evaluate if {
	every p in hostile {
		controls := data.aspm.controls with input as p
		count(controls) == 11
		every name, c in controls {
			is_string(name)
			is_boolean(c.applicable)
			is_set(c.violations)
		}
	}
}
