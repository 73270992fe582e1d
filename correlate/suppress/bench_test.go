package suppress

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aspmkit/aspm/findings"
)

const (
	benchFindings = 100_000
	benchRules    = 1_000
)

// benchFindingSet makes n dependency and code findings spread over 5,000
// vulnerability IDs, 500 packages and 200 rule IDs, deterministically.
func benchFindingSet(n int) []findings.Finding {
	rng := rand.New(rand.NewPCG(1, 2))
	fs := make([]findings.Finding, n)
	for i := range fs {
		v := rng.IntN(5000)
		p := rng.IntN(500)
		fs[i] = findings.Finding{
			Tool:             findings.Tool{Name: []string{"Trivy", "Grype", "CodeQL", "Semgrep"}[i%4]},
			RuleID:           fmt.Sprintf("rule-%d", rng.IntN(200)),
			VulnerabilityIDs: []string{fmt.Sprintf("CVE-2024-%05d", v), fmt.Sprintf("GHSA-%04d-xxxx-yyyy", v)},
			CWEs:             []string{fmt.Sprintf("CWE-%d", rng.IntN(900)+1)},
			Package:          &findings.Package{PURL: fmt.Sprintf("pkg:npm/pkg%d@1.%d.0", p, rng.IntN(10))},
			Location:         findings.Location{Path: fmt.Sprintf("src/mod%d/dir%d/file%d.go", rng.IntN(50), rng.IntN(20), rng.IntN(100))},
		}
	}
	return fs
}

// BenchmarkVEXIndexMatch matches 100,000 findings against 1,000
// statements. One iteration is the whole batch.
func BenchmarkVEXIndexMatch(b *testing.B) {
	fs := benchFindingSet(benchFindings)
	stmts := make([]findings.VEXStatement, benchRules)
	for i := range stmts {
		v := i * 5 // every fifth vulnerability ID has a statement
		stmts[i] = findings.VEXStatement{
			VulnerabilityID: fmt.Sprintf("CVE-2024-%05d", v),
			Aliases:         []string{fmt.Sprintf("GHSA-%04d-xxxx-yyyy", v)},
			Products:        []string{fmt.Sprintf("pkg:npm/pkg%d", i%500), fmt.Sprintf("pkg:npm/pkg%d@1.1.0", (i+7)%500)},
			VEXAnalysis:     findings.VEXAnalysis{Status: findings.VEXNotAffected},
			Timestamp:       "2024-01-02T03:04:05Z",
		}
	}
	for i := 0; i < len(stmts); i += 2 {
		stmts[i].Products = nil // half the statements cover every product
	}
	ix, err := NewVEXIndex(stmts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	matched := 0
	for b.Loop() {
		matched = 0
		for i := range fs {
			if _, ok := ix.Match(fs[i]); ok {
				matched++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchFindings, "ns/finding")
	b.ReportMetric(float64(matched), "matched")
}

// BenchmarkRuleSetMatch matches 100,000 findings against 1,000 rules of
// every kind: vulnerability ID, rule ID with paths, purl, CWE with tool,
// and 20 path-only rules that every finding is tried against.
func BenchmarkRuleSetMatch(b *testing.B) {
	fs := benchFindingSet(benchFindings)
	rules := make([]Rule, 0, benchRules)
	for i := range benchRules {
		r := Rule{ID: fmt.Sprintf("r%d", i), Status: StatusAcceptedRisk, Justification: "bench",
			Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
		switch {
		case i < 600:
			r.VulnerabilityIDs = []string{fmt.Sprintf("CVE-2024-%05d", i*7)}
		case i < 800:
			r.RuleIDs = []string{fmt.Sprintf("rule-%d", i%200)}
			r.Paths = []string{fmt.Sprintf("src/mod%d/**", i%50)}
		case i < 900:
			r.PURLs = []string{fmt.Sprintf("pkg:npm/pkg%d@1.%d.0", i%500, i%10)}
		case i < 980:
			r.CWEs = []string{fmt.Sprintf("CWE-%d", i)}
			r.Tools = []string{"semgrep"}
		default:
			r.Paths = []string{fmt.Sprintf("**/dir%d/file%d.go", i%20, i%100)}
			r.Scope = "proj"
		}
		rules = append(rules, r)
	}
	s, err := NewRuleSet(rules)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	matched := 0
	for b.Loop() {
		matched = 0
		for i := range fs {
			if _, ok := s.Match(fs[i], "proj", now); ok {
				matched++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchFindings, "ns/finding")
	b.ReportMetric(float64(matched), "matched")
}

func BenchmarkMatchPath(b *testing.B) {
	g, err := compilePath("src/**/internal/**/*_test.go")
	if err != nil {
		b.Fatal(err)
	}
	path := pathSegments("src/a/b/c/internal/d/e/f/thing_test.go")
	b.ReportAllocs()
	for b.Loop() {
		if !g.match(path) {
			b.Fatal("no match")
		}
	}
}
