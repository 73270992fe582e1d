package spdx_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/spdx"
)

// FuzzRead reads arbitrary bytes: Read must not panic or hang, every error
// must be an *spdx.Error wrapping a sentinel, an error must leave the graph
// empty, and a success must account for every package. Seeds: the inline
// documents of the tests and the corpus's SPDX files.
func FuzzRead(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, p := range testcorpus.Glob("spdx/*/*") {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		g := inventory.New()
		res, err := spdx.Read(bytes.NewReader(in), g, spdx.Options{Name: "fuzz"})
		if err != nil {
			var e *spdx.Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not an *spdx.Error: %T %v", err, err)
			}
			if !errors.Is(err, spdx.ErrSyntax) && !errors.Is(err, spdx.ErrInvalid) &&
				!errors.Is(err, spdx.ErrUnsupported) && !errors.Is(err, spdx.ErrLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if g.Len() != 0 {
				t.Fatalf("error %v left %d assets in the graph", err, g.Len())
			}
			return
		}
		if g.Len() != res.Assets || res.Assets > res.Packages {
			t.Fatalf("graph holds %d assets, result says %d of %d packages", g.Len(), res.Assets, res.Packages)
		}
		if g.EdgeCount() > res.Edges {
			t.Fatalf("graph holds %d edges, result says %d", g.EdgeCount(), res.Edges)
		}
		if (res.Root == "") != (len(res.Roots) == 0) {
			t.Fatalf("root %q, roots %v", res.Root, res.Roots)
		}
	})
}

// seeds are small documents of every serialization, for the fuzz target.
var seeds = []string{
	jsonDoc, yamlDoc, tagValueDoc,
	// Hostile input: a second YAML document, an alias bomb, deep JSON.
	"spdxVersion: SPDX-2.3\n---\nname: x\n",
	"spdxVersion: SPDX-2.3\na: &a [x,x,x]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n",
	`{"spdxVersion":"SPDX-2.3","packages":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]}`,
	"", " \n", "[]", "null", "{}", "<x/>", "@prefix spdx: <http://spdx.org/rdf/terms#> .",
	`{"spdxVersion":"SPDX-3.0","@context":"https://spdx.org/rdf/3.0.0/spdx-context.jsonld"}`,
	`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":"SPDXRef-a","name":"a"}]}`,
	"SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n",
	"spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\npackages:\n- SPDXID: SPDXRef-a\n  name: a\n",
}
