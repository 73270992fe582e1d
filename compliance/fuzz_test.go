package compliance_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aspmkit/aspm/compliance"
)

// FuzzReadReport: ReadReport never panics, fails only with ErrReport, and
// what it accepts writes back and reads again to the same report.
func FuzzReadReport(f *testing.F) {
	if b, err := os.ReadFile("testdata/report.golden.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"version": "aspm-compliance-report/1", "summary": {}, "gate": {"passed": true}, "controls": [], "frameworks": []}`))
	f.Add([]byte(`{"version": "aspm-compliance-report/1"`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := compliance.ReadReport(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, compliance.ErrReport) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := compliance.ReadReport(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("re-reading a written report: %v", err)
		}
		var buf2 bytes.Buffer
		if err := again.WriteJSON(&buf2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("round trip changed the report")
		}
	})
}

// FuzzControlAnnotations: loading an arbitrary policy file (its METADATA
// annotation in particular) never panics and fails only with the
// package's errors; a control that loads evaluates to a valid status.
func FuzzControlAnnotations(f *testing.F) {
	for _, name := range []string{"open_critical.rego", "secrets.rego", "sast_coverage.rego", "lib.rego"} {
		if b, err := os.ReadFile("testdata/policies/" + name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(engControl("F-01", "f", engFailing))
	f.Add("# METADATA\n# custom:\n#   id: [1, 2]\n#   frameworks: {asvs: 7}\npackage aspm.controls.x\n\nviolations contains 1 if true\n")
	f.Add("# METADATA\n# scope: subpackages\n# custom:\n#   id: X\npackage aspm.controls\n")
	f.Fuzz(func(t *testing.T, src string) {
		mfs := fstest.MapFS{"f.rego": {Data: []byte(src)}}
		e, err := compliance.New(context.Background(), compliance.Options{
			DisableBuiltins: true, Policies: []fs.FS{mfs}, Timeout: 50 * time.Millisecond,
		})
		if err != nil {
			if !errors.Is(err, compliance.ErrPolicy) && !errors.Is(err, compliance.ErrFramework) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		rep, err := e.Evaluate(context.Background(), map[string]any{"findings": []any{}})
		if err != nil {
			if !errors.Is(err, compliance.ErrTimeout) {
				t.Fatalf("evaluate: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := compliance.ReadReport(&buf); err != nil {
			t.Fatalf("the engine's report does not read back: %v", err)
		}
	})
}
