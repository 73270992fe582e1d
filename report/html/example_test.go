package html_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
)

func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{
		{ID: "f1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "grype"}, Severity: findings.SeverityCritical,
			Title: "CVE-2024-3094 in xz-utils"},
		{ID: "f2", Kind: findings.KindSAST, Tool: findings.Tool{Name: "semgrep"}, Severity: findings.SeverityMedium,
			Title: "<script>alert(1)</script> reflected in template"},
	})
	d.Title = "acme/shop"
	d.GeneratedAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	var page bytes.Buffer
	if err := html.Write(&page, report.New(d, report.Options{}), html.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	s := page.String()
	fmt.Println(strings.Contains(s, "<title>acme/shop</title>"))
	fmt.Println(strings.Contains(s, `<meta http-equiv="Content-Security-Policy"`))
	fmt.Println("script tags:", strings.Count(s, "<script"))
	fmt.Println("markup from data:", strings.Contains(s, "<script>alert(1)"))
	// Output:
	// true
	// true
	// script tags: 2
	// markup from data: false
}
