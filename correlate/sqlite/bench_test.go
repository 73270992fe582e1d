package sqlite

import (
	"context"
	"fmt"
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
