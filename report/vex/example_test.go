package vex_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/vex"
)

func ExampleWrite() {
	d := report.FromFindings([]findings.Finding{{
		ID:               "f1",
		Kind:             findings.KindSCA,
		Tool:             findings.Tool{Name: "trivy"},
		RuleID:           "CVE-2023-5363",
		VulnerabilityIDs: []string{"CVE-2023-5363"},
		Severity:         findings.SeverityHigh,
		Package:          &findings.Package{Name: "libssl3", Version: "3.0.11-r0", PURL: "pkg:apk/alpine/libssl3@3.0.11-r0"},
	}})
	d.GeneratedAt = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	d.Findings[0].TriageStatus = "not_affected"
	d.Findings[0].TriageJustification = "vulnerable_code_not_in_execute_path"

	var out strings.Builder
	err := vex.Write(&out, report.New(d, report.Options{}), vex.Options{
		Format: vex.OpenVEX, Author: "Acme Product Security", ID: "https://acme.example/vex/2026-03-02",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Print(out.String())
	// Output:
	// {
	//   "@context": "https://openvex.dev/ns/v0.2.0",
	//   "@id": "https://acme.example/vex/2026-03-02",
	//   "author": "Acme Product Security",
	//   "timestamp": "2026-03-02T06:00:00Z",
	//   "version": 1,
	//   "tooling": "aspm",
	//   "statements": [
	//     {
	//       "vulnerability": {
	//         "name": "CVE-2023-5363"
	//       },
	//       "products": [
	//         {
	//           "@id": "pkg:apk/alpine/libssl3@3.0.11-r0",
	//           "identifiers": {
	//             "purl": "pkg:apk/alpine/libssl3@3.0.11-r0"
	//           }
	//         }
	//       ],
	//       "status": "not_affected",
	//       "status_notes": "aspm triage: not_affected",
	//       "justification": "vulnerable_code_not_in_execute_path"
	//     }
	//   ]
	// }
}
