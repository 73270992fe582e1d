package grype_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/grype"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		small,
		`{"matches": []}`,
		`{"matches": [{"vulnerability": {"id": "CVE-1", "severity": "Negligible"}, "artifact": {"name": "a", "type": "deb"}, "matchDetails": {"matcher": "m"}}]}`,
		`{"descriptor": {"name": "grype", "version": "1"}, "source": {"type": "directory", "target": "."}, "matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {}}]}`,
		`{"matches": null, "ignoredMatches": [{"vulnerability": {"id": "CVE-2"}, "artifact": {}, "appliedIgnoreRules": [{"vex-status": "fixed"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	for _, p := range testcorpus.Glob("grype/*/*") {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %v", err)
			}
		}
		seek, _, err := findings.Collect(func(h findings.Handler) error {
			return grype.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: "fuzz"}, h)
		})
		check(err)
		held, _, err2 := findings.Collect(func(h findings.Handler) error {
			return grype.Decode(onlyReader{bytes.NewReader(data)}, findings.DecodeOptions{Name: "fuzz"}, h)
		})
		check(err2)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("two-pass and holding paths disagree: %v / %v", err, err2)
		}
		if err == nil && len(seek) != len(held) {
			t.Fatalf("two-pass and holding paths disagree: %d / %d findings", len(seek), len(held))
		}
		for _, f := range append(seek, held...) {
			if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
				t.Fatalf("bad finding: severity %q kind %q id %q", f.Severity, f.Kind, f.ID)
			}
		}
	})
}
