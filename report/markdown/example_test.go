package markdown_test

import (
	"fmt"
	"os"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/markdown"
)

// A pull-request comment: the verdict, the summary, what the change
// introduced and the riskiest findings, with every finding collapsed.
// (In the output, # and @ are followed by an invisible zero-width space.)
func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{
		{ID: "a1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, Severity: findings.SeverityHigh,
			RuleID: "CVE-2024-0001", Title: "Prototype pollution in lodash", Location: findings.Location{Path: "package-lock.json"},
			References: []string{"https://github.com/advisories/GHSA-xxxx"}},
		{ID: "b2", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, Severity: findings.SeverityLow,
			RuleID: "G401", Title: "Use of weak hash <md5>", Location: findings.Location{Path: "hash.go", Region: &findings.Region{StartLine: 7}}},
	})
	d.Title = "acme/shop#42"
	d.GeneratedAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	d.Findings[0].State = "new"
	d.Findings[0].Risk = &report.Risk{Score: 71, Priority: "P2", Explanation: "high severity; reachable"}
	d.Findings[1].State = "unchanged"
	if err := markdown.Write(os.Stdout, report.New(d, report.Options{}), markdown.Options{}); err != nil {
		panic(err)
	}
	// Output:
	// ### aspm: acme/shop\#​42
	//
	// ❌ **2 open findings** (1 high, 1 low): 1 new.
	//
	// | Critical | High | Medium | Low | Info |
	// | --- | --- | --- | --- | --- |
	// | 0 | 1 | 0 | 1 | 0 |
	//
	// | SLA breached | Due soon | On track | No deadline |
	// | --- | --- | --- | --- |
	// | 0 | 0 | 0 | 2 |
	//
	// 2 findings: 2 open (1 new, 0 reopened), 0 fixed, 0 suppressed.
	//
	// #### New in this change (1)
	//
	// | Severity | Finding | Location | Tool | References |
	// | --- | --- | --- | --- | --- |
	// | High | Prototype pollution in lodash (CVE\-2024\-0001) | package\-lock.json | trivy | [github.com](https://github.com/advisories/GHSA-xxxx) |
	//
	// #### Top risks
	//
	// | Score | Priority | Finding | Why |
	// | --- | --- | --- | --- |
	// | 71 | P2 | High: Prototype pollution in lodash | high severity; reachable |
	//
	// <details>
	// <summary>All findings (2)</summary>
	//
	// | Severity | Status | Finding | Location | Tool | SLA due |
	// | --- | --- | --- | --- | --- | --- |
	// | High | new | Prototype pollution in lodash (CVE\-2024\-0001) | package\-lock.json | trivy |  |
	// | Low | unchanged | Use of weak hash &lt;md5&gt; (G401) | hash.go:7 | gosec |  |
	//
	// </details>
}

// Escape neutralizes markup, links, mentions and references; # and @
// are followed by an invisible zero-width space.
func ExampleEscape() {
	fmt.Println(markdown.Escape("<b>hi</b> @team [x](javascript:y) | #1"))
	// Output:
	// &lt;b&gt;hi&lt;/b&gt; @​team \[x\]\(javascript:y\) \| \#​1
}
