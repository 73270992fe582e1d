package findings_test

import (
	"fmt"

	"github.com/aspmkit/aspm/findings"
)

// A decoder hands findings to a Handler through an Emitter, which numbers
// and normalizes them; Collect gathers what a decode produced.
func ExampleCollect() {
	decode := func(h findings.Handler) error {
		em := findings.NewEmitter(h, findings.DecodeOptions{Name: "scan.json"}, "example")
		sev, _ := findings.ParseSeverity("moderate")
		return em.Finding(findings.Finding{
			Kind:     findings.KindSCA,
			Tool:     findings.Tool{Name: "example-scanner"},
			Title:    "Prototype pollution in lodash",
			Severity: sev,
			CWEs:     []string{"external/cwe/cwe-1321"},
		})
	}
	fs, _, err := findings.Collect(decode)
	if err != nil {
		panic(err)
	}
	for _, f := range fs {
		fmt.Println(f.Source.File, f.Source.Format, f.Severity, f.CWEs)
	}
	// Output:
	// scan.json example medium [CWE-1321]
}

func ExampleNormalizeCWE() {
	for _, s := range []string{"external/cwe/cwe-079", "CWE:89", "352"} {
		c, _ := findings.NormalizeCWE(s)
		fmt.Println(c)
	}
	// Output:
	// CWE-79
	// CWE-89
	// CWE-352
}

// A finding's path is data, as the tool wrote it; LocalPath says whether
// it names a file inside the scanned directory, and which.
func ExampleLocation_LocalPath() {
	for _, p := range []string{"src/./main.go", "../../etc/passwd", "file:///etc/passwd", "%2e%2e/secret"} {
		rel, ok := findings.Location{Path: p}.LocalPath()
		fmt.Printf("%q %q %v\n", p, rel, ok)
	}
	// Output:
	// "src/./main.go" "src/main.go" true
	// "../../etc/passwd" "" false
	// "file:///etc/passwd" "" false
	// "%2e%2e/secret" "" false
}
