package detect_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// FuzzDecode runs detection and the chosen decoder on arbitrary bytes: it
// must not panic, every error must be a *findings.DecodeError, and every
// finding must be valid. Seeds: small inline documents of each format and
// the corpus files up to 32 KiB (none when the corpus is absent).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r"}]}},"results":[{"ruleId":"r","message":{"text":"m"}}]}]}`,
		`{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"HIGH"}]}]}`,
		`[{"RuleID":"aws","Description":"d","File":"f","StartLine":1,"Secret":"s"}]`,
		`{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[{"id":"CVE-1"}]}`,
		`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`,
		`<OWASPZAPReport version="2.9.0"><site name="x"><alerts></alerts></site></OWASPZAPReport>`,
		"{\"config\":{\"protocol_version\":\"v1.0.0\"}}\n{\"finding\":{\"osv\":\"GO-1\"}}",
		"null", "[]", "", "SPDXVersion: SPDX-2.3",
	} {
		f.Add([]byte(s))
	}
	for _, p := range testcorpus.Glob("*/*/*") {
		if fi, err := os.Stat(p); err == nil && fi.Size() <= 32<<10 && !fi.IsDir() {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		_, err := detect.Decode(bytes.NewReader(in), detect.Options{}, findings.Handler{
			Finding: func(x findings.Finding) error {
				if !x.Severity.Valid() || !x.Kind.Valid() || x.ID == "" {
					t.Fatalf("invalid finding: severity %q kind %q id %q", x.Severity, x.Kind, x.ID)
				}
				return nil
			},
		})
		var de *findings.DecodeError
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
		}
	})
}
