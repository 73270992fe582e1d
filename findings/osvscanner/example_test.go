package osvscanner_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/osvscanner"
)

func ExampleDecode() {
	doc := `{"results":[{"source":{"path":"/app/package-lock.json","type":"lockfile"},"packages":[{
	  "package":{"name":"lodash","version":"4.17.20","ecosystem":"npm"},
	  "vulnerabilities":[{"id":"GHSA-35jh-r3h4-6jhm","aliases":["CVE-2021-23337"],
	    "summary":"Command Injection in lodash","database_specific":{"severity":"HIGH","cwe_ids":["CWE-77"]},
	    "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}],
	  "groups":[{"ids":["GHSA-35jh-r3h4-6jhm"],"aliases":["CVE-2021-23337","GHSA-35jh-r3h4-6jhm"],"max_severity":"7.2"}]}]}]}`
	for f, err := range findings.All(func(h findings.Handler) error {
		return osvscanner.Decode(strings.NewReader(doc), findings.DecodeOptions{Name: "osv.json"}, h)
	}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(f.RuleID, f.Severity, f.SeveritySource)
		fmt.Println(f.VulnerabilityIDs, f.CWEs)
		fmt.Println(f.Package.PURL, f.Package.FixedVersions, f.Location.Path)
	}
	// Output:
	// GHSA-35jh-r3h4-6jhm high osv:database_specific.severity
	// [GHSA-35jh-r3h4-6jhm CVE-2021-23337] [CWE-77]
	// pkg:npm/lodash@4.17.20 [4.17.21] /app/package-lock.json
}
