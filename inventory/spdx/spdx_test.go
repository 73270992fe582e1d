package spdx_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/spdx"
)

func read(t *testing.T, doc string, opts spdx.Options) (*inventory.Graph, spdx.Result) {
	t.Helper()
	g := inventory.New()
	res, err := spdx.Read(strings.NewReader(doc), g, opts)
	require.NoError(t, err)
	return g, res
}

const (
	shop    = "application:shop"
	express = "component:pkg:npm/express@4.18.2"
	qs      = "component:pkg:npm/qs@6.11.0"
	jest    = "component:pkg:npm/jest@29.7.0"
	mocha   = "component:pkg:npm/mocha@10.0.0"
	fsev    = "component:pkg:npm/fsevents@2.3.3"
	lodash  = "component:pkg:npm/lodash@4.17.21"
)

// TestReadFormats reads the same document as JSON, YAML and tag-value and
// expects the same graph and result from each.
func TestReadFormats(t *testing.T) {
	wantEdges := []inventory.Edge{
		{From: shop, To: express, Type: inventory.DependsOn},
		{From: shop, To: fsev, Type: inventory.DependsOn, Scope: findings.ScopeOptional},
		{From: shop, To: jest, Type: inventory.DependsOn, Scope: findings.ScopeDev},
		{From: shop, To: mocha, Type: inventory.DependsOn, Scope: findings.ScopeTest},
		{From: express, To: lodash, Type: inventory.DependsOn, Scope: findings.ScopeRuntime},
		{From: express, To: qs, Type: inventory.DependsOn},
	}
	wantSkipped := spdx.Skipped{Types: map[string]int{"GENERATED_FROM": 1}, External: 2, Document: 1, Files: 1, Undeclared: 1}
	var graphs [][]byte
	for _, tc := range []struct {
		format, doc string
	}{
		{spdx.FormatJSON, jsonDoc},
		{spdx.FormatYAML, yamlDoc},
		{spdx.FormatTagValue, tagValueDoc},
	} {
		t.Run(tc.format, func(t *testing.T) {
			g, res := read(t, tc.doc, spdx.Options{Name: "shop.spdx"})
			assert.Equal(t, tc.format, res.Format)
			assert.Equal(t, "SPDX-2.3", res.Version)
			assert.Equal(t, shop, res.Root)
			assert.Equal(t, []string{shop}, res.Roots)
			assert.Equal(t, 7, res.Packages)
			assert.Equal(t, 7, res.Assets)
			assert.Equal(t, 6, res.Edges)
			assert.Equal(t, wantSkipped, res.Skipped)
			assert.Equal(t, 6, res.Skipped.Total())
			assert.Empty(t, res.Warnings)
			assert.Equal(t, wantEdges, g.Edges())

			app, ok := g.Asset(shop)
			require.True(t, ok)
			assert.Equal(t, inventory.KindApplication, app.Kind)
			assert.Equal(t, "1.0.0", app.Version)
			assert.Equal(t, []string{"shop.spdx"}, app.Sources)

			ex, ok := g.Asset(express)
			require.True(t, ok)
			assert.Equal(t, inventory.KindComponent, ex.Kind)
			assert.Equal(t, "express", ex.Name)
			assert.Equal(t, "4.18.2", ex.Version)
			assert.Equal(t, "pkg:npm/express@4.18.2", ex.PURL)
			assert.Equal(t, []string{"MIT"}, ex.Licenses)
			assert.Equal(t, map[string]string{"cpe": "cpe:2.3:a:expressjs:express:4.18.2:*:*:*:*:*:*:*"}, ex.Properties)

			q, _ := g.Asset(qs)
			assert.Equal(t, []string{"BSD-3-Clause"}, q.Licenses, "NOASSERTION is not a license")
			l, _ := g.Asset(lodash)
			assert.Equal(t, "4.17.21", l.Version, "version from the purl")

			b, err := json.Marshal(g)
			require.NoError(t, err)
			graphs = append(graphs, b)
		})
	}
	require.Len(t, graphs, 3)
	assert.JSONEq(t, string(graphs[0]), string(graphs[1]), "YAML")
	assert.JSONEq(t, string(graphs[0]), string(graphs[2]), "tag-value")
}

// doc wraps packages and relationships (JSON fragments) in an SPDX 2.3
// JSON document.
func doc(packages, relationships string) string {
	return `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"d","packages":[` + packages +
		`],"relationships":[` + relationships + `]}`
}

func rel(a, typ, b string) string {
	return `{"spdxElementId":"` + a + `","relationshipType":"` + typ + `","relatedSpdxElement":"` + b + `"}`
}

func pkg(id, name, version, purl string, extra ...string) string {
	s := `{"SPDXID":"` + id + `","name":"` + name + `"`
	if version != "" {
		s += `,"versionInfo":"` + version + `"`
	}
	if purl != "" {
		s += `,"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"` + purl + `"}]`
	}
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

func TestReadKinds(t *testing.T) {
	const digest = "sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368"
	for _, tc := range []struct {
		name string
		doc  string
		root string
		kind inventory.Kind
		want inventory.Asset // Kind, Name, Version, Digest checked
	}{
		{
			name: "application",
			doc:  doc(pkg("SPDXRef-a", "app", "2.0", ""), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-a")),
			root: "application:app",
			want: inventory.Asset{Kind: inventory.KindApplication, Name: "app", Version: "2.0"},
		},
		{
			name: "application with a purl",
			doc:  doc(pkg("SPDXRef-a", "app", "2.0", "pkg:npm/app@2.0"), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-a")),
			root: "application:app",
			want: inventory.Asset{Kind: inventory.KindApplication, Name: "app", Version: "2.0", PURL: "pkg:npm/app@2.0"},
		},
		{
			name: "described by",
			doc:  doc(pkg("SPDXRef-a", "app", "", ""), rel("SPDXRef-a", "DESCRIBED_BY", "SPDXRef-DOCUMENT")),
			root: "application:app",
			want: inventory.Asset{Kind: inventory.KindApplication, Name: "app"},
		},
		{
			name: "documentDescribes",
			doc:  `{"spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"packages":[` + pkg("SPDXRef-a", "app", "", "") + `]}`,
			root: "application:app",
			want: inventory.Asset{Kind: inventory.KindApplication, Name: "app"},
		},
		{
			name: "nameless root takes the document's name",
			doc:  doc(pkg("SPDXRef-a", "", "", ""), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-a")),
			root: "application:d",
			want: inventory.Asset{Kind: inventory.KindApplication, Name: "d"},
		},
		{
			name: "container purpose, digest as version",
			doc: doc(pkg("SPDXRef-i", "acme/web", digest, "", `"primaryPackagePurpose":"CONTAINER"`),
				rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-i")),
			root: "image:" + digest,
			want: inventory.Asset{Kind: inventory.KindImage, Name: "acme/web", Digest: digest},
		},
		{
			name: "oci purl",
			doc: doc(pkg("SPDXRef-i", "web", "", "pkg:oci/web@"+strings.Replace(digest, ":", "%3A", 1)+"?repository_url=ghcr.io/acme/web"),
				rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-i")),
			root: "image:" + digest,
			want: inventory.Asset{Kind: inventory.KindImage, Name: "web", Digest: digest,
				PURL: "pkg:oci/web@" + digest + "?repository_url=ghcr.io%2Facme%2Fweb"},
		},
		{
			name: "docker purl, tag",
			doc:  doc(pkg("SPDXRef-i", "nginx", "1.25", "pkg:docker/library/nginx@1.25"), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-i")),
			root: "image:docker.io/library/nginx:latest",
			want: inventory.Asset{Kind: inventory.KindImage, Name: "nginx", Version: "1.25", PURL: "pkg:docker/library/nginx@1.25"},
		},
		{
			name: "trivy image by SPDXID, reference as name",
			doc:  doc(pkg("SPDXRef-ContainerImage-82bc", "ghcr.io/acme/web:1.2", "", ""), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-ContainerImage-82bc")),
			root: "image:ghcr.io/acme/web:1.2",
			want: inventory.Asset{Kind: inventory.KindImage, Name: "ghcr.io/acme/web:1.2"},
		},
		{
			name: "container that is not the root",
			doc:  doc(pkg("SPDXRef-i", "base", digest, "", `"primaryPackagePurpose":"CONTAINER"`), ""),
			want: inventory.Asset{Kind: inventory.KindImage, Name: "base", Digest: digest},
		},
		{
			name: "component without purl",
			doc:  doc(pkg("SPDXRef-c", "zlib", "1.3", "", `"primaryPackagePurpose":"LIBRARY"`), ""),
			want: inventory.Asset{Kind: inventory.KindComponent, Name: "zlib", Version: "1.3",
				Properties: map[string]string{"spdx:purpose": "LIBRARY"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, res := read(t, tc.doc, spdx.Options{})
			assert.Equal(t, tc.root, res.Root)
			require.Equal(t, 1, g.Len())
			a := g.Assets()[0]
			assert.Equal(t, tc.want.Kind, a.Kind)
			assert.Equal(t, tc.want.Name, a.Name)
			assert.Equal(t, tc.want.Version, a.Version)
			assert.Equal(t, tc.want.Digest, a.Digest)
			assert.Equal(t, tc.want.PURL, a.PURL)
			if tc.want.Properties != nil {
				assert.Equal(t, tc.want.Properties, a.Properties)
			}
			assert.Empty(t, a.Sources, "no Options.Name, no sources")
		})
	}
}

func TestReadRelationships(t *testing.T) {
	pkgs := pkg("SPDXRef-a", "a", "1", "pkg:npm/a@1") + "," + pkg("SPDXRef-b", "b", "1", "pkg:npm/b@1") + "," +
		pkg("SPDXRef-c", "c", "1", "pkg:npm/c@1")
	a, b, c := "component:pkg:npm/a@1", "component:pkg:npm/b@1", "component:pkg:npm/c@1"
	for _, tc := range []struct {
		name    string
		rels    []string
		edges   []inventory.Edge
		count   int
		skipped spdx.Skipped
		roots   []string
	}{
		{
			name:  "contained by is reversed",
			rels:  []string{rel("SPDXRef-b", "CONTAINED_BY", "SPDXRef-a"), rel("SPDXRef-a", "CONTAINS", "SPDXRef-c")},
			edges: []inventory.Edge{{From: a, To: b, Type: inventory.Contains}, {From: a, To: c, Type: inventory.Contains}},
			count: 2,
		},
		{
			name: "build and provided dependencies",
			rels: []string{rel("SPDXRef-b", "BUILD_DEPENDENCY_OF", "SPDXRef-a"), rel("SPDXRef-c", "PROVIDED_DEPENDENCY_OF", "SPDXRef-a")},
			edges: []inventory.Edge{{From: a, To: b, Type: inventory.DependsOn, Scope: findings.ScopeDev},
				{From: a, To: c, Type: inventory.DependsOn}},
			count: 2,
		},
		{
			name:  "the same edge stated twice, scopes merged",
			rels:  []string{rel("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b"), rel("SPDXRef-b", "DEV_DEPENDENCY_OF", "SPDXRef-a")},
			edges: []inventory.Edge{{From: a, To: b, Type: inventory.DependsOn, Scope: findings.ScopeDev}},
			count: 1,
		},
		{
			name:  "depends on and contains are two edges",
			rels:  []string{rel("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b"), rel("SPDXRef-a", "CONTAINS", "SPDXRef-b")},
			edges: []inventory.Edge{{From: a, To: b, Type: inventory.Contains}, {From: a, To: b, Type: inventory.DependsOn}},
			count: 2,
		},
		{
			name:  "self loop counted, not linked",
			rels:  []string{rel("SPDXRef-a", "DEPENDS_ON", "SPDXRef-a")},
			count: 1,
		},
		{
			name:  "lower-case type",
			rels:  []string{rel("SPDXRef-a", "depends_on", "SPDXRef-b")},
			edges: []inventory.Edge{{From: a, To: b, Type: inventory.DependsOn}},
			count: 1,
		},
		{
			name:    "describes between packages is ignored",
			rels:    []string{rel("SPDXRef-a", "DESCRIBES", "SPDXRef-b")},
			skipped: spdx.Skipped{Types: map[string]int{"DESCRIBES": 1}},
		},
		{
			name:    "describes a file or an undeclared element",
			rels:    []string{rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-nothing"), rel("SPDXRef-DOCUMENT", "DESCRIBES", "NONE")},
			skipped: spdx.Skipped{Undeclared: 1, External: 1},
		},
		{
			name: "several roots in document order",
			rels: []string{rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-c"), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-a"),
				rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-c")},
			roots: []string{"application:c", "application:a"},
		},
		{
			name:    "external beats undeclared",
			rels:    []string{rel("SPDXRef-ghost", "DEPENDS_ON", "DocumentRef-x:SPDXRef-y")},
			skipped: spdx.Skipped{External: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, res := read(t, doc(pkgs, strings.Join(tc.rels, ",")), spdx.Options{})
			if tc.edges == nil {
				assert.Empty(t, g.Edges())
			} else {
				assert.Equal(t, tc.edges, g.Edges())
			}
			assert.Equal(t, tc.count, res.Edges)
			assert.Equal(t, tc.skipped, res.Skipped)
			assert.Equal(t, tc.roots, res.Roots)
			if len(tc.roots) > 0 {
				assert.Equal(t, tc.roots[0], res.Root)
			}
		})
	}
}

func TestReadMerges(t *testing.T) {
	g := inventory.New()
	d1 := doc(pkg("SPDXRef-a", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21?arch=x", `"licenseDeclared":"MIT"`), "")
	d2 := doc(pkg("SPDXRef-z", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21", `"licenseConcluded":"MIT OR Apache-2.0"`)+","+
		pkg("SPDXRef-y", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21"), "")
	_, err := spdx.Read(strings.NewReader(d1), g, spdx.Options{Name: "one.json"})
	require.NoError(t, err)
	res, err := spdx.Read(strings.NewReader(d2), g, spdx.Options{Name: "two.json"})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Packages)
	assert.Equal(t, 1, res.Assets)
	require.Equal(t, 1, g.Len())
	a := g.Assets()[0]
	assert.Equal(t, "component:pkg:npm/lodash@4.17.21", a.ID)
	assert.Equal(t, "pkg:npm/lodash@4.17.21?arch=x", a.PURL, "the first purl, qualifiers kept")
	assert.Equal(t, []string{"MIT", "MIT OR Apache-2.0"}, a.Licenses)
	assert.Equal(t, []string{"one.json", "two.json"}, a.Sources)
}

func TestReadInvalidPURL(t *testing.T) {
	d := doc(pkg("SPDXRef-a", "left-pad", "1.3.0", "left-pad@1.3.0"), "")
	g, res := read(t, d, spdx.Options{Name: "x.json"})
	require.Len(t, res.Warnings, 1)
	w := res.Warnings[0]
	assert.ErrorIs(t, w, spdx.ErrInvalid)
	assert.Equal(t, "x.json", w.File)
	assert.Equal(t, "packages[0].externalRefs[0]", w.Path)
	a, ok := g.Asset("component:left-pad@1.3.0")
	require.True(t, ok, "identified by name and version")
	assert.Equal(t, "left-pad@1.3.0", a.Properties["spdx:invalid_purl"])

	g = inventory.New()
	_, err := spdx.Read(strings.NewReader(d), g, spdx.Options{Name: "x.json", Strict: true})
	assert.ErrorIs(t, err, spdx.ErrInvalid)
	assert.Equal(t, 0, g.Len())

	// A bad purl beside a good one: the good one wins, the bad one warns.
	d = doc(`{"SPDXID":"SPDXRef-a","name":"qs","externalRefs":[`+
		`{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/qs@1?x=%zz"},`+
		`{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/qs@1"}]}`, "")
	g, res = read(t, d, spdx.Options{})
	assert.Len(t, res.Warnings, 1)
	a, ok = g.Asset("component:pkg:npm/qs@1")
	require.True(t, ok)
	assert.NotContains(t, a.Properties, "spdx:invalid_purl")
}

func TestReadErrors(t *testing.T) {
	long := "SPDXVersion: SPDX-2.3\nPackageComment: " + strings.Repeat("x", 70000) + "\n"
	for _, tc := range []struct {
		name   string
		in     string
		opts   spdx.Options
		want   error
		format string
		line   int
		offset int64
		path   string
		msg    string
	}{
		{name: "empty", in: "", want: spdx.ErrSyntax, offset: -1},
		{name: "blank", in: " \n\t", want: spdx.ErrSyntax, offset: -1},
		{name: "json array", in: "[]", want: spdx.ErrUnsupported, offset: -1},
		{name: "xml", in: "<bom/>", want: spdx.ErrUnsupported, offset: -1},
		{name: "rdf", in: `<rdf:RDF xmlns:spdx="http://spdx.org/rdf/terms#"/>`, want: spdx.ErrUnsupported, format: spdx.FormatRDF, offset: -1},
		{name: "turtle", in: "@prefix spdx: <http://spdx.org/rdf/terms#> .", want: spdx.ErrUnsupported, format: spdx.FormatRDF, offset: -1},
		{name: "text", in: "hello: world\n", want: spdx.ErrUnsupported, offset: -1},
		{name: "spdx 3", in: `{"@context":"https://spdx.org/rdf/3.0.0/spdx-context.jsonld","@graph":[]}`, want: spdx.ErrUnsupported,
			format: spdx.FormatJSON, offset: -1, msg: "SPDX 3"},
		{name: "spdx 3 without context", in: `{"spdxVersion":"SPDX-3.0"}`, want: spdx.ErrUnsupported, format: spdx.FormatJSON,
			offset: -1, path: "spdxVersion", msg: "SPDX 3.0"},
		{name: "spdx 2.4", in: `{"spdxVersion":"SPDX-2.4"}`, want: spdx.ErrUnsupported, format: spdx.FormatJSON, offset: -1, path: "spdxVersion"},
		{name: "json without version", in: `{"bomFormat":"CycloneDX"}`, want: spdx.ErrUnsupported, format: spdx.FormatJSON, offset: -1},
		{name: "version not a string", in: `{"spdxVersion":2.3}`, want: spdx.ErrInvalid, format: spdx.FormatJSON, offset: -1, path: "spdxVersion"},
		{name: "truncated json", in: "{\n\"spdxVersion\": \"SPDX-2.3\",\n", want: spdx.ErrSyntax, format: spdx.FormatJSON, line: 3, offset: 29},
		{name: "bad byte after bom", in: "\xEF\xBB\xBF{\n x", want: spdx.ErrSyntax, format: spdx.FormatJSON, line: 2, offset: 6},
		{name: "wrong type", in: `{"spdxVersion":"SPDX-2.3","packages":{"a":1}}`, want: spdx.ErrInvalid, format: spdx.FormatJSON,
			line: 1, offset: 38, path: "packages"},
		{name: "bad SPDXID", in: doc(pkg("a", "a", "", ""), ""), want: spdx.ErrInvalid, format: spdx.FormatJSON, offset: -1, msg: "ElementID"},
		{name: "duplicate SPDXID", in: doc(pkg("SPDXRef-a", "a", "", "")+","+pkg("SPDXRef-a", "b", "", ""), ""),
			want: spdx.ErrInvalid, format: spdx.FormatJSON, offset: -1, path: "packages[1]"},
		{name: "nameless package", in: doc(pkg("SPDXRef-a", "", "", ""), ""), want: spdx.ErrInvalid, format: spdx.FormatJSON,
			offset: -1, path: "packages[0]"},
		{name: "nameless image", in: doc(pkg("SPDXRef-a", "", "", "", `"primaryPackagePurpose":"CONTAINER"`), ""),
			want: spdx.ErrInvalid, format: spdx.FormatJSON, offset: -1, path: "packages[0]"},
		{name: "null package", in: `{"spdxVersion":"SPDX-2.3","packages":[null]}`, want: spdx.ErrInvalid, format: spdx.FormatJSON,
			offset: -1, path: "packages[0]"},
		{name: "yaml syntax", in: "spdxVersion: SPDX-2.3\npackages:\n  - name: a\n    b: [\n", want: spdx.ErrSyntax, format: spdx.FormatYAML,
			line: 4, offset: -1},
		{name: "yaml spdx 3", in: "spdxVersion: 'SPDX-3.0'\n", want: spdx.ErrUnsupported, format: spdx.FormatYAML, line: 1, offset: -1, path: "spdxVersion"},
		{name: "yaml null package", in: "spdxVersion: SPDX-2.3\npackages:\n  - null\n", want: spdx.ErrSyntax, format: spdx.FormatYAML,
			offset: -1, msg: "the SPDX parser failed"},
		{name: "yaml alias bomb", in: "spdxVersion: SPDX-2.3\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n" +
			"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n" +
			"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
			want: spdx.ErrSyntax, format: spdx.FormatYAML, line: 3, offset: -1, msg: "aliasing"},
		{name: "yaml second document", in: "---\nspdxVersion: SPDX-2.3\n---\n# c\n\nname: x\n", want: spdx.ErrInvalid, format: spdx.FormatYAML,
			line: 6, offset: -1, msg: "second YAML document"},
		{name: "json string over the limit", in: `{"spdxVersion":"SPDX-2.3","name":"` + strings.Repeat("a", limits.MaxStringBytes+1) + `"}`,
			want: spdx.ErrLimit, format: "", line: 1, offset: 34 + limits.MaxStringBytes, msg: "MaxStringBytes"},
		{name: "json nesting over the limit", in: `{"a":` + strings.Repeat("[", limits.MaxDepth) + `]`,
			want: spdx.ErrLimit, format: "", line: 1, offset: 5 + limits.MaxDepth - 1, msg: "MaxDepth"},
		{name: "yaml wrong type", in: "spdxVersion: SPDX-2.3\npackages: 3\n", want: spdx.ErrInvalid, format: spdx.FormatYAML, offset: -1, path: "packages"},
		{name: "tag-value no colon", in: "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nthis line has none\n", want: spdx.ErrSyntax,
			format: spdx.FormatTagValue, line: 3, offset: -1},
		{name: "tag-value open text", in: "SPDXVersion: SPDX-2.3\n\nDocumentComment: <text>one\ntwo\n", want: spdx.ErrSyntax,
			format: spdx.FormatTagValue, line: 3, offset: -1},
		{name: "tag-value 1.2", in: "SPDXVersion: SPDX-1.2\n", want: spdx.ErrUnsupported, format: spdx.FormatTagValue, line: 1, offset: -1, path: "spdxVersion"},
		{name: "tag-value long line", in: long, want: spdx.ErrLimit, format: spdx.FormatTagValue, line: 2, offset: -1},
		{name: "tag-value unknown tag", in: "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nSnippetSPDXID: SPDXRef-s\n",
			want: spdx.ErrInvalid, format: spdx.FormatTagValue, offset: -1, msg: "SnippetSPDXID"},
		{name: "max bytes", in: `{"spdxVersion":"SPDX-2.3"}`, opts: spdx.Options{MaxBytes: 25}, want: spdx.ErrLimit, offset: 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := inventory.New()
			tc.opts.Name = "in.spdx"
			_, err := spdx.Read(strings.NewReader(tc.in), g, tc.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var e *spdx.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "in.spdx", e.File)
			assert.Equal(t, tc.format, e.Format)
			assert.Equal(t, tc.line, e.Line, "line")
			assert.Equal(t, tc.offset, e.Offset, "offset")
			assert.Equal(t, tc.path, e.Path)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "spdx: in.spdx: "), err.Error())
			assert.Equal(t, 0, g.Len(), "an error leaves the graph as it was")
		})
	}
}

func TestReadMaxBytes(t *testing.T) {
	in := `{"spdxVersion":"SPDX-2.3"}`
	n := int64(len(in))
	_, err := spdx.Read(strings.NewReader(in), inventory.New(), spdx.Options{MaxBytes: n})
	assert.NoError(t, err, "exactly MaxBytes")
	_, err = spdx.Read(strings.NewReader(in), inventory.New(), spdx.Options{MaxBytes: n - 1})
	assert.ErrorIs(t, err, spdx.ErrLimit, "one byte more")
}

func TestReadReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := spdx.Read(iotest.ErrReader(boom), inventory.New(), spdx.Options{Name: "r"})
	assert.ErrorIs(t, err, boom)
	var e *spdx.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "spdx: r: byte 0: reading: boom", err.Error())
}

func TestReadKindConflict(t *testing.T) {
	// An asset of another kind already under the ID the package maps to.
	g := inventory.New()
	_, err := g.Add(inventory.Asset{ID: "application:app", Kind: inventory.KindService, Name: "app"})
	require.NoError(t, err)
	_, err = spdx.Read(strings.NewReader(doc(pkg("SPDXRef-a", "app", "", ""), rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-a"))), g, spdx.Options{})
	assert.ErrorIs(t, err, spdx.ErrInvalid)
	assert.ErrorIs(t, err, inventory.ErrInvalidAsset)
}

func TestReadIdempotent(t *testing.T) {
	g, _ := read(t, jsonDoc, spdx.Options{Name: "a"})
	before, err := json.Marshal(g)
	require.NoError(t, err)
	_, err = spdx.Read(strings.NewReader(jsonDoc), g, spdx.Options{Name: "a"})
	require.NoError(t, err)
	after, err := json.Marshal(g)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
}

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  spdx.Error
		want string
	}{
		{spdx.Error{Offset: -1}, "spdx: unknown error"},
		{spdx.Error{File: "f", Format: "json", Line: 3, Offset: 40, Path: "packages[1]", Err: spdx.ErrInvalid},
			"spdx: f: json: line 3, byte 40: packages[1]: invalid document"},
		{spdx.Error{Line: 2, Offset: -1, Err: spdx.ErrSyntax}, "spdx: line 2: syntax error"},
		{spdx.Error{Offset: 7, Err: spdx.ErrSyntax}, "spdx: byte 7: syntax error"},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
	}
}
