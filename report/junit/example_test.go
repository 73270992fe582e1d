package junit_test

import (
	"os"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/junit"
)

// An open finding at or above FailOn fails; others pass, and fixed or
// suppressed ones are skipped.
func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{
		{ID: "a1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, Severity: findings.SeverityHigh,
			RuleID: "CVE-2024-0001", Title: "Prototype pollution in lodash", Location: findings.Location{Path: "package-lock.json"}},
		{ID: "b2", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, Severity: findings.SeverityLow,
			RuleID: "CVE-2024-0002", Title: "ReDoS in ms"},
	})
	d.Findings[1].Suppressed = true
	d.Findings[1].TriageStatus = "accepted_risk"
	err := junit.Write(os.Stdout, report.New(d, report.Options{}), junit.Options{})
	if err != nil {
		panic(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <testsuites name="aspm" tests="2" failures="1" errors="0" skipped="1" time="0">
	//   <testsuite name="trivy" tests="2" failures="1" errors="0" skipped="1" time="0">
	//     <testcase name="[high] Prototype pollution in lodash (package-lock.json)" classname="trivy.CVE-2024-0001" file="package-lock.json" time="0">
	//       <failure message="Prototype pollution in lodash" type="high">Severity: high&#xA;Tool: trivy&#xA;Rule: CVE-2024-0001&#xA;Kind: sca&#xA;Location: package-lock.json&#xA;Finding ID: a1&#xA;</failure>
	//     </testcase>
	//     <testcase name="[low] ReDoS in ms" classname="trivy.CVE-2024-0002" time="0">
	//       <skipped message="suppressed: accepted_risk"></skipped>
	//     </testcase>
	//   </testsuite>
	// </testsuites>
}
