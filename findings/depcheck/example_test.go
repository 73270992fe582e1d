package depcheck_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/depcheck"
)

func ExampleDecode() {
	report := `<?xml version="1.0"?>
<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.4.0.xsd">
  <scanInfo><engineVersion>9.0.9</engineVersion></scanInfo>
  <projectInfo><name>shop</name></projectInfo>
  <dependencies>
    <dependency isVirtual="false">
      <fileName>commons-text-1.9.jar</fileName>
      <filePath>/app/lib/commons-text-1.9.jar</filePath>
      <identifiers>
        <package confidence="HIGHEST"><id>pkg:maven/org.apache.commons/commons-text@1.9</id></package>
      </identifiers>
      <vulnerabilities>
        <vulnerability source="NVD">
          <name>CVE-2022-42889</name>
          <severity>CRITICAL</severity>
          <cwes><cwe>CWE-94</cwe></cwes>
        </vulnerability>
        <suppressedVulnerability source="NVD">
          <name>CVE-2021-0001</name>
          <severity>LOW</severity>
          <notes>Not reachable from our code.</notes>
        </suppressedVulnerability>
      </vulnerabilities>
    </dependency>
  </dependencies>
</analysis>`
	err := depcheck.Decode(strings.NewReader(report), findings.DecodeOptions{Name: "dependency-check-report.xml"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.RuleID, f.Severity, f.Package.Name, f.Package.Version, f.Suppressed())
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// CVE-2022-42889 critical org.apache.commons:commons-text 1.9 false
	// CVE-2021-0001 low org.apache.commons:commons-text 1.9 true
}
