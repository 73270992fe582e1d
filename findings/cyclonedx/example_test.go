package cyclonedx_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/cyclonedx"
)

func ExampleDecode() {
	bom := `{
	  "bomFormat": "CycloneDX",
	  "specVersion": "1.5",
	  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
	  "metadata": {"tools": [{"vendor": "anchore", "name": "grype", "version": "0.74.0"}]},
	  "components": [
	    {"type": "library", "bom-ref": "lib-1", "name": "log4j-core", "version": "2.14.1",
	     "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}
	  ],
	  "vulnerabilities": [{
	    "id": "CVE-2021-44228",
	    "ratings": [{"score": 10.0, "severity": "critical", "method": "CVSSv31",
	                 "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
	    "cwes": [502],
	    "affects": [{"ref": "lib-1"}],
	    "analysis": {"state": "exploitable", "detail": "reachable from the login form"}
	  }]
	}`
	err := cyclonedx.Decode(strings.NewReader(bom), findings.DecodeOptions{Name: "bom.json"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.Tool.Name, f.RuleID, f.Severity, f.CWEs)
			fmt.Println(f.Package.Name, f.Package.Version, f.Package.Ecosystem)
			fmt.Println(f.VEX.Status, f.VEX.State)
			return nil
		},
		VEX: func(s findings.VEXStatement) error {
			fmt.Println(s.VulnerabilityID, s.Products, s.Status, s.ImpactStatement)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// sca grype CVE-2021-44228 critical [CWE-502]
	// org.apache.logging.log4j:log4j-core 2.14.1 maven
	// affected exploitable
	// CVE-2021-44228 [pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1] affected reachable from the login form
}
