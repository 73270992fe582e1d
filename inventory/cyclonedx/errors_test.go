package cyclonedx_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

const (
	head  = `{"bomFormat":"CycloneDX","specVersion":"1.6",`
	xhead = `<?xml version="1.0"?>` + "\n" + `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">`
)

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		sentinel error
		offset   int64 // -1: unknown
		line     int
		column   int
		path     string
		msg      string // the whole message, file "bom"
	}{
		{name: "empty", in: "", sentinel: cyclonedx.ErrSyntax, offset: 0, line: 1, column: 1,
			msg: "cyclonedx: bom: line 1, column 1: syntax error: empty input"},
		{name: "blank with byte order mark", in: "\uFEFF \n", sentinel: cyclonedx.ErrSyntax, offset: 5, line: 2, column: 1},
		{name: "truncated", in: "{\n  \"bomFormat\": \"CycloneDX\",", sentinel: cyclonedx.ErrSyntax, offset: 29, line: 2, column: 28,
			msg: "cyclonedx: bom: line 2, column 28: syntax error: unexpected end of input"},
		{name: "bad token", in: "{\n  \"bomFormat\": \"CycloneDX\",\n  x\n}", sentinel: cyclonedx.ErrSyntax, offset: 32, line: 3, column: 3},
		{name: "trailing comma", in: head + `"components":[],}`, sentinel: cyclonedx.ErrSyntax, offset: 61, line: 1, column: 62},
		{name: "data after the object", in: head + "\"version\":1}\n {}", sentinel: cyclonedx.ErrSyntax, offset: 59, line: 2, column: 2,
			msg: "cyclonedx: bom: line 2, column 2: syntax error: data after the top-level value"},
		{name: "null", in: "null", sentinel: cyclonedx.ErrInvalid, offset: 0, line: 1, column: 1},
		{name: "array", in: "[]", sentinel: cyclonedx.ErrInvalid, offset: 0, line: 1, column: 1},
		{name: "no bomFormat", in: `{"specVersion":"1.6"}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "bomFormat",
			msg: "cyclonedx: bom: bomFormat: invalid document: bomFormat is missing"},
		{name: "bomFormat not a string", in: `{"bomFormat":1,"specVersion":"1.6"}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "bomFormat"},
		{name: "other bomFormat", in: `{"bomFormat":"SPDX","specVersion":"1.6"}`, sentinel: cyclonedx.ErrUnsupported, offset: -1, path: "bomFormat"},
		{name: "no specVersion", in: `{"bomFormat":"CycloneDX"}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "specVersion"},
		{name: "specVersion a number", in: `{"bomFormat":"CycloneDX","specVersion":1.6}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "specVersion"},
		{name: "specVersion 2.0", in: `{"bomFormat":"CycloneDX","specVersion":"2.0"}`, sentinel: cyclonedx.ErrUnsupported, offset: -1, path: "specVersion",
			msg: `cyclonedx: bom: specVersion: unsupported format: CycloneDX specVersion "2.0" (this package reads 1.0 to 1.7)`},
		{name: "components an object", in: head + `"components":{}}`, sentinel: cyclonedx.ErrInvalid, offset: 58, line: 1, column: 59, path: "components",
			msg: "cyclonedx: bom: line 1, column 59: components: invalid document: object where an array is expected"},
		{name: "purl a number", in: head + `"components":[{"type":"library","name":"x","purl":7}]}`, sentinel: cyclonedx.ErrInvalid, offset: 95,
			line: 1, column: 96, path: "components.purl",
			msg: "cyclonedx: bom: line 1, column 96: components.purl: invalid document: number where a string is expected"},
		{name: "bad purl", in: head + `"components":[{"name":"a"},{"name":"x","purl":"pkg:npm"}]}`, sentinel: cyclonedx.ErrInvalid, offset: -1,
			path: "components[1].purl"},
		{name: "nested bad purl", in: head + `"metadata":{"component":{"name":"app","components":[{"name":"x","purl":"npm/x"}]}}}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "metadata.component.components[0].purl"},
		{name: "no name nor purl", in: head + `"components":[{"type":"library","version":"1"}]}`, sentinel: cyclonedx.ErrInvalid, offset: -1,
			path: "components[0]", msg: "cyclonedx: bom: components[0]: invalid document: component has neither name nor purl"},
		{name: "container without name", in: head + `"components":[{"type":"container"}]}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0]"},
		{name: "bad digest", in: head + `"components":[{"type":"container","name":"x","properties":[{"name":"aspm:digest","value":"nodigest"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0]"},
		{name: "bad scope", in: head + `"components":[{"name":"x","scope":"sometimes"}]}`, sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].scope"},
		{name: "bad exposure", in: head + `"components":[{"name":"x","properties":[{"name":"n","value":"v"},{"name":"aspm:exposure","value":"public"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].properties[1]",
			msg: `cyclonedx: bom: components[0].properties[1]: invalid document: aspm:exposure "public" is not internet, internal or isolated`},
		{name: "bad environment", in: head + `"components":[{"name":"x","properties":[{"name":"aspm:environment","value":"prod"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].properties[0]"},
		{name: "bad criticality", in: head + `"services":[{"name":"x","properties":[{"name":"aspm:criticality","value":"urgent"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "services[0].properties[0]"},
		{name: "bad data class", in: head + `"components":[{"name":"x","properties":[{"name":"aspm:data-class","value":"PII"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].properties[0]"},
		{name: "empty owner", in: head + `"components":[{"name":"x","properties":[{"name":"aspm:owner","value":" "}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].properties[0]"},
		{name: "bad kind", in: head + `"components":[{"name":"x","properties":[{"name":"aspm:kind","value":"team"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0]"},
		{name: "kind on a service", in: head + `"services":[{"name":"x","properties":[{"name":"aspm:kind","value":"component"}]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "services[0]"},
		{name: "service without name", in: head + `"services":[{"name":"a","services":[{"version":"1"}]}]}`, sentinel: cyclonedx.ErrInvalid,
			offset: -1, path: "services[0].services[0].name"},
		{name: "empty endpoint", in: head + `"services":[{"name":"a","endpoints":["https://a",""]}]}`, sentinel: cyclonedx.ErrInvalid,
			offset: -1, path: "services[0].endpoints[1]"},
		{name: "bom-ref for two assets", in: head + `"components":[{"name":"a","bom-ref":"r"}],"services":[{"name":"s","bom-ref":"r"}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "services[0].bom-ref",
			msg: `cyclonedx: bom: services[0].bom-ref: invalid document: bom-ref "r" names both component:a and service:s`},
		{name: "dependency without ref", in: head + `"dependencies":[{"dependsOn":["a"]}]}`, sentinel: cyclonedx.ErrInvalid,
			offset: -1, path: "dependencies[0].ref"},
		{name: "empty dependsOn", in: head + `"components":[{"name":"a","bom-ref":"a"}],"dependencies":[{"ref":"a","dependsOn":[""]}]}`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "dependencies[0].dependsOn[0]"},

		{name: "XML other root", in: `<?xml version="1.0"?><sbom/>`, sentinel: cyclonedx.ErrUnsupported, offset: 21, line: 1, column: 22},
		{name: "XML no namespace", in: `<bom version="1"/>`, sentinel: cyclonedx.ErrUnsupported, offset: 0, line: 1, column: 1},
		{name: "XML version 2.0", in: `<bom xmlns="http://cyclonedx.org/schema/bom/2.0"/>`, sentinel: cyclonedx.ErrUnsupported, offset: 0, line: 1, column: 1,
			msg: `cyclonedx: bom: line 1, column 1: unsupported format: CycloneDX XML namespace "http://cyclonedx.org/schema/bom/2.0" (this package reads 1.0 to 1.7)`},
		{name: "XML truncated", in: xhead + "\n<components><component>", sentinel: cyclonedx.ErrSyntax, offset: 107, line: 3, column: 24},
		{name: "XML mismatched tag", in: xhead + "\n<components></component></bom>", sentinel: cyclonedx.ErrSyntax, offset: 108, line: 3, column: 25},
		{name: "XML element after the root", in: xhead + "</bom>\n<bom/>", sentinel: cyclonedx.ErrSyntax, offset: 90, line: 3, column: 1},
		{name: "XML text after the root", in: xhead + "</bom>\nhello", sentinel: cyclonedx.ErrSyntax, offset: 89, line: 2, column: 68},
		{name: "XML bad boolean", in: xhead + `<components><component type="library"><name>x</name><modified>maybe</modified></component></components></bom>`,
			sentinel: cyclonedx.ErrInvalid, offset: 161, line: 2, column: 140},
		{name: "XML bad purl", in: xhead + `<components><component type="library"><name>x</name><purl>x</purl></component></components></bom>`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "components[0].purl"},
		{name: "XML service without name", in: xhead + `<services><service><version>1</version></service></services></bom>`,
			sentinel: cyclonedx.ErrInvalid, offset: -1, path: "services[0].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, res, err := read(t, "bom", tt.in)
			require.Error(t, err)
			assert.Zero(t, g.Len())
			assert.Zero(t, res)
			assert.ErrorIs(t, err, tt.sentinel)
			var e *cyclonedx.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "bom", e.File)
			assert.Equal(t, tt.offset, e.Offset, "offset")
			assert.Equal(t, tt.line, e.Line, "line")
			assert.Equal(t, tt.column, e.Column, "column")
			assert.Equal(t, tt.path, e.Path, "path")
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
			}
			for _, s := range []error{cyclonedx.ErrSyntax, cyclonedx.ErrInvalid, cyclonedx.ErrUnsupported, cyclonedx.ErrLimit} {
				if s != tt.sentinel {
					assert.NotErrorIs(t, err, s)
				}
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	e := &cyclonedx.Error{Offset: 12, Err: cyclonedx.ErrSyntax}
	assert.EqualError(t, e, "cyclonedx: byte 12: syntax error")
	e = &cyclonedx.Error{Offset: -1}
	assert.EqualError(t, e, "cyclonedx: unknown error")
	assert.Nil(t, e.Unwrap())
}

// errReader fails after its data.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := cyclonedx.Read(errReader{boom}, inventoryNew(), cyclonedx.Options{Name: "f"})
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "cyclonedx: reading f: disk on fire")

	_, err = cyclonedx.Read(strings.NewReader("{}"), nil, cyclonedx.Options{})
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
}

// TestLimits checks each limit at N (accepted) and N+1 (refused, at the
// offending byte).
func TestLimits(t *testing.T) {
	doc := head + `"components":[{"type":"library","name":"abcdefghijklmnopqrst"}]}`
	nested := func(depth int) string {
		// depth counts the object itself: the BOM is depth 1.
		return head + `"properties":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
	}
	xnested := func(depth int) string {
		// The root is depth 1.
		return xhead + strings.Repeat("<x>", depth-1) + strings.Repeat("</x>", depth-1) + "</bom>"
	}
	xdoc := xhead + `<components><component type="library"><name>abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij</name></component></components></bom>`
	tests := []struct {
		name   string
		in     string
		limits findings.Limits
		ok     bool
		offset int64
		limit  string
	}{
		{"document at N", doc, findings.Limits{MaxDocumentBytes: int64(len(doc))}, true, 0, ""},
		{"document at N+1", doc, findings.Limits{MaxDocumentBytes: int64(len(doc) - 1)}, false, int64(len(doc) - 1), "MaxDocumentBytes"},
		{"JSON depth at N", nested(8), findings.Limits{MaxDepth: 8}, true, 0, ""},
		{"JSON depth at N+1", nested(9), findings.Limits{MaxDepth: 8}, false, int64(len(head) + len(`"properties":`) + 7), "MaxDepth"},
		{"JSON string at N", doc, findings.Limits{MaxStringBytes: 20}, true, 0, ""},
		{"JSON string at N+1", doc, findings.Limits{MaxStringBytes: 19}, false, int64(strings.Index(doc, "abcdefghij") + 19), "MaxStringBytes"},
		{"XML depth at N", xnested(8), findings.Limits{MaxDepth: 8}, true, 0, ""},
		{"XML depth at N+1", xnested(9), findings.Limits{MaxDepth: 8}, false, int64(len(xhead) + 3*7), "MaxDepth"},
		{"XML text at N", xdoc, findings.Limits{MaxStringBytes: 50}, true, 0, ""},
		{"XML text at N+1", xdoc, findings.Limits{MaxStringBytes: 49}, false, int64(strings.Index(xdoc, "abcdefghij") + 49), "MaxStringBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := read(t, "bom", tt.in, cyclonedx.Options{Name: "bom", Limits: tt.limits})
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cyclonedx.ErrLimit)
			assert.ErrorIs(t, err, findings.ErrLimit)
			var le *findings.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.limit, le.Limit)
			var e *cyclonedx.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.offset, e.Offset)
		})
	}
}

func inventoryNew() *inventory.Graph { return inventory.New() }

// TestTypeErrorOffsets: a value of the wrong type is located at its first
// byte, whatever its JSON type.
func TestTypeErrorOffsets(t *testing.T) {
	for _, tt := range []struct{ in, at, path string }{
		{head + `"components":[{"name":true}]}`, "true", "components.name"},
		{head + `"components":[{"name":false}]}`, "false", "components.name"},
		{head + `"components":[{"name":{"a":1}}]}`, `{"a"`, "components.name"},
		{head + `"components":[{"name":-1.5e3}]}`, "-1.5e3", "components.name"},
		{head + `"metadata":"a\"b\\"}`, `"a\"`, "metadata"},
		{head + `"components":[{"name":"x","bom-ref":"r"}],"dependencies":[{"ref":"r","dependsOn":"r"}]}`, `"r"}]}`, "dependencies.dependsOn"},
		{"\uFEFF" + head + `"services":[{"name":"s","authenticated":"yes"}]}`, `"yes"`, "services.authenticated"},
	} {
		_, _, err := read(t, "bom", tt.in)
		require.ErrorIs(t, err, cyclonedx.ErrInvalid, tt.in)
		var e *cyclonedx.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, int64(strings.Index(tt.in, tt.at)), e.Offset, tt.in)
		assert.Equal(t, tt.path, e.Path)
	}
}

func TestDataClasses(t *testing.T) {
	for _, tt := range []struct {
		classes []string
		class   string
		tags    string
	}{
		{[]string{"internal"}, "internal", ""},
		{[]string{"public", "Confidential"}, "confidential", ""},
		{[]string{"Restricted", "pii"}, "restricted", "PII"},
		{[]string{"PHI", "PCI", "PII"}, "restricted", "PCI,PHI,PII"},
		{[]string{"Customer", " "}, "", ""},
	} {
		var data []string
		for _, c := range tt.classes {
			data = append(data, `{"flow":"unknown","classification":"`+c+`"}`)
		}
		g, _, err := read(t, "", head+`"services":[{"name":"s","data":[`+strings.Join(data, ",")+`]}]}`)
		require.NoError(t, err)
		s, _ := g.Asset("service:s")
		assert.Equal(t, tt.class, string(s.DataClass), tt.classes)
		assert.Equal(t, tt.tags, strings.Join(s.DataTags, ","), tt.classes)
	}
}

// TestNotCycloneDX: another format is unsupported, even when a field
// decodes badly first.
func TestNotCycloneDX(t *testing.T) {
	for _, in := range []string{
		`{"spdxVersion":"SPDX-2.3","bomFormat":"SPDX","components":"none"}`,
		`{"SchemaVersion":2,"Metadata":"x","bomFormat":"Trivy"}`,
	} {
		_, _, err := read(t, "f", in)
		assert.ErrorIs(t, err, cyclonedx.ErrUnsupported, in)
	}
	_, _, err := read(t, "f", `{"components":"none"}`)
	assert.ErrorIs(t, err, cyclonedx.ErrInvalid)
	assert.Contains(t, err.Error(), "bomFormat is missing")
}
