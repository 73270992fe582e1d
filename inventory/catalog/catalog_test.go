package catalog_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/risk"
)

var fixtures = filepath.Join("..", "..", "testdata", "inventory", "catalog")

func readFile(t testing.TB, name string, opts catalog.Options) (*inventory.Graph, catalog.Result) {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, name))
	require.NoError(t, err)
	defer f.Close()
	g := inventory.New()
	res, err := catalog.Read(f, g, opts)
	require.NoError(t, err)
	return g, res
}

func read(doc string) (*inventory.Graph, catalog.Result, error) {
	g := inventory.New()
	res, err := catalog.Read(strings.NewReader(doc), g, catalog.Options{Name: "in.yaml"})
	return g, res, err
}

func marshal(t testing.TB, g *inventory.Graph) []byte {
	t.Helper()
	b, err := json.MarshalIndent(g, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// TestAcme reads the fixture in YAML and in JSON: both give the graph of
// the golden file.
func TestAcme(t *testing.T) {
	gy, ry := readFile(t, "acme.yaml", catalog.Options{Name: "acme"})
	gj, rj := readFile(t, "acme.json", catalog.Options{Name: "acme"})
	assert.Equal(t, catalog.Result{Assets: 39, Edges: 61}, ry)
	assert.Equal(t, ry, rj)
	out := marshal(t, gy)
	golden.Assert(t, filepath.Join("testdata", "golden", "acme.json"), out)
	assert.Equal(t, string(out), string(marshal(t, gj)), "YAML and JSON give one graph")
	assert.Equal(t, 39, gy.Len())
	assert.Equal(t, 61, gy.EdgeCount())
	for _, a := range gy.Assets() {
		assert.Equal(t, []string{"acme"}, a.Sources, a.ID)
	}
}

func TestAcmeQueries(t *testing.T) {
	g, _ := readFile(t, "acme.yaml", catalog.Options{})

	// Ownership: direct, inherited along containment, by person.
	owner, path, ok, err := g.Owner("service:shop/web")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "team:storefront", owner)
	assert.Equal(t, inventory.Path{"service:shop/web", "application:storefront"}, path)
	owner, _, _, _ = g.Owner("service:payments/payments-gateway")
	assert.Equal(t, "person:alice", owner)
	owner, _, _, _ = g.Owner("repository:github.com/acme/checkout-infra")
	assert.Equal(t, "team:platform", owner)

	// The image of the checkout API, by digest, inherits the
	// application's risk attributes.
	img := "image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3"
	ra, err := g.RiskAsset(img)
	require.NoError(t, err)
	assert.Equal(t, risk.Asset{Exposure: risk.ExposureInternet, Environment: risk.EnvironmentProduction,
		Criticality: risk.CriticalityCritical, DataSensitivity: risk.DataRestricted}, ra)

	// The orders database is reached from the internet through the APIs.
	paths, err := g.ExposurePaths("data_store:orders-db", 0)
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	assert.Equal(t, inventory.Path{"service:shop/checkout-api", "data_store:orders-db"}, paths[0])

	a, ok := g.Asset("endpoint:https://shop.acme.example/api/checkout")
	require.True(t, ok)
	assert.Equal(t, risk.ExposureInternet, a.Exposure, "inherited from its service")
	a, _ = g.Asset("data_store:sessions")
	assert.Equal(t, risk.DataConfidential, a.DataClass, "implied by PII")
	a, _ = g.Asset("team:payments")
	assert.Equal(t, "alice,dave", a.Properties["members"])
	a, _ = g.Asset("application:checkout")
	assert.Equal(t, risk.EnvironmentProduction, a.Environment, "the most production-like of production and staging")
	assert.Equal(t, "team:payments", a.Owner)
}

// TestDocExample reads the example of the package documentation, so that
// it stays a valid catalog.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var lines []string
	in := false
	for _, l := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(l, "//\tapiVersion:"):
			in = true
		case in && !strings.HasPrefix(l, "//\t"):
			in = false
		}
		if in {
			lines = append(lines, strings.TrimPrefix(l, "//\t"))
		}
	}
	require.NotEmpty(t, lines)
	doc := strings.Join(lines, "\n")

	_, _, err = read(doc)
	assert.ErrorIs(t, err, catalog.ErrInvalid, "the explicit edge needs the SBOM's component")
	g := inventory.New()
	_, err = g.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:golang/github.com/acme/checkout@v2.3.1"})
	require.NoError(t, err)
	res, err := catalog.Read(strings.NewReader(doc), g, catalog.Options{})
	require.NoError(t, err)
	assert.Equal(t, "application:checkout", res.Root)
	assert.Equal(t, 13, res.Assets)
	assert.Equal(t, 14, g.Len())
	assert.Contains(t, g.Edges(), inventory.Edge{From: "service:shop/checkout-api", Type: inventory.DependsOn,
		To: "component:pkg:golang/github.com/acme/checkout@v2.3.1"})
	a, _ := g.Asset("image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3")
	assert.Equal(t, "ghcr.io/acme/worker:2.3.1", a.Name)
	a, _ = g.Asset("endpoint:https://shop.acme.example/api/admin")
	assert.Equal(t, risk.ExposureInternal, a.Exposure)
}

const head = "apiVersion: aspm/v1\nkind: Catalog\n"

func TestMapping(t *testing.T) {
	g, res, err := read(head + `
people: [{name: ann}]
teams:
  - name: ops
    members: [ann, ann]
    properties: {email: old@x, pager: "42", x-kept: yes}
    email: ops@x
environments: [{name: Staging}, {name: lab, type: Development}]
data_stores:
  - {name: s3, environment: lab, data: {tags: [phi, pii]}}
  - {name: logs, data: public}
applications:
  - name: app
    owner: person:ann
    exposure: INTERNET
    environments: [Staging, lab]
    services:
      - name: svc
        images: ["nginx", "Registry.Example:5000/a/b@sha256:` + strings.Repeat("A", 64) + `"]
        endpoints: [HTTPS://API.Example.COM, "http://x.example/a b"]
        calls: [svc]
`)
	require.NoError(t, err)
	assert.Equal(t, "application:app", res.Root)
	a, _ := g.Asset("team:ops")
	assert.Equal(t, map[string]string{"email": "ops@x", "pager": "42", "x-kept": "yes", "members": "ann"}, a.Properties)
	a, _ = g.Asset("environment:Staging")
	assert.Equal(t, risk.EnvironmentStaging, a.Environment, "the type defaults to the name")
	a, _ = g.Asset("data_store:s3")
	assert.Equal(t, risk.DataRestricted, a.DataClass)
	assert.Equal(t, []string{"PHI", "PII"}, a.DataTags)
	assert.Equal(t, risk.EnvironmentDevelopment, a.Environment)
	a, _ = g.Asset("data_store:logs")
	assert.Equal(t, risk.DataPublic, a.DataClass)
	a, _ = g.Asset("application:app")
	assert.Equal(t, risk.ExposureInternet, a.Exposure)
	assert.Equal(t, risk.EnvironmentStaging, a.Environment)
	assert.Equal(t, "person:ann", a.Owner)
	a, ok := g.Asset("image:docker.io/library/nginx:latest")
	require.True(t, ok)
	assert.Equal(t, "nginx", a.Name)
	a, ok = g.Asset("image:sha256:" + strings.Repeat("a", 64))
	require.True(t, ok)
	assert.Equal(t, "Registry.Example:5000/a/b", a.Name)
	assert.Empty(t, a.Version, "the port is not a tag")
	_, ok = g.Asset("endpoint:https://api.example.com/")
	assert.True(t, ok)
	_, ok = g.Asset("endpoint:http://x.example/a%20b")
	assert.True(t, ok)
	assert.Contains(t, g.Edges(), inventory.Edge{From: "service:svc", To: "service:svc", Type: inventory.Calls})
}

func TestYAMLFeatures(t *testing.T) {
	doc := head + `
x-defaults: &defaults
  owner: core
  criticality: high
teams: [{name: core}]
applications:
  - <<: *defaults
    name: a
  - <<: [*defaults]
    name: b
    criticality: low
    x-note: ignored
`
	g, _, err := read(doc)
	require.NoError(t, err)
	a, _ := g.Asset("application:a")
	assert.Equal(t, risk.CriticalityHigh, a.Criticality)
	assert.Equal(t, "team:core", a.Owner)
	a, _ = g.Asset("application:b")
	assert.Equal(t, risk.CriticalityLow, a.Criticality, "explicit keys win over merged ones")

	// A byte order mark, JSON escapes YAML parsers reject, trailing
	// documents that are empty.
	for _, doc := range []string{
		"\xEF\xBB\xBF" + head + "teams: [{name: t}]\n",
		"\xEF\xBB\xBF{\"apiVersion\":\"aspm\\/v1\",\"kind\":\"Catalog\",\"teams\":[{\"name\":\"t\"}]}",
		"\t{\n\t\"apiVersion\": \"aspm/v1\", \"kind\": \"Catalog\",\n\t\"teams\": [{\"name\": \"t\", \"title\": 12.5e1}]}\n",
		head + "teams: [{name: t}]\n---\n# nothing\n",
	} {
		g, _, err := read(doc)
		require.NoError(t, err, "%q", doc)
		_, ok := g.Asset("team:t")
		assert.True(t, ok, "%q", doc)
	}
	g, _, err = read(`{"apiVersion":"aspm/v1","kind":"Catalog","teams":[{"name":"t","title":12.5e1}]}`)
	require.NoError(t, err)
	a, _ = g.Asset("team:t")
	assert.Equal(t, "12.5e1", a.Properties["title"], "scalars are kept as written")
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		want      error
		line, col int
		path      string
		msg       string // part of the message
	}{
		{"empty", "", catalog.ErrInvalid, 0, 0, "", "empty document"},
		{"comments only", "# nothing\n", catalog.ErrInvalid, 0, 0, "", "empty document"},
		{"YAML syntax", head + "teams: [\n", catalog.ErrSyntax, 3, 0, "", "did not find expected"},
		{"JSON syntax", "{\n  \"apiVersion\": \"aspm/v1\",\n  \"kind\" \"Catalog\"}", catalog.ErrSyntax, 3, 10, "", "invalid character"},
		{"JSON truncated", "{\"apiVersion\": ", catalog.ErrSyntax, 1, 16, "", "unexpected end"},
		{"JSON trailing data", `{"apiVersion":"aspm/v1"} {}`, catalog.ErrSyntax, 1, 26, "", "data after"},
		{"JSON duplicate key", `{"apiVersion":"aspm/v1","kind":"Catalog","kind":"Catalog"}`, catalog.ErrInvalid, 1, 42, "kind", "given twice"},
		{"not a mapping", "- a\n", catalog.ErrInvalid, 1, 1, "", "expected a mapping, got a sequence"},
		{"no apiVersion", "kind: Catalog\n", catalog.ErrUnsupported, 1, 1, "", "no apiVersion"},
		{"other version", "apiVersion: aspm/v2\nkind: Catalog\n", catalog.ErrUnsupported, 1, 13, "apiVersion", `"aspm/v2"`},
		{"a Kubernetes object", "apiVersion: v1\nkind: Service\nspec: {}\n", catalog.ErrUnsupported, 1, 13, "apiVersion", "want"},
		{"apiVersion a mapping", "apiVersion: {}\nkind: Catalog\n", catalog.ErrUnsupported, 1, 13, "apiVersion", "a mapping"},
		{"second document", head + "---\nteams: []\n", catalog.ErrInvalid, 4, 1, "", "single YAML document"},
		{"unknown section", head + "services: []\n", catalog.ErrInvalid, 3, 1, "services", `unknown field "services"`},
		{"unknown field", head + "teams:\n  - name: t\n    slack: x\n", catalog.ErrInvalid, 5, 5, "teams[0].slack", "unknown field"},
		{"owner on a person", head + "people:\n  - {name: p, owner: p}\n", catalog.ErrInvalid, 4, 15, "people[0].owner", "unknown field"},
		{"duplicate key", head + "teams:\n  - name: t\n    name: u\n", catalog.ErrInvalid, 5, 5, "teams[0].name", "first on line 4"},
		{"section not a list", head + "teams: {name: t}\n", catalog.ErrInvalid, 3, 8, "teams", "expected a sequence"},
		{"no name", head + "teams:\n  - title: T\n", catalog.ErrInvalid, 4, 5, "teams[0]", "no name"},
		{"empty name", head + "teams:\n  - name: \"\"\n", catalog.ErrInvalid, 4, 11, "teams[0].name", "empty name"},
		{"name a list", head + "teams:\n  - name: [a]\n", catalog.ErrInvalid, 4, 11, "teams[0].name", "expected a string"},
		{"tags a string", head + "teams:\n  - {name: t, tags: x}\n", catalog.ErrInvalid, 4, 21, "teams[0].tags", "expected a sequence"},
		{"empty tag", head + "teams:\n  - {name: t, tags: [a, \"\"]}\n", catalog.ErrInvalid, 4, 25, "teams[0].tags[1]", "empty value"},
		{"properties a list", head + "teams:\n  - {name: t, properties: [a]}\n", catalog.ErrInvalid, 4, 27, "teams[0].properties", "expected a mapping"},
		{"property a mapping", head + "teams:\n  - {name: t, properties: {a: {}}}\n", catalog.ErrInvalid, 4, 31, "teams[0].properties.a", "expected a string"},
		{"duplicate team", head + "teams:\n  - name: t\n  - name: t\n", catalog.ErrInvalid, 5, 11, "teams[1].name", "team:t declared twice (first on line 4)"},
		{"member not declared", head + "teams:\n  - {name: t, members: [ann]}\n", catalog.ErrInvalid, 4, 25, "teams[0].members[0]", `member "ann" is not declared`},
		{"owner not declared", head + "teams: [{name: t}]\napplications:\n  - name: a\n    owner: nobody\n", catalog.ErrInvalid, 6, 12, "applications[0].owner", `owner "nobody" is not declared`},
		{"owner kind not declared", head + "teams: [{name: t}]\napplications:\n  - {name: a, owner: person:t}\n", catalog.ErrInvalid, 5, 22, "applications[0].owner", `no person "t"`},
		{"ambiguous owner", head + "teams: [{name: x}]\npeople: [{name: x}]\napplications:\n  - {name: a, owner: x}\n", catalog.ErrInvalid, 6, 22, "applications[0].owner", "both a team and a person"},
		{"bad exposure", head + "applications:\n  - {name: a, exposure: public}\n", catalog.ErrInvalid, 4, 25, "applications[0].exposure", `exposure "public" is not one of internet, internal, isolated`},
		{"bad criticality", head + "applications:\n  - {name: a, criticality: 5}\n", catalog.ErrInvalid, 4, 28, "applications[0].criticality", "is not one of critical, high"},
		{"bad data class", head + "applications:\n  - {name: a, data: {class: secret}}\n", catalog.ErrInvalid, 4, 29, "applications[0].data.class", `class "secret"`},
		{"bad data class scalar", head + "applications:\n  - {name: a, data: secret}\n", catalog.ErrInvalid, 4, 21, "applications[0].data", `data class "secret"`},
		{"bad data tag", head + "applications:\n  - {name: a, data: {tags: [PII, SSN]}}\n", catalog.ErrInvalid, 4, 34, "applications[0].data.tags[1]", `data tag "SSN" is not one of PCI, PHI, PII`},
		{"unknown data field", head + "applications:\n  - {name: a, data: {level: 1}}\n", catalog.ErrInvalid, 4, 22, "applications[0].data.level", "unknown field"},
		{"environment without type", head + "environments:\n  - name: lab\n", catalog.ErrInvalid, 4, 5, "environments[0]", "needs a type"},
		{"environment bad type", head + "environments:\n  - {name: lab, type: prod}\n", catalog.ErrInvalid, 4, 23, "environments[0].type", `type "prod"`},
		{"environment not declared", head + "applications:\n  - {name: a, environments: [production]}\n", catalog.ErrInvalid, 4, 30, "applications[0].environments[0]", `environment "production" is not declared`},
		{"store environment not declared", head + "data_stores:\n  - {name: d, environment: prod}\n", catalog.ErrInvalid, 4, 28, "data_stores[0].environment", `environment "prod"`},
		{"data store not declared", head + "applications:\n  - {name: a, data_stores: [db]}\n", catalog.ErrInvalid, 4, 29, "applications[0].data_stores[0]", `data store "db" is not declared`},
		{"service name twice", head + "applications:\n  - {name: a, services: [{name: s}]}\n  - {name: b, services: [{name: s}]}\n", catalog.ErrInvalid, 5, 33, "applications[1].services[0].name", "service:s declared twice"},
		{"call not declared", head + "applications:\n  - name: a\n    services:\n      - {name: s, calls: [t]}\n", catalog.ErrInvalid, 6, 27, "applications[0].services[0].calls[0]", `called service "t"`},
		{"repository without url", head + "applications:\n  - name: a\n    repositories: [{tags: [x]}]\n", catalog.ErrInvalid, 5, 20, "applications[0].repositories[0]", "without url"},
		{"repository named", head + "applications:\n  - name: a\n    repositories: [{name: x, url: y}]\n", catalog.ErrInvalid, 5, 21, "applications[0].repositories[0].name", "named by its url"},
		{"repository bad url", head + "applications:\n  - name: a\n    repositories: [github.com]\n", catalog.ErrInvalid, 5, 20, "applications[0].repositories[0]", "no host or path"},
		{"image bad digest", head + "applications:\n  - name: a\n    services:\n      - {name: s, images: [\"x@sha256:12\"]}\n", catalog.ErrInvalid, 6, 28, "applications[0].services[0].images[0]", "64 hexadecimal"},
		{"image digest field", head + "applications:\n  - name: a\n    services:\n      - name: s\n        images: [{ref: x, digest: md5}]\n", catalog.ErrInvalid, 7, 35, "applications[0].services[0].images[0].digest", "image digest"},
		{"image empty", head + "applications:\n  - name: a\n    services:\n      - {name: s, images: [{}]}\n", catalog.ErrInvalid, 6, 28, "applications[0].services[0].images[0]", "empty image reference"},
		{"endpoint relative", head + "applications:\n  - name: a\n    services:\n      - {name: s, endpoints: [/api]}\n", catalog.ErrInvalid, 6, 31, "applications[0].services[0].endpoints[0]", "not absolute"},
		{"endpoint bad exposure", head + "applications:\n  - name: a\n    services:\n      - {name: s, endpoints: [{url: \"http://h\", exposure: x}]}\n", catalog.ErrInvalid, 6, 59, "applications[0].services[0].endpoints[0].exposure", "exposure"},
		{"edge bad type", head + "teams: [{name: t}]\nedges:\n  - {from: team:t, to: team:t, type: likes}\n", catalog.ErrInvalid, 5, 38, "edges[0].type", `edge type "likes" is not one of depends_on`},
		{"edge to nothing", head + "teams: [{name: t}]\nedges:\n  - {from: team:t, to: team:u, type: calls}\n", catalog.ErrInvalid, 5, 24, "edges[0].to", `edge to "team:u": no such asset`},
		{"edge without from", head + "teams: [{name: t}]\nedges:\n  - {to: team:t, type: calls}\n", catalog.ErrInvalid, 5, 5, "edges[0]", "edge without from"},
		{"edge without type", head + "teams: [{name: t}]\nedges:\n  - {from: team:t, to: team:t}\n", catalog.ErrInvalid, 5, 5, "edges[0]", "edge without type"},
		{"key a mapping", head + "teams:\n  - {name: t, {a: 1}: 2}\n", catalog.ErrInvalid, 4, 15, "teams[0]", "a key must be a string"},
		{"alias to nothing", head + "teams: *x\n", catalog.ErrSyntax, 0, 0, "", "unknown anchor"},
		{"self-referring merge", head + "teams:\n  - &t {name: t, <<: *t}\n", catalog.ErrInvalid, 4, 5, "teams[0]", "merge keys nested too deep"},
		{"invalid UTF-8", head + "teams:\n  - name: a\xffb\n", catalog.ErrSyntax, 4, 12, "", "invalid leading UTF-8 octet"},
		{"flow nested too deep", "- " + strings.Repeat("[", 10001), catalog.ErrSyntax, 1, 10003, "", "exceeded max depth"},
		{"blocks nested too deep", strings.Repeat("- ", 10001) + "x", catalog.ErrSyntax, 1, 20003, "", "exceeded max depth"},
		{"JSON nested too deep", `{"apiVersion": ` + strings.Repeat("[", 512), catalog.ErrLimit, 1, 527, "", "nesting deeper than 512"},
		{"line over the limit", head + "teams:\n  - name: " + strings.Repeat("a", 16<<20), catalog.ErrLimit, 4, 16<<20 + 1, "", "line longer than 16777216 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _, err := read(tt.doc)
			require.Error(t, err)
			var ce *catalog.Error
			require.True(t, errors.As(err, &ce), "%T: %v", err, err)
			assert.ErrorIs(t, err, tt.want, "%v", err)
			assert.Equal(t, "in.yaml", ce.File)
			assert.Equal(t, tt.line, ce.Line, "line: %v", err)
			if tt.col != 0 {
				assert.Equal(t, tt.col, ce.Column, "column: %v", err)
			}
			if tt.path != "" || tt.want != catalog.ErrSyntax {
				assert.Equal(t, tt.path, ce.Path, "%v", err)
			}
			assert.Contains(t, err.Error(), tt.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "catalog: in.yaml: "), err.Error())
			assert.Equal(t, 0, g.Len(), "nothing added on error")
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, _, err := read(head + "teams: [{name: t}]\napplications:\n  - name: a\n    owner: nobody\n")
	assert.EqualError(t, err, `catalog: in.yaml: line 6, column 12: applications[0].owner: invalid document: owner "nobody" is not declared under teams or people`)
	var nilErr catalog.Error
	assert.Equal(t, "catalog: unknown error", nilErr.Error())
}

// TestUnchangedOnError: an error late in the catalog leaves the graph as
// it was, even when it held assets the catalog describes too.
func TestUnchangedOnError(t *testing.T) {
	g := inventory.New()
	_, err := g.Add(inventory.Asset{Kind: inventory.KindTeam, Name: "t"})
	require.NoError(t, err)
	before := marshal(t, g)
	_, err = catalog.Read(strings.NewReader(head+"teams: [{name: t, title: T}]\napplications:\n  - {name: a, owner: t}\nedges:\n  - {from: team:t, to: team:x, type: calls}\n"), g, catalog.Options{})
	require.ErrorIs(t, err, catalog.ErrInvalid)
	assert.Equal(t, string(before), string(marshal(t, g)))
}

// TestMerge: reading a catalog over a graph that holds the same assets
// merges them, and the result counts merged assets.
func TestMerge(t *testing.T) {
	g, _ := readFile(t, "acme.yaml", catalog.Options{Name: "a"})
	f, err := os.Open(filepath.Join(fixtures, "acme.json"))
	require.NoError(t, err)
	defer f.Close()
	res, err := catalog.Read(f, g, catalog.Options{Name: "b"})
	require.NoError(t, err)
	assert.Equal(t, catalog.Result{Assets: 39, Edges: 61}, res)
	assert.Equal(t, 39, g.Len())
	a, _ := g.Asset("team:payments")
	assert.Equal(t, []string{"a", "b"}, a.Sources)
}

func TestLimits(t *testing.T) {
	doc := head + "teams: [{name: t}]\n"
	n := int64(len(doc))
	_, err := catalog.Read(strings.NewReader(doc), inventory.New(), catalog.Options{MaxBytes: n})
	assert.NoError(t, err, "at the limit")
	_, err = catalog.Read(strings.NewReader(doc), inventory.New(), catalog.Options{MaxBytes: n - 1})
	assert.ErrorIs(t, err, catalog.ErrLimit, "one byte over")

	// Merge keys that expand exponentially.
	var b strings.Builder
	b.WriteString(head + "x-b0: &b0 {k: v}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "x-b%d: &b%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*b%d, ", i-1), 10), ", "))
	}
	b.WriteString("teams: [{name: t, properties: *b8}]\n")
	_, _, err = read(b.String())
	assert.ErrorIs(t, err, catalog.ErrLimit)

	deep := "{\"apiVersion\":" + strings.Repeat("[", 600) + strings.Repeat("]", 600) + "}"
	_, _, err = read(deep)
	assert.ErrorIs(t, err, catalog.ErrLimit)
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	_, err := catalog.Read(failReader{}, inventory.New(), catalog.Options{Name: "x"})
	assert.EqualError(t, err, "catalog: x: disk on fire")
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"acme.yaml", "acme.json"} {
		b, err := os.ReadFile(filepath.Join(fixtures, name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(head + "teams: [{name: t}]\napplications: [{name: a, owner: t, services: [{name: s, calls: [s]}]}]\n"))
	f.Add([]byte(head + "x: &a [*a]\n"))
	f.Add([]byte(`{"apiVersion":"aspm/v1","kind":"Catalog","people":[{"name":"p"}]}`))
	// Hostile input: invalid UTF-8, deep JSON, deep blocks.
	f.Add([]byte(head + "teams: [{name: \xff}]\n"))
	f.Add([]byte(`{"apiVersion":` + strings.Repeat("[", 520) + `]}`))
	f.Add([]byte(strings.Repeat("- ", 200) + "x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := inventory.New()
		res, err := catalog.Read(bytes.NewReader(data), g, catalog.Options{Name: "f"})
		if err != nil {
			var ce *catalog.Error
			if !errors.As(err, &ce) {
				t.Fatalf("not a *catalog.Error: %T %v", err, err)
			}
			if !errors.Is(err, catalog.ErrSyntax) && !errors.Is(err, catalog.ErrInvalid) &&
				!errors.Is(err, catalog.ErrUnsupported) && !errors.Is(err, catalog.ErrLimit) {
				t.Fatalf("no sentinel: %v", err)
			}
			if g.Len() != 0 {
				t.Fatalf("graph changed on error: %v", err)
			}
			return
		}
		if res.Assets != g.Len() || res.Edges != g.EdgeCount() {
			t.Fatalf("result %+v, graph %d assets %d edges", res, g.Len(), g.EdgeCount())
		}
	})
}

func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"acme.yaml", "acme.json"} {
		data, err := os.ReadFile(filepath.Join(fixtures, name))
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := catalog.Read(bytes.NewReader(data), inventory.New(), catalog.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
