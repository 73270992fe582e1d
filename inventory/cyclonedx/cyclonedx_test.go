package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

// read imports one document into a new graph.
func read(t testing.TB, name, doc string, opts ...cyclonedx.Options) (*inventory.Graph, cyclonedx.Result, error) {
	t.Helper()
	o := cyclonedx.Options{Name: name}
	if len(opts) > 0 {
		o = opts[0]
	}
	g := inventory.New()
	res, err := cyclonedx.Read(strings.NewReader(doc), g, o)
	return g, res, err
}

type corpusRow struct {
	path         string
	components   int
	dependencies int
	err          string
}

func corpusRows(t *testing.T) []corpusRow {
	t.Helper()
	tsv, err := os.ReadFile("../../testdata/inventory/cyclonedx.tsv")
	require.NoError(t, err)
	var rows []corpusRow
	for line := range strings.Lines(string(tsv)) {
		cols := strings.Split(strings.TrimRight(line, "\n"), "\t")
		require.Len(t, cols, 4, line)
		c, err := strconv.Atoi(cols[1])
		require.NoError(t, err)
		d, err := strconv.Atoi(cols[2])
		require.NoError(t, err)
		rows = append(rows, corpusRow{cols[0], c, d, cols[3]})
	}
	return rows
}

var sentinels = map[string]error{
	"syntax":      cyclonedx.ErrSyntax,
	"invalid":     cyclonedx.ErrInvalid,
	"unsupported": cyclonedx.ErrUnsupported,
	"limit":       cyclonedx.ErrLimit,
}

// TestCorpus imports every row of testdata/inventory/cyclonedx.tsv (counted
// by count_cyclonedx.sh, independently of this package) and compares the
// component and dependency counts, the error class, and the invariants of
// the graph.
func TestCorpus(t *testing.T) {
	testcorpus.Dir(t)
	rows := corpusRows(t)
	assert.GreaterOrEqual(t, len(rows), 50)
	for _, r := range rows {
		t.Run(r.path, func(t *testing.T) {
			data := testcorpus.Read(t, r.path)
			g := inventory.New()
			res, err := cyclonedx.Read(bytes.NewReader(data), g, cyclonedx.Options{Name: r.path})
			if r.err != "-" {
				require.ErrorIs(t, err, sentinels[r.err])
				var e *cyclonedx.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, r.path, e.File)
				assert.NotEmpty(t, e.Path)
				assert.Zero(t, g.Len(), "a failed import leaves the graph unchanged")
				// The knob that lets such a document in.
				res, err = cyclonedx.Read(bytes.NewReader(data), g, cyclonedx.Options{Name: r.path, AllowInvalidPURLs: true})
				require.NoError(t, err)
				assert.NotEmpty(t, res.InvalidPURLs)
			} else {
				require.NoError(t, err)
				assert.Empty(t, res.InvalidPURLs)
			}
			assert.Equal(t, r.components, res.Components, "components")
			assert.Equal(t, r.dependencies, res.Dependencies, "dependencies")
			assert.Empty(t, res.Unresolved)
			assert.GreaterOrEqual(t, res.Assets, g.Len())
			assert.GreaterOrEqual(t, res.Edges, g.EdgeCount())
			for _, a := range g.Assets() {
				assert.Contains(t, a.Sources, r.path, a.ID)
				assert.True(t, a.Kind.Valid())
			}
			if res.Root != "" {
				root, ok := g.Asset(res.Root)
				require.True(t, ok)
				assert.Contains(t, []inventory.Kind{inventory.KindApplication, inventory.KindImage, inventory.KindComponent}, root.Kind)
			}
			for _, e := range g.Edges() {
				if e.Type != inventory.DependsOn {
					assert.Empty(t, e.Scope)
					assert.Empty(t, e.Relationship)
				}
				if e.Relationship == "direct" {
					assert.Equal(t, res.Root, e.From)
				}
			}
		})
	}
}

var cdxContent = regexp.MustCompile(`"bomFormat"|http://cyclonedx\.org/schema/bom/1\.[0-7]`)

// TestCorpusCoverage checks that every CycloneDX document of the corpus,
// wherever it sits, has a row in the TSV.
func TestCorpusCoverage(t *testing.T) {
	dir := testcorpus.Dir(t)
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "MANIFEST.tsv" || d.Name() == "README.md" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if cdxContent.Match(b) {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	require.NoError(t, err)
	var listed []string
	for _, r := range corpusRows(t) {
		listed = append(listed, r.path)
	}
	slices.Sort(found)
	assert.Equal(t, found, listed)
}

// TestRoundTrip imports real SBOMs, writes them as JSON and as XML, reads
// the output back and expects the same graph, byte for byte in its JSON
// form. Strict mode proves nothing was left out.
func TestRoundTrip(t *testing.T) {
	for _, rel := range []string{
		"cyclonedx/cyclonedx-npm/juice-shop-bare.bom.1.4.json",         // 1116 components, duplicates merged, 1775 dependencies
		"cyclonedx/cdxgen/bom-metadata-components.json",                // nested metadata.component, purl-only refs
		"cyclonedx/cyclonedx-maven-plugin/dropwizard-1.3.15.bom.json",  // a library as the subject, scopes
		"cyclonedx/cyclonedx-php-composer/laravel-7.12.0.bom.1.1.xml",  // 1.1 XML
		"cyclonedx/spec-example/saasbom-apigateway-services.bom.json",  // nested services, endpoints, data, calls
		"cyclonedx/spec-example/valid-service-1.6.xml",                 // XML service data of the 1.2 form
		"cyclonedx/spec-example/hbom-pcie-sata.bom.json",               // devices
		"cyclonedx/trivy/duplicates_cdx.json",                          // an image by OCI purl, OS packages
		"cyclonedx/grype/grype.json",                                   // an image by version digest
		"cyclonedx/grype/nested-component-log4j.json",                  // a file as the subject, a nested container
		"cyclonedx/spec-example/valid-bom-1.6.xml",                     // 1.6 XML
		"trivy/trivy/npm-cyclonedx-scan.json",                          // 1.7, lock files as applications
		"cyclonedx/spec-example/vex.json",                              // nothing to import
		"cyclonedx/trivy/centos-7-cyclonedx.json",                      // an image by name, an operating system
		"cyclonedx/spec-example/valid-saasbom-1.6.json",                // 1.6 dataflows
		"cyclonedx/cyclonedx-node-module/cern-lhc-vdm-editor.bom.xml",  // 1.2 XML
		"cyclonedx/cyclonedx-python-legacy/cyclonedx_bom.xml",          // 1.0 XML
		"cyclonedx/spec-example/valid-compositions-1.5.json",           // 1.5
		"cyclonedx/cyclonedx-php-composer/laravel-7.12.0.bom.1.3.xml",  // 1.3 XML, dependencies
		"cyclonedx/grype/dd_1_15_0.xml",                                // 1.2 XML with the vulnerability extension
		"cyclonedx/cyclonedx-go/cyclonedx-go-encoded-1.0.bom.xml",      // 1.0 XML, hashes and a modified flag
		"cyclonedx/spec-example/cbom-with-dependencies.bom.json",       // cryptographic assets
		"cyclonedx/unknown/bom-service.json",                           // a service outside the dependency graph
		"cyclonedx/cyclonedx-php-composer/laravel-7.12.0.bom.1.4.json", // 1.4
		"cyclonedx/cdxgen/licenses_1.json",                             // frameworks, license expressions
		"cyclonedx/trivy/issue_9277.json",                              // a deep dependency graph
		"cyclonedx/secobserve/cyclonedx_vex_integrated.json",           // a VEX with components
		"cyclonedx/syft/alpine.cdx.xml",                                // syft XML 1.4
		"cyclonedx/spec-example/valid-dependency-1.3.xml",              // refs to the same component
		"cyclonedx/osv-scalibr/alpine-zlib-16.cdx.json",                // a placeholder subject
		"cyclonedx/spec-example/cisa-case2-vex.json",                   // a VEX with a subject only
		"cyclonedx/cyclonedx-php-composer/laravel-7.12.0.bom.1.2.json", // 1.2 JSON
		"cyclonedx/jake/jake2.json",                                    // no subject, no dependencies
		"cyclonedx/spec-example/valid-vulnerability-1.5.xml",           // a service without endpoints in XML
		"cyclonedx/spec-example/valid-service-1.2.json",                // a service with data, no subject
	} {
		t.Run(rel, func(t *testing.T) {
			data := testcorpus.Read(t, rel)
			g1 := inventory.New()
			res, err := cyclonedx.Read(bytes.NewReader(data), g1, cyclonedx.Options{Name: rel})
			require.NoError(t, err)
			want, err := json.Marshal(g1)
			require.NoError(t, err)
			for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
				var out bytes.Buffer
				require.NoError(t, cyclonedx.Write(&out, g1, cyclonedx.WriteOptions{Format: f, Root: res.Root, Strict: true}), f)
				g2 := inventory.New()
				res2, err := cyclonedx.Read(bytes.NewReader(out.Bytes()), g2, cyclonedx.Options{Name: rel})
				require.NoError(t, err, f)
				assert.Equal(t, res.Root, res2.Root, f)
				got, err := json.Marshal(g2)
				require.NoError(t, err)
				assert.JSONEq(t, string(want), string(got), f)
				// Writing the copy gives the same bytes.
				var again bytes.Buffer
				require.NoError(t, cyclonedx.Write(&again, g2, cyclonedx.WriteOptions{Format: f, Root: res.Root}))
				assert.Equal(t, out.String(), again.String(), f)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		name    string
		comp    string
		root    bool
		kind    inventory.Kind
		id      string
		typeKey string
	}{
		{"subject application", `{"type":"application","name":"shop","version":"1"}`, true, inventory.KindApplication, "application:shop", ""},
		{"subject without type", `{"name":"shop"}`, true, inventory.KindApplication, "application:shop", ""},
		{"subject application with purl", `{"type":"application","name":"shop","purl":"pkg:npm/shop@1"}`, true, inventory.KindApplication, "application:shop", ""},
		{"subject library", `{"type":"library","name":"lib","purl":"pkg:npm/lib@1"}`, true, inventory.KindComponent, "component:pkg:npm/lib@1", ""},
		{"subject file", `{"type":"file","name":"app.jar"}`, true, inventory.KindComponent, "component:app.jar", "file"},
		{"subject container by digest", `{"type":"container","name":"acme/app:1","version":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}`, true,
			inventory.KindImage, "image:sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""},
		{"container by name", `{"type":"container","name":"nginx"}`, false, inventory.KindImage, "image:docker.io/library/nginx:latest", ""},
		{"container by OCI purl", `{"type":"container","name":"nginx","purl":"pkg:oci/nginx@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}`, false,
			inventory.KindImage, "image:sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""},
		{"application without purl", `{"type":"application","name":"package-lock.json"}`, false, inventory.KindApplication, "application:package-lock.json", ""},
		{"application with purl", `{"type":"application","name":"python","version":"3.11.3","purl":"pkg:generic/python@3.11.3"}`, false,
			inventory.KindComponent, "component:pkg:generic/python@3.11.3", "application"},
		{"library with group", `{"type":"library","group":"org.example","name":"lib","version":"1.0"}`, false, inventory.KindComponent, "component:org.example/lib@1.0", ""},
		{"framework", `{"type":"framework","name":"django","purl":"pkg:pypi/Django@4.2"}`, false, inventory.KindComponent, "component:pkg:pypi/django@4.2", "framework"},
		{"device", `{"type":"device","name":"board","version":"rev-1"}`, false, inventory.KindComponent, "component:board@rev-1", "device"},
		{"operating system", `{"type":"operating-system","name":"alpine","version":"3.19"}`, false, inventory.KindComponent, "component:alpine@3.19", "operating-system"},
		{"pinned kind", `{"type":"library","name":"shop","properties":[{"name":"aspm:kind","value":"application"}]}`, false, inventory.KindApplication, "application:shop", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + tt.comp + `]}`
			if tt.root {
				doc = `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":` + tt.comp + `}}`
			}
			g, res, err := read(t, "", doc)
			require.NoError(t, err)
			require.Equal(t, 1, g.Len())
			a := g.Assets()[0]
			assert.Equal(t, tt.kind, a.Kind)
			assert.Equal(t, tt.id, a.ID)
			assert.Equal(t, tt.typeKey, a.Properties[cyclonedx.KeyType])
			if tt.root {
				assert.Equal(t, tt.id, res.Root)
			} else {
				assert.Empty(t, res.Root)
			}
		})
	}
}

const depsDoc = `{
  "bomFormat": "CycloneDX", "specVersion": "1.5",
  "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "shop", "version": "2.0",
    "components": [{"type": "library", "bom-ref": "mod", "name": "shop-core", "version": "2.0"}]}},
  "components": [
    {"type": "library", "bom-ref": "a", "name": "express", "version": "4.18.2", "purl": "pkg:npm/express@4.18.2", "scope": "required",
     "licenses": [{"license": {"id": "MIT"}}], "properties": [{"name": "cdx:npm:package:path", "value": "node_modules/express"}]},
    {"type": "library", "bom-ref": "b", "name": "debug", "version": "2.6.9", "purl": "pkg:npm/debug@2.6.9", "scope": "optional",
     "licenses": [{"expression": "MIT OR Apache-2.0"}]},
    {"type": "library", "bom-ref": "c", "name": "jest", "version": "29.0.0", "purl": "pkg:npm/jest@29.0.0", "scope": "excluded",
     "components": [{"type": "library", "name": "jest-cli", "version": "29.0.0", "purl": "pkg:npm/jest-cli@29.0.0"}]},
    {"type": "library", "bom-ref": "island", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0", "scope": "optional"}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["a", "c"]},
    {"ref": "a", "dependsOn": ["b", "pkg:npm/ms@2.0.0", "gone"]},
    {"ref": "island", "dependsOn": ["b"]},
    {"ref": "nowhere", "dependsOn": ["a"]}
  ]
}`

func TestDependencies(t *testing.T) {
	g, res, err := read(t, "bom.json", depsDoc)
	require.NoError(t, err)
	assert.Equal(t, "application:shop", res.Root)
	assert.Equal(t, 7, res.Components)
	assert.Equal(t, 5, res.Dependencies)
	assert.Equal(t, []string{"gone", "nowhere"}, res.Unresolved)
	assert.Equal(t, 8, res.Assets) // 7 components and the purl-only ms
	want := []inventory.Edge{
		{From: "application:shop", To: "component:pkg:npm/express@4.18.2", Type: inventory.DependsOn, Scope: "runtime", Relationship: "direct"},
		{From: "application:shop", To: "component:pkg:npm/jest@29.0.0", Type: inventory.DependsOn, Scope: "dev", Relationship: "direct"},
		{From: "application:shop", To: "component:shop-core@2.0", Type: inventory.Contains},
		{From: "component:pkg:npm/express@4.18.2", To: "component:pkg:npm/debug@2.6.9", Type: inventory.DependsOn, Scope: "optional", Relationship: "transitive"},
		{From: "component:pkg:npm/express@4.18.2", To: "component:pkg:npm/ms@2.0.0", Type: inventory.DependsOn, Relationship: "transitive"},
		{From: "component:pkg:npm/jest@29.0.0", To: "component:pkg:npm/jest-cli@29.0.0", Type: inventory.Contains},
		{From: "component:pkg:npm/left-pad@1.3.0", To: "component:pkg:npm/debug@2.6.9", Type: inventory.DependsOn, Scope: "optional"},
	}
	assert.Equal(t, want, g.Edges())

	ms, ok := g.Asset("component:pkg:npm/ms@2.0.0")
	require.True(t, ok)
	assert.Equal(t, inventory.Asset{ID: "component:pkg:npm/ms@2.0.0", Kind: inventory.KindComponent, Name: "ms", Version: "2.0.0",
		PURL: "pkg:npm/ms@2.0.0", Sources: []string{"bom.json"}}, ms)
	express, _ := g.Asset("component:pkg:npm/express@4.18.2")
	assert.Equal(t, []string{"MIT"}, express.Licenses)
	assert.Equal(t, map[string]string{"cdx:npm:package:path": "node_modules/express"}, express.Properties)
	// A scope no dependency carries stays on the component.
	leftPad, _ := g.Asset("component:pkg:npm/left-pad@1.3.0")
	assert.Equal(t, map[string]string{cyclonedx.KeyScope: "optional"}, leftPad.Properties)
	debug, _ := g.Asset("component:pkg:npm/debug@2.6.9")
	assert.Equal(t, []string{"MIT OR Apache-2.0"}, debug.Licenses)

	deps, err := g.Dependents("component:pkg:npm/ms@2.0.0", inventory.Traversal{})
	require.NoError(t, err)
	assert.Equal(t, []string{"application:shop", "component:pkg:npm/express@4.18.2"}, deps)
}

const servicesDoc = `{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "portal"}},
  "services": [
    {"bom-ref": "gw", "group": "com.acme", "name": "gateway", "version": "1",
     "endpoints": ["https://api.acme.com/", " https://api.acme.com/v2 "],
     "authenticated": false, "x-trust-boundary": true, "trustZone": "dmz",
     "data": [{"classification": "PII", "flow": "inbound"}, {"classification": "Public", "flow": "outbound"}],
     "properties": [{"name": "aspm:owner", "value": "team:edge"}, {"name": "aspm:criticality", "value": "high"}],
     "services": [
       {"bom-ref": "db", "name": "payments-db", "x-trust-boundary": false,
        "data": [{"classification": "PCI", "flow": "bi-directional"}, {"classification": "  card\n data ", "flow": "unknown"}],
        "endpoints": ["postgres://db.internal:5432"]}
     ]},
    {"bom-ref": "mail", "name": "mailer", "properties": [{"name": "aspm:exposure", "value": "isolated"}],
     "x-trust-boundary": true}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["gw"]},
    {"ref": "gw", "dependsOn": ["db", "mail"]}
  ]
}`

func TestServices(t *testing.T) {
	g, res, err := read(t, "saas.json", servicesDoc)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Services)
	gw, ok := g.Asset("service:com.acme/gateway")
	require.True(t, ok)
	assert.Equal(t, "internet", string(gw.Exposure))
	assert.Equal(t, "confidential", string(gw.DataClass))
	assert.Equal(t, []string{"PII"}, gw.DataTags)
	assert.Equal(t, "team:edge", gw.Owner)
	assert.Equal(t, "high", string(gw.Criticality))
	assert.Equal(t, map[string]string{
		cyclonedx.KeyGroup: "com.acme", cyclonedx.KeyAuthenticated: "false", cyclonedx.KeyTrustBoundary: "true",
		cyclonedx.KeyTrustZone: "dmz", cyclonedx.KeyData: "PII\nPublic",
	}, gw.Properties)

	db, _ := g.Asset("service:payments-db")
	assert.Equal(t, "internal", string(db.Exposure))
	assert.Equal(t, "restricted", string(db.DataClass))
	assert.Equal(t, []string{"PCI"}, db.DataTags)
	assert.Equal(t, "PCI\ncard data", db.Properties[cyclonedx.KeyData])

	mail, _ := g.Asset("service:mailer")
	assert.Equal(t, "isolated", string(mail.Exposure), "aspm:exposure wins over x-trust-boundary")

	ep, ok := g.Asset("endpoint:https://api.acme.com/v2")
	require.True(t, ok)
	assert.Equal(t, "https://api.acme.com/v2", ep.URL)
	assert.Equal(t, "internet", string(ep.Exposure))

	want := []inventory.Edge{
		{From: "application:portal", To: "service:com.acme/gateway", Type: inventory.DependsOn, Relationship: "direct"},
		{From: "service:com.acme/gateway", To: "endpoint:https://api.acme.com/", Type: inventory.Exposes},
		{From: "service:com.acme/gateway", To: "endpoint:https://api.acme.com/v2", Type: inventory.Exposes},
		{From: "service:com.acme/gateway", To: "service:mailer", Type: inventory.Calls},
		{From: "service:com.acme/gateway", To: "service:payments-db", Type: inventory.Calls},
		{From: "service:com.acme/gateway", To: "service:payments-db", Type: inventory.Contains},
		{From: "service:payments-db", To: "endpoint:postgres://db.internal:5432", Type: inventory.Exposes},
	}
	assert.Equal(t, want, g.Edges())

	paths, err := g.ExposurePaths("service:payments-db", 0)
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	assert.Equal(t, inventory.Path{"service:com.acme/gateway", "service:payments-db"}, paths[0])
}

// TestServiceDataXML reads both XML forms of service data: the
// <classification> elements of 1.2–1.4 and the <dataflow> of 1.5+.
func TestServiceDataXML(t *testing.T) {
	for _, tt := range []struct{ name, data string }{
		{"1.2 form", `<data><classification flow="inbound">PII</classification><classification flow="outbound">PHI</classification></data>`},
		{"1.5 form", `<data><dataflow name="in"><classification flow="inbound">PII</classification></dataflow>` +
			`<dataflow name="out"><classification flow="outbound">PHI</classification><source><url>https://x</url></source></dataflow></data>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><services>` +
				`<service><name>outer</name><services><service><name>inner</name>` + tt.data + `</service></services></service>` +
				`</services></bom>`
			g, res, err := read(t, "", doc)
			require.NoError(t, err)
			assert.Equal(t, 2, res.Services)
			inner, ok := g.Asset("service:inner")
			require.True(t, ok)
			assert.Equal(t, []string{"PHI", "PII"}, inner.DataTags)
			assert.Equal(t, "restricted", string(inner.DataClass))
			outer, _ := g.Asset("service:outer")
			assert.Empty(t, outer.DataTags)
		})
	}
}

func TestCorpusServices(t *testing.T) {
	g, res, err := read(t, "", string(testcorpus.Read(t, "cyclonedx/spec-example/valid-service-1.6.xml")))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Services)
	s, ok := g.Asset("service:org.partner/Stock ticker service")
	require.True(t, ok)
	assert.Equal(t, []string{"PII"}, s.DataTags)
	assert.Equal(t, "confidential", string(s.DataClass))
	assert.Equal(t, "internet", string(s.Exposure))
	assert.Equal(t, "PIFI\nPII\npartner-data\npublic", s.Properties[cyclonedx.KeyData])

	g, res, err = read(t, "", string(testcorpus.Read(t, "cyclonedx/spec-example/saasbom-apigateway-services.bom.json")))
	require.NoError(t, err)
	assert.Equal(t, 6, res.Services)
	assert.Equal(t, 14, g.Len()) // subject, 6 services, 7 endpoints
	calls := 0
	for _, e := range g.Edges() {
		if e.Type == inventory.Calls {
			calls++
		}
	}
	assert.Equal(t, 5, calls)
}

func TestAspmProperties(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","version":"1",
	  "tags":["edge"," "],"properties":[
	  {"name":"aspm:exposure","value":"internal"},{"name":"aspm:environment","value":"production"},
	  {"name":"aspm:criticality","value":"critical"},{"name":"aspm:data-class","value":"restricted"},
	  {"name":"aspm:data-tag","value":"PHI"},{"name":"aspm:data-tag","value":"PII"},{"name":"aspm:owner","value":"team:a"},
	  {"name":"aspm:source","value":"catalog.yaml"},{"name":"aspm:digest","value":"sha256:abc"},
	  {"name":"aspm:future","value":"kept"},{"name":"note","value":"one"},{"name":"note","value":"two"}]}]}`
	g, _, err := read(t, "bom.json", doc)
	require.NoError(t, err)
	a := g.Assets()[0]
	assert.Equal(t, inventory.Asset{ID: "component:x@1", Kind: inventory.KindComponent, Name: "x", Version: "1", Digest: "sha256:abc",
		Exposure: "internal", Environment: "production", Criticality: "critical", DataClass: "restricted",
		DataTags: []string{"PHI", "PII"}, Owner: "team:a", Tags: []string{"edge"},
		Properties: map[string]string{"aspm:future": "kept", "note": "one\ntwo"},
		Sources:    []string{"bom.json", "catalog.yaml"}}, a)
}

func TestPlaceholderSubject(t *testing.T) {
	g, res, err := read(t, "", `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"","name":"","bom-ref":"r"}},
	  "components":[{"type":"library","name":"zlib","version":"1.3","bom-ref":"z"}],"dependencies":[{"ref":"r","dependsOn":["z"]}]}`)
	require.NoError(t, err)
	assert.Empty(t, res.Root)
	assert.Equal(t, 1, res.Components)
	assert.Equal(t, []string{"r"}, res.Unresolved)
	assert.Equal(t, 1, g.Len())
}

func TestAllowInvalidPURLs(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","version":"1","purl":"a-purl-1"}]}`
	_, _, err := read(t, "bom.json", doc)
	require.ErrorIs(t, err, cyclonedx.ErrInvalid)
	assert.ErrorIs(t, err, inventory.ErrInvalidID)
	assert.EqualError(t, err, `cyclonedx: bom.json: components[0].purl: invalid document: inventory: invalid asset identity: purl "a-purl-1": purl scheme is not "pkg": "a-purl-1"`)

	g, res, err := read(t, "", doc, cyclonedx.Options{AllowInvalidPURLs: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"components[0]"}, res.InvalidPURLs)
	a := g.Assets()[0]
	assert.Equal(t, "component:x@1", a.ID)
	assert.Empty(t, a.PURL)
	assert.Equal(t, "a-purl-1", a.Properties[cyclonedx.KeyPURL])
}

// TestMerge imports two documents into one graph: shared components merge,
// and a failed import leaves the graph as it was.
func TestMerge(t *testing.T) {
	g := inventory.New()
	_, err := cyclonedx.Read(strings.NewReader(depsDoc), g, cyclonedx.Options{Name: "a.json"})
	require.NoError(t, err)
	before, err := json.Marshal(g)
	require.NoError(t, err)

	bad := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
	  {"type":"library","name":"ok","version":"1"},{"type":"library","name":"bad","purl":"pkg:"}]}`
	_, err = cyclonedx.Read(strings.NewReader(bad), g, cyclonedx.Options{Name: "b.json"})
	require.ErrorIs(t, err, cyclonedx.ErrInvalid)
	after, err := json.Marshal(g)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))

	// An ID already in the graph as another kind.
	_, err = g.Add(inventory.Asset{ID: "application:lib@1", Kind: inventory.KindComponent, Name: "weird"})
	require.NoError(t, err)
	conflict := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"application","name":"lib@1"}]}`
	_, err = cyclonedx.Read(strings.NewReader(conflict), g, cyclonedx.Options{})
	require.ErrorIs(t, err, cyclonedx.ErrInvalid)
	assert.Contains(t, err.Error(), "components[0]: invalid document: application:lib@1 is a component in the graph, not a application")

	other := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
	  {"type":"library","name":"express","version":"4.18.2","purl":"pkg:npm/express@4.18.2","properties":[{"name":"aspm:owner","value":"team:web"}]}]}`
	_, err = cyclonedx.Read(strings.NewReader(other), g, cyclonedx.Options{Name: "c.json"})
	require.NoError(t, err)
	express, _ := g.Asset("component:pkg:npm/express@4.18.2")
	assert.Equal(t, []string{"a.json", "c.json"}, express.Sources)
	assert.Equal(t, "team:web", express.Owner)
}

func TestErrorsAreTyped(t *testing.T) {
	_, _, err := read(t, "x", "{")
	var e *cyclonedx.Error
	require.ErrorAs(t, err, &e)
	assert.True(t, errors.Is(err, cyclonedx.ErrSyntax))
}

// TestSharedEndpoint: an endpoint two services expose is as exposed as the
// most exposed of them, in any order, and survives a strict round trip.
func TestSharedEndpoint(t *testing.T) {
	doc := head + `"services":[
	  {"name":"b-internal","x-trust-boundary":false,"endpoints":["https://shared"]},
	  {"name":"a-public","x-trust-boundary":true,"endpoints":["https://shared"]},
	  {"name":"c-internal","x-trust-boundary":false,"endpoints":["https://shared"]}]}`
	g, _, err := read(t, "", doc)
	require.NoError(t, err)
	ep, ok := g.Asset("endpoint:https://shared")
	require.True(t, ok)
	assert.Equal(t, "internet", string(ep.Exposure))
	var out bytes.Buffer
	require.NoError(t, cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Strict: true}))
	g2, _, err := read(t, "", out.String())
	require.NoError(t, err)
	a, _ := json.Marshal(g)
	b, _ := json.Marshal(g2)
	assert.JSONEq(t, string(a), string(b))
}

// TestDependencyGraphExtension reads the dependency graph extension of
// CycloneDX 1.1 XML like the dependencies of 1.2 and later.
func TestDependencyGraphExtension(t *testing.T) {
	doc := `<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:dg="http://cyclonedx.org/schema/ext/dependency-graph/1.0" version="1">
  <components>
    <component type="library" bom-ref="pkg:npm/a@1"><name>a</name><version>1</version><purl>pkg:npm/a@1</purl></component>
    <component type="library" bom-ref="pkg:npm/b@2"><name>b</name><version>2</version><purl>pkg:npm/b@2</purl></component>
  </components>
  <dg:dependencies>
    <dg:dependency ref="pkg:npm/a@1"><dg:dependency ref="pkg:npm/b@2"/></dg:dependency>
  </dg:dependencies>
</bom>`
	g, res, err := read(t, "", doc)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Dependencies)
	assert.Equal(t, []inventory.Edge{{From: "component:pkg:npm/a@1", To: "component:pkg:npm/b@2", Type: inventory.DependsOn}}, g.Edges())
}
