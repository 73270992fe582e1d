package csaf_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/csaf"
)

func ExampleDecode() {
	doc := `{
	  "document": {
	    "category": "csaf_vex", "csaf_version": "2.0",
	    "publisher": {"name": "Example PSIRT", "category": "vendor", "namespace": "https://example.com"},
	    "tracking": {"id": "EX-2024-001", "current_release_date": "2024-05-01T12:00:00Z"}
	  },
	  "product_tree": {
	    "full_product_names": [
	      {"name": "app 1.0", "product_id": "APP-1", "product_identification_helper": {"purl": "pkg:npm/app@1.0.0"}},
	      {"name": "app 2.0", "product_id": "APP-2", "product_identification_helper": {"purl": "pkg:npm/app@2.0.0"}}
	    ]
	  },
	  "vulnerabilities": [{
	    "cve": "CVE-2024-0001",
	    "product_status": {"known_affected": ["APP-1"], "known_not_affected": ["APP-2"]},
	    "flags": [{"label": "vulnerable_code_not_present", "product_ids": ["APP-2"]}],
	    "remediations": [{"category": "vendor_fix", "details": "Upgrade to 2.0.0", "product_ids": ["APP-1"]}]
	  }]
	}`
	err := csaf.Decode(strings.NewReader(doc), findings.DecodeOptions{Name: "ex.json"}, findings.Handler{
		VEX: func(s findings.VEXStatement) error {
			fmt.Println(s.VulnerabilityID, s.Products, s.Status, s.State)
			if s.Justification != "" {
				fmt.Println("  justification:", s.Justification)
			}
			if s.ActionStatement != "" {
				fmt.Println("  action:", s.ActionStatement)
			}
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// CVE-2024-0001 [pkg:npm/app@1.0.0] affected known_affected
	//   action: vendor_fix: Upgrade to 2.0.0
	// CVE-2024-0001 [pkg:npm/app@2.0.0] not_affected known_not_affected
	//   justification: vulnerable_code_not_present
}
