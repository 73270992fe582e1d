package correlate_test

import (
	"fmt"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// Two scanners report one vulnerability in one package under different
// IDs (a CVE and its GHSA alias): one cluster, both tools.
func ExampleDedup() {
	fs := []findings.Finding{
		{ID: "t1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, Severity: findings.SeverityHigh,
			VulnerabilityIDs: []string{"CVE-2022-24785", "GHSA-8hfj-j24r-96c4"},
			Package:          &findings.Package{Name: "moment", Version: "2.29.1", PURL: "pkg:npm/moment@2.29.1"}},
		{ID: "g1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "grype"}, Severity: findings.SeverityMedium,
			VulnerabilityIDs: []string{"GHSA-8hfj-j24r-96c4"},
			Package:          &findings.Package{Name: "moment", Version: "2.29.1"}},
	}
	for _, c := range correlate.Dedup(fs, correlate.Options{}) {
		fmt.Println(len(c.Members), c.Tools, c.Severity, c.VulnerabilityIDs)
	}
	// Output:
	// 2 [grype trivy] high [CVE-2022-24785 GHSA-8hfj-j24r-96c4]
}

// A rescan where a finding moved and got a new description, one was
// fixed and one is new.
func ExampleCompare() {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sqli := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G201",
		Severity: findings.SeverityHigh, Location: findings.Location{Path: "db.go", Region: &findings.Region{StartLine: 10}, SnippetHash: "a1"}}
	weak := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G401",
		Severity: findings.SeverityMedium, Location: findings.Location{Path: "hash.go", Region: &findings.Region{StartLine: 3}, SnippetHash: "b2"}}
	baseline := correlate.Baseline([]findings.Finding{sqli, weak}, at, correlate.Options{})

	moved := sqli
	moved.Location.Region = &findings.Region{StartLine: 42}
	moved.Description = "reworded by a newer gosec"
	fresh := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G304",
		Severity: findings.SeverityMedium, Location: findings.Location{Path: "io.go", Region: &findings.Region{StartLine: 7}, SnippetHash: "c3"}}
	res := correlate.Compare(baseline, correlate.Scan{ID: "ci-2", At: at.Add(24 * time.Hour), Findings: []findings.Finding{moved, fresh}}, correlate.Options{})
	for _, c := range res.Changes {
		fmt.Println(c.State, c.Finding.RuleID, c.Finding.Location.Path)
	}
	// Output:
	// new G304 io.go
	// unchanged G201 db.go
	// fixed G401 hash.go
}
