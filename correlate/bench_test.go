package correlate

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/aspmkit/aspm/findings"
)

// syntheticFindings makes n findings shaped like a large organization's
// scans: 60% dependency findings from three tools over a pool of
// vulnerabilities and packages (so that tools overlap), 30% code findings
// with snippets, 10% secrets.
func syntheticFindings(n int) []findings.Finding {
	r := rand.New(rand.NewPCG(7, 11))
	tools := []string{"trivy", "grype", "osv-scanner"}
	fs := make([]findings.Finding, n)
	for i := range fs {
		f := &fs[i]
		f.ID = strconv.Itoa(i)
		switch x := r.IntN(10); {
		case x < 6:
			p := r.IntN(n / 50)
			v := p*3 + r.IntN(3) // each package has three vulnerabilities
			f.Kind = findings.KindSCA
			f.Tool.Name = tools[r.IntN(3)]
			f.VulnerabilityIDs = []string{"CVE-2024-" + strconv.Itoa(10000+v), "GHSA-" + strconv.Itoa(v)}
			f.RuleID = f.VulnerabilityIDs[0]
			f.Severity = findings.Severities[r.IntN(4)]
			f.Package = &findings.Package{Name: "pkg" + strconv.Itoa(p), Version: "1." + strconv.Itoa(p%7), Ecosystem: "npm",
				PURL: "pkg:npm/pkg" + strconv.Itoa(p) + "@1." + strconv.Itoa(p%7)}
			f.Location.Path = "app" + strconv.Itoa(r.IntN(200)) + "/package-lock.json"
		case x < 9:
			f.Kind = findings.KindSAST
			f.Tool.Name = []string{"semgrep", "codeql", "gosec"}[r.IntN(3)]
			f.RuleID = "rule" + strconv.Itoa(r.IntN(300))
			f.CWEs = []string{"CWE-" + strconv.Itoa(20+r.IntN(60))}
			line := 1 + r.IntN(500)
			f.Location = findings.Location{Path: "src/f" + strconv.Itoa(r.IntN(n/10)) + ".go",
				Region: &findings.Region{StartLine: line, EndLine: line + r.IntN(3)}, SnippetHash: strconv.Itoa(r.IntN(1 << 30))}
			f.Severity = findings.SeverityMedium
		default:
			f.Kind = findings.KindSecret
			f.Tool.Name = []string{"gitleaks", "trufflehog"}[r.IntN(2)]
			f.RuleID = "aws-access-key"
			f.SecretHash = strconv.Itoa(r.IntN(n / 20))
			f.Location = findings.Location{Path: "cfg/" + strconv.Itoa(r.IntN(1000)) + ".env", Region: &findings.Region{StartLine: 1 + r.IntN(40)}}
			f.Severity = findings.SeverityHigh
		}
	}
	return fs
}

// BenchmarkDedup1M deduplicates and clusters 1,000,000 findings and reports
// the heap held by the input and the clusters (MB-held) and the number of
// clusters.
func BenchmarkDedup1M(b *testing.B) {
	fs := syntheticFindings(1_000_000)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var clusters []Cluster
	for b.Loop() {
		clusters = Dedup(fs, Options{})
	}
	b.StopTimer()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)/(1<<20), "MB-held")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
	b.ReportMetric(float64(len(clusters)), "clusters")
	runtime.KeepAlive(fs)
}

// BenchmarkCompare100k compares a 100,000-finding rescan with its baseline.
func BenchmarkCompare100k(b *testing.B) {
	fs := syntheticFindings(100_000)
	base := Baseline(fs, t0, Options{})
	for b.Loop() {
		_ = Compare(base, Scan{At: t0, Findings: fs}, Options{})
	}
}
