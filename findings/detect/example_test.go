package detect_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
)

// Decode recognizes the format by content and hands each finding over.
func ExampleDecode() {
	report := `[{"RuleID":"github-pat","Description":"GitHub Personal Access Token",
	  "File":"deploy/config.env","StartLine":3,"EndLine":3,"StartColumn":7,"EndColumn":46,
	  "Secret":"REDACTED","Fingerprint":"deploy/config.env:github-pat:3"}]`
	format, err := detect.Decode(strings.NewReader(report), detect.Options{}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.Kind, f.RuleID, f.Location.Path, f.Location.Region.StartLine, f.Severity)
			return nil
		},
	})
	fmt.Println(format, err)
	// Output:
	// secret github-pat deploy/config.env 3 unknown
	// gitleaks <nil>
}

// Detect names a format from the first bytes of an input.
func ExampleDetect() {
	for _, head := range []string{
		`{"version":"2.1.0","runs":[]}`,
		`<?xml version="1.0"?><OWASPZAPReport version="2.16.1">`,
		`{"SchemaVersion":2,"ArtifactName":"alpine:3.19","Results":[]}`,
	} {
		name, _ := detect.Detect([]byte(head))
		fmt.Println(name)
	}
	// Output:
	// sarif
	// zap
	// trivy
}
