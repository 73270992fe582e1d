package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func openTemp(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(context.Background(), path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func decodeFile(t testing.TB, path string) []findings.Finding {
	t.Helper()
	var out []findings.Finding
	_, err := detect.DecodeFile(path, detect.Options{}, findings.Handler{
		Finding: func(f findings.Finding) error { out = append(out, f); return nil },
	})
	require.NoError(t, err, path)
	return out
}

// demo returns the findings of the demo scans (real tool output in the
// repository), by file.
func demo(t testing.TB) map[string][]findings.Finding {
	t.Helper()
	out := map[string][]findings.Finding{}
	for _, name := range []string{"gosec.sarif", "govulncheck.json", "gitleaks.json", "osv-scanner.json"} {
		out[name] = decodeFile(t, filepath.Join("..", "..", "testdata", "demo", "scans", name))
		require.NotEmpty(t, out[name], name)
	}
	return out
}

// synthetic returns n SAST findings of one tool; finding i is present in
// scan k unless gone(i, k), and its severity changes with k for every
// 13th finding.
func synthetic(n, k int) []findings.Finding {
	out := make([]findings.Finding, 0, n)
	for i := range n {
		if (i*7+k)%10 == 0 {
			continue
		}
		sev := findings.SeverityHigh
		if i%13 == 0 && k%2 == 1 {
			sev = findings.SeverityCritical
		}
		out = append(out, findings.Finding{
			ID: fmt.Sprintf("f%d", i), Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec", Version: "2.30.0"},
			RuleID: fmt.Sprintf("G%d", 100+i%20), Title: "synthetic finding", Severity: sev, SeveritySource: "test",
			CWEs: []string{fmt.Sprintf("CWE-%d", 20+i%50)},
			Location: findings.Location{Path: fmt.Sprintf("pkg%d/file%d.go", i%17, i/50),
				Region: &findings.Region{StartLine: 1 + i%400, EndLine: 1 + i%400}, SnippetHash: fmt.Sprintf("h%08d", i)},
			Source: findings.Source{File: "gosec.sarif", Format: "sarif", Record: i},
		})
	}
	return out
}

func syntheticScan(n, k int) correlate.Scan {
	return correlate.Scan{ID: fmt.Sprintf("scan-%d", k), At: t0.Add(time.Duration(k) * time.Hour),
		Findings: synthetic(n, k), Tools: []string{"gosec"}}
}

// pair runs the same operations on a MemoryStore and a SQLite store and
// checks that they agree.
type pair struct {
	t   *testing.T
	mem *correlate.MemoryStore
	db  *Store
}

func (p pair) track(scan correlate.Scan) correlate.Result {
	p.t.Helper()
	ctx := context.Background()
	want, err := correlate.Track(ctx, p.mem, scan, correlate.Options{})
	require.NoError(p.t, err)
	got, err := correlate.Track(ctx, p.db, scan, correlate.Options{})
	require.NoError(p.t, err)
	require.Equal(p.t, len(want.Changes), len(got.Changes))
	for i := range want.Changes {
		w := want.Changes[i]
		w.Finding.Properties = jsonShape(p.t, w.Finding.Properties)
		g := got.Changes[i]
		g.Finding.Properties = jsonShape(p.t, g.Finding.Properties)
		if !assert.Equal(p.t, w, g, "scan %s: change %d", scan.ID, i) {
			break
		}
	}
	assert.Equal(p.t, want.Modified, got.Modified)
	p.same(scan.Tenant, scan.Application)
	return got
}

// jsonShape returns properties as JSON decoding gives them back ([]any
// for []string...): the form every store that keeps JSON returns.
func jsonShape(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func (p pair) triage(tenant, app, id string, tr *correlate.Triage) {
	p.t.Helper()
	ctx := context.Background()
	require.NoError(p.t, p.mem.SetTriage(ctx, tenant, app, id, tr))
	require.NoError(p.t, p.db.SetTriage(ctx, tenant, app, id, tr))
	p.same(tenant, app)
}

func (p pair) same(tenant, app string) {
	p.t.Helper()
	ctx := context.Background()
	want, err := p.mem.Load(ctx, tenant, app)
	require.NoError(p.t, err)
	got, err := p.db.Load(ctx, tenant, app)
	require.NoError(p.t, err)
	require.Equal(p.t, len(want), len(got))
	for i := range want {
		want[i].Finding.Properties = jsonShape(p.t, want[i].Finding.Properties)
		if !assert.Equal(p.t, want[i], got[i], "record %d of %q/%q", i, tenant, app) {
			break
		}
	}
}

func TestRoundTripMatchesMemoryStore(t *testing.T) {
	scans := demo(t)
	all := func(except ...string) []findings.Finding {
		var out []findings.Finding
	next:
		for _, name := range []string{"gosec.sarif", "govulncheck.json", "gitleaks.json", "osv-scanner.json"} {
			for _, e := range except {
				if e == name {
					continue next
				}
			}
			out = append(out, scans[name]...)
		}
		return out
	}
	db, _ := openTemp(t, Options{})
	p := pair{t: t, mem: &correlate.MemoryStore{}, db: db}

	r1 := p.track(correlate.Scan{ID: "ci-1", At: t0, Findings: all()})
	require.NotEmpty(t, r1.Records)
	for _, c := range r1.Changes {
		require.Equal(t, correlate.StateNew, c.State)
	}
	// An analyst accepts the risk of the first record for 36 hours.
	accepted := r1.Records[0].ID
	p.triage("", "", accepted, &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana",
		Justification: "behind the VPN", At: t0.Add(time.Hour), Expires: t0.Add(36 * time.Hour)})

	// Scan 2: gitleaks ran and found nothing; one gosec finding got worse.
	worse := all("gitleaks.json")
	for i := range worse {
		if worse[i].Tool.Name == scans["gosec.sarif"][0].Tool.Name {
			worse[i].Severity = findings.SeverityCritical
			break
		}
	}
	r2 := p.track(correlate.Scan{ID: "ci-2", At: t0.Add(24 * time.Hour), Findings: worse,
		Tools: []string{"gosec", "govulncheck", "gitleaks", "osv-scanner"}})
	byState := map[correlate.State]int{}
	for _, c := range r2.Changes {
		byState[c.State]++
	}
	assert.Equal(t, len(scans["gitleaks.json"]), byState[correlate.StateFixed])
	assert.Equal(t, 1, byState[correlate.StateUpdated])

	// Scan 3: the secret is back, the acceptance has expired.
	r3 := p.track(correlate.Scan{ID: "ci-3", At: t0.Add(48 * time.Hour), Findings: all()})
	byState = map[correlate.State]int{}
	expired := 0
	for _, c := range r3.Changes {
		byState[c.State]++
		if c.Expired != nil {
			expired++
		}
	}
	assert.Equal(t, len(scans["gitleaks.json"]), byState[correlate.StateReopened])
	assert.Equal(t, 1, expired)

	// Another tenant's application, interleaved, with synthetic scans.
	for k := 1; k <= 4; k++ {
		sc := syntheticScan(300, k)
		sc.Tenant, sc.Application = "acme", "shop"
		p.track(sc)
	}
	p.same("", "")
	// A record of one scope is not found in another, in both stores.
	ctx := context.Background()
	assert.ErrorIs(t, p.mem.SetTriage(ctx, "acme", "shop", accepted, nil), correlate.ErrNotFound)
	assert.ErrorIs(t, p.db.SetTriage(ctx, "acme", "shop", accepted, nil), correlate.ErrNotFound)
}

func TestSetTriageUnknownRecord(t *testing.T) {
	db, _ := openTemp(t, Options{})
	err := db.SetTriage(context.Background(), "t", "a", "nope", &correlate.Triage{Status: correlate.FalsePositive})
	require.Error(t, err)
	assert.ErrorIs(t, err, correlate.ErrNotFound)
	assert.Contains(t, err.Error(), `"nope"`)
}

func TestTenantsAndApplicationsAreSeparate(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, Options{})
	scopes := [][2]string{{"", ""}, {"acme", ""}, {"acme", "shop"}, {"", "shop"}, {"globex", "shop"}}
	for i, sc := range scopes {
		s := syntheticScan(10+i, 1)
		s.Tenant, s.Application = sc[0], sc[1]
		_, err := correlate.Track(ctx, db, s, correlate.Options{})
		require.NoError(t, err)
	}
	for i, sc := range scopes {
		recs, err := db.Load(ctx, sc[0], sc[1])
		require.NoError(t, err)
		assert.Len(t, recs, len(synthetic(10+i, 1)), "%q/%q", sc[0], sc[1])
		for _, r := range recs {
			assert.Equal(t, sc[0], r.Tenant)
			assert.Equal(t, sc[1], r.Application)
		}
		scans, err := db.Scans(ctx, sc[0], sc[1])
		require.NoError(t, err)
		require.Len(t, scans, 1)
		assert.Equal(t, len(recs), scans[0].New)
	}
	recs, err := db.Load(ctx, "nobody", "")
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func TestQueries(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, Options{})
	var last correlate.Result
	for k := 1; k <= 3; k++ {
		var err error
		last, err = correlate.Track(ctx, db, syntheticScan(200, k), correlate.Options{})
		require.NoError(t, err)
	}
	want := map[correlate.State][]string{}
	var open []string
	for _, r := range last.Records {
		want[r.State] = append(want[r.State], r.ID)
		if r.Open {
			open = append(open, r.ID)
		}
	}
	require.NotEmpty(t, want[correlate.StateFixed])
	require.NotEmpty(t, want[correlate.StateUpdated])

	ids := func(q Query) []string {
		t.Helper()
		var out []string
		for r, err := range db.Records(ctx, "", "", q) {
			require.NoError(t, err)
			out = append(out, r.ID)
		}
		return out
	}
	assert.Equal(t, open, ids(Query{Open: true}))
	assert.Equal(t, want[correlate.StateFixed], ids(Query{States: []correlate.State{correlate.StateFixed}}))
	both := ids(Query{Open: true, States: []correlate.State{correlate.StateNew, correlate.StateReopened}})
	assert.ElementsMatch(t, append(append([]string{}, want[correlate.StateNew]...), want[correlate.StateReopened]...), both)
	assert.Len(t, ids(Query{Tool: "gosec"}), len(last.Records))
	assert.Empty(t, ids(Query{Tool: "semgrep"}))

	c := last.Records[0].Cluster
	var inCluster []string
	for _, r := range last.Records {
		if r.Cluster == c {
			inCluster = append(inCluster, r.ID)
		}
	}
	assert.Equal(t, inCluster, ids(Query{Cluster: c}))

	// Triage queries.
	a, b := last.Records[1].ID, last.Records[2].ID
	require.NoError(t, db.SetTriage(ctx, "", "", a, &correlate.Triage{Status: correlate.AcceptedRisk, Expires: t0.Add(30 * 24 * time.Hour)}))
	require.NoError(t, db.SetTriage(ctx, "", "", b, &correlate.Triage{Status: correlate.FalsePositive}))
	assert.Equal(t, []string{a}, ids(Query{Triage: correlate.AcceptedRisk}))
	assert.Equal(t, []string{b}, ids(Query{Triage: correlate.FalsePositive}))
	assert.Equal(t, []string{a}, ids(Query{TriageExpiresBefore: t0.Add(31 * 24 * time.Hour)}))
	assert.Empty(t, ids(Query{TriageExpiresBefore: t0.Add(30 * 24 * time.Hour)}), "the bound is exclusive")
	require.NoError(t, db.SetTriage(ctx, "", "", a, nil))
	assert.Empty(t, ids(Query{Triage: correlate.AcceptedRisk}))

	// Stopping early releases the rows: the store keeps working.
	for range db.Records(ctx, "", "", Query{}) {
		break
	}
	_, err := db.Load(ctx, "", "")
	require.NoError(t, err)

	// A bad bound is an error, not an empty answer.
	for _, err := range db.Records(ctx, "", "", Query{TriageExpiresBefore: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}) {
		assert.ErrorIs(t, err, ErrInvalidOptions)
	}
}

func TestScansList(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, Options{})
	var results []correlate.Result
	for k := 1; k <= 3; k++ {
		r, err := correlate.Track(ctx, db, syntheticScan(100, k), correlate.Options{})
		require.NoError(t, err)
		results = append(results, r)
	}
	// The same scan ID twice is two scans.
	r, err := correlate.Track(ctx, db, syntheticScan(100, 3), correlate.Options{})
	require.NoError(t, err)
	results = append(results, r)

	scans, err := db.Scans(ctx, "", "")
	require.NoError(t, err)
	require.Len(t, scans, 4)
	for i, sc := range scans {
		k := min(i+1, 3)
		assert.Equal(t, int64(i+1), sc.Seq)
		assert.Equal(t, fmt.Sprintf("scan-%d", k), sc.ID)
		assert.Equal(t, t0.Add(time.Duration(k)*time.Hour), sc.At)
		assert.Equal(t, len(synthetic(100, k)), sc.Findings)
		counts := map[correlate.State]int{}
		for _, c := range results[i].Changes {
			counts[c.State]++
		}
		assert.Equal(t, counts[correlate.StateNew], sc.New)
		assert.Equal(t, counts[correlate.StateReopened], sc.Reopened)
		assert.Equal(t, counts[correlate.StateUpdated], sc.Updated)
		assert.Equal(t, counts[correlate.StateUnchanged], sc.Unchanged)
		assert.Equal(t, counts[correlate.StateFixed], sc.Fixed)
		assert.Equal(t, len(results[i].Modified), sc.Modified)
	}
}

func TestSaveRejectsWhatItCannotReadBack(t *testing.T) {
	ctx := context.Background()
	good := correlate.Compare(nil, syntheticScan(5, 1), correlate.Options{})
	tests := []struct {
		name   string
		scan   correlate.Scan
		result func() correlate.Result
	}{
		{"modified record missing", correlate.Scan{ID: "s", At: t0}, func() correlate.Result {
			r := good
			r.Modified = append([]string{"ghost"}, r.Modified...)
			return r
		}},
		{"scan time out of range", correlate.Scan{ID: "s", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, func() correlate.Result { return good }},
		{"record time out of range", correlate.Scan{ID: "s", At: t0}, func() correlate.Result {
			r := good
			r.Records = append([]correlate.Record{}, r.Records...)
			r.Records[0].LastSeen = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
			return r
		}},
		{"severity not canonical", correlate.Scan{ID: "s", At: t0}, func() correlate.Result {
			r := good
			r.Records = append([]correlate.Record{}, r.Records...)
			r.Records[len(r.Records)-1].Finding.Severity = ""
			return r
		}},
		{"property not JSON", correlate.Scan{ID: "s", At: t0}, func() correlate.Result {
			r := good
			r.Records = append([]correlate.Record{}, r.Records...)
			r.Records[2].Finding.Properties = map[string]any{"f": func() {}}
			return r
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTemp(t, Options{})
			err := db.Save(ctx, tc.scan, tc.result())
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidResult)
			recs, err := db.Load(ctx, "", "")
			require.NoError(t, err)
			assert.Empty(t, recs, "nothing is written")
			scans, err := db.Scans(ctx, "", "")
			require.NoError(t, err)
			assert.Empty(t, scans, "nothing is written")
		})
	}
}

func TestCorruptRowIsReportedNotSkipped(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t, Options{})
	_, err := correlate.Track(ctx, db, syntheticScan(20, 1), correlate.Options{})
	require.NoError(t, err)
	recs, err := db.Load(ctx, "", "")
	require.NoError(t, err)
	id := recs[5].ID

	for _, tc := range []struct{ column, value string }{
		{"finding", `{"id": "x", "severity": "moderate"}`},
		{"history", `[{"at": "yesterday"}]`},
		{"triage", `{"status": `},
		{"first_seen", `2026-13-01`},
		{"fixed_at", `soon`},
	} {
		t.Run(tc.column, func(t *testing.T) {
			_, err := db.db.ExecContext(ctx, `UPDATE records SET `+tc.column+` = ? WHERE id = ?`, tc.value, id)
			require.NoError(t, err)
			_, err = db.Load(ctx, "", "")
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCorrupt)
			var re *RowError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, RowError{Path: path, Table: "records", ID: id, Column: tc.column, Err: re.Err}, *re)
			assert.Contains(t, err.Error(), tc.column)
			// Restore the row for the next case.
			_, err = db.db.ExecContext(ctx, `UPDATE records SET `+tc.column+` = (SELECT `+tc.column+` FROM records WHERE id = ?) WHERE id = ?`, recs[6].ID, id)
			require.NoError(t, err)
			if tc.column == "triage" {
				_, err = db.db.ExecContext(ctx, `UPDATE records SET triage = NULL WHERE id = ?`, id)
				require.NoError(t, err)
			}
		})
	}
}

func TestOpenOptions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		opts Options
		ok   bool
	}{
		{"defaults", filepath.Join(dir, "a.db"), Options{}, true},
		{"full sync", filepath.Join(dir, "b.db"), Options{Synchronous: SynchronousFull, BusyTimeout: time.Second}, true},
		{"odd characters in the path", filepath.Join(dir, "a ?#%&=b.db"), Options{}, true},
		{"memory", ":memory:", Options{}, true},
		{"empty path", "", Options{}, false},
		{"unknown synchronous", filepath.Join(dir, "c.db"), Options{Synchronous: 7}, false},
		{"negative timeout", filepath.Join(dir, "d.db"), Options{BusyTimeout: -time.Second}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.path, tc.opts)
			if !tc.ok {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrInvalidOptions)
				return
			}
			require.NoError(t, err)
			defer s.Close()
			_, err = correlate.Track(ctx, s, syntheticScan(10, 1), correlate.Options{})
			require.NoError(t, err)
			recs, err := s.Load(ctx, "", "")
			require.NoError(t, err)
			assert.Len(t, recs, len(synthetic(10, 1)))
			if tc.path != ":memory:" {
				_, err := os.Stat(tc.path)
				require.NoError(t, err, "the database is at the path given, unescaped")
				var mode string
				var sync int
				require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
				require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
				assert.Equal(t, "wal", mode)
				assert.Equal(t, map[Synchronous]int{SynchronousNormal: 1, SynchronousFull: 2}[tc.opts.Synchronous], sync)
				var fk, busy, cache int
				require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
				require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy))
				require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache))
				assert.Equal(t, 1, fk)
				assert.Equal(t, cmp.Or(tc.opts.BusyTimeout, DefaultBusyTimeout).Milliseconds(), int64(busy))
				assert.Equal(t, -cacheKiB, cache)
			}
			assert.NoError(t, s.Check(ctx))
		})
	}
}

func TestContextIsHonored(t *testing.T) {
	db, _ := openTemp(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := correlate.Track(ctx, db, syntheticScan(10, 1), correlate.Options{})
	assert.ErrorIs(t, err, context.Canceled)
	err = db.Save(ctx, correlate.Scan{ID: "s", At: t0}, correlate.Compare(nil, syntheticScan(10, 1), correlate.Options{}))
	assert.ErrorIs(t, err, context.Canceled)
	_, err = db.Scans(ctx, "", "")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = Open(ctx, filepath.Join(t.TempDir(), "x.db"), Options{})
	assert.ErrorIs(t, err, context.Canceled)

	recs, err := db.Load(context.Background(), "", "")
	require.NoError(t, err)
	assert.Empty(t, recs, "a cancelled save writes nothing")
}

// TestConcurrentLoadDuringSave runs loads while rescans are saved: every
// load sees one whole scan (all records last seen at the same scan time),
// never part of one.
func TestConcurrentLoadDuringSave(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, Options{})
	const n = 800
	fs := synthetic(n, 0)
	scan := func(k int) correlate.Scan {
		return correlate.Scan{ID: fmt.Sprint(k), At: t0.Add(time.Duration(k) * time.Minute), Findings: fs}
	}
	_, err := correlate.Track(ctx, db, scan(0), correlate.Options{})
	require.NoError(t, err)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	loads := make([]int, 2)
	for g := range loads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				recs, err := db.Load(ctx, "", "")
				if err != nil {
					errs <- err
					return
				}
				if len(recs) != len(fs) {
					errs <- fmt.Errorf("load saw %d records, want %d", len(recs), len(fs))
					return
				}
				for _, r := range recs {
					if !r.LastSeen.Equal(recs[0].LastSeen) {
						errs <- fmt.Errorf("load saw part of a scan: %v and %v", r.LastSeen, recs[0].LastSeen)
						return
					}
				}
				loads[g]++
			}
		}()
	}
	for k := 1; k <= 6; k++ {
		_, err := correlate.Track(ctx, db, scan(k), correlate.Options{})
		require.NoError(t, err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for g, n := range loads {
		assert.Positive(t, n, "reader %d never completed a load", g)
	}
	recs, err := db.Load(ctx, "", "")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(6*time.Minute), recs[0].LastSeen)
}

// TestConcurrentWriters saves from several goroutines into different
// applications of one store, and from two Stores on one file: the busy
// timeout serializes them and nothing is lost.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	a, path := openTemp(t, Options{})
	b, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*Store{a, b}[g%2]
			for k := 1; k <= 3; k++ {
				sc := syntheticScan(200, k)
				sc.Application = fmt.Sprint("app", g)
				if _, err := correlate.Track(ctx, s, sc, correlate.Options{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for g := range 4 {
		scans, err := a.Scans(ctx, "", fmt.Sprint("app", g))
		require.NoError(t, err)
		assert.Len(t, scans, 3)
	}
}

func TestRowErrorMessage(t *testing.T) {
	err := &RowError{Path: "state.db", Table: "records", Tenant: "t", Application: "a", ID: "x", Column: "finding", Err: errors.New("bad")}
	assert.Equal(t, `sqlite: state.db: records row "t"/"a"/"x": column finding: bad`, err.Error())
	assert.ErrorIs(t, err, ErrCorrupt)
	v := &VersionError{Path: "state.db", Version: 9, Supported: SchemaVersion}
	assert.ErrorIs(t, v, ErrSchemaTooNew)
	assert.Contains(t, v.Error(), "schema version 9")
}

// The corpus adds container scans of real images to the round trip.
func TestRoundTripCorpusScans(t *testing.T) {
	db, _ := openTemp(t, Options{})
	p := pair{t: t, mem: &correlate.MemoryStore{}, db: db}
	first := decodeFile(t, testcorpus.Path(t, "trivy/trivy/legacy_many_vulns.json"))
	second := append(decodeFile(t, testcorpus.Path(t, "grype/grype/many_vulns3.json")), first[:len(first)/2]...)
	p.track(correlate.Scan{ID: "1", At: t0, Tenant: "acme", Application: "img", Findings: first})
	p.track(correlate.Scan{ID: "2", At: t0.Add(time.Hour), Tenant: "acme", Application: "img", Findings: second})
}
