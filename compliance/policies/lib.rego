# Helpers shared by the built-in controls: defensive views of the posture
# document (aspm-posture/1) and the predicates the controls agree on.
#
# Robustness: the controls run with strict builtin errors, so a builtin
# that receives a value of the wrong type would abort the evaluation of
# every control. Builtin calls here are guarded by type checks, timestamps
# are validated before they are parsed, and fields are otherwise compared
# with == and in, which never fail: a posture with missing fields, nulls or
# values of the wrong type is judged on what it holds. Enumerated values
# (kinds, severities, states, priorities) are compared as the posture
# schema spells them: lower case, priorities "P1".."P4".
#
# Speed: a posture may hold 100,000 findings, and OPA spends about a
# microsecond on each expression it evaluates, so what runs once per
# finding is kept to a few plain comparisons (no function calls), each list
# is filtered once into a complete rule that the controls share, and the
# violations build their evidence inline.
#
# Beware a Rego subtlety when extending this file: "not f(x.y)" is
# undefined, not true, when x.y is undefined; read such fields with text()
# or object.get first.
#
# Custom controls may import this package (import data.aspm.lib.posture) as
# long as the built-in library is loaded.
package aspm.lib.posture

import rego.v1

# --- The posture's lists ----------------------------------------------------

assets := _index.assets if _indexed

else := _objects("assets")

edges := _index.edges if _indexed

else := [e |
	some e in _objects("edges")
	is_string(e.from)
	is_string(e.to)
]

# _assets_by_kind maps each kind that is a string to the assets of that
# kind, in order; _edges_by_type maps each edge type that is a string to
# the edges of that type, in order.
_assets_by_kind := _index.assets_by_kind if _indexed

else := {k: [a | some a in assets; a.kind == k] |
	some k in {a.kind | some a in assets; is_string(a.kind)}
}

_edges_by_type := _index.edges_by_type if _indexed

else := {t: [e | some e in edges; e.type == t] |
	some t in {e.type | some e in edges; is_string(e.type)}
}

# findings is not filtered element by element, for speed: every rule that
# reads a finding's fields first tests one of them with == or in, which
# only an object can pass.
findings := input.findings if is_array(input.findings)

else := []

coverage := _objects("coverage")

sboms := _objects("sboms")

access := _objects("access")

_objects(key) := [x |
	is_array(input[key])
	some x in input[key]
	is_object(x)
]

# --- Indexed groupings -------------------------------------------------------

# The aspm engine hands the groupings of the findings below (open, active,
# by SLA flag, by kind, by priority, by acceptance, by asset), of the
# assets (by kind) and of the edges (by type, and the runtime adjacency)
# in input._aspm_index, computed in Go in one pass over each list: the
# same lists as the Rego passes that follow each "else", which run when
# the index is absent (opa eval, opa test, another engine), in the same
# order but for active_secrets_without_path, exposed_high_risk_findings
# and the adjacency lists of _runtime_next (which are read as sets). The
# engine replaces any _aspm_index a posture brings.
_indexed if is_object(input._aspm_index)

_index := input._aspm_index

# --- Scalars ----------------------------------------------------------------

# str(x) is x when x is a string, "" otherwise.
str(x) := x if is_string(x)

else := ""

# text(x, path) is the string at path (a key or an array of keys) in the
# object x, "" when absent or not a string.
text(x, path) := str(object.get(x, path, ""))

# nonempty(x) holds for a string with more than white space.
nonempty(x) if {
	is_string(x)
	trim_space(x) != ""
}

# tags(a) is an asset's tags, lower-cased.
tags(a) := {lower(t) |
	is_array(a.tags)
	some t in a.tags
	is_string(t)
}

# prop(a, name) is an asset's property name as a string ("" when absent).
prop(a, name) := str(a.properties[name]) if is_object(a.properties)

else := ""

# --- Time -------------------------------------------------------------------

# now_ns is the posture's generated_at in nanoseconds since the epoch;
# undefined when generated_at is missing or not a valid RFC 3339 timestamp.
now_ns := ts_ns(input.generated_at)

# today is the calendar date (YYYY-MM-DD) of generated_at; undefined when
# generated_at is not valid.
today := substring(input.generated_at, 0, 10) if valid_timestamp(input.generated_at)

day_ns := ((24 * 60) * 60) * 1000000000

# ts_ns(s) parses an RFC 3339 timestamp to nanoseconds; undefined (never an
# error) when s is not a valid timestamp between the years 1700 and 2261.
ts_ns(s) := time.parse_rfc3339_ns(s) if valid_timestamp(s)

# set_time(s) holds when s names a moment: a non-empty string other than
# Go's zero time, which encoders write for "never".
set_time(s) if {
	nonempty(s)
	not startswith(s, "0001-01-01T00:00:00")
}

_timestamp_re := `^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`

# valid_timestamp(s) holds for an RFC 3339 timestamp that
# time.parse_rfc3339_ns accepts without error.
valid_timestamp(s) if {
	is_string(s)
	regex.match(_timestamp_re, s)
	valid_date(substring(s, 0, 10))
}

# valid_date(s) holds for a calendar date YYYY-MM-DD between the years 1700
# and 2261 (the range a nanosecond timestamp can hold, with a margin).
valid_date(s) if {
	is_string(s)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, s)
	y := to_number(substring(s, 0, 4))
	m := to_number(substring(s, 5, 2))
	d := to_number(substring(s, 8, 2))
	y >= 1700
	y <= 2261
	d >= 1
	d <= _days_in_month(y, m)
}

_days_in_month(_, m) := 31 if m in {1, 3, 5, 7, 8, 10, 12}

_days_in_month(_, m) := 30 if m in {4, 6, 9, 11}

_days_in_month(y, 2) := 29 if _leap(y)

_days_in_month(y, 2) := 28 if not _leap(y)

_leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

_leap(y) if y % 400 == 0

# --- Configuration ----------------------------------------------------------
#
# Two thresholds can be set as data (a data.json in a bundle, or a Rego
# module "package aspm.config"):
#   data.aspm.config.coverage_max_age_days      default 90
#   data.aspm.config.risk_acceptance_max_days   default 365

coverage_max_age_days := d if {
	d := data.aspm.config.coverage_max_age_days
	is_number(d)
	d > 0
} else := 90

risk_acceptance_max_days := d if {
	d := data.aspm.config.risk_acceptance_max_days
	is_number(d)
	d > 0
} else := 365

# --- Findings ---------------------------------------------------------------
#
# The lists below are complete rules, each computed once per evaluation.

# is_open(f): the finding is still present: its open field is not false.
# (The builder sets open false for a fixed finding; state is not read.)
is_open(f) if not f.open == false

# suppressed(f): the finding is suppressed at generated_at: its suppressed
# field is true. The posture's suppressed field is the one authority: the
# builder sets it from an active triage decision (correlate decides whether
# an acceptance has expired), a suppression the tool recorded, or a VEX
# status of not_affected or fixed. The triage object is kept for the
# record and for the risk-acceptance control; a hand-written posture that
# triages a finding sets suppressed as well.
suppressed(f) if f.suppressed == true

# active(f): open and not suppressed, the findings controls judge.
active(f) if {
	is_open(f)
	not suppressed(f)
}

# open_findings are the findings that are open.
#
# The lists below are built by grouping: {k: fs | some k in K; fs := [f |
# ...; f.field == k]} is a comprehension OPA indexes on k, so it reads the
# list once for every k, one comparison per element. OPA reads the list
# again for a key whose group is empty, so each grouping prepends one
# sentinel per key and drops it (array.slice(fs, 1, ...)): no group is
# empty. When some finding's flag is not a boolean (a hand-written
# posture), the list is filtered instead, a second pass.
open_findings := _index.open if _indexed

else := _by_open[true] if {
	count(_by_open[true]) + count(_by_open[false]) == count(findings)
} else := [f |
	some f in findings
	is_object(f)
	not f.open == false
]

_by_open := {o: array.slice(fs, 1, count(fs)) |
	some o in [true, false]
	fs := [f |
		some f in array.concat([{"open": true}, {"open": false}], findings)
		f.open == o
	]
}

# active_findings are the findings that are open and not suppressed.
active_findings := _index.active if _indexed

else := _open_by_suppressed[false] if {
	count(_open_by_suppressed[true]) + count(_open_by_suppressed[false]) == count(open_findings)
} else := [f |
	some f in open_findings
	not f.suppressed == true
]

_open_by_suppressed := {s: array.slice(fs, 1, count(fs)) |
	some s in [true, false]
	fs := [f |
		some f in array.concat([{"suppressed": true}, {"suppressed": false}], open_findings)
		f.suppressed == s
	]
}

# past_sla(f): the finding's SLA is breached: by its sla.breached flag, or,
# when it has no boolean flag, by an sla.due date before generated_at.
past_sla(f) if f.sla.breached == true

past_sla(f) if {
	not f.sla.breached == false
	not f.sla.breached == true
	ts_ns(f.sla.due) < now_ns
}

# overdue_findings are the active findings past their SLA.
overdue_findings := array.concat(_overdue_flagged, _overdue_by_date)

_overdue_flagged := _index.overdue_flagged if _indexed

else := _active_by_breached[true]

# within_sla_findings are the active findings whose SLA is not breached:
# sla.breached is false or, without that flag, sla.due is generated_at or
# later.
within_sla_findings := array.concat(_within_sla_flagged, _within_sla_by_date)

_within_sla_flagged := _index.within_sla_flagged if _indexed

else := _active_by_breached[false]

# _active_by_breached groups the active findings by their boolean
# sla.breached flag in one pass.
_active_by_breached := {b: array.slice(fs, 1, count(fs)) |
	some b in [true, false]
	fs := [f |
		some f in array.concat([{"sla": {"breached": true}}, {"sla": {"breached": false}}], active_findings)
		f.sla.breached == b
	]
}

# Findings without a boolean breached flag (a hand-written posture) are
# judged by their due date; the passes are skipped when every finding has
# one.
_all_flagged if count(_overdue_flagged) + count(_within_sla_flagged) == count(active_findings)

_overdue_by_date := [f |
	not _all_flagged
	some f in active_findings
	not f.sla.breached == true
	not f.sla.breached == false
	ts_ns(f.sla.due) < now_ns
]

_within_sla_by_date := [f |
	not _all_flagged
	some f in active_findings
	not f.sla.breached == true
	not f.sla.breached == false
	ts_ns(f.sla.due) >= now_ns
]

# secret_findings and access_findings are the findings of kind secret and
# access, active or not.
secret_findings := _index.secret if _indexed

else := _by_kind.secret

access_findings := _index.access if _indexed

else := _by_kind.access

_by_kind := {k: array.slice(fs, 1, count(fs)) |
	some k in ["secret", "access"]
	fs := [f |
		some f in array.concat([{"kind": "secret"}, {"kind": "access"}], findings)
		f.kind == k
	]
}

# active_secret_findings and active_access_findings are the secret and
# access findings that are active.
active_secret_findings := _index.active_secret if _indexed

else := [f |
	some f in secret_findings
	not f.open == false
	not f.suppressed == true
]

# active_secrets_with_path are the active secret findings whose
# location.path is a string with more than white space;
# active_secrets_without_path are the others.
active_secrets_with_path := _index.active_secret_with_path if _indexed

else := [f |
	some f in active_secret_findings
	p := f.location.path
	is_string(p)
	trim_space(p) != ""
]

active_secrets_without_path := _index.active_secret_without_path if _indexed

else := array.concat(
	[f |
		some f in active_secret_findings
		not is_string(object.get(f, ["location", "path"], null))
	],
	[f |
		some f in active_secret_findings
		p := f.location.path
		is_string(p)
		trim_space(p) == ""
	],
)

active_access_findings := _index.active_access if _indexed

else := [f |
	some f in access_findings
	not f.open == false
	not f.suppressed == true
]

# urgent(f): the finding is critical or its vulnerability is in CISA's KEV
# catalog.
urgent(f) if f.severity == "critical"

urgent(f) if {
	not f.severity == "critical"
	f.risk.kev == true
}

# urgent_overdue_findings and urgent_within_sla_findings are the urgent
# findings among overdue_findings and within_sla_findings.
urgent_overdue_findings := array.concat(_urgent_overdue_flagged, [f |
	some f in _overdue_by_date
	urgent(f)
])

_urgent_overdue_flagged := _index.urgent_overdue_flagged if _indexed

else := [f |
	some f in _overdue_flagged
	urgent(f)
]

urgent_within_sla_findings := array.concat(_urgent_within_sla_flagged, [f |
	some f in _within_sla_by_date
	urgent(f)
])

_urgent_within_sla_flagged := _index.urgent_within_sla_flagged if _indexed

else := [f |
	some f in _within_sla_flagged
	urgent(f)
]

# --- Evidence references ----------------------------------------------------
#
# A passing control cites what it checked, which for the lists below may be
# most of the posture's findings. The engine's index carries their
# references ("finding:<id>", in list order) when every finding's id is a
# string, computed in Go; otherwise, and without the index, they are
# computed here.

_refs_indexed if is_object(_index.refs)

# within_sla_refs are the references of within_sla_findings.
within_sla_refs := array.concat(_index.refs.within_sla_flagged, [concat("", ["finding:", f.id]) |
	some f in _within_sla_by_date
]) if _refs_indexed

else := [finding_ref(f) | some f in within_sla_findings]

# urgent_within_sla_refs are the references of urgent_within_sla_findings.
urgent_within_sla_refs := array.concat(_index.refs.urgent_within_sla_flagged, [concat("", ["finding:", f.id]) |
	some f in _within_sla_by_date
	urgent(f)
]) if _refs_indexed

else := [finding_ref(f) | some f in urgent_within_sla_findings]

# secret_refs and access_refs are the references of secret_findings and
# access_findings.
secret_refs := _index.refs.secret if _refs_indexed

else := [finding_ref(f) | some f in secret_findings]

# active_secrets_with_path_evidence is finding_evidence of each of
# active_secrets_with_path, in order.
active_secrets_with_path_evidence := _index.refs.active_secret_with_path_evidence if _refs_indexed

else := [finding_evidence(f) | some f in active_secrets_with_path]

access_refs := _index.refs.access if _refs_indexed

else := [finding_ref(f) | some f in access_findings]

# kev(f): CISA's KEV catalog lists the vulnerability (risk.kev is true).
kev(f) if f.risk.kev == true

# finding_ref(f) is "finding:<id>", the id written as sprintf's %v writes
# it when it is not a string, "(no id)" when there is none.
finding_ref(f) := concat("", ["finding:", f.id]) if is_string(f.id)

else := sprintf("finding:%v", [object.get(f, "id", "(no id)")]) if is_object(f)

else := "finding:(no id)"

# finding_evidence(f) is ["finding:<id>", "asset:<id>"...], the assets in
# the posture's order (the builder sorts them).
finding_evidence(f) := array.concat([finding_ref(f)], [concat("", ["asset:", a]) |
	some a in f.assets
	is_string(a)
])

# --- Assets -----------------------------------------------------------------

# services is the set of service assets.
services := {a.id |
	some a in _assets_by_kind.service
	is_string(a.id)
}

# production_ids is the set of assets that run in production: their
# environment is production, or they have a runs_in edge to an environment
# asset whose environment is production.
production_ids := {a.id |
	some a in assets
	a.environment == "production"
	is_string(a.id)
} | {e.from |
	some e in _edges_by_type.runs_in
	e.to in _production_environments
}

_production_environments := {a.id |
	some a in _assets_by_kind.environment
	a.environment == "production"
}

# production_repositories is the set of repositories that ship to
# production: the repository itself is production (environment, runs_in, or
# the tag "production"), or a production asset (an application, a service)
# contains it.
production_repositories := {a.id |
	some a in _assets_by_kind.repository
	is_string(a.id)
	_production_repository(a)
}

_production_repository(a) if a.id in production_ids

_production_repository(a) if "production" in tags(a)

_production_repository(a) if a.id in _contained_in_production

_contained_in_production := {e.to |
	some e in _edges_by_type.contains
	e.from in production_ids
}

# dependency_assets are the components (third-party packages) and container
# images of the inventory, the components first.
dependency_assets := [a |
	some k in ["component", "image"]
	some a in _assets_by_kind[k]
	is_string(a.id)
]

# --- Coverage ---------------------------------------------------------------

# coverage_kind(c) is a coverage record's kind, with "secrets" read as
# "secret".
coverage_kind(c) := "secret" if c.kind == "secrets"

else := str(c.kind)

# stale(c): the record's scan time is more than coverage_max_age_days
# before generated_at. A record whose age cannot be computed is not stale.
stale(c) if now_ns - ts_ns(c.at) > coverage_max_age_days * day_ns

# covered_by_kind maps each coverage kind in the posture, and always "sast",
# "sca" and "secret", to the set of assets with a coverage record of that
# kind that is not stale.
covered_by_kind := {k: covered |
	some k in ({"sast", "sca", "secret"} | {coverage_kind(c) | some c in coverage})
	covered := {c.asset |
		some c in _fresh_coverage
		c.kind == k
	}
}

_fresh_coverage := [{"kind": coverage_kind(c), "asset": c.asset} |
	some c in coverage
	is_string(c.asset)
	not stale(c)
]

# last_scan(k, asset) is the newest scan time of kind k recorded for asset
# (as written); undefined when none. The times are grouped by an object
# comprehension, which OPA builds in one pass with a comprehension index
# (a partial object rule would be evaluated key by key, at a far higher
# cost per key).
last_scan(k, asset) := _last_scans[[k, asset]]

_last_scans := {key: max(times) |
	some key in {c.key | some c in _scans}
	times := [c.at | some c in _scans; c.key == key]
}

_scans := [{"key": [coverage_kind(c), c.asset], "at": c.at} |
	some c in coverage
	is_string(c.asset)
	is_string(c.at)
]

# --- Deployments and SBOMs --------------------------------------------------

# deploy_edges are the deploys edges (a service runs an image).
deploy_edges := object.get(_edges_by_type, "deploys", [])

# deployed_images is the set of assets some deploys edge points to.
deployed_images := {e.to | some e in deploy_edges}

# deploying_services is the set of assets with a deploys edge.
deploying_services := {e.from | some e in deploy_edges}

# sbom_assets is the set of assets with an SBOM recorded.
sbom_assets := {s.asset |
	some s in sboms
	is_string(s.asset)
}

# sbom_covered is the set of assets whose SBOM is known: recorded for the
# asset, or, for an image, recorded for a service that deploys it.
sbom_covered := sbom_assets | {e.to |
	some e in deploy_edges
	e.from in sbom_assets
}

# --- Internet exposure ------------------------------------------------------

# internet_ids is the set of assets whose exposure is internet.
internet_ids := {a.id |
	some a in assets
	a.exposure == "internet"
	is_string(a.id)
}

# internet_services is the set of services reachable from the internet: the
# service's exposure is internet, it exposes an internet-facing asset (an
# endpoint), or an internet-facing asset (a load balancer, an ingress)
# exposes it.
internet_services := (services & internet_ids) | {x |
	some e in _edges_by_type.exposes
	some x in _exposed_end(e)
}

_exposed_end(e) := {e.from} if {
	e.from in services
	e.to in internet_ids
} else := {e.to} if {
	e.to in services
	e.from in internet_ids
} else := set()

# exposed_assets is the set of assets that make up an internet-facing
# service: the services themselves and every asset reachable from them over
# deploys, contains, depends_on and exposes edges (the images they deploy,
# their packages and the packages those depend on, the endpoints they
# serve), up to 16 edges away.
exposed_assets := union({
	internet_services,
	_hop1,
	_hop2,
	_hop3,
	_hop4,
	_hop5,
	_hop6,
	_hop7,
	_hop8,
	_hop9,
	_hop10,
	_hop11,
	_hop12,
	_hop13,
	_hop14,
	_hop15,
	_hop16,
})

_runtime_edges := [[e.from, e.to] |
	some t in ["deploys", "contains", "depends_on", "exposes"]
	some e in _edges_by_type[t]
]

# _runtime_next maps each asset to the assets one runtime edge away from
# it (the engine's index holds it). The inner comprehension is indexed on
# from, so the edges are read once. (An object comprehension, not a
# partial object rule: OPA evaluates a partial rule key by key, which
# costs far more.)
_runtime_next := _index.runtime_next if _indexed

else := {from: tos |
	some from in {e[0] | some e in _runtime_edges}
	tos := [e[1] |
		some e in _runtime_edges
		e[0] == from
	]
}

# _next(frontier, seen) is the set of assets one edge away from frontier
# that are not in seen. Each step reads only the edges leaving its
# frontier.
_next(frontier, seen) := {to |
	some from in frontier
	some to in _runtime_next[from]
	not to in seen
}

_seen1 := internet_services

_hop1 := _next(internet_services, _seen1)

_seen2 := _seen1 | _hop1

_hop2 := _next(_hop1, _seen2)

_seen3 := _seen2 | _hop2

_hop3 := _next(_hop2, _seen3)

_seen4 := _seen3 | _hop3

_hop4 := _next(_hop3, _seen4)

_seen5 := _seen4 | _hop4

_hop5 := _next(_hop4, _seen5)

_seen6 := _seen5 | _hop5

_hop6 := _next(_hop5, _seen6)

_seen7 := _seen6 | _hop6

_hop7 := _next(_hop6, _seen7)

_seen8 := _seen7 | _hop7

_hop8 := _next(_hop7, _seen8)

_seen9 := _seen8 | _hop8

_hop9 := _next(_hop8, _seen9)

_seen10 := _seen9 | _hop9

_hop10 := _next(_hop9, _seen10)

_seen11 := _seen10 | _hop10

_hop11 := _next(_hop10, _seen11)

_seen12 := _seen11 | _hop11

_hop12 := _next(_hop11, _seen12)

_seen13 := _seen12 | _hop12

_hop13 := _next(_hop12, _seen13)

_seen14 := _seen13 | _hop13

_hop14 := _next(_hop13, _seen14)

_seen15 := _seen14 | _hop14

_hop15 := _next(_hop14, _seen15)

_seen16 := _seen15 | _hop15

_hop16 := _next(_hop15, _seen16)

# exposed_high_risk_findings are the active findings of priority P1 or P2,
# not known unreachable, linked to an exposed asset (a finding linked to
# several is listed once per such asset). With the engine's index, which
# lists those findings under each asset they name, only the exposed
# assets' findings are read; without it, the priorities are gathered in
# one pass over the active findings (an indexed comprehension on p), and
# membership is tested before any per-finding set is built.
#
# Such intermediate lists live here rather than in the control packages:
# the engine evaluates data.aspm.controls whole, so every complete rule of
# a control package, private or not, is part of its result.
exposed_high_risk_findings := [f |
	some a in exposed_assets
	some f in _index.high_risk_by_asset[a]
	not f.risk.reachability == "unreachable"
] if _indexed

else := [f |
	some f in _high_risk
	not f.risk.reachability == "unreachable"
	some a in f.assets
	a in exposed_assets
]

_high_risk := array.concat(_index.P1, _index.P2) if _indexed

else := array.concat(_by_priority.P1, _by_priority.P2)

_by_priority := {p: array.slice(fs, 1, count(fs)) |
	some p in ["P1", "P2"]
	fs := [f |
		some f in array.concat([{"risk": {"priority": "P1"}}, {"risk": {"priority": "P2"}}], active_findings)
		f.risk.priority == p
	]
}

# --- Risk acceptances -------------------------------------------------------

# risk_acceptances are the open findings whose triage status accepts the
# risk (accepted_risk, wont_fix), whether or not it has expired.
risk_acceptances := array.concat(_index.accepted_risk, _index.wont_fix) if _indexed

else := array.concat(_open_by_triage.accepted_risk, _open_by_triage.wont_fix)

_open_by_triage := {s: array.slice(fs, 1, count(fs)) |
	some s in ["accepted_risk", "wont_fix"]
	fs := [f |
		some f in array.concat([{"triage": {"status": "accepted_risk"}}, {"triage": {"status": "wont_fix"}}], open_findings)
		f.triage.status == s
	]
}

# triage_expiry_ns maps each distinct expiry of the risk acceptances that
# is a valid timestamp to ts_ns of it: each distinct string is validated
# and parsed once, however many findings carry it. An expiry missing from
# it is not a valid timestamp.
triage_expiry_ns := {s: n |
	some s in {x |
		some f in risk_acceptances
		x := f.triage.expires
		is_string(x)
	}
	n := ts_ns(s)
}
