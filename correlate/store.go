package correlate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aspmkit/aspm/findings"
)

// ErrNotFound reports a record the store does not hold.
var ErrNotFound = errors.New("correlate: record not found")

// Store keeps finding state across scans, per tenant and application.
// Implementations must apply [Store.Save] atomically: after a crash, a
// scan is either wholly applied or not at all.
//
// The package provides [MemoryStore]; the correlate/sqlite package
// provides the embedded default on SQLite.
type Store interface {
	// Load returns every record of a tenant's application.
	Load(ctx context.Context, tenant, application string) ([]Record, error)
	// Save writes the records of a compared scan, in one transaction: the
	// records of result.Modified, taken from result.Records. The stores
	// of this module write every field of an existing record but its
	// triage, which is SetTriage's: they keep the triage the store holds,
	// clearing it only when it no longer holds at the scan's time (as
	// [Compare] does), so that a decision recorded between the Load and
	// the Save of a [Track] is not lost. A new record is written with the
	// result's triage.
	Save(ctx context.Context, scan Scan, result Result) error
	// SetTriage records an analyst's decision on a record (nil clears it).
	SetTriage(ctx context.Context, tenant, application, id string, t *Triage) error
	// Close releases the store.
	Close() error
}

// Track applies a scan to a store: it loads the baseline, compares the
// scan with it, saves the result in one transaction and returns it.
// Callers serialize Track calls for one tenant's application (one tracker
// per application), as a CI pipeline does; the store's transaction keeps
// concurrent calls from corrupting state, but the later one would be
// compared with a baseline that misses the earlier one. Triage decisions
// ([Store.SetTriage]) may come at any time: one recorded while a Track
// runs is kept (see [Store.Save]).
func Track(ctx context.Context, s Store, scan Scan, opts Options) (Result, error) {
	base, err := s.Load(ctx, scan.Tenant, scan.Application)
	if err != nil {
		return Result{}, fmt.Errorf("correlate: loading the baseline: %w", err)
	}
	res := Compare(base, scan, opts)
	if err := s.Save(ctx, scan, res); err != nil {
		return Result{}, fmt.Errorf("correlate: saving scan %q: %w", scan.ID, err)
	}
	return res, nil
}

// MemoryStore is a [Store] in memory, for tests, short-lived tools and
// callers that persist state their own way. Its zero value is ready; it is
// safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	records map[[3]string]Record // tenant, application, id
}

// Load implements [Store].
func (m *MemoryStore) Load(ctx context.Context, tenant, application string) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Record
	for k, r := range m.records {
		if k[0] == tenant && k[1] == application {
			r.History = slices.Clone(r.History)
			r.Triage = cloneTriage(r.Triage)
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return compareStrings(a.ID, b.ID) })
	return out, nil
}

// Save implements [Store]: it writes the records of res.Modified, all or
// none. An existing record keeps the triage the store holds, cleared when
// it no longer holds at the scan's time; see [Store.Save].
func (m *MemoryStore) Save(ctx context.Context, scan Scan, res Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	byID := make(map[string]*Record, len(res.Records))
	for i := range res.Records {
		byID[res.Records[i].ID] = &res.Records[i]
	}
	for _, id := range res.Modified {
		if _, ok := byID[id]; !ok {
			return fmt.Errorf("correlate: modified record %s missing from the result", id)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.records == nil {
		m.records = map[[3]string]Record{}
	}
	for _, id := range res.Modified {
		rec := *byID[id]
		rec.Tenant, rec.Application = scan.Tenant, scan.Application
		rec.History = slices.Clone(rec.History)
		k := [3]string{scan.Tenant, scan.Application, id}
		if old, ok := m.records[k]; ok {
			rec.Triage = nil
			if old.Triage.Active(scan.At) {
				rec.Triage = old.Triage
			}
		} else {
			rec.Triage = cloneTriage(rec.Triage)
		}
		m.records[k] = rec
	}
	return nil
}

// cloneTriage returns a copy of t, so that the store and its callers do
// not share one.
func cloneTriage(t *Triage) *Triage {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// SetTriage implements [Store].
func (m *MemoryStore) SetTriage(ctx context.Context, tenant, application, id string, t *Triage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [3]string{tenant, application, id}
	r, ok := m.records[k]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	r.Triage = cloneTriage(t)
	m.records[k] = r
	return nil
}

// Close implements [Store].
func (m *MemoryStore) Close() error { return nil }

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Baseline turns the findings of earlier scans into open records, for
// comparisons without a store (aspm diff): every finding is open, first
// and last seen at the given time.
func Baseline(fs []findings.Finding, at time.Time, opts Options) []Record {
	return Compare(nil, Scan{Findings: fs, At: at}, opts).Records
}
