package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// benchFindings returns n distinct SCA-like findings, with the fields a
// dependency scanner fills.
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
// records back.
//
//	go test -run '^$' -bench BenchmarkTrack100k -benchtime 3x ./correlate/sqlite/
func BenchmarkTrack100k(b *testing.B) {
	const n = 100_000
	fs := benchFindings(n)
	ctx := context.Background()
	open := func(b *testing.B) *Store {
		s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{})
		require.NoError(b, err)
		return s
	}
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
	}

	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := open(b)
			b.StartTimer()
			_, err := correlate.Track(ctx, s, correlate.Scan{ID: "1", At: t0, Findings: fs}, correlate.Options{})
			require.NoError(b, err)
			b.StopTimer()
			require.NoError(b, s.Close())
			b.StartTimer()
		}
		perSecond(b)
	})

	b.Run("unchanged", func(b *testing.B) {
		b.ReportAllocs()
		s := open(b)
		defer s.Close()
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
		s := open(b)
		defer s.Close()
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

// fillPortal saves n records into the application acme/big, in scans of
// 100,000: every state and severity, last seen over n minutes (the data
// of correlate/postgres's BenchmarkPortalQuery).
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
	b.Logf("filled %d records in %v", n, time.Since(start).Round(time.Second))
}

// BenchmarkPortalQuery runs the portal's findings list: the records of
// one application filtered by state and severity, newest first, LIMIT
// 50, over an application of 100,000 records and (with ASPM_BENCH_2M=1)
// of 2,000,000, in a database file in the benchmark's temporary
// directory (it logs the file's size: 263 MB for 100,000 records, so
// about 5 GB for 2,000,000; check the free disk space first). The queries and
// data are those of correlate/postgres's BenchmarkPortalQuery, for a
// side-by-side comparison; the database is not analyzed, as the store
// never runs ANALYZE.
//
//	go test -run '^$' -bench BenchmarkPortalQuery -benchtime 20x ./correlate/sqlite/
//	ASPM_BENCH_2M=1 go test -run '^$' -bench BenchmarkPortalQuery -benchtime 20x -timeout 60m ./correlate/sqlite/
func BenchmarkPortalQuery(b *testing.B) {
	ctx := context.Background()
	sizes := []int{100_000}
	if os.Getenv("ASPM_BENCH_2M") == "1" {
		sizes = append(sizes, 2_000_000)
	}
	queries := []struct {
		name string
		q    correlate.Query
	}{
		{"state+severity", correlate.Query{States: []correlate.State{correlate.StateUnchanged}, Severities: []string{"high"},
			Order: correlate.ByLastSeen, Limit: 50}},
		{"2states+2severities", correlate.Query{States: []correlate.State{correlate.StateNew, correlate.StateReopened},
			Severities: []string{"critical", "high"}, Order: correlate.ByLastSeen, Limit: 50}},
		{"open", correlate.Query{Open: true, Order: correlate.ByLastSeen, Limit: 50}},
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "portal.db")
			s, err := Open(ctx, path, Options{})
			require.NoError(b, err)
			defer s.Close()
			fillPortal(b, s, n)
			var size int64
			for _, f := range []string{path, path + "-wal"} {
				if fi, err := os.Stat(f); err == nil {
					size += fi.Size()
				}
			}
			b.Logf("database: %d MB", size>>20)
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
