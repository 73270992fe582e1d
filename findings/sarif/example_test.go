package sarif_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/sarif"
)

func ExampleDecode() {
	log := `{
	  "version": "2.1.0",
	  "runs": [{
	    "tool": {"driver": {"name": "CodeQL", "version": "2.15.0", "rules": [{
	      "id": "js/sql-injection",
	      "shortDescription": {"text": "Database query built from user-controlled sources"},
	      "properties": {"security-severity": "8.8", "tags": ["security", "external/cwe/cwe-089"]}
	    }]}},
	    "results": [{
	      "ruleId": "js/sql-injection",
	      "ruleIndex": 0,
	      "message": {"text": "This query depends on a user-provided value."},
	      "locations": [{"physicalLocation": {
	        "artifactLocation": {"uri": "src/db.js"},
	        "region": {"startLine": 42}
	      }}]
	    }]
	  }]
	}`
	err := sarif.Decode(strings.NewReader(log), findings.DecodeOptions{Name: "codeql.sarif"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.Tool.Name, f.RuleID)
			fmt.Println(f.Severity, "from", f.SeveritySource)
			fmt.Println(f.CWEs, f.Location.Path, f.Location.Region.StartLine)
			fmt.Println(f.Title)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// sast CodeQL js/sql-injection
	// high from sarif:security-severity
	// [CWE-89] src/db.js 42
	// This query depends on a user-provided value.
}
