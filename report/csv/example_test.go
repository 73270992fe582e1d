package csv_test

import (
	"fmt"
	"os"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/csv"
)

// A cell that would start a spreadsheet formula gets a leading single
// quote; commas and quotes are quoted as RFC 4180 says.
func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{
		{ID: "a1", Kind: findings.KindSCA, Severity: findings.SeverityHigh, RuleID: "CVE-2024-0001",
			Title: "Prototype pollution, in \"lodash\""},
		{ID: "b2", Kind: findings.KindSAST, Severity: findings.SeverityLow, RuleID: "=HYPERLINK(\"http://evil\")",
			Title: "Weak hash"},
	})
	err := csv.Write(os.Stdout, report.New(d, report.Options{}), csv.Options{
		Columns: []csv.Column{csv.ColumnID, csv.ColumnSeverity, csv.ColumnRuleID, csv.ColumnTitle},
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// id,severity,rule_id,title
	// a1,high,CVE-2024-0001,"Prototype pollution, in ""lodash"""
	// b2,low,"'=HYPERLINK(""http://evil"")",Weak hash
}

func ExampleNeutralize() {
	for _, s := range []string{"=1+2", " -3", "@SUM(A1)", "'quoted", "plain"} {
		fmt.Println(csv.Neutralize(s))
	}
	// Output:
	// '=1+2
	// ' -3
	// '@SUM(A1)
	// ''quoted
	// plain
}
