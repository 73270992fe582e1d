package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

const imageDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// shopAssets and shopEdges describe a small estate that uses everything
// CycloneDX can carry.
var shopAssets = []inventory.Asset{
	{ID: "application:shop", Kind: inventory.KindApplication, Name: "shop", Version: "2.1",
		Exposure: "internet", Environment: "production", Criticality: "critical", DataClass: "restricted",
		DataTags: []string{"PCI"}, Owner: "team:web", Tags: []string{"pci-scope"}, Sources: []string{"catalog.yaml"}},
	{ID: "component:pkg:npm/express@4.18.2", Kind: inventory.KindComponent, Name: "express", Version: "4.18.2",
		PURL: "pkg:npm/express@4.18.2", Licenses: []string{"MIT"}, Properties: map[string]string{"cdx:npm:package:path": "node_modules/express"}},
	{ID: "component:pkg:npm/debug@2.6.9", Kind: inventory.KindComponent, Name: "debug", Version: "2.6.9",
		PURL: "pkg:npm/debug@2.6.9", Licenses: []string{"MIT OR Apache-2.0", "Some license"}},
	{ID: "component:pkg:npm/jest@29.0.0", Kind: inventory.KindComponent, Name: "jest", Version: "29.0.0", PURL: "pkg:npm/jest@29.0.0"},
	{ID: "image:" + imageDigest, Kind: inventory.KindImage, Name: "acme/shop:2.1", Version: "2.1", Digest: imageDigest},
	{ID: "component:org.openssl/openssl@3.0.13", Kind: inventory.KindComponent, Name: "org.openssl/openssl", Version: "3.0.13",
		Properties: map[string]string{cyclonedx.KeyGroup: "org.openssl", cyclonedx.KeyType: "operating-system"}},
	{ID: "service:payments", Kind: inventory.KindService, Name: "payments", Version: "7", Exposure: "internal",
		DataClass: "restricted", DataTags: []string{"PCI"},
		Properties: map[string]string{cyclonedx.KeyAuthenticated: "true", cyclonedx.KeyTrustBoundary: "false", cyclonedx.KeyData: "PCI"}},
	{ID: "service:ledger", Kind: inventory.KindService, Name: "ledger", Criticality: "high"},
	{ID: "endpoint:https://pay.acme.com/v1", Kind: inventory.KindEndpoint, Name: "https://pay.acme.com/v1", URL: "https://pay.acme.com/v1",
		Exposure: "internal"},
}

var shopEdges = []inventory.Edge{
	{From: "application:shop", To: "component:pkg:npm/express@4.18.2", Type: inventory.DependsOn, Scope: "runtime", Relationship: "direct"},
	{From: "application:shop", To: "component:pkg:npm/jest@29.0.0", Type: inventory.DependsOn, Scope: "dev", Relationship: "direct"},
	{From: "component:pkg:npm/express@4.18.2", To: "component:pkg:npm/debug@2.6.9", Type: inventory.DependsOn, Scope: "optional", Relationship: "transitive"},
	{From: "application:shop", To: "image:" + imageDigest, Type: inventory.Contains},
	{From: "image:" + imageDigest, To: "component:org.openssl/openssl@3.0.13", Type: inventory.Contains},
	{From: "application:shop", To: "component:org.openssl/openssl@3.0.13", Type: inventory.Contains}, // a second container
	{From: "application:shop", To: "service:payments", Type: inventory.DependsOn, Relationship: "direct"},
	{From: "service:payments", To: "endpoint:https://pay.acme.com/v1", Type: inventory.Exposes},
	{From: "service:payments", To: "service:ledger", Type: inventory.Contains},
	{From: "service:payments", To: "service:ledger", Type: inventory.Calls},
}

func buildGraph(t testing.TB, assets []inventory.Asset, edges []inventory.Edge) *inventory.Graph {
	t.Helper()
	g := inventory.New()
	for _, a := range assets {
		_, err := g.Add(a)
		require.NoError(t, err)
	}
	for _, e := range edges {
		require.NoError(t, g.Link(e))
	}
	return g
}

func shopGraph(t testing.TB) *inventory.Graph {
	t.Helper()
	return buildGraph(t, shopAssets, shopEdges)
}

func TestWriteGolden(t *testing.T) {
	g := shopGraph(t)
	opts := cyclonedx.WriteOptions{Root: "application:shop", Strict: true,
		SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Timestamp:    time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))}
	for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
		var out bytes.Buffer
		opts.Format = f
		require.NoError(t, cyclonedx.Write(&out, g, opts))
		golden.Assert(t, "testdata/golden/shop.cdx."+f.String(), out.Bytes())
		assert.Contains(t, out.String(), "2025-03-01T11:00:00Z")
	}
}

// TestWriteRoundTrip writes a hand-built graph and reads it back: the
// same assets and edges.
func TestWriteRoundTrip(t *testing.T) {
	g := shopGraph(t)
	want, err := json.Marshal(g)
	require.NoError(t, err)
	for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
		var out bytes.Buffer
		require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Format: f, Root: "application:shop", Strict: true}))
		g2 := inventory.New()
		res, err := cyclonedx.Read(&out, g2, cyclonedx.Options{})
		require.NoError(t, err, f)
		assert.Equal(t, "application:shop", res.Root)
		got, err := json.Marshal(g2)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), f)
	}
}

// TestWriteDeterministic builds the same graph in two orders: the same
// bytes.
func TestWriteDeterministic(t *testing.T) {
	rev := func(s []inventory.Asset) []inventory.Asset {
		out := make([]inventory.Asset, len(s))
		for i, a := range s {
			out[len(s)-1-i] = a
		}
		return out
	}
	var revEdges []inventory.Edge
	for i := len(shopEdges) - 1; i >= 0; i-- {
		revEdges = append(revEdges, shopEdges[i])
	}
	g1 := buildGraph(t, shopAssets, shopEdges)
	g2 := buildGraph(t, rev(shopAssets), revEdges)
	for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
		var a, b bytes.Buffer
		require.NoError(t, cyclonedx.Write(&a, g1, cyclonedx.WriteOptions{Format: f, Root: "application:shop"}))
		require.NoError(t, cyclonedx.Write(&b, g2, cyclonedx.WriteOptions{Format: f, Root: "application:shop"}))
		assert.Equal(t, a.String(), b.String())
	}
}

func TestWriteNesting(t *testing.T) {
	// a contains b and c; c contains b too; b contains a (a cycle); a
	// component contains a service.
	assets := []inventory.Asset{
		{ID: "component:a", Kind: inventory.KindComponent, Name: "a"},
		{ID: "component:b", Kind: inventory.KindComponent, Name: "b"},
		{ID: "component:c", Kind: inventory.KindComponent, Name: "c"},
		{ID: "service:s", Kind: inventory.KindService, Name: "s"},
	}
	edges := []inventory.Edge{
		{From: "component:a", To: "component:b", Type: inventory.Contains},
		{From: "component:a", To: "component:c", Type: inventory.Contains},
		{From: "component:c", To: "component:b", Type: inventory.Contains},
		{From: "component:b", To: "component:a", Type: inventory.Contains},
		{From: "component:c", To: "service:s", Type: inventory.Contains},
	}
	g := buildGraph(t, assets, edges)
	var out bytes.Buffer
	require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Strict: true}))
	var doc struct {
		Components []struct {
			BOMRef     string `json:"bom-ref"`
			Properties []struct{ Name, Value string }
			Components []struct {
				BOMRef string `json:"bom-ref"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	// The cycle a→b→a breaks at the edge into a, the smallest ID: a is
	// top-level and b→a an aspm:contains; b and c nest in a (c→b is a
	// second container: aspm:contains), s cannot nest in a component.
	require.Len(t, doc.Components, 1)
	assert.Equal(t, "component:a", doc.Components[0].BOMRef)
	g2 := inventory.New()
	_, err := cyclonedx.Read(bytes.NewReader(out.Bytes()), g2, cyclonedx.Options{})
	require.NoError(t, err)
	assert.Equal(t, g.Edges(), g2.Edges())
	assert.Contains(t, out.String(), `"name": "aspm:contains",`+"\n"+`              "value": "component:b"`)
	assert.Contains(t, out.String(), `"value": "service:s"`)
}

func TestWriteKinds(t *testing.T) {
	assets := []inventory.Asset{
		// A component whose type says application but that has no purl:
		// read back, it would be an application.
		{ID: "component:tool@1", Kind: inventory.KindComponent, Name: "tool", Version: "1", Properties: map[string]string{cyclonedx.KeyType: "application"}},
		// An application with a purl, not the subject: read back, a component.
		{ID: "application:cli", Kind: inventory.KindApplication, Name: "cli", PURL: "pkg:golang/github.com/acme/cli@v1.0.0"},
		// A library as the subject, and one whose type is unknown.
		{ID: "component:pkg:npm/lib@1", Kind: inventory.KindComponent, Name: "lib", Version: "1", PURL: "pkg:npm/lib@1"},
		{ID: "component:odd@2", Kind: inventory.KindComponent, Name: "odd", Version: "2", Properties: map[string]string{cyclonedx.KeyType: "gizmo"}},
		// An image by name only, and one whose digest is its version.
		{ID: "image:docker.io/library/nginx:1.25", Kind: inventory.KindImage, Name: "nginx:1.25"},
		{ID: "image:" + imageDigest, Kind: inventory.KindImage, Name: "scratch-build", Digest: imageDigest},
	}
	g := buildGraph(t, assets, nil)
	want, err := json.Marshal(g)
	require.NoError(t, err)
	for _, root := range []string{"", "component:pkg:npm/lib@1", "component:tool@1", "application:cli", "image:" + imageDigest} {
		for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
			var out bytes.Buffer
			require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Format: f, Root: root, Strict: true}))
			g2 := inventory.New()
			res, err := cyclonedx.Read(&out, g2, cyclonedx.Options{})
			require.NoError(t, err)
			assert.Equal(t, root, res.Root)
			got, err := json.Marshal(g2)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got), "root %q, %v", root, f)
		}
	}
}

func TestWriteStrict(t *testing.T) {
	team := inventory.Asset{ID: "team:web", Kind: inventory.KindTeam, Name: "web"}
	app := inventory.Asset{ID: "application:shop", Kind: inventory.KindApplication, Name: "shop"}
	lib := inventory.Asset{ID: "component:lib@1", Kind: inventory.KindComponent, Name: "lib", Version: "1"}
	lib2 := inventory.Asset{ID: "component:lib2@1", Kind: inventory.KindComponent, Name: "lib2", Version: "1"}
	svc := inventory.Asset{ID: "service:a", Kind: inventory.KindService, Name: "a"}
	svc2 := inventory.Asset{ID: "service:b", Kind: inventory.KindService, Name: "b"}
	ep := inventory.Asset{ID: "endpoint:https://a", Kind: inventory.KindEndpoint, Name: "https://a", URL: "https://a"}
	tests := []struct {
		name   string
		assets []inventory.Asset
		edges  []inventory.Edge
		root   string
		msg    string
	}{
		{"team", []inventory.Asset{team}, nil, "", "asset team:web: CycloneDX has no place for a team"},
		{"owned_by", []inventory.Asset{app, lib}, []inventory.Edge{{From: "application:shop", To: "component:lib@1", Type: inventory.OwnedBy}}, "",
			"edge application:shop owned_by component:lib@1: CycloneDX has no place for it"},
		{"lone endpoint", []inventory.Asset{ep}, nil, "", "endpoint endpoint:https://a: no service exposes it"},
		{"endpoint with an owner", []inventory.Asset{svc, {ID: ep.ID, Kind: ep.Kind, Name: ep.Name, URL: ep.URL, Owner: "team:x"}},
			[]inventory.Edge{{From: "service:a", To: ep.ID, Type: inventory.Exposes}}, "", "endpoint endpoint:https://a: CycloneDX keeps only its URL"},
		{"component exposes", []inventory.Asset{lib, ep}, []inventory.Edge{{From: lib.ID, To: ep.ID, Type: inventory.Exposes}}, "",
			"edge component:lib@1 exposes endpoint:https://a: CycloneDX has no place for it"},
		{"depends_on between services", []inventory.Asset{svc, svc2}, []inventory.Edge{{From: "service:a", To: "service:b", Type: inventory.DependsOn}}, "",
			"a dependency between services reads back as calls"},
		{"calls between components", []inventory.Asset{lib, lib2}, []inventory.Edge{{From: lib.ID, To: lib2.ID, Type: inventory.Calls}}, "",
			"only a dependency between services reads back as calls"},
		{"foreign identity", []inventory.Asset{{ID: "component:mine", Kind: inventory.KindComponent, Name: "lib", PURL: "pkg:npm/lib@1"}}, nil, "",
			"asset component:mine: read back, it would be component:pkg:npm/lib@1"},
		{"foreign service identity", []inventory.Asset{{ID: "service:x", Kind: inventory.KindService, Name: "y"}}, nil, "",
			"asset service:x: read back, it would be service:y"},
		{"relationship", []inventory.Asset{app, lib}, []inventory.Edge{{From: app.ID, To: lib.ID, Type: inventory.DependsOn, Relationship: "transitive"}}, app.ID,
			`edge application:shop depends_on component:lib@1: read back, its scope and relationship would be "" and "direct"`},
		{"scoped contains", []inventory.Asset{app, lib}, []inventory.Edge{{From: app.ID, To: lib.ID, Type: inventory.Contains, Scope: "runtime"}}, "",
			"edge application:shop contains component:lib@1: only depends_on edges keep a scope and a relationship"},
		{"scopes disagree", []inventory.Asset{app, lib, lib2}, []inventory.Edge{
			{From: app.ID, To: lib.ID, Type: inventory.DependsOn, Scope: "runtime"},
			{From: lib2.ID, To: lib.ID, Type: inventory.DependsOn, Scope: "test"}}, "",
			`edge component:lib2@1 depends_on component:lib@1: read back, its scope and relationship would be "runtime" and ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := buildGraph(t, tt.assets, tt.edges)
			var out bytes.Buffer
			err := cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Root: tt.root, Strict: true})
			require.ErrorIs(t, err, cyclonedx.ErrUnsupported)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Zero(t, out.Len())
			// Without Strict, Write writes what it can.
			require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Root: tt.root}))
			_, err = cyclonedx.Read(&out, inventory.New(), cyclonedx.Options{})
			require.NoError(t, err)
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestWriteErrors(t *testing.T) {
	g := shopGraph(t)
	err := cyclonedx.Write(&bytes.Buffer{}, g, cyclonedx.WriteOptions{Root: "application:nope"})
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
	assert.ErrorIs(t, err, inventory.ErrNotFound)
	err = cyclonedx.Write(&bytes.Buffer{}, g, cyclonedx.WriteOptions{Root: "service:payments"})
	assert.ErrorIs(t, err, cyclonedx.ErrUnsupported)
	err = cyclonedx.Write(&bytes.Buffer{}, g, cyclonedx.WriteOptions{SerialNumber: "urn:uuid:nope"})
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
	err = cyclonedx.Write(&bytes.Buffer{}, g, cyclonedx.WriteOptions{Format: cyclonedx.Format(7)})
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
	assert.EqualError(t, err, "cyclonedx: invalid document: Format(7)")
	err = cyclonedx.Write(&bytes.Buffer{}, nil, cyclonedx.WriteOptions{})
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
	for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
		err = cyclonedx.Write(failingWriter{}, g, cyclonedx.WriteOptions{Format: f})
		assert.ErrorContains(t, err, "pipe closed")
	}
}

func TestWriteEmpty(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, cyclonedx.Write(&out, inventory.New(), cyclonedx.WriteOptions{}))
	assert.Equal(t, `{
  "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {
    "tools": {
      "components": [
        {
          "type": "application",
          "name": "aspm"
        }
      ]
    }
  }
}
`, out.String())
	out.Reset()
	require.NoError(t, cyclonedx.Write(&out, inventory.New(), cyclonedx.WriteOptions{Format: cyclonedx.XML}))
	assert.True(t, strings.HasPrefix(out.String(), `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">`), out.String())
	assert.Equal(t, "json", cyclonedx.JSON.String())
	assert.Equal(t, "xml", cyclonedx.XML.String())
}

func TestWriteLicenses(t *testing.T) {
	for _, tt := range []struct {
		licenses []string
		want     string
	}{
		{[]string{"MIT"}, `"licenses": [{"expression": "MIT"}]`},
		{[]string{"(MIT OR Apache-2.0) AND BSD-3-Clause"}, `"licenses": [{"expression": "(MIT OR Apache-2.0) AND BSD-3-Clause"}]`},
		{[]string{"GPL-2.0-only WITH Classpath-exception-2.0"}, `"licenses": [{"expression": "GPL-2.0-only WITH Classpath-exception-2.0"}]`},
		{[]string{"Some license"}, `"licenses": [{"license": {"name": "Some license"}}]`},
		{[]string{"MIT OR"}, `"licenses": [{"license": {"name": "MIT OR"}}]`},
		{[]string{"(MIT"}, `"licenses": [{"license": {"name": "(MIT"}}]`},
		{[]string{"Apache-2.0", "MIT OR ISC"}, `"licenses": [{"license": {"name": "Apache-2.0"}}, {"license": {"name": "MIT OR ISC"}}]`},
	} {
		g := buildGraph(t, []inventory.Asset{{ID: "component:x", Kind: inventory.KindComponent, Name: "x", Licenses: tt.licenses}}, nil)
		var out bytes.Buffer
		require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Strict: true}))
		compact := strings.Join(strings.Fields(out.String()), " ")
		want := strings.Join(strings.Fields(tt.want), " ")
		assert.Contains(t, strings.NewReplacer("[ ", "[", " ]", "]", "{ ", "{", " }", "}").Replace(compact), want, tt.licenses)
		g2 := inventory.New()
		_, err := cyclonedx.Read(&out, g2, cyclonedx.Options{})
		require.NoError(t, err)
		a, _ := g2.Asset("component:x")
		assert.ElementsMatch(t, tt.licenses, a.Licenses)
	}
}
