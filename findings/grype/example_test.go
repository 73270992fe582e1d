package grype_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/grype"
)

func ExampleDecode() {
	doc := `{
	  "matches": [{
	    "vulnerability": {"id": "CVE-2023-5363", "severity": "High", "fix": {"versions": ["3.0.12-r0"], "state": "fixed"},
	                      "epss": [{"cve": "CVE-2023-5363", "epss": 0.0021, "percentile": 0.59, "date": "2025-01-01"}]},
	    "artifact": {"name": "libssl3", "version": "3.0.11-r0", "type": "apk",
	                 "purl": "pkg:apk/alpine/libssl3@3.0.11-r0", "locations": [{"path": "/lib/apk/db/installed", "layerID": "sha256:abc"}]}
	  }],
	  "source": {"type": "image", "target": {"userInput": "alpine:3.18", "imageID": "sha256:def"}},
	  "descriptor": {"name": "grype", "version": "0.80.0"}
	}`
	err := grype.Decode(strings.NewReader(doc), findings.DecodeOptions{Name: "grype.json"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.RuleID, f.Severity, f.Package.PURL, f.Package.FixedVersions)
			fmt.Println(f.Tool.Name, f.Tool.Version, f.Location.Image, f.Location.Layer)
			fmt.Println(f.Properties["epss"])
			return nil
		},
	})
	fmt.Println("error:", err)
	// Output:
	// container CVE-2023-5363 high pkg:apk/alpine/libssl3@3.0.11-r0 [3.0.12-r0]
	// grype 0.80.0 alpine:3.18 sha256:abc
	// [map[cve:CVE-2023-5363 date:2025-01-01 epss:0.0021 percentile:0.59]]
	// error: <nil>
}
