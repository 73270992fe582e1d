package load

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
)

func TestDetectCorpus(t *testing.T) {
	root := testcorpus.Dir(t)
	for _, dir := range []string{"cyclonedx", "spdx"} {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*", "*"))
		require.NoError(t, err)
		require.NotEmpty(t, matches)
		for _, p := range matches {
			head, err := os.ReadFile(p)
			require.NoError(t, err)
			got := Detect(head[:min(len(head), 64<<10)])
			rel, _ := filepath.Rel(root, p)
			switch {
			case strings.HasSuffix(p, ".rdf"), strings.Contains(p, "spdx_3"):
				// SPDX RDF and SPDX 3 are not read; SPDX 3 is JSON-LD.
				continue
			case dir == "cyclonedx":
				assert.Equal(t, FormatCycloneDX, got, rel)
			default:
				assert.Equal(t, FormatSPDX, got, rel)
			}
		}
	}
}

func TestReadEverySource(t *testing.T) {
	g := inventory.New()
	for _, tc := range []struct {
		path   string
		format Format
	}{
		{"../../testdata/inventory/catalog/acme.yaml", FormatCatalog},
		{"../../testdata/inventory/catalog/acme.json", FormatCatalog},
		{"../../testdata/inventory/k8s/shop.yaml", FormatKubernetes},
		{testcorpus.Path(t, "cyclonedx/cyclonedx-npm/juice-shop-bare.bom.1.4.json"), FormatCycloneDX},
		{testcorpus.Path(t, "cyclonedx/syft/alpine.cdx.xml"), FormatCycloneDX},
		{testcorpus.Path(t, "spdx/spec-example/SPDXYAMLExample-2.3.spdx.yaml"), FormatSPDX},
		{testcorpus.Path(t, "spdx/syft/syft_tag-value.spdx"), FormatSPDX},
	} {
		res, err := File(tc.path, g)
		require.NoError(t, err, tc.path)
		assert.Equal(t, tc.format, res.Format, tc.path)
		assert.Positive(t, res.Assets, tc.path)
	}
	n := g.Len()

	// The graph's own JSON reads back as the same graph.
	b, err := json.Marshal(g)
	require.NoError(t, err)
	again := inventory.New()
	res, err := Read(bytes.NewReader(b), again, Options{Name: "graph.json"})
	require.NoError(t, err)
	assert.Equal(t, FormatGraph, res.Format)
	assert.Equal(t, n, again.Len())
	assert.Equal(t, g.Edges(), again.Edges())

	_, err = Read(strings.NewReader("hello"), inventory.New(), Options{Name: "x.txt"})
	assert.ErrorIs(t, err, ErrUnknownFormat)
	assert.Contains(t, err.Error(), "x.txt")
	_, err = Read(strings.NewReader("{}"), inventory.New(), Options{Name: "x", Format: "nope"})
	assert.ErrorIs(t, err, ErrUnknownFormat)
}

// The catalog and the manifests describe the same services: merging them
// resolves identities instead of duplicating nodes.
func TestCatalogAndManifestsMerge(t *testing.T) {
	g := inventory.New()
	_, err := File("../../testdata/inventory/k8s/shop.yaml", g)
	require.NoError(t, err)
	k8sOnly := g.Len()
	_, err = File("../../testdata/inventory/catalog/acme.yaml", g)
	require.NoError(t, err)
	cat := inventory.New()
	_, err = File("../../testdata/inventory/catalog/acme.yaml", cat)
	require.NoError(t, err)
	assert.Less(t, g.Len(), k8sOnly+cat.Len(), "shared services and images merge")
}

func TestReadLimits(t *testing.T) {
	graph := `{"assets":[{"id":"team:a","kind":"team","name":`
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"graph nested too deep", graph + strings.Repeat("[", 510), ErrLimit, "g.json: line 1, column 557, byte 556: nesting deeper than 512"},
		{"graph string too long", graph + `"` + strings.Repeat("a", 16<<20+1), ErrLimit, "string longer than 16777216 bytes"},
		{"graph name a number", graph + `1e400}]}`, ErrSyntax, "g.json: byte 52: assets.name"},
		{"graph not JSON", graph + `}`, ErrSyntax, "g.json: byte 47"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), inventory.New(), Options{Name: "g.json"})
			assert.ErrorIs(t, err, tt.want)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

// An input in no format is rejected after its first bytes.
func TestReadUnknownStopsEarly(t *testing.T) {
	r := &countReader{r: strings.NewReader(strings.Repeat("x", 1<<20))}
	_, err := Read(r, inventory.New(), Options{Name: "x"})
	assert.ErrorIs(t, err, ErrUnknownFormat)
	assert.Equal(t, int64(64<<10), r.n)
}

type countReader struct {
	r *strings.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
