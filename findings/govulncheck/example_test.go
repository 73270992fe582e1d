package govulncheck_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/govulncheck"
)

func ExampleDecode() {
	stream := `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.1.4","scan_level":"symbol"}}
{"osv":{"id":"GO-2025-3595","summary":"Incorrect Neutralization of Input in golang.org/x/net","aliases":["CVE-2025-22872"]}}
{"finding":{"osv":"GO-2025-3595","fixed_version":"v0.38.0","trace":[{"module":"golang.org/x/net","version":"v0.25.0"}]}}
{"finding":{"osv":"GO-2025-3595","fixed_version":"v0.38.0","trace":[
  {"module":"golang.org/x/net","version":"v0.25.0","package":"golang.org/x/net/html","function":"Next","receiver":"*Tokenizer"},
  {"module":"example.com/app","package":"example.com/app","function":"main","position":{"filename":"main.go","line":12,"column":3}}]}}`
	for f, err := range findings.All(func(h findings.Handler) error {
		return govulncheck.Decode(strings.NewReader(stream), findings.DecodeOptions{Name: "govulncheck.json"}, h)
	}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(f.RuleID, f.VulnerabilityIDs[1], f.Reachability, f.Severity)
		fmt.Println(f.Package.PURL, f.Package.FixedVersions)
		fmt.Printf("%s:%d %s\n", f.Location.Path, f.Location.Region.StartLine, f.Location.LogicalLocation)
	}
	// Output:
	// GO-2025-3595 CVE-2025-22872 reachable unknown
	// pkg:golang/golang.org/x/net@v0.25.0 [v0.38.0]
	// main.go:12 example.com/app.main
}
