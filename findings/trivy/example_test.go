package trivy_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/trivy"
)

func ExampleDecode() {
	report := `{
	  "SchemaVersion": 2,
	  "Trivy": {"Version": "0.58.1"},
	  "ArtifactName": "alpine:3.19",
	  "ArtifactType": "container_image",
	  "Results": [{
	    "Target": "alpine:3.19 (alpine 3.19.1)", "Class": "os-pkgs", "Type": "alpine",
	    "Vulnerabilities": [{
	      "VulnerabilityID": "CVE-2024-2511", "PkgName": "libssl3",
	      "InstalledVersion": "3.1.4-r5", "FixedVersion": "3.1.4-r6", "Severity": "MEDIUM"
	    }]
	  }]
	}`
	err := trivy.Decode(strings.NewReader(report), findings.DecodeOptions{Name: "scan.json"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.RuleID, f.Severity, f.Package.Name, f.Package.FixedVersions, f.Location.Image)
			return nil
		},
	})
	fmt.Println("error:", err)
	// Output:
	// container CVE-2024-2511 medium libssl3 [3.1.4-r6] alpine:3.19
	// error: <nil>
}
