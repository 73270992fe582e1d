# The baseline adaptive access policy of aspm.
#
# Input: the request document (principal, action, resource, sensitive,
# context, history) plus input.derived, facts the Go side computes because
# Rego has no trigonometry and so that every rule reads the history the
# same way:
#
#   derived.sensitive       the action is sensitive (request flag or a
#                           config.sensitive_actions pattern)
#   derived.hour            the request's hour, 0-23, in derived.time_zone
#   derived.history         how many familiar events the history holds
#   derived.hours_seen      the distinct hours of those events, sorted
#   derived.network_seen    the request's network appears in them (absent
#   derived.device_seen     when the request has no network, device or
#   derived.country_seen    country)
#   derived.travel          distance_km, hours and speed_kmh from the last
#                           located familiar event (absent without one)
#
# Settings come from data.aspm.access.config (decide.DefaultConfig merged
# with Options.Data).
#
# Contract: every rule adds an object {rule, message, risk[, outcome]} to
# the set `reasons`; `decision` sums the risk points (capped at 100) and
# chooses the outcome. Extend the policy by adding modules in this package
# that add to `reasons`; replace it by disabling the baseline and defining
# `decision` yourself.
package aspm.access.decide

config := data.aspm.access.config

# History-based rules stay silent until the history is long enough to say
# what is usual.
enough_history if input.derived.history >= config.min_history

# Impossible travel: the principal would have had to move faster than
# max_speed_kmh since the last place they were seen. Short jumps (under
# min_travel_km) are geolocation noise and ignored.
reasons contains {
	"rule": "impossible_travel",
	"message": sprintf("%v km from %v in %v h (%v km/h)", [t.distance_km, place(t), t.hours, t.speed_kmh]),
	"risk": config.risk.impossible_travel,
} if {
	t := input.derived.travel
	t.distance_km >= config.min_travel_km
	t.speed_kmh > config.max_speed_kmh
}

place(t) := concat(", ", [s | some s in [object.get(t, "from_city", ""), object.get(t, "from_country", "")]; s != ""])

# Unusual hour: no familiar event within hour_tolerance hours (on the
# 24-hour clock) of the request's hour.
reasons contains {
	"rule": "unusual_hour",
	"message": sprintf("request at %02d h %v; usual hours %v", [input.derived.hour, input.derived.time_zone, input.derived.hours_seen]),
	"risk": config.risk.unusual_hour,
} if {
	enough_history
	not near_usual_hour(input.derived.hour)
}

near_usual_hour(h) if {
	some seen in input.derived.hours_seen
	hour_distance(h, seen) <= config.hour_tolerance
}

hour_distance(a, b) := min([abs(a - b), 24 - abs(a - b)])

# New network, device, country: never seen in a long enough history.
reasons contains {
	"rule": "new_network",
	"message": sprintf("network %q not seen in %d events", [input.context.network, input.derived.history]),
	"risk": config.risk.new_network,
} if {
	enough_history
	input.derived.network_seen == false
}

reasons contains {
	"rule": "new_device",
	"message": sprintf("%s device %q not seen in %d events", [managed, input.context.device.id, input.derived.history]),
	"risk": config.risk.new_device,
} if {
	enough_history
	input.derived.device_seen == false
	managed := device_kind
}

default device_kind := "unmanaged"

device_kind := "managed" if input.context.device.managed

reasons contains {
	"rule": "new_country",
	"message": sprintf("country %q not seen in %d events", [input.context.location.country, input.derived.history]),
	"risk": config.risk.new_country,
} if {
	enough_history
	input.derived.country_seen == false
}

# A sensitive action without a second factor in this session needs a step
# up whatever the risk.
reasons contains {
	"rule": "sensitive_without_mfa",
	"message": sprintf("sensitive action %q without a second factor", [input.action]),
	"risk": config.risk.sensitive_without_mfa,
	"outcome": "step_up",
} if {
	input.derived.sensitive
	not input.context.mfa
}

# Hard rules: deny whatever the risk.
reasons contains {
	"rule": "principal_disabled",
	"message": sprintf("principal %q is disabled", [input.principal.id]),
	"risk": 100,
	"outcome": "deny",
} if {
	lower(input.principal.attributes.disabled) == "true"
}

reasons contains {"rule": "deny_list", "message": msg, "risk": 100, "outcome": "deny"} if {
	some msg in deny_listed
}

deny_listed contains sprintf("principal %q is on the deny list", [input.principal.id]) if {
	input.principal.id in config.deny_principals
}

deny_listed contains sprintf("country %q is on the deny list", [input.context.location.country]) if {
	some c in config.deny_countries
	upper(c) == upper(input.context.location.country)
}

deny_listed contains sprintf("network %q is on the deny list", [input.context.network]) if {
	input.context.network in config.deny_networks
}

deny_listed contains sprintf("address %s is in denied range %s", [input.context.ip, cidr]) if {
	some cidr in config.deny_cidrs
	net.cidr_contains(cidr, input.context.ip)
}

# The decision. reason_list is a complete rule, evaluated once per
# decision, while each reference to the set reasons would evaluate every
# rule again.
reason_list := [r | some r in reasons]

risk := min([100, sum([r.risk | some r in reason_list])])

outcome := "deny" if {
	some r in reason_list
	r.outcome == "deny"
} else := "deny" if {
	risk >= config.deny_threshold
} else := "step_up" if {
	some r in reason_list
	r.outcome == "step_up"
} else := "step_up" if {
	risk >= config.step_up_threshold
} else := "allow"

decision := {"outcome": outcome, "risk": risk, "reasons": reason_list}
