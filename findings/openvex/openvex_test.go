package openvex_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, name string, data []byte, l findings.Limits) ([]findings.VEXStatement, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return openvex.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, fs, "OpenVEX documents have no findings")
	return vs, err
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"openvex/go-vex/v0.0.1.json",                       // 0.0.1: string vulnerability and products
		"openvex/go-vex/v0.2.0.json",                       // 0.2.0: objects, subcomponents, impact statements
		"openvex/secobserve/openvex_product_branches.json", // identifiers.purl, document timestamp after the statements
		"openvex/unknown/openvex_many_vuln.json",           // every status, aliases, a 0.0.1-style statement in a 0.2.0 document
		"openvex/vexctl/images.vex.json",                   // unversioned @context, image references as products
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			vs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{Findings: []findings.Finding{}, VEX: vs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)), append(got, '\n'))
		})
	}
}

// TestCorpusTable decodes every row of testdata/corpus/openvex.tsv and
// checks the counts and errors the independent count script recorded.
func TestCorpusTable(t *testing.T) {
	dir := testcorpus.Dir(t)
	f, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "openvex.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 6, sc.Text())
		rows++
		t.Run(cols[0], func(t *testing.T) {
			assert.Equal(t, openvex.Format, cols[1])
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cols[0])))
			require.NoError(t, err)
			vs, err := decode(t, cols[0], data, findings.Limits{})
			assert.Equal(t, "0", cols[2])
			assert.Equal(t, "-", cols[4])
			assert.Equal(t, cols[3], strconv.Itoa(len(vs)))
			switch cols[5] {
			case "-":
				require.NoError(t, err)
			case "unsupported":
				assert.ErrorIs(t, err, findings.ErrUnsupportedFormat)
			case "invalid":
				assert.ErrorIs(t, err, findings.ErrInvalid)
			case "syntax":
				assert.ErrorIs(t, err, findings.ErrSyntax)
			default:
				t.Fatalf("unknown error column %q", cols[5])
			}
			for i, s := range vs {
				assert.Equal(t, findings.Source{File: cols[0], Format: openvex.Format, Record: i}, s.Source)
				assert.NotEmpty(t, s.VulnerabilityID)
				assert.Contains(t, []findings.VEXStatus{findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation}, s.Status)
			}
		})
	}
	require.NoError(t, sc.Err())
	files, err := filepath.Glob(filepath.Join(dir, "openvex", "*", "*"))
	require.NoError(t, err)
	assert.Equal(t, len(files), rows, "one row per corpus file")
}

const ctx = `"@context":"https://openvex.dev/ns/v0.2.0"`

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []findings.VEXStatement
	}{
		{
			name: "0.0.1 statement-level subcomponents and status notes",
			in: `{"@context":"https://openvex.dev/ns/v0.0.1","@id":"doc-1","author":"A","timestamp":"2023-01-01T00:00:00Z",
				"statements":[{"vulnerability":"CVE-2023-1","products":["pkg:apk/wolfi/git@1"],"subcomponents":["pkg:apk/wolfi/lib@2"],
				"status":"under_investigation","status_notes":"looking"}]}`,
			want: []findings.VEXStatement{{
				VulnerabilityID: "CVE-2023-1", Products: []string{"pkg:apk/wolfi/git@1"}, Subcomponents: []string{"pkg:apk/wolfi/lib@2"},
				VEXAnalysis: findings.VEXAnalysis{Status: findings.VEXUnderInvestigation, ImpactStatement: "looking"},
				Timestamp:   "2023-01-01T00:00:00Z", Document: "doc-1", Author: "A",
			}},
		},
		{
			name: "impact statement wins over status notes, statement timestamp over the document's (which comes last)",
			in: `{` + ctx + `,"statements":[{"vulnerability":{"@id":"https://nvd/CVE-2","name":"CVE-2","aliases":["GHSA-x","CVE-2"]},
				"products":[{"@id":"img","identifiers":{"purl":"pkg:oci/img","cpe23":"cpe:2.3:a:x"}}],
				"status":"not_affected","justification":"component_not_present","impact_statement":"no","status_notes":"notes",
				"timestamp":"2024-02-02T00:00:00Z"}],"timestamp":"2024-01-01T00:00:00Z","author":"B","@id":"doc-2"}`,
			want: []findings.VEXStatement{{
				VulnerabilityID: "CVE-2", Aliases: []string{"GHSA-x"}, Products: []string{"pkg:oci/img"},
				VEXAnalysis: findings.VEXAnalysis{Status: findings.VEXNotAffected, Justification: "component_not_present", ImpactStatement: "no"},
				Timestamp:   "2024-02-02T00:00:00Z", Document: "doc-2", Author: "B",
			}},
		},
		{
			name: "product identification order, duplicates dropped, subcomponents of every product",
			in: `{` + ctx + `,"statements":[{"vulnerability":{"@id":"https://example.com/v/1"},"status":"affected","action_statement":"upgrade",
				"products":[{"@id":"a","subcomponents":[{"@id":"s1"},{"identifiers":{"purl":"pkg:npm/s2@1"}}]},
					{"identifiers":{"cpe23":"cpe:2.3:a:b:b:1","cpe22":"cpe:/a:b:b:1"}},{"identifiers":{"cpe22":"cpe:/a:c:c:1"}},
					{"hashes":{"md5":"m","sha-256":"h"}},{"hashes":{"x-custom":"y"}},"a",{"@id":"d","subcomponents":[{"@id":"s1"}]}]}]}`,
			want: []findings.VEXStatement{{
				VulnerabilityID: "https://example.com/v/1",
				Products:        []string{"a", "cpe:2.3:a:b:b:1", "cpe:/a:c:c:1", "sha-256:h", "x-custom:y", "d"},
				Subcomponents:   []string{"s1", "pkg:npm/s2@1"},
				VEXAnalysis:     findings.VEXAnalysis{Status: findings.VEXAffected, ActionStatement: "upgrade"},
			}},
		},
		{
			name: "JSON-LD context array, null and missing statements",
			in:   `{"@context":["https://example.com/other","https://openvex.dev/ns"],"statements":null}`,
		},
		{
			name: "no statements key",
			in:   `{` + ctx + `,"author":"x"}`,
		},
		{
			name: "unknown fields are skipped, whatever their shape",
			in: `{` + ctx + `,"tooling":{"a":[1,2,{"b":null}]},"statements":[{"vulnerability":"CVE-3","status":"fixed",
				"supplier":"S","last_updated":"2020","extra":[[]]}],"version":1}`,
			want: []findings.VEXStatement{{VulnerabilityID: "CVE-3", VEXAnalysis: findings.VEXAnalysis{Status: findings.VEXFixed}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := decode(t, "x.json", []byte(tt.in), findings.Limits{})
			require.NoError(t, err)
			for i := range tt.want {
				tt.want[i].Source = findings.Source{File: "x.json", Format: openvex.Format, Record: i}
			}
			if len(tt.want) == 0 {
				assert.Empty(t, vs)
				return
			}
			assert.Equal(t, tt.want, vs)
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   error
		offset int64 // -2: do not check
		path   string
	}{
		{"empty", ``, findings.ErrSyntax, 0, ""},
		{"white space", " \n\t", findings.ErrSyntax, 3, ""},
		{"truncated", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1",`, findings.ErrSyntax, int64(len(ctx) + 41), "statements[0]"},
		{"invalid JSON", `{` + ctx + `,"statements":[{"vulnerability" "CVE-1"}]}`, findings.ErrSyntax, -2, "statements[0]"},
		{"null", `null`, findings.ErrUnsupportedFormat, -1, ""},
		{"array", `["not", "a", "document"]`, findings.ErrUnsupportedFormat, 0, ""},
		{"string", `"openvex"`, findings.ErrUnsupportedFormat, -1, ""},
		{"no context", `{"statements":[]}`, findings.ErrUnsupportedFormat, -1, "@context"},
		{"other context", `{"@context":"https://cyclonedx.org","statements":[]}`, findings.ErrUnsupportedFormat, -1, "@context"},
		{"future major version", `{"@context":"https://openvex.dev/ns/v1.0.0","statements":[]}`, findings.ErrUnsupportedFormat, -1, "@context"},
		{"context of the wrong type", `{"@context":5,"statements":[]}`, findings.ErrUnsupportedFormat, -1, "@context"},
		{"statements not an array", `{` + ctx + `,"statements":{}}`, findings.ErrInvalid, int64(len(ctx) + 15), "statements"},
		{"statement not an object", `{` + ctx + `,"statements":["CVE-1"]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0]"},
		{"unknown status", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"exploitable"}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].status"},
		{"missing status", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed"},{"vulnerability":"CVE-1"}]}`, findings.ErrInvalid, int64(len(ctx) + 59), "statements[1].status"},
		{"missing vulnerability", `{` + ctx + `,"statements":[{"status":"fixed"}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].vulnerability"},
		{"vulnerability without name", `{` + ctx + `,"statements":[{"vulnerability":{"description":"d"},"status":"fixed"}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].vulnerability"},
		{"vulnerability number", `{` + ctx + `,"statements":[{"vulnerability":7,"status":"fixed"}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].vulnerability"},
		{"vulnerability name number", `{` + ctx + `,"statements":[{"vulnerability":{"name":7},"status":"fixed"}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].vulnerability"},
		{"status number", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":5}]}`, findings.ErrInvalid, int64(len(ctx) + 51), "statements[0].status"},
		{"products object", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed","products":{}}]}`, findings.ErrInvalid, int64(len(ctx) + 70), "statements[0].products"},
		{"product without identifier", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed","products":[{"hashes":{}}]}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].products[0]"},
		{"null product", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed","products":[null]}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].products[0]"},
		{"empty product string", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed","products":[" "]}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].products[0]"},
		{"bad subcomponent", `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed","products":[{"@id":"p","subcomponents":[3]}]}]}`, findings.ErrInvalid, int64(len(ctx) + 16), "statements[0].products[0].subcomponents[0]"},
		{"author number", `{` + ctx + `,"author":1}`, findings.ErrInvalid, int64(len(ctx) + 12), "author"},
		{"trailing data", `{` + ctx + `} {}`, findings.ErrSyntax, -2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := decode(t, "bad.json", []byte(tt.in), findings.Limits{})
			require.Error(t, err)
			assert.Empty(t, vs, "an invalid document emits nothing")
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "bad.json", de.File)
			assert.Equal(t, openvex.Format, de.Format)
			assert.Equal(t, tt.path, de.Path)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, "offset")
			}
		})
	}
}

func TestBOM(t *testing.T) {
	doc := `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed"}]}`
	vs, err := decode(t, "bom.json", append([]byte{0xEF, 0xBB, 0xBF}, doc...), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "CVE-1", vs[0].VulnerabilityID)

	// Offsets count the BOM.
	bad := `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"bad"}]}`
	_, err = decode(t, "bom.json", append([]byte{0xEF, 0xBB, 0xBF}, bad...), findings.Limits{})
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(3+len(ctx)+16), de.Offset)
}

func TestLimits(t *testing.T) {
	t.Run("depth", func(t *testing.T) {
		const max = 8
		prefix := `{` + ctx + `,"x":`
		nest := func(arrays int) string {
			return prefix + strings.Repeat("[", arrays) + strings.Repeat("]", arrays) + `,"statements":[]}`
		}
		_, err := decode(t, "d.json", []byte(nest(max-1)), findings.Limits{MaxDepth: max})
		require.NoError(t, err, "depth N passes")
		_, err = decode(t, "d.json", []byte(nest(max)), findings.Limits{MaxDepth: max})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le, "depth N+1 fails")
		assert.Equal(t, "MaxDepth", le.Limit)
		assert.ErrorIs(t, err, findings.ErrLimit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(prefix)+max-1), de.Offset)
	})
	t.Run("string", func(t *testing.T) {
		const max = 16
		prefix := `{` + ctx + `,"statements":[{"vulnerability":"`
		doc := func(n int) string {
			return prefix + strings.Repeat("A", n) + `","status":"fixed"}]}`
		}
		_, err := decode(t, "s.json", []byte(doc(max)), findings.Limits{MaxStringBytes: max * 4})
		require.NoError(t, err)
		// The @context string itself must fit too: use a limit it passes.
		l := findings.Limits{MaxStringBytes: len("https://openvex.dev/ns/v0.2.0")}
		_, err = decode(t, "s.json", []byte(doc(l.MaxStringBytes)), l)
		require.NoError(t, err, "a string of MaxStringBytes passes")
		_, err = decode(t, "s.json", []byte(doc(l.MaxStringBytes+1)), l)
		var le *findings.LimitError
		require.ErrorAs(t, err, &le, "one byte more fails")
		assert.Equal(t, "MaxStringBytes", le.Limit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(prefix)+l.MaxStringBytes), de.Offset)
	})
	t.Run("document", func(t *testing.T) {
		doc := []byte(`{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed"}]}`)
		vs, err := decode(t, "b.json", doc, findings.Limits{MaxDocumentBytes: int64(len(doc))})
		require.NoError(t, err)
		assert.Len(t, vs, 1)
		_, err = decode(t, "b.json", doc, findings.Limits{MaxDocumentBytes: int64(len(doc) - 1)})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "MaxDocumentBytes", le.Limit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(doc)-1), de.Offset)
	})
}

func TestHandlerError(t *testing.T) {
	doc := `{` + ctx + `,"statements":[{"vulnerability":"CVE-1","status":"fixed"},{"vulnerability":"CVE-2","status":"fixed"}]}`
	stop := errors.New("stop")
	n := 0
	err := openvex.Decode(strings.NewReader(doc), findings.DecodeOptions{}, findings.Handler{VEX: func(findings.VEXStatement) error {
		n++
		return stop
	}})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, n)

	// A nil handler func discards.
	require.NoError(t, openvex.Decode(strings.NewReader(doc), findings.DecodeOptions{}, findings.Handler{}))
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		``, `null`, `[]`, `{}`,
		`{` + ctx + `,"statements":[{"vulnerability":"CVE-1","products":["p"],"subcomponents":["s"],"status":"fixed"}]}`,
		`{` + ctx + `,"statements":[{"vulnerability":{"name":"CVE-1","aliases":["A"]},"products":[{"@id":"p","identifiers":{"purl":"pkg:x/y"},"subcomponents":[{"@id":"s"}]}],"status":"not_affected","justification":"component_not_present"}]}`,
		`{"@context":["https://openvex.dev/ns"],"statements":null,"timestamp":"t"}`,
	} {
		f.Add([]byte(s))
	}
	for _, file := range testcorpus.Glob("openvex/*/*") {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, vs, err := findings.Collect(func(h findings.Handler) error {
			return openvex.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: "fuzz", Limits: findings.Limits{MaxDepth: 64}}, h)
		})
		if len(fs) != 0 {
			t.Fatalf("OpenVEX emitted %d findings", len(fs))
		}
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
			}
			if len(vs) != 0 {
				t.Fatalf("an invalid document emitted %d statements", len(vs))
			}
			return
		}
		for _, s := range vs {
			if s.VulnerabilityID == "" {
				t.Fatal("statement without a vulnerability ID")
			}
			switch s.Status {
			case findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation:
			default:
				t.Fatalf("invalid status %q", s.Status)
			}
		}
	})
}
