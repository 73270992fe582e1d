package correlate

import "time"

// Order chooses the order of the records a [Query] selects.
type Order int

// The orders.
const (
	// ByID (the default) orders records by ID, byte-wise.
	ByID Order = iota
	// ByLastSeen orders records newest first by last-seen time, then by
	// ID: the portal's findings list. Records with a zero last-seen time
	// come first, as PostgreSQL sorts NULL first in a descending order.
	ByLastSeen
)

// Query is a selection of records, which stores that can filter in their
// database implement (the correlate/sqlite and correlate/postgres
// stores, with their Records method): the portal's findings list, for
// one tenant's application. Its zero value selects every record, by ID;
// each field set narrows the selection, and the fields combine with AND.
// A store refuses a query with a negative Limit, an unknown Order or a
// time it cannot hold.
//
// It is a plain value, safe to copy and share; a store does not modify
// its slices.
type Query struct {
	// Open selects the records the latest scan of their tool saw.
	Open bool
	// States selects records in any of these states.
	States []State
	// Severities selects records whose finding has any of these
	// severities (canonical names, as findings.Severity spells them).
	Severities []string
	// Cluster selects the records of one cluster.
	Cluster string
	// Tool selects the records of one tool, by name.
	Tool string
	// Triage selects records with this triage status, expired or not.
	Triage TriageStatus
	// TriageExpiresBefore selects records whose triage has an expiry
	// before this time (accepted risks about to lapse); a triage without
	// an expiry never does.
	TriageExpiresBefore time.Time
	// Order orders the records; see [ByID] and [ByLastSeen].
	Order Order
	// Limit bounds the number of records; zero means no bound.
	Limit int
}
