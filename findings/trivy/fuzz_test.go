package trivy_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/trivy"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		small,
		"null",
		"[]",
		`[{"Target": "x", "Type": "debian", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "LOW"}]}]`,
		`{"ClusterName": "c", "Resources": [{"Kind": "Pod", "Results": [{"Misconfigurations": [{"ID": "K", "Status": "FAIL"}]}]}]}`,
		`{"Results": [{"Secrets": [{"RuleID": "r"}]}], "SchemaVersion": 2}`,
		`{"SchemaVersion": 2, "Results": [{"ExperimentalModifiedFindings": [{"Type": "license", "Status": "ignored", "Finding": {"Name": "MIT"}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	for _, p := range testcorpus.Glob("trivy/*/*") {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var seekable, streamed []findings.Finding
		check := func(err error) {
			if err == nil {
				return
			}
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %v", err)
			}
		}
		fs, _, err := findings.Collect(func(h findings.Handler) error {
			return trivy.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: "fuzz"}, h)
		})
		check(err)
		seekable = fs
		fs2, _, err2 := findings.Collect(func(h findings.Handler) error {
			return trivy.Decode(onlyReader{bytes.NewReader(data)}, findings.DecodeOptions{Name: "fuzz"}, h)
		})
		check(err2)
		streamed = fs2
		if (err == nil) != (err2 == nil) {
			t.Fatalf("seekable and streaming paths disagree: %v / %v", err, err2)
		}
		if err == nil && len(seekable) != len(streamed) {
			t.Fatalf("seekable and streaming paths disagree: %d / %d findings", len(seekable), len(streamed))
		}
		for _, f := range append(seekable, streamed...) {
			if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
				t.Fatalf("bad finding: severity %q kind %q id %q", f.Severity, f.Kind, f.ID)
			}
		}
	})
}
