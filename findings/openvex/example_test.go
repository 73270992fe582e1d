package openvex_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/openvex"
)

func ExampleDecode() {
	doc := `{
	  "@context": "https://openvex.dev/ns/v0.2.0",
	  "@id": "https://example.com/vex/1",
	  "author": "Example Security",
	  "timestamp": "2024-05-01T12:00:00Z",
	  "statements": [{
	    "vulnerability": {"name": "CVE-2023-3446", "aliases": ["GHSA-xxxx-yyyy-zzzz"]},
	    "products": [{"@id": "pkg:oci/app@sha256%3Aabc", "subcomponents": [{"@id": "pkg:apk/alpine/libssl3@3.0.8-r3"}]}],
	    "status": "not_affected",
	    "justification": "vulnerable_code_not_present"
	  }]
	}`
	err := openvex.Decode(strings.NewReader(doc), findings.DecodeOptions{Name: "app.vex.json"}, findings.Handler{
		VEX: func(s findings.VEXStatement) error {
			fmt.Println(s.VulnerabilityID, s.Aliases, s.Status, s.Justification)
			fmt.Println(s.Products, s.Subcomponents)
			fmt.Println(s.Author, s.Timestamp)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// CVE-2023-3446 [GHSA-xxxx-yyyy-zzzz] not_affected vulnerable_code_not_present
	// [pkg:oci/app@sha256%3Aabc] [pkg:apk/alpine/libssl3@3.0.8-r3]
	// Example Security 2024-05-01T12:00:00Z
}
