package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

// FuzzRead checks that Read never panics or hangs, that every error is an
// *Error wrapping a sentinel and leaves the graph empty, and that whatever
// Read accepts, Write writes in strict mode (both syntaxes) and Read gives
// back unchanged.
func FuzzRead(f *testing.F) {
	for _, p := range append(testcorpus.Glob("cyclonedx/*/*"), testcorpus.Glob("trivy/trivy/npm-cyclonedx-scan.json")...) {
		if fi, err := os.Stat(p); err == nil && fi.Size() < 64<<10 {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{depsDoc, servicesDoc, "", "{", "null", "[]", head + "}",
		xhead + "</bom>", xhead + `<services><service><name>s</name><data><classification flow="inbound">PII</classification></data></service></services></bom>`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.1"><components><component type="library"><name>a</name><purl>pkg:npm/a@1</purl></component></components></bom>`,
	} {
		f.Add([]byte(s))
	}
	sentinelErrs := []error{cyclonedx.ErrSyntax, cyclonedx.ErrInvalid, cyclonedx.ErrUnsupported, cyclonedx.ErrLimit}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := inventory.New()
		res, err := cyclonedx.Read(bytes.NewReader(data), g, cyclonedx.Options{Name: "fuzz"})
		if err != nil {
			var e *cyclonedx.Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %v", err)
			}
			wrapped := false
			for _, s := range sentinelErrs {
				wrapped = wrapped || errors.Is(err, s)
			}
			if !wrapped {
				t.Fatalf("no sentinel: %v", err)
			}
			if g.Len() != 0 {
				t.Fatalf("a failed Read changed the graph: %v", err)
			}
			return
		}
		want, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
			var out bytes.Buffer
			if err := cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Format: format, Root: res.Root, Strict: true}); err != nil {
				t.Fatalf("%v: write: %v", format, err)
			}
			g2 := inventory.New()
			if _, err := cyclonedx.Read(bytes.NewReader(out.Bytes()), g2, cyclonedx.Options{Name: "fuzz"}); err != nil {
				t.Fatalf("%v: read back: %v\n%s", format, err, out.Bytes())
			}
			got, err := json.Marshal(g2)
			if err != nil {
				t.Fatal(err)
			}
			if format == cyclonedx.JSON && !bytes.Equal(want, got) {
				t.Fatalf("%v: round trip changed the graph:\n%s\n%s", format, want, got)
			}
		}
	})
}
