package alert

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/kev"
)

// Type is the kind of an alert event. It is a plain string, safe for
// concurrent use.
type Type string

// The event types.
const (
	// TypeNewFinding: a finding appeared that the baseline did not have.
	TypeNewFinding Type = "new_finding"
	// TypeKEVListed: a finding's vulnerability is in CISA's catalog of
	// Known Exploited Vulnerabilities, because the finding is new or the
	// catalog added the vulnerability.
	TypeKEVListed Type = "kev_listed"
	// TypeSLABreached: a finding is still open after its SLA due date.
	TypeSLABreached Type = "sla_breached"
	// TypeReopened: a finding marked fixed was seen again.
	TypeReopened Type = "reopened"
	// TypeAcceptanceExpired: a risk acceptance (a suppression with an end
	// date) expired while the finding is still open.
	TypeAcceptanceExpired Type = "acceptance_expired"
)

// Types lists every event type, in a stable order.
var Types = []Type{TypeNewFinding, TypeKEVListed, TypeSLABreached, TypeReopened, TypeAcceptanceExpired}

// Valid reports whether t is one of the defined types.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// ParseType returns the Type named s, which must be one of the canonical
// names ("new_finding", "kev_listed", ...). Anything else gives an
// [*InputError] wrapping [ErrInvalid].
func ParseType(s string) (Type, error) {
	t := Type(s)
	if !t.Valid() {
		return "", invalid("", "unknown event type %q", s)
	}
	return t, nil
}

// UnmarshalText accepts the canonical type names only.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Event is one thing worth telling someone about: a new finding, a
// KEV-listed vulnerability, a breached SLA, a reopened finding, an expired
// risk acceptance. The correlate package and the embedding application
// produce events; [FromFinding] and [KEVListed] build them from a
// [findings.Finding].
//
// Its JSON encoding uses snake_case names and is stable; empty optional
// fields are omitted, and Details is written with its keys sorted.
//
// An Event is a plain value; it is safe to copy and to read from several
// goroutines, but not to modify concurrently. The package never modifies
// an Event it is given: it keeps copies.
type Event struct {
	// Type is the kind of event. Required.
	Type Type `json:"type"`
	// At is when the event happened (the scan time, the moment an SLA was
	// found breached). Required; it is kept in UTC.
	At time.Time `json:"at"`
	// Tenant, Application and Asset say where: which customer or
	// organization, which application, which asset (an image, a repository,
	// a service). Events are digested per tenant, application, asset, type
	// and rule.
	Tenant      string `json:"tenant,omitempty"`
	Application string `json:"application,omitempty"`
	Asset       string `json:"asset,omitempty"`
	// FindingID identifies the finding, as the caller tracks it across
	// scans.
	FindingID string `json:"finding_id,omitempty"`
	// RuleID is the rule or vulnerability that fired ([findings.Finding]'s
	// RuleID).
	RuleID string `json:"rule_id,omitempty"`
	// Title is a one-line summary.
	Title string `json:"title,omitempty"`
	// Severity is the finding's normalized severity; empty when not known.
	Severity findings.Severity `json:"severity,omitempty"`
	// Priority is the remediation priority from [risk.Score] (P1–P4);
	// empty when the finding was not scored.
	Priority risk.Priority `json:"priority,omitempty"`
	// VulnerabilityIDs holds the finding's vulnerability identifiers,
	// primary first.
	VulnerabilityIDs []string `json:"vulnerability_ids,omitempty"`
	// Details holds what else the receiver should know ("due": a date,
	// "kev_date_added": a date, "accepted_by": a name...).
	Details map[string]string `json:"details,omitempty"`
}

// Validate reports whether e can be raised: its Type must be valid, At
// non-zero, Severity empty or a valid severity, and Priority empty or one
// of P1–P4. The error is an [*InputError] naming the field, wrapping
// [ErrInvalid].
func (e Event) Validate() error {
	switch {
	case !e.Type.Valid():
		return invalid("type", "unknown event type %q", e.Type)
	case e.At.IsZero():
		return invalid("at", "event time is zero")
	case e.Severity != "" && !e.Severity.Valid():
		return invalid("severity", "invalid severity %q", e.Severity)
	case e.Priority != "" && e.Priority.Rank() > 4:
		return invalid("priority", "invalid priority %q (want P1, P2, P3 or P4)", e.Priority)
	}
	return nil
}

// Key returns the digest key e is grouped under.
func (e Event) Key() DigestKey {
	return DigestKey{Tenant: e.Tenant, Application: e.Application, Asset: e.Asset, Type: e.Type, RuleID: e.RuleID}
}

// clone returns a deep copy of e with At in UTC.
func (e *Event) clone() Event {
	c := *e
	c.At = e.At.UTC()
	c.VulnerabilityIDs = slices.Clone(e.VulnerabilityIDs)
	c.Details = maps.Clone(e.Details)
	return c
}

// FromFinding returns an event of type t about f at time at, with the
// finding's ID, rule, title, severity and vulnerability IDs. The caller
// sets Tenant, Application, Asset and Priority (from a [risk.Score]) and
// any Details.
func FromFinding(t Type, f *findings.Finding, at time.Time) Event {
	return Event{
		Type:             t,
		At:               at.UTC(),
		FindingID:        f.ID,
		RuleID:           f.RuleID,
		Title:            f.Title,
		Severity:         f.Severity,
		VulnerabilityIDs: slices.Clone(f.VulnerabilityIDs),
	}
}

// KEVListed returns a [TypeKEVListed] event about f at time at when the
// catalog lists one of f's vulnerability IDs, and false otherwise (or when
// c is nil). Details records the catalog entry: "kev_cve",
// "kev_date_added" and "kev_due_date" (YYYY-MM-DD) and "kev_ransomware"
// ("true" or "false").
//
// Whether the event is news is the caller's call: raise it for a new
// finding, or for an open finding whose vulnerability the catalog added
// since the previous check (compare the "kev_date_added" detail or
// [kev.Entry.DateAdded]).
func KEVListed(f *findings.Finding, c *kev.Catalog, at time.Time) (Event, bool) {
	if c == nil || len(f.VulnerabilityIDs) == 0 {
		return Event{}, false
	}
	entry, ok := c.LookupAny(f.VulnerabilityIDs...)
	if !ok {
		return Event{}, false
	}
	e := FromFinding(TypeKEVListed, f, at)
	e.Details = map[string]string{
		"kev_cve":        entry.CVE,
		"kev_ransomware": fmt.Sprint(entry.Ransomware()),
	}
	if !entry.DateAdded.IsZero() {
		e.Details["kev_date_added"] = entry.DateAdded.Format(time.DateOnly)
	}
	if !entry.DueDate.IsZero() {
		e.Details["kev_due_date"] = entry.DueDate.Format(time.DateOnly)
	}
	return e, true
}

// compareEvents orders events by time, then by every other field, so that
// the order does not depend on the order events arrived in.
func compareEvents(a, b *Event) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if c := cmp.Or(
		strings.Compare(string(a.Type), string(b.Type)),
		strings.Compare(a.Tenant, b.Tenant),
		strings.Compare(a.Application, b.Application),
		strings.Compare(a.Asset, b.Asset),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.FindingID, b.FindingID),
		cmp.Compare(a.Priority.Rank(), b.Priority.Rank()),
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		strings.Compare(string(a.Priority), string(b.Priority)),
		strings.Compare(string(a.Severity), string(b.Severity)),
		strings.Compare(a.Title, b.Title),
		slices.Compare(a.VulnerabilityIDs, b.VulnerabilityIDs),
	); c != 0 {
		return c
	}
	return compareDetails(a.Details, b.Details)
}

// compareDetails orders two maps by their sorted key/value pairs.
func compareDetails(a, b map[string]string) int {
	if len(a) == 0 || len(b) == 0 {
		return cmp.Compare(len(a), len(b))
	}
	ka, kb := slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if c := cmp.Or(strings.Compare(ka[i], kb[i]), strings.Compare(a[ka[i]], b[kb[i]])); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(ka), len(kb))
}
