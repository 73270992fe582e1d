package sarif_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/sarif"
)

func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{{
		ID:       "f1",
		Kind:     findings.KindSAST,
		Tool:     findings.Tool{Name: "gosec", Version: "2.21.4"},
		RuleID:   "G201",
		Title:    "SQL string formatting",
		Severity: findings.SeverityHigh,
		CWEs:     []string{"CWE-89"},
		Location: findings.Location{Path: "/src/shop/store/orders.go", Region: &findings.Region{StartLine: 88}},
	}})
	d.Findings[0].State = "new"
	var out strings.Builder
	err := sarif.Write(&out, report.New(d, report.Options{}), sarif.Options{SourceRoot: "/src/shop", Category: "aspm"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, line := range strings.Split(out.String(), "\n") {
		for _, key := range []string{`"name"`, `"security-severity"`, `"external/cwe`, `"ruleId"`, `"level"`, `"uri"`, `"baselineState"`, `"id": "aspm/"`} {
			if strings.Contains(line, key) {
				fmt.Println(strings.TrimSpace(line))
			}
		}
	}
	// Output:
	// "name": "gosec",
	// "level": "error"
	// "external/cwe/cwe-089"
	// "security-severity": "8.0"
	// "id": "aspm/"
	// "ruleId": "G201",
	// "level": "error",
	// "uri": "store/orders.go"
	// "baselineState": "new",
	// "security-severity": "8.0",
}
