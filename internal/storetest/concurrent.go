package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// ConcurrentOptions configures [Concurrent]. The zero value runs writers
// and readers for one second.
type ConcurrentOptions struct {
	// Duration is how long the writers keep tracking scans; zero means
	// one second.
	Duration time.Duration
	// Triage adds an analyst who sets triage decisions on the records of
	// one writer while it rescans them, and checks at the end that no
	// decision was lost. Only stores that keep a triage set between the
	// Load and the Save of a [correlate.Track] pass it: the MemoryStore,
	// SQLite and PostgreSQL stores of this module do (see
	// [correlate.Store]).
	Triage bool
}

// The shape of [Concurrent]'s load.
const (
	// writers track scans at once: the last two on one application.
	writers = 16
	// readers load applications at once.
	readers = 2
	// scanSize is the number of findings of each scan.
	scanSize = 60
	// stressTenant scopes every application of the run.
	stressTenant = "stress"
)

// writerScan is scan k of writer w: its own tool and files, so that the
// two writers of one application never touch each other's records.
func writerScan(w, k int) correlate.Scan {
	tool := fmt.Sprintf("tool%02d", w)
	app := fmt.Sprintf("app%02d", w)
	if w >= writers-2 {
		app = "shared"
	}
	return correlate.Scan{ID: fmt.Sprintf("w%02d-%d", w, k), At: T0.Add(time.Duration(k) * time.Minute),
		Tenant: stressTenant, Application: app, Tools: []string{tool},
		Findings: SyntheticTool(scanSize, k, tool, fmt.Sprintf("w%02d/pkg", w))}
}

// Concurrent runs 16 writers (14 on an application each, 2 on one
// application, each with its own tool) and 2 readers against s for
// opts.Duration. Readers check that every load sees whole scans (all open
// records of a tool last seen at one time). At the end every writer's
// records must be exactly those a [correlate.MemoryStore] holds after the
// same scans, and no error may have surfaced (no deadlock, no
// serialization failure left to the caller).
func Concurrent(t *testing.T, s correlate.Store, opts ConcurrentOptions) {
	d := opts.Duration
	if d <= 0 {
		d = time.Second
	}
	ctx := context.Background()
	deadline := time.Now().Add(d)
	errs := make(chan error, writers+readers+1)
	applied := make([]int, writers)
	var writing, wg sync.WaitGroup
	for w := range writers {
		writing.Add(1)
		go func() {
			defer writing.Done()
			for k := 1; k == 1 || time.Now().Before(deadline); k++ {
				if _, err := correlate.Track(ctx, s, writerScan(w, k), correlate.Options{}); err != nil {
					errs <- fmt.Errorf("writer %d, scan %d: %w", w, k, err)
					return
				}
				applied[w] = k
			}
		}()
	}
	loads := make([]int, readers)
	stop := make(chan struct{})
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				sc := writerScan(i%writers, 1)
				recs, err := s.Load(ctx, sc.Tenant, sc.Application)
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if err := wholeScans(recs); err != nil {
					errs <- fmt.Errorf("reader %d, %s: %w", r, sc.Application, err)
					return
				}
				loads[r]++
			}
		}()
	}
	// The analyst triages the records of the last writer.
	triaged := map[string]correlate.Triage{}
	if opts.Triage {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := writerScan(writers-1, 1)
			// At least one decision, however slow the writers (but
			// bounded, should the last writer fail).
			for n := 0; time.Now().Before(deadline) || (n == 0 && time.Now().Before(deadline.Add(time.Minute))); {
				recs, err := s.Load(ctx, sc.Tenant, sc.Application)
				if err != nil {
					errs <- fmt.Errorf("analyst: %w", err)
					return
				}
				var mine []string
				for _, r := range recs {
					if r.Finding.Tool.Name == sc.Tools[0] {
						mine = append(mine, r.ID)
					}
				}
				if len(mine) == 0 {
					time.Sleep(time.Millisecond)
					continue
				}
				id := mine[(n*7)%len(mine)]
				tr := correlate.Triage{Status: correlate.FalsePositive, Author: "analyst", Justification: fmt.Sprint("decision ", n)}
				if err := s.SetTriage(ctx, sc.Tenant, sc.Application, id, &tr); err != nil {
					errs <- fmt.Errorf("analyst: %w", err)
					return
				}
				triaged[id] = tr
				n++
			}
		}()
	}
	// Readers stop after the writers.
	writing.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	for r, n := range loads {
		assert.Positive(t, n, "reader %d never completed a load", r)
	}

	total := 0
	byApp := map[string][]correlate.Record{}
	for w := range writers {
		sc := writerScan(w, 1)
		if _, ok := byApp[sc.Application]; !ok {
			recs, err := s.Load(ctx, sc.Tenant, sc.Application)
			require.NoError(t, err)
			byApp[sc.Application] = recs
		}
		var got []correlate.Record
		for _, r := range byApp[sc.Application] {
			if r.Finding.Tool.Name == sc.Tools[0] {
				got = append(got, r)
			}
		}
		mem := &correlate.MemoryStore{}
		for k := 1; k <= applied[w]; k++ {
			_, err := correlate.Track(ctx, mem, writerScan(w, k), correlate.Options{})
			require.NoError(t, err)
		}
		want, err := mem.Load(ctx, sc.Tenant, sc.Application)
		require.NoError(t, err)
		total += len(want)
		scope := fmt.Sprintf("writer %d (%d scans)", w, applied[w])
		if opts.Triage && w == writers-1 {
			// Triage suppresses reopening: compare what it leaves alone.
			require.Equal(t, len(want), len(got), "records of %s", scope)
			for i := range want {
				assert.Equal(t, want[i].ID, got[i].ID, scope)
				assert.Equal(t, want[i].Open, got[i].Open, scope)
				assert.Equal(t, want[i].LastSeen, got[i].LastSeen, scope)
				assert.Equal(t, want[i].Finding, got[i].Finding, scope)
			}
			for _, r := range got {
				if tr, ok := triaged[r.ID]; ok {
					if assert.NotNil(t, r.Triage, "the triage of %s was lost", r.ID) {
						assert.Equal(t, tr, *r.Triage, "the triage of %s", r.ID)
					}
				} else {
					assert.Nil(t, r.Triage, r.ID)
				}
			}
			continue
		}
		SameRecords(t, want, got, scope)
	}
	stored := 0
	for _, recs := range byApp {
		stored += len(recs)
	}
	assert.Equal(t, total, stored, "records stored against records written")
	t.Logf("%v: %d scans by %d writers, %d loads by %d readers, %d records triaged, %d records",
		d, sum(applied), writers, sum(loads), readers, len(triaged), stored)
}

// wholeScans checks that the open records of each tool were all last
// seen at one time: a load saw each writer's latest scan whole.
func wholeScans(recs []correlate.Record) error {
	seen := map[string]time.Time{}
	for _, r := range recs {
		if !r.Open {
			continue
		}
		tool := r.Finding.Tool.Name
		if at, ok := seen[tool]; ok && !at.Equal(r.LastSeen) {
			return fmt.Errorf("part of a scan of %s: open records last seen at %v and %v", tool, at, r.LastSeen)
		}
		seen[tool] = r.LastSeen
	}
	return nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
