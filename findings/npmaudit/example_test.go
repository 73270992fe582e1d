package npmaudit_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/npmaudit"
)

func ExampleDecode() {
	report := `{
	  "auditReportVersion": 2,
	  "vulnerabilities": {
	    "semver": {
	      "name": "semver", "severity": "moderate", "isDirect": false,
	      "via": [{
	        "source": 1096482, "name": "semver", "dependency": "semver",
	        "title": "semver vulnerable to Regular Expression Denial of Service",
	        "url": "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw",
	        "severity": "moderate", "cwe": ["CWE-1333"],
	        "cvss": {"score": 5.3, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"},
	        "range": ">=7.0.0 <7.5.2"
	      }],
	      "effects": [], "range": "7.0.0 - 7.5.1", "nodes": ["node_modules/semver"],
	      "fixAvailable": {"name": "semver", "version": "7.5.2", "isSemVerMajor": false}
	    }
	  }
	}`
	err := npmaudit.Decode(strings.NewReader(report), findings.DecodeOptions{Name: "audit.json"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.RuleID, f.Severity, f.CWEs)
			fmt.Println(f.Package.PURL, f.Package.Relationship, f.Package.FixedVersions)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}

	// A failed audit is an error, not a clean report.
	failed := `{"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile."}}`
	err = npmaudit.Decode(strings.NewReader(failed), findings.DecodeOptions{Name: "audit.json"}, findings.Handler{})
	fmt.Println(err)
	// Output:
	// sca GHSA-c2qf-rxjj-qqgw medium [CWE-1333]
	// pkg:npm/semver transitive [7.5.2]
	// findings: npm-audit: audit.json: byte 10: error: invalid document: npm audit failed: ENOLOCK: This command requires an existing lockfile.
}
