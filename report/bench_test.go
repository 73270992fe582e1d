package report_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// benchData builds n findings spread over kinds, tools, severities,
// states and 500 assets, scored, with SLA dates.
func benchData(n int) *report.Data {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	kinds := []findings.Kind{findings.KindSCA, findings.KindSAST, findings.KindSecret, findings.KindIaC, findings.KindContainer}
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow, findings.SeverityInfo}
	states := []string{"new", "unchanged", "unchanged", "updated", "fixed", "reopened"}
	d := &report.Data{Title: "bench", GeneratedAt: now, Findings: make([]report.Finding, n)}
	for i := range n {
		open := states[i%len(states)] != "fixed"
		f := &d.Findings[i]
		f.Finding = findings.Finding{
			ID: fmt.Sprintf("%032x", i), Kind: kinds[i%len(kinds)], Tool: findings.Tool{Name: fmt.Sprintf("tool-%d", i%7)},
			RuleID: fmt.Sprintf("RULE-%d", i%300), Title: fmt.Sprintf("finding %d in module %d", i, i%50), Severity: sevs[i%len(sevs)],
			Location: findings.Location{Path: fmt.Sprintf("src/pkg%d/file%d.go", i%40, i%500), Region: &findings.Region{StartLine: 1 + i%400}},
		}
		f.State, f.Open = states[i%len(states)], &open
		f.FirstSeen = now.AddDate(0, 0, -(i % 400))
		f.Risk = &report.Risk{Score: float64(i%1000) / 10, Priority: fmt.Sprintf("P%d", 1+i%4), Explanation: "CVSS 7.5; EPSS 0.12"}
		f.SLADue = now.AddDate(0, 0, 30-(i%60))
		f.Assets = []string{fmt.Sprintf("repository:git.example/r-%d", i%500)}
	}
	return d
}

// BenchmarkJSON100k: summarizing 100,000 findings and writing the JSON
// report.
func BenchmarkJSON100k(b *testing.B) {
	d := benchData(100_000)
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		w := &countWriter{}
		if err := report.New(d, report.Options{}).WriteJSON(w); err != nil {
			b.Fatal(err)
		}
		n = w.n
	}
	b.ReportMetric(float64(n), "bytes")
}

// BenchmarkSummarize100k: the summary alone.
func BenchmarkSummarize100k(b *testing.B) {
	d := benchData(100_000)
	b.ReportAllocs()
	for b.Loop() {
		_ = report.Summarize(d, report.Options{})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
