package correlate

import "time"

// ScanSummary is one scan a store applied, as stores that keep a table of
// scans record it (correlate/sqlite and correlate/postgres Scans). It is a
// plain value, safe to copy and share.
type ScanSummary struct {
	// Seq numbers the scans of a store in the order they were saved,
	// across tenants and applications; a store may leave gaps (a
	// PostgreSQL transaction retried or rolled back).
	Seq int64 `json:"seq"`
	// Tenant and Application scope the scan; ID names it (IDs may repeat).
	Tenant      string `json:"tenant,omitempty"`
	Application string `json:"application,omitempty"`
	ID          string `json:"id"`
	// At is the scan's time, in UTC.
	At time.Time `json:"at"`
	// Findings counts the scan's findings, duplicates included.
	Findings int `json:"findings"`
	// New, Reopened, Updated, Unchanged and Fixed count the changes by
	// state.
	New       int `json:"new"`
	Reopened  int `json:"reopened"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Fixed     int `json:"fixed"`
	// Modified counts the records the scan wrote.
	Modified int `json:"modified"`
}
