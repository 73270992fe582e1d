# Unit tests of the baseline policy, run by go test (rego_test.go) with
# data.aspm.access.config set to decide.DefaultConfig().
package aspm.access.decide_test

import data.aspm.access.decide

# A request with no signal: no history needed, nothing sensitive.
base := {
	"principal": {"id": "aws:user:alice"},
	"action": "s3:GetObject",
	"context": {"time": "2025-03-03T10:00:00Z"},
	"derived": {"sensitive": false, "time_zone": "UTC", "hour": 10, "history": 0, "hours_seen": []},
}

# base with a familiar history of 12 events between 08 and 11 h.
familiar := object.union(base, {"derived": {"history": 12, "hours_seen": [8, 9, 10, 11]}})

# cfg overrides settings of the default configuration.
cfg(over) := object.union(data.aspm.access.config, over)

rules(d) := {r.rule | some r in d.reasons}

test_no_signal_allows if {
	d := decide.decision with input as base
	d.outcome == "allow"
	d.risk == 0
	count(d.reasons) == 0
}

test_impossible_travel if {
	req := object.union(base, {"derived": {"travel": {"distance_km": 5837.1, "hours": 1, "speed_kmh": 5837, "from_city": "New York", "from_country": "US"}}})
	d := decide.decision with input as req
	rules(d) == {"impossible_travel"}
	d.risk == 70
	d.outcome == "step_up"
	some r in d.reasons
	r.message == "5837.1 km from New York, US in 1 h (5837 km/h)"
}

test_travel_below_speed_is_fine if {
	req := object.union(base, {"derived": {"travel": {"distance_km": 800, "hours": 2, "speed_kmh": 400}}})
	d := decide.decision with input as req
	d.outcome == "allow"
}

test_short_hop_is_noise if {
	req := object.union(base, {"derived": {"travel": {"distance_km": 50, "hours": 0.01, "speed_kmh": 5000}}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_unusual_hour if {
	req := object.union(familiar, {"derived": {"hour": 3}})
	d := decide.decision with input as req
	rules(d) == {"unusual_hour"}
	d.outcome == "allow" # 15 points alone stay under the step-up threshold
}

test_hour_within_tolerance if {
	req := object.union(familiar, {"derived": {"hour": 12}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_hour_tolerance_wraps_midnight if {
	req := object.union(familiar, {"derived": {"hour": 0, "hours_seen": [23]}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_unusual_hour_needs_history if {
	req := object.union(base, {"derived": {"hour": 3, "history": 9, "hours_seen": [10]}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_new_network_device_country if {
	req := object.union(familiar, {
		"context": {"network": "AS64500", "device": {"id": "dev-9"}, "location": {"country": "BR"}},
		"derived": {"network_seen": false, "device_seen": false, "country_seen": false},
	})
	d := decide.decision with input as req
	rules(d) == {"new_network", "new_device", "new_country"}
	d.risk == 70
	d.outcome == "step_up"
}

test_seen_network_is_fine if {
	req := object.union(familiar, {"context": {"network": "AS64500"}, "derived": {"network_seen": true}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_new_network_needs_history if {
	req := object.union(base, {"context": {"network": "AS64500"}, "derived": {"history": 3, "network_seen": false}})
	d := decide.decision with input as req
	count(d.reasons) == 0
}

test_sensitive_without_mfa_steps_up if {
	req := object.union(base, {"action": "iam:CreateUser", "derived": {"sensitive": true}})
	d := decide.decision with input as req
	rules(d) == {"sensitive_without_mfa"}
	d.outcome == "step_up"
}

test_sensitive_step_up_whatever_the_thresholds if {
	req := object.union(base, {"action": "iam:CreateUser", "derived": {"sensitive": true}})
	d := decide.decision with input as req with data.aspm.access.config as cfg({"step_up_threshold": 90})
	d.outcome == "step_up"
}

test_sensitive_with_mfa_allows if {
	req := object.union(base, {"action": "iam:CreateUser", "context": {"mfa": true}, "derived": {"sensitive": true}})
	d := decide.decision with input as req
	d.outcome == "allow"
}

test_disabled_principal_denies if {
	req := object.union(base, {"principal": {"attributes": {"disabled": "TRUE"}}})
	d := decide.decision with input as req
	rules(d) == {"principal_disabled"}
	d.outcome == "deny"
	d.risk == 100
}

test_deny_lists if {
	req := object.union(base, {"context": {"ip": "203.0.113.7", "network": "AS666", "location": {"country": "kp"}}})
	d := decide.decision with input as req
		with data.aspm.access.config as cfg({
			"deny_cidrs": ["203.0.113.0/24"],
			"deny_networks": ["AS666"],
			"deny_countries": ["KP"],
			"deny_principals": ["aws:user:alice"],
		})
	count([r | some r in d.reasons; r.rule == "deny_list"]) == 4
	d.outcome == "deny"
}

test_deny_threshold if {
	req := object.union(familiar, {
		"context": {"network": "AS64500", "device": {"id": "dev-9"}, "location": {"country": "BR"}},
		"derived": {"network_seen": false, "device_seen": false, "country_seen": false, "hour": 3},
	})
	d := decide.decision with input as req
	d.risk == 85
	d.outcome == "deny"
}

test_risk_capped_at_100 if {
	req := object.union(familiar, {
		"action": "iam:CreateUser",
		"context": {"network": "AS64500", "device": {"id": "dev-9"}},
		"derived": {"sensitive": true, "network_seen": false, "device_seen": false, "travel": {"distance_km": 9000, "hours": 1, "speed_kmh": 9000}},
	})
	d := decide.decision with input as req
	d.risk == 100
	d.outcome == "deny"
}

test_thresholds_from_config if {
	req := object.union(familiar, {"derived": {"hour": 3}})
	d := decide.decision with input as req with data.aspm.access.config as cfg({"step_up_threshold": 10})
	d.outcome == "step_up"
}
