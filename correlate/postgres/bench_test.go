package postgres

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// benchFindings returns n distinct SCA-like findings, with the fields a
// dependency scanner fills (the findings of correlate/sqlite's
// BenchmarkTrack100k, for a side-by-side comparison).
func benchFindings(n int) []findings.Finding {
	out := make([]findings.Finding, n)
	score := 7.5
	for i := range out {
		out[i] = findings.Finding{
			ID: fmt.Sprintf("%032x", i), Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy", Version: "0.58.0"},
			RuleID: fmt.Sprintf("CVE-2026-%05d", i), Title: "a vulnerability in a package",
			Description: "A longer description of the vulnerability, as advisories give it, with a sentence or two of detail.",
			Severity:    findings.SeverityHigh, SeveritySource: "trivy:Severity",
			CVSS:             []findings.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: &score, Source: "nvd"}},
			VulnerabilityIDs: []string{fmt.Sprintf("CVE-2026-%05d", i), fmt.Sprintf("GHSA-%04x-%04x-%04x", i, i*7, i*13)},
			Package: &findings.Package{Name: fmt.Sprintf("lib%d", i%5000), Version: "1.2.3", Ecosystem: "npm",
				PURL: fmt.Sprintf("pkg:npm/lib%d@1.2.3", i%5000), FixedVersions: []string{"1.2.4"}},
			Location:   findings.Location{Path: "package-lock.json", Target: "package-lock.json"},
			References: []string{fmt.Sprintf("https://nvd.nist.gov/vuln/detail/CVE-2026-%05d", i)},
			Source:     findings.Source{File: "trivy.json", Format: "trivy", Record: i},
		}
	}
	return out
}

// BenchmarkTrack100k applies a 100,000-finding scan with correlate.Track
// (load the baseline, compare, save in one transaction): "new" into an
// empty store, "unchanged" as a rescan of the same findings (every record
// is rewritten: its last-seen time moves). "load" reads the 100,000
// records back. Compare with correlate/sqlite's BenchmarkTrack100k:
//
//	scripts/pg-test.sh go test -run '^$' -bench BenchmarkTrack100k -benchtime 3x ./correlate/postgres/
func BenchmarkTrack100k(b *testing.B) {
	const n = 100_000
	testDSN(b)
	fs := benchFindings(n)
	ctx := context.Background()
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
	}

	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := openTemp(b, Options{})
			b.StartTimer()
			_, err := correlate.Track(ctx, s, correlate.Scan{ID: "1", At: t0, Findings: fs}, correlate.Options{})
			require.NoError(b, err)
		}
		perSecond(b)
	})

	b.Run("unchanged", func(b *testing.B) {
		b.ReportAllocs()
		s := openTemp(b, Options{})
		_, err := correlate.Track(ctx, s, correlate.Scan{ID: "0", At: t0, Findings: fs}, correlate.Options{})
		require.NoError(b, err)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res, err := correlate.Track(ctx, s, correlate.Scan{ID: fmt.Sprint(i + 1), At: t0.Add(time.Duration(i+1) * time.Hour), Findings: fs}, correlate.Options{})
			require.NoError(b, err)
			if len(res.Changes) != n || res.Changes[0].State != correlate.StateUnchanged {
				b.Fatalf("the rescan is not all unchanged: %d changes, first %s", len(res.Changes), res.Changes[0].State)
			}
		}
		perSecond(b)
	})

	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		s := openTemp(b, Options{})
		_, err := correlate.Track(ctx, s, correlate.Scan{ID: "0", At: t0, Findings: fs}, correlate.Options{})
		require.NoError(b, err)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			recs, err := s.Load(ctx, "", "")
			require.NoError(b, err)
			require.Len(b, recs, n)
		}
		perSecond(b)
	})
}

// portalStore returns a store whose application "big" holds n records in
// every state and severity, last seen over n minutes. The store of
// 2,000,000 records is kept in the schema aspm_bench_2m (building it
// takes minutes); smaller ones are dropped after the benchmark.
func portalStore(b *testing.B, n int) *Store {
	b.Helper()
	ctx := context.Background()
	opts := Options{}
	if n >= 1_000_000 {
		opts.Schema = fmt.Sprintf("aspm_bench_%dk", n/1000)
		s, err := Open(ctx, testDSN(b), opts)
		require.NoError(b, err)
		b.Cleanup(func() { _ = s.Close() })
		var have int
		require.NoError(b, s.pool.QueryRow(ctx, `SELECT count(*) FROM records WHERE tenant = 'acme' AND application = 'big'`).Scan(&have))
		if have == n {
			return s
		}
		_, err = s.pool.Exec(ctx, `TRUNCATE records, scans`)
		require.NoError(b, err)
		fillPortal(b, s, n)
		return s
	}
	s := openTemp(b, opts)
	fillPortal(b, s, n)
	return s
}

func fillPortal(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	fs := benchFindings(100_000)
	states := []correlate.State{correlate.StateNew, correlate.StateUnchanged, correlate.StateUnchanged, correlate.StateUpdated,
		correlate.StateFixed, correlate.StateReopened}
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityHigh, findings.SeverityMedium,
		findings.SeverityMedium, findings.SeverityLow, findings.SeverityInfo}
	start := time.Now()
	for base := 0; base < n; base += len(fs) {
		m := min(len(fs), n-base)
		res := correlate.Result{Records: make([]correlate.Record, m), Modified: make([]string, m)}
		for j := range m {
			i := base + j
			f := fs[j]
			f.Severity = sevs[i%len(sevs)]
			st := states[(i/7)%len(states)]
			seen := t0.Add(time.Duration(i) * time.Minute)
			id := fmt.Sprintf("k%08d", i)
			res.Records[j] = correlate.Record{ID: id, Cluster: id, Finding: f, Details: "d", Open: st != correlate.StateFixed,
				State: st, FirstSeen: t0, LastSeen: seen, History: []correlate.Transition{{At: t0, State: correlate.StateNew, Scan: "0"}}}
			res.Modified[j] = id
		}
		require.NoError(b, s.Save(ctx, correlate.Scan{ID: fmt.Sprint("fill-", base), At: t0, Tenant: "acme", Application: "big"}, res))
	}
	_, err := s.pool.Exec(ctx, `VACUUM ANALYZE records`)
	require.NoError(b, err)
	b.Logf("filled %d records in %v", n, time.Since(start).Round(time.Second))
}

// BenchmarkPortalQuery runs the portal's findings list: the records of
// one application filtered by state and severity, newest first, LIMIT
// 50, over an application of 100,000 records and (with ASPM_BENCH_2M=1)
// of 2,000,000:
//
//	ASPM_BENCH_2M=1 scripts/pg-test.sh go test -run '^$' -bench BenchmarkPortalQuery -timeout 60m ./correlate/postgres/
func BenchmarkPortalQuery(b *testing.B) {
	testDSN(b)
	ctx := context.Background()
	sizes := []int{100_000}
	if os.Getenv("ASPM_BENCH_2M") == "1" {
		sizes = append(sizes, 2_000_000)
	}
	queries := []struct {
		name string
		q    Query
	}{
		{"state+severity", Query{States: []correlate.State{correlate.StateUnchanged}, Severities: []string{"high"}, Order: ByLastSeen, Limit: 50}},
		{"2states+2severities", Query{States: []correlate.State{correlate.StateNew, correlate.StateReopened},
			Severities: []string{"critical", "high"}, Order: ByLastSeen, Limit: 50}},
		{"open", Query{Open: true, Order: ByLastSeen, Limit: 50}},
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			s := portalStore(b, n)
			for _, tc := range queries {
				b.Run(tc.name, func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						got := 0
						for _, err := range s.Records(ctx, "acme", "big", tc.q) {
							require.NoError(b, err)
							got++
						}
						if got != 50 {
							b.Fatalf("%d records, want 50", got)
						}
					}
				})
			}
		})
	}
}
