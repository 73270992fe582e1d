// Package decide makes adaptive access decisions: given who asks to do
// what, from where, on which device, and what the same principal did
// recently, it answers allow, step up (ask for a second factor) or deny,
// with a risk score and the reasons behind it. Decisions are Rego
// policies run in aspm's OPA sandbox; a readable baseline policy ships
// with the package and teams extend or replace it.
//
// # Deciding
//
// [New] compiles the policies once and prepares the decision query;
// [Decider.Decide] judges one [Request] and returns a [Decision]: an
// [Outcome] ([Allow], [StepUp] or [Deny]), a risk score from 0 to 100 and
// the reasons ([Reason]) that fired. A Decider is safe for concurrent use. A
// decision takes a fraction of a millisecond, much of it spent converting
// the history for Rego (see BenchmarkDecide).
//
// Decide fails closed: with an error (an invalid request, a policy past
// [Options.Timeout], a policy breaking the contract below) the Decision
// returned is a [Deny].
//
// Policies have no clock: the time of the request is
// [Context.Time], and the history carries its own times.
//
// # The request
//
// A [Request] is a JSON document, read by [DecodeRequest] and described
// by a JSON Schema (draft-07) that [Schema] returns (file
// request.schema.json). Field names are snake_case; unknown fields are
// errors:
//
//	{
//	  "principal": {"id": "aws:user:alice",      // required
//	                "kind": "user", "mfa": "yes", // mfa enrolled: "yes", "no", ""
//	                "roles": ["analyst"], "attributes": {"disabled": "false"},
//	                "time_zone": "Europe/Paris"}, // IANA; hours are read in it
//	  "action": "s3:GetObject",                   // required
//	  "resource": "arn:aws:s3:::reports",
//	  "sensitive": false,                         // force "sensitive"
//	  "context": {"time": "2025-03-03T10:00:00Z", // required, RFC 3339
//	              "ip": "198.51.100.23",
//	              "location": {"country": "FR", "city": "Paris", "lat": 48.8566, "lon": 2.3522},
//	              "device": {"id": "laptop-42", "managed": true},
//	              "network": "AS3215",            // ASN, named range, VPN
//	              "mfa": true},                   // second factor presented now
//	  "history": [                                // newest last, at most MaxHistory
//	    {"time": "...", "ip": "...", "location": {...}, "device_id": "...",
//	     "network": "...", "action": "...", "resource": "...", "outcome": "success"}
//	  ]
//	}
//
// Coordinates (0, 0) mean unknown. Only history events with an empty
// outcome, "allow" or "success" are familiar (see [EventAllow]): failed,
// denied or challenged attempts never make a place, device or network
// usual. [Request.Validate] checks the rules the schema states, and
// [MaxRequestBytes] and [MaxHistory] bound a request. The policy sees the
// most recent [Options.PolicyHistory] events (default
// [DefaultPolicyHistory]) in input.history; the derived fields below
// summarize the whole history.
//
// [DecodeRequest] holds a request to limits as it reads it: at most
// [MaxRequestBytes], no string longer than limits.MaxStringBytes, no
// nesting deeper than limits.MaxDepth ([ErrLimit] at the byte). A number
// out of range (a latitude of 1e400) is [ErrInvalid] naming the field. A
// key given twice keeps its last value and invalid UTF-8 becomes U+FFFD,
// as with encoding/json; the request is then validated as usual. Errors
// name the input when the reader has a Name method (an *os.File).
//
// # Derived fields
//
// Rego has no trigonometry, and every rule should read the history the
// same way, so Decide computes a few facts in Go and gives the policy the
// request with an extra object, input.derived:
//
//   - sensitive: the action matches a pattern of sensitive_actions
//     ([access.MatchFold]: "*" any run, "?" one character, case ignored)
//     or the request is marked sensitive; sensitive_pattern names the
//     pattern.
//   - hour and time_zone: the request's hour, 0-23, in the principal's
//     time zone (UTC when none).
//   - history: how many familiar events the history holds; hours_seen:
//     their distinct hours in the same time zone, sorted.
//   - network_seen, device_seen, country_seen: whether the request's
//     network, device or country appears in a familiar event; absent when
//     the request has none.
//   - travel: distance_km (great circle, haversine), hours and speed_kmh
//     from the newest familiar event with coordinates, with from_city,
//     from_country and from_time; absent without such an event or without
//     coordinates in the request. A zero interval counts as one second.
//
// # The baseline
//
// The baseline (package aspm.access.decide, file policy/baseline.rego,
// see [Baseline]) adds risk points for each signal:
//
//   - impossible_travel ([RuleImpossibleTravel], 70 points): faster than
//     max_speed_kmh (900) over at least min_travel_km (100 km; shorter
//     jumps are geolocation noise). Needs one located event.
//   - unusual_hour (15): no familiar event within hour_tolerance hours (1)
//     of the request's hour.
//   - new_network (20), new_device (25), new_country (25): not seen in the
//     history.
//   - sensitive_without_mfa (40, at least [StepUp]): a sensitive action
//     without a second factor in this session.
//   - principal_disabled and deny_list (100, [Deny]): the principal's
//     "disabled" attribute is "true", or the principal, country, network
//     or address is on a deny list.
//
// The history rules (unusual hour, new network, device, country) stay
// silent until the history holds min_history (10) familiar events.
// The risk is the sum of the points, capped at 100; the outcome is deny
// when a reason demands it or the risk reaches deny_threshold (80),
// step up when a reason demands it or the risk reaches step_up_threshold
// (40), allow otherwise.
//
// # Configuration
//
// Settings live in data.aspm.access.config: [DefaultConfig] merged with
// [Options.Data] (objects merge, other values replace), checked by [New]
// ([ErrConfig]):
//
//	deny_threshold, step_up_threshold   0-100, step-up <= deny (80, 40)
//	min_history                          familiar events the history rules need (10)
//	hour_tolerance                       0-12 hours (1)
//	max_speed_kmh, min_travel_km         impossible travel (900, 100)
//	risk.<rule>                          points per rule, 0-100
//	sensitive_actions                    patterns ("iam:*", "*:Delete*", "secrets:*", "admin:*")
//	deny_principals, deny_countries, deny_networks, deny_cidrs   deny lists (empty)
//
// Other keys are kept for custom policies.
//
// # The decision contract
//
// [Decider.Decide] evaluates [Query], data.aspm.access.decide.decision,
// which must be an object:
//
//	{"outcome": "allow" | "step_up" | "deny",
//	 "risk": number,                      // capped to 0..100
//	 "reasons": [{"rule": "non-empty string", "message": "string",
//	              "risk": number, "outcome": "step_up" | "deny" (optional)}]}
//
// An undefined or malformed decision is an error ([ErrContract]). The
// reasons come back sorted (highest risk first, then rule and message),
// and the outcome is raised to the strongest reason outcome.
//
// To extend the baseline, add modules in package aspm.access.decide
// ([Options.Policies], [Options.Dirs]) that add objects to the set
// reasons:
//
//	package aspm.access.decide
//
//	reasons contains {"rule": "payroll", "message": "payroll data", "risk": 30} if {
//		startswith(input.resource, "arn:aws:s3:::payroll")
//	}
//
// Their points count in the baseline's sum, and an "outcome" of "deny" or
// "step_up" overrides the thresholds. To replace the baseline, set
// [Options.DisableBaseline] and define decision yourself; [New] refuses a
// policy set in which no module does.
//
// # The sandbox
//
// Policies compile in strict mode with the capabilities of
// internal/opasandbox: a call of http.send, net.lookup_ip_addr,
// time.now_ns or another builtin reaching outside the policy fails in
// [New] with a [*ForbiddenBuiltinError] ([ErrForbiddenBuiltin]), and a
// runaway policy stops at [Options.Timeout] ([DefaultTimeout]) with a
// [*TimeoutError]. [Options.UnsafeCapabilities] lifts the restriction for
// policies you trust. This is the only access package that imports OPA.
package decide
