package alert

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// DigestKey is what events are grouped by: one digest per tenant,
// application, asset, event type and rule. It is comparable, so it can key
// a map, and a plain value, safe for concurrent use.
type DigestKey struct {
	// Tenant, Application and Asset are the events' own.
	Tenant      string `json:"tenant,omitempty"`
	Application string `json:"application,omitempty"`
	Asset       string `json:"asset,omitempty"`
	// Type is the events' type.
	Type Type `json:"type"`
	// RuleID is the events' rule; empty groups the events without one.
	RuleID string `json:"rule_id,omitempty"`
}

// String formats k for people as "tenant/application/asset/type/rule",
// with "-" for an empty part. Two keys may print alike (a part may
// contain "/"); compare keys, not strings.
func (k DigestKey) String() string {
	parts := []string{k.Tenant, k.Application, k.Asset, string(k.Type), k.RuleID}
	for i, p := range parts {
		if p == "" {
			parts[i] = "-"
		}
	}
	return strings.Join(parts, "/")
}

// id returns an injective encoding of k, for limiter keys.
func (k DigestKey) id() string {
	var b strings.Builder
	for _, p := range []string{k.Tenant, k.Application, k.Asset, string(k.Type), k.RuleID} {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

func compareKeys(a, b DigestKey) int {
	return cmp.Or(
		strings.Compare(a.Tenant, b.Tenant),
		strings.Compare(a.Application, b.Application),
		strings.Compare(a.Asset, b.Asset),
		strings.Compare(string(a.Type), string(b.Type)),
		strings.Compare(a.RuleID, b.RuleID),
	)
}

// Digest consolidates the events of one [DigestKey]: how many there were,
// the first and last times, the most urgent priority and the highest
// severity among them, and a sample of the events themselves. The sample
// holds the earliest events (in the order of time, then of their other
// fields), at most the cap of the [Batcher] that built the digest; Count
// holds the total, so [Digest.Omitted] tells how many were summarized
// without their details.
//
// Its JSON encoding is part of the webhook payload (see [Payload]) and is
// stable.
//
// A Digest is a plain value; the package hands out copies that share
// nothing with its own state, so the caller may keep and modify them.
type Digest struct {
	// Key is what the events have in common.
	Key DigestKey `json:"key"`
	// Count is the number of events digested, at least len(Events).
	Count int `json:"count"`
	// First and Last are the earliest and the latest event times, in UTC.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Priority is the most urgent priority among the events; empty when
	// none had one.
	Priority risk.Priority `json:"priority,omitempty"`
	// Severity is the highest severity among the events; empty when none
	// had one.
	Severity findings.Severity `json:"severity,omitempty"`
	// Events is the sample of events, earliest first.
	Events []Event `json:"events"`
}

// Omitted returns the number of events counted in d but not kept in its
// sample.
func (d *Digest) Omitted() int { return max(d.Count-len(d.Events), 0) }

// newDigest returns an empty digest for k.
func newDigest(k DigestKey) *Digest { return &Digest{Key: k} }

// add digests one event, keeping at most maxEvents in the sample; the
// sample gets a copy of e.
func (d *Digest) add(e *Event, maxEvents int) {
	d.note(1, e.At, e.At, e.Priority, e.Severity)
	d.insert(e, maxEvents)
}

// merge digests the events of src (same key) into d.
func (d *Digest) merge(src *Digest, maxEvents int) {
	d.note(src.Count, src.First, src.Last, src.Priority, src.Severity)
	for i := range src.Events {
		d.insert(&src.Events[i], maxEvents)
	}
}

func (d *Digest) note(n int, first, last time.Time, p risk.Priority, s findings.Severity) {
	if d.Count == 0 || first.Before(d.First) {
		d.First = first
	}
	if d.Count == 0 || last.After(d.Last) {
		d.Last = last
	}
	d.Count += n
	if p != "" && (d.Priority == "" || p.Rank() < d.Priority.Rank()) {
		d.Priority = p
	}
	if s != "" && (d.Severity == "" || s.Rank() > d.Severity.Rank()) {
		d.Severity = s
	}
}

// insert puts a copy of e at its place in the sorted sample, and drops
// the latest event when the sample exceeds maxEvents. An event that would
// be dropped at once is not copied.
func (d *Digest) insert(e *Event, maxEvents int) {
	// After any equal events, so that a duplicate of a kept event is not
	// kept at the expense of a distinct one.
	i := sort.Search(len(d.Events), func(j int) bool { return compareEvents(&d.Events[j], e) > 0 })
	if i >= maxEvents {
		return
	}
	c := e.clone()
	if len(d.Events) < maxEvents {
		d.Events = slices.Insert(d.Events, i, c)
		return
	}
	copy(d.Events[i+1:], d.Events[i:len(d.Events)-1])
	d.Events[i] = c
}

// clone returns a deep copy of d.
func (d *Digest) clone() Digest {
	c := *d
	c.Events = make([]Event, len(d.Events))
	for i := range d.Events {
		c.Events[i] = d.Events[i].clone()
	}
	return c
}

// compareDigests orders digests most urgent first: by priority (P1 first,
// none last), then severity (highest first), then key, then times.
func compareDigests(a, b *Digest) int {
	return cmp.Or(
		cmp.Compare(a.Priority.Rank(), b.Priority.Rank()),
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		compareKeys(a.Key, b.Key),
		a.First.Compare(b.First),
		a.Last.Compare(b.Last),
		cmp.Compare(a.Count, b.Count),
	)
}

// SortDigests sorts digests in the order the package emits them: most
// urgent first (P1 before P4 before no priority, then the highest
// severity), then by key (tenant, application, asset, type, rule), then by
// time.
func SortDigests(ds []Digest) {
	slices.SortStableFunc(ds, func(a, b Digest) int { return compareDigests(&a, &b) })
}
