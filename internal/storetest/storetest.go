package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// T0 is the time of the suite's first scan. It has nanoseconds, so that
// a store that rounds times fails.
var T0 = time.Date(2026, 11, 1, 9, 0, 0, 123456789, time.UTC)

// Run runs the suite against the stores open returns: every subtest
// opens one fresh, empty store and runs the same operations on it and on
// a [correlate.MemoryStore], checking after each that both hold the same
// records.
func Run(t *testing.T, open func(t *testing.T) correlate.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, p pair)
	}{
		{"DemoScans", demoScans},
		{"Lifecycle", lifecycle},
		{"Triage", triage},
		{"TriageDuringTrack", triageDuringTrack},
		{"TenantsAndApplications", scopes},
		{"Times", times},
		{"Text", text},
		{"EmptyScans", emptyScans},
		{"CancelledContext", cancelled},
		{"CorpusScans", corpusScans},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, pair{t: t, mem: &correlate.MemoryStore{}, db: open(t)})
		})
	}
}

// pair runs the same operations on a MemoryStore and the store under
// test.
type pair struct {
	t   *testing.T
	mem *correlate.MemoryStore
	db  correlate.Store
}

// track applies scan to both stores and checks that the results and the
// stored records agree.
func (p pair) track(scan correlate.Scan) correlate.Result {
	p.t.Helper()
	ctx := context.Background()
	want, err := correlate.Track(ctx, p.mem, scan, correlate.Options{})
	require.NoError(p.t, err)
	got, err := correlate.Track(ctx, p.db, scan, correlate.Options{})
	require.NoError(p.t, err)
	require.Equal(p.t, len(want.Changes), len(got.Changes), "scan %s: changes", scan.ID)
	for i := range want.Changes {
		w, g := want.Changes[i], got.Changes[i]
		w.Finding.Properties = JSONShape(p.t, w.Finding.Properties)
		g.Finding.Properties = JSONShape(p.t, g.Finding.Properties)
		if !assert.Equal(p.t, w, g, "scan %s: change %d", scan.ID, i) {
			break
		}
	}
	assert.Equal(p.t, want.Modified, got.Modified, "scan %s: modified", scan.ID)
	p.same(scan.Tenant, scan.Application)
	return got
}

// triage sets (or clears) a triage in both stores.
func (p pair) triage(tenant, app, id string, tr *correlate.Triage) {
	p.t.Helper()
	ctx := context.Background()
	require.NoError(p.t, p.mem.SetTriage(ctx, tenant, app, id, tr))
	require.NoError(p.t, p.db.SetTriage(ctx, tenant, app, id, tr))
	p.same(tenant, app)
}

// same checks that both stores hold the same records for a scope.
func (p pair) same(tenant, app string) {
	p.t.Helper()
	ctx := context.Background()
	want, err := p.mem.Load(ctx, tenant, app)
	require.NoError(p.t, err)
	got, err := p.db.Load(ctx, tenant, app)
	require.NoError(p.t, err)
	SameRecords(p.t, want, got, fmt.Sprintf("%q/%q", tenant, app))
}

// SameRecords checks that got holds the records of want, in order,
// comparing finding properties in their JSON shape.
func SameRecords(t testing.TB, want, got []correlate.Record, scope string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "records of %s", scope)
	for i := range want {
		w, g := want[i], got[i]
		w.Finding.Properties = JSONShape(t, w.Finding.Properties)
		g.Finding.Properties = JSONShape(t, g.Finding.Properties)
		if !assert.Equal(t, w, g, "record %d of %s", i, scope) {
			return
		}
	}
}

// JSONShape returns properties as JSON decoding gives them back ([]any
// for []string, float64 for int...): the form every store that keeps JSON
// returns.
func JSONShape(t testing.TB, m map[string]any) map[string]any {
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

// repoRoot returns the repository's root directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok, "no caller information")
	// file is <repo>/internal/storetest/storetest.go.
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// DecodeFile returns the findings of a scanner's report.
func DecodeFile(t testing.TB, path string) []findings.Finding {
	t.Helper()
	var out []findings.Finding
	_, err := detect.DecodeFile(path, detect.Options{}, findings.Handler{
		Finding: func(f findings.Finding) error { out = append(out, f); return nil },
	})
	require.NoError(t, err, path)
	return out
}

// demoFiles are the demo scans of the repository (real tool output).
var demoFiles = []string{"gosec.sarif", "govulncheck.json", "gitleaks.json", "osv-scanner.json"}

func demoScans(t *testing.T, p pair) {
	scans := map[string][]findings.Finding{}
	for _, name := range demoFiles {
		path := filepath.Join(repoRoot(t), "testdata", "demo", "scans", name)
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("demo scan missing: %v", err)
		}
		scans[name] = DecodeFile(t, path)
		require.NotEmpty(t, scans[name], name)
	}
	all := func(except string) []findings.Finding {
		var out []findings.Finding
		for _, name := range demoFiles {
			if name != except {
				out = append(out, scans[name]...)
			}
		}
		return out
	}

	r1 := p.track(correlate.Scan{ID: "ci-1", At: T0, Findings: all("")})
	require.NotEmpty(t, r1.Records)
	for _, c := range r1.Changes {
		require.Equal(t, correlate.StateNew, c.State)
	}
	// An analyst accepts the risk of the first record for 36 hours.
	accepted := r1.Records[0].ID
	p.triage("", "", accepted, &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana",
		Justification: "behind the VPN", At: T0.Add(time.Hour), Expires: T0.Add(36 * time.Hour)})

	// Scan 2: gitleaks ran and found nothing; one gosec finding got worse.
	worse := all("gitleaks.json")
	for i := range worse {
		if worse[i].Tool.Name == scans["gosec.sarif"][0].Tool.Name {
			worse[i].Severity = findings.SeverityCritical
			break
		}
	}
	r2 := p.track(correlate.Scan{ID: "ci-2", At: T0.Add(24 * time.Hour), Findings: worse,
		Tools: []string{"gosec", "govulncheck", "gitleaks", "osv-scanner"}})
	assert.Equal(t, len(scans["gitleaks.json"]), countStates(r2)[correlate.StateFixed])
	assert.Equal(t, 1, countStates(r2)[correlate.StateUpdated])

	// Scan 3: the secret is back, the acceptance has expired.
	r3 := p.track(correlate.Scan{ID: "ci-3", At: T0.Add(48 * time.Hour), Findings: all("")})
	assert.Equal(t, len(scans["gitleaks.json"]), countStates(r3)[correlate.StateReopened])
	expired := 0
	for _, c := range r3.Changes {
		if c.Expired != nil {
			expired++
		}
	}
	assert.Equal(t, 1, expired)

	// Another tenant's application, interleaved, with synthetic scans.
	for k := 1; k <= 4; k++ {
		sc := SyntheticScan(300, k)
		sc.Tenant, sc.Application = "acme", "shop"
		p.track(sc)
	}
	p.same("", "")
	// A record of one scope is not found in another, in both stores.
	ctx := context.Background()
	assert.ErrorIs(t, p.mem.SetTriage(ctx, "acme", "shop", accepted, nil), correlate.ErrNotFound)
	assert.ErrorIs(t, p.db.SetTriage(ctx, "acme", "shop", accepted, nil), correlate.ErrNotFound)
}

func countStates(r correlate.Result) map[correlate.State]int {
	out := map[correlate.State]int{}
	for _, c := range r.Changes {
		out[c.State]++
	}
	return out
}

// lifecycle runs synthetic rescans through every state, with triage
// that suppresses a reopening.
func lifecycle(t *testing.T, p pair) {
	seen := map[correlate.State]int{}
	var last correlate.Result
	for k := 1; k <= 6; k++ {
		last = p.track(SyntheticScan(400, k))
		for st, n := range countStates(last) {
			seen[st] += n
		}
		if k == 2 {
			// A fixed record marked a false positive is not reopened.
			for _, r := range last.Records {
				if r.State == correlate.StateFixed {
					p.triage("", "", r.ID, &correlate.Triage{Status: correlate.FalsePositive, Author: "bo"})
					break
				}
			}
		}
	}
	for _, st := range []correlate.State{correlate.StateNew, correlate.StateUnchanged, correlate.StateUpdated,
		correlate.StateFixed, correlate.StateReopened} {
		assert.Positive(t, seen[st], "no %s finding in the sequence", st)
	}
	// The same scan again changes nothing but the last-seen times.
	again := p.track(SyntheticScan(400, 6))
	assert.Zero(t, countStates(again)[correlate.StateNew])
}

func triage(t *testing.T, p pair) {
	ctx := context.Background()
	r := p.track(SyntheticScan(50, 1))
	a, b, c := r.Records[0].ID, r.Records[1].ID, r.Records[2].ID
	expiry := T0.Add(3*time.Hour + 30*time.Minute)
	p.triage("", "", a, &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana", Justification: "compensating control",
		At: T0.Add(time.Minute), Expires: expiry})
	p.triage("", "", b, &correlate.Triage{Status: correlate.NotAffected, At: T0})
	p.triage("", "", c, &correlate.Triage{Status: correlate.WontFix})
	p.triage("", "", c, nil) // cleared
	// A triage without a status does not hold: the next scan drops it.
	p.triage("", "", r.Records[3].ID, &correlate.Triage{Justification: "no status"})
	p.track(SyntheticScan(50, 2)) // drops the triage without a status
	r3 := p.track(SyntheticScan(50, 3))
	for _, ch := range r3.Changes {
		assert.Nil(t, ch.Expired, "nothing expires before %v", expiry)
	}
	sc := SyntheticScan(50, 4)
	sc.At = expiry // at the expiry: it no longer holds
	r4 := p.track(sc)
	var expired []string
	for _, ch := range r4.Changes {
		if ch.Expired != nil {
			expired = append(expired, ch.ID)
		}
	}
	assert.Equal(t, []string{a}, expired)

	for _, st := range []correlate.Store{p.mem, p.db} {
		err := st.SetTriage(ctx, "", "", "nope", &correlate.Triage{Status: correlate.FalsePositive})
		assert.ErrorIs(t, err, correlate.ErrNotFound)
		assert.ErrorIs(t, st.SetTriage(ctx, "other", "", a, nil), correlate.ErrNotFound)
	}
}

// triageDuringTrack records decisions between the Load and the Save of
// a tracked scan, as an analyst in the portal does while the CLI imports
// one: the Save keeps every decision, a clearing too, and clears only a
// triage that no longer holds at the scan's time.
func triageDuringTrack(t *testing.T, p pair) {
	ctx := context.Background()
	r1 := p.track(SyntheticScan(50, 1))
	kept, cleared := r1.Records[0].ID, r1.Records[1].ID
	p.triage("", "", cleared, &correlate.Triage{Status: correlate.WontFix, Author: "ana"})
	scan := SyntheticScan(50, 2)
	for _, st := range []correlate.Store{p.mem, p.db} {
		base, err := st.Load(ctx, "", "")
		require.NoError(t, err)
		res := correlate.Compare(base, scan, correlate.Options{})
		lapsed := "" // a stored record the scan rewrites
		for _, r := range r1.Records[2:] {
			if slices.Contains(res.Modified, r.ID) {
				lapsed = r.ID
				break
			}
		}
		require.NotEmpty(t, lapsed)
		for _, id := range []string{kept, cleared, lapsed} {
			require.Contains(t, res.Modified, id, "the scan rewrites %s", id)
		}
		// The decisions come after the Load.
		require.NoError(t, st.SetTriage(ctx, "", "", kept, &correlate.Triage{Status: correlate.FalsePositive,
			Author: "bo", Justification: "test code", At: scan.At.Add(-time.Minute)}))
		require.NoError(t, st.SetTriage(ctx, "", "", cleared, nil))
		require.NoError(t, st.SetTriage(ctx, "", "", lapsed, &correlate.Triage{Status: correlate.AcceptedRisk,
			Author: "cy", Expires: scan.At}))
		require.NoError(t, st.Save(ctx, scan, res))
		recs, err := st.Load(ctx, "", "")
		require.NoError(t, err)
		got := map[string]*correlate.Triage{}
		for _, r := range recs {
			got[r.ID] = r.Triage
		}
		if assert.NotNil(t, got[kept], "%T lost a decision recorded during the scan", st) {
			assert.Equal(t, correlate.FalsePositive, got[kept].Status)
			assert.Equal(t, "test code", got[kept].Justification)
		}
		assert.Nil(t, got[cleared], "%T brought back a triage cleared during the scan", st)
		assert.Nil(t, got[lapsed], "%T kept a triage that expired at the scan", st)
	}
	p.same("", "")
	// The next scan, tracked as usual, sees the decision.
	r3 := p.track(SyntheticScan(50, 3))
	for _, c := range r3.Changes {
		if c.ID == kept {
			assert.True(t, c.Suppressed, "the false positive suppresses the finding")
		}
	}
}

func scopes(t *testing.T, p pair) {
	ctx := context.Background()
	list := [][2]string{{"", ""}, {"acme", ""}, {"acme", "shop"}, {"", "shop"}, {"globex", "shop"}, {"acme", "shop/api"}}
	for round := 1; round <= 2; round++ {
		for i, sc := range list {
			s := SyntheticScan(10+i, round)
			s.Tenant, s.Application = sc[0], sc[1]
			p.track(s)
		}
	}
	for _, sc := range list {
		p.same(sc[0], sc[1])
		recs, err := p.db.Load(ctx, sc[0], sc[1])
		require.NoError(t, err)
		require.NotEmpty(t, recs)
		for _, r := range recs {
			assert.Equal(t, sc[0], r.Tenant)
			assert.Equal(t, sc[1], r.Application)
		}
	}
	for _, sc := range [][2]string{{"nobody", ""}, {"acme", "Shop"}, {"acme\x00", "shop"}, {"\xff", ""}} {
		recs, err := p.db.Load(ctx, sc[0], sc[1])
		require.NoError(t, err, "%q/%q", sc[0], sc[1])
		assert.Empty(t, recs, "%q/%q", sc[0], sc[1])
	}
}

// times scans at instants a database may round or shift: nanoseconds,
// before 1970, near the bounds of years 1 and 9999, in another zone.
func times(t *testing.T, p pair) {
	east := time.FixedZone("UTC+5:30", 5*3600+1800)
	for i, at := range []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2026, 3, 29, 2, 30, 0, 1000, east),
		time.Date(2026, 3, 29, 2, 30, 0, 1001, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	} {
		sc := SyntheticScan(20, i+1)
		sc.At = at.In(time.UTC) // records hold UTC times, as read back
		sc.Application = "times"
		p.track(sc)
	}
	// A scan without a time keeps zero times.
	sc := SyntheticScan(20, 1)
	sc.At, sc.Application = time.Time{}, "zero"
	p.track(sc)
}

// text stores findings with text a database may refuse or alter: NUL
// bytes and control characters, non-ASCII, HTML, properties of every
// JSON type.
func text(t *testing.T, p pair) {
	fs := Synthetic(5, 1)
	fs[0].Title = "a NUL \x00 byte, a tab\t, a bell \a and a line\nbreak"
	fs[1].Description = "<script>alert('é, 日本, 🔒')</script> & \u2028"
	fs[2].Properties = map[string]any{"n": 3, "f": 1.5, "big": 1e21, "s": []string{"a", "b"}, "b": true,
		"nil": nil, "nested": map[string]any{"k": []any{1, "x"}}}
	fs[3].Location.Path = "dir with spaces/ünï.go"
	p.track(correlate.Scan{ID: "text é", At: T0, Findings: fs, Tenant: "tenant é", Application: "app 日本"})
}

func emptyScans(t *testing.T, p pair) {
	ctx := context.Background()
	recs, err := p.db.Load(ctx, "", "")
	require.NoError(t, err)
	assert.Empty(t, recs)
	p.track(correlate.Scan{ID: "nothing", At: T0})
	p.track(SyntheticScan(30, 1))
	// A scan that ran the tool and found nothing fixes every record.
	r := p.track(correlate.Scan{ID: "clean", At: T0.Add(time.Hour), Tools: []string{"gosec"}})
	assert.Equal(t, len(Synthetic(30, 1)), countStates(r)[correlate.StateFixed])
}

func cancelled(t *testing.T, p pair) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := correlate.Track(ctx, p.db, SyntheticScan(10, 1), correlate.Options{})
	assert.ErrorIs(t, err, context.Canceled)
	err = p.db.Save(ctx, correlate.Scan{ID: "s", At: T0}, correlate.Compare(nil, SyntheticScan(10, 1), correlate.Options{}))
	assert.ErrorIs(t, err, context.Canceled)
	_, err = p.db.Load(ctx, "", "")
	assert.ErrorIs(t, err, context.Canceled)
	p.same("", "") // a cancelled save wrote nothing
}

// corpusScans adds container scans of real images, from the shared
// corpus.
func corpusScans(t *testing.T, p pair) {
	first := DecodeFile(t, testcorpus.Path(t, "trivy/trivy/legacy_many_vulns.json"))
	second := append(DecodeFile(t, testcorpus.Path(t, "grype/grype/many_vulns3.json")), first[:len(first)/2]...)
	p.track(correlate.Scan{ID: "1", At: T0, Tenant: "acme", Application: "img", Findings: first})
	p.track(correlate.Scan{ID: "2", At: T0.Add(time.Hour), Tenant: "acme", Application: "img", Findings: second})
	p.track(correlate.Scan{ID: "3", At: T0.Add(2 * time.Hour), Tenant: "acme", Application: "img", Findings: first})
}

// Synthetic returns n SAST findings of the tool "gosec"; finding i is
// absent from scan k when (7i+k) mod 10 is 0, and its severity changes
// with k for every 13th finding, so that a sequence of scans has new,
// unchanged, updated, fixed and reopened findings.
func Synthetic(n, k int) []findings.Finding {
	return SyntheticTool(n, k, "gosec", "pkg")
}

// SyntheticTool is [Synthetic] for a named tool, with files under dir.
func SyntheticTool(n, k int, tool, dir string) []findings.Finding {
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
			ID: fmt.Sprintf("f%d", i), Kind: findings.KindSAST, Tool: findings.Tool{Name: tool, Version: "2.30.0"},
			RuleID: fmt.Sprintf("G%d", 100+i%20), Title: "synthetic finding", Severity: sev, SeveritySource: "test",
			CWEs: []string{fmt.Sprintf("CWE-%d", 20+i%50)},
			Location: findings.Location{Path: fmt.Sprintf("%s%d/file%d.go", dir, i%17, i/50),
				Region: &findings.Region{StartLine: 1 + i%400, EndLine: 1 + i%400}, SnippetHash: fmt.Sprintf("h%08d", i)},
			Source: findings.Source{File: tool + ".sarif", Format: "sarif", Record: i},
		})
	}
	return out
}

// SyntheticScan is scan k of [Synthetic] findings, k hours after [T0].
func SyntheticScan(n, k int) correlate.Scan {
	return correlate.Scan{ID: fmt.Sprintf("scan-%d", k), At: T0.Add(time.Duration(k) * time.Hour),
		Findings: Synthetic(n, k), Tools: []string{"gosec"}}
}
