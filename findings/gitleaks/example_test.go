package gitleaks_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/gitleaks"
)

func ExampleDecode() {
	report := `[{
	  "RuleID": "generic-api-key", "Description": "Generic API Key",
	  "StartLine": 12, "EndLine": 12, "StartColumn": 5, "EndColumn": 40,
	  "Match": "api_key = \"0123456789abcdef\"", "Secret": "0123456789abcdef",
	  "File": "config/settings.py", "Commit": "1a2b3c", "Tags": [],
	  "Fingerprint": "1a2b3c:config/settings.py:generic-api-key:12"
	}]`
	err := gitleaks.Decode(strings.NewReader(report), findings.DecodeOptions{Name: "gitleaks.json"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.RuleID, f.Severity)
			fmt.Printf("%s:%d\n", f.Location.Path, f.Location.Region.StartLine)
			fmt.Println("secret hash:", f.SecretHash[:16]+"...")
			fmt.Println("fingerprint:", f.Fingerprints["gitleaks"])
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// secret generic-api-key unknown
	// config/settings.py:12
	// secret hash: 9f9f5111f7b27a78...
	// fingerprint: 1a2b3c:config/settings.py:generic-api-key:12
}
