package govulncheck_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/govulncheck"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t *testing.T, input string, opts findings.DecodeOptions) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return govulncheck.Decode(strings.NewReader(input), opts, h)
	})
	assert.Empty(t, vs, "govulncheck output has no VEX statements")
	return fs, err
}

func mustDecode(t *testing.T, input string) []findings.Finding {
	t.Helper()
	fs, err := decode(t, input, findings.DecodeOptions{Name: "test.json"})
	require.NoError(t, err)
	return fs
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"govulncheck/govulncheck/convert_input_stream.json",
		"govulncheck/govulncheck/many_vulns_json_array.json",
		"govulncheck/govulncheck/many_vulns_legacy_pre1.0.json",
	} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			data := testcorpus.Read(t, rel)
			fs, vs, err := findings.Collect(func(h findings.Handler) error {
				return govulncheck.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: rel}, h)
			})
			require.NoError(t, err)
			out, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{fs, vs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", filepath.Base(rel)), append(out, '\n'))
		})
	}
}

// TestCorpus decodes every corpus file of the format and checks the counts
// that count_govulncheck.sh computes from the raw files.
func TestCorpus(t *testing.T) {
	for _, tc := range []struct {
		rel   string
		count int
		err   error
	}{
		{"govulncheck/govulncheck/convert_input_stream.json", 3, nil},
		{"govulncheck/govulncheck/empty_zero_bytes.json", 0, findings.ErrSyntax},
		{"govulncheck/govulncheck/issue_14642.json", 40, nil},
		{"govulncheck/govulncheck/many_vulns_json_array.json", 1, nil},
		{"govulncheck/govulncheck/many_vulns_legacy_pre1.0.json", 3, nil},
		{"govulncheck/govulncheck/no_vulns_json_array.json", 0, nil},
	} {
		t.Run(filepath.Base(tc.rel), func(t *testing.T) {
			data := testcorpus.Read(t, tc.rel)
			fs, err := decode(t, string(data), findings.DecodeOptions{Name: tc.rel})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, fs, tc.count)
			for _, f := range fs {
				assert.Equal(t, findings.SeverityUnknown, f.Severity)
				assert.Empty(t, f.SeveritySource)
				assert.Equal(t, findings.KindSCA, f.Kind)
				assert.NotEmpty(t, f.Reachability)
				assert.Equal(t, "Go", f.Package.Ecosystem)
			}
		})
	}
}

// TestIssue14642 checks a govulncheck 1.1 stream with module-, package-
// and symbol-level findings, where every frame has a position.
func TestIssue14642(t *testing.T) {
	data := testcorpus.Read(t, "govulncheck/govulncheck/issue_14642.json")
	fs := mustDecode(t, string(data))
	byID := map[string]findings.Finding{}
	reach := map[findings.Reachability]int{}
	for _, f := range fs {
		byID[f.RuleID+" "+f.Package.Name] = f
		reach[f.Reachability]++
	}
	assert.Equal(t, map[findings.Reachability]int{findings.Reachable: 22, findings.Unreachable: 18}, reach)

	jwt := byID["GO-2025-3553 github.com/golang-jwt/jwt"]
	assert.Equal(t, findings.Reachable, jwt.Reachability)
	assert.Equal(t, "pkg:golang/github.com/golang-jwt/jwt@v3.2.2%2Bincompatible", jwt.Package.PURL)
	assert.Empty(t, jwt.Package.FixedVersions, "no fixed_version: the module has no fix")
	assert.Equal(t, findings.Location{
		Path:            "api/helper/statuse_code_maping.go",
		Region:          &findings.Region{StartLine: 21, StartColumn: 42},
		LogicalLocation: "github.com/alielmi98/golang-expense-tracker-api/api/helper.TranslateErrorToStatusCode",
	}, jwt.Location, "the exit point from the user's module, not the vulnerable function in the dependency")
	assert.Equal(t, []string{
		"github.com/golang-jwt/jwt.ValidationError.Error", "github.com/golang-jwt/jwt.(*Token).SignedString",
		"github.com/golang-jwt/jwt.init", "github.com/golang-jwt/jwt.NewWithClaims", "github.com/golang-jwt/jwt.Parse",
	}, jwt.Properties["symbols"])
	assert.Equal(t, findings.Tool{Name: "govulncheck", Version: "v1.1.4"}, jwt.Tool)
	assert.Equal(t, "source", jwt.Properties["scan_mode"])

	net := byID["GO-2024-3333 golang.org/x/net"]
	assert.Equal(t, findings.Unreachable, net.Reachability, "imported but not called in a symbol scan")
	assert.Equal(t, []string{"v0.33.0"}, net.Package.FixedVersions)
	assert.True(t, net.Location.IsZero())
	assert.Equal(t, []string{"golang.org/x/net/html"}, net.Properties["packages"])
}

const config = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.1.0","db":"https://vuln.go.dev","scan_level":"LEVEL"}}`

const osvMsg = `{"osv":{"id":"GO-2024-0001","modified":"2024-01-01T00:00:00Z","summary":"Bad parse","details":"Details.","aliases":["CVE-2024-1","GHSA-aaaa-bbbb-cccc"],
 "affected":[{"package":{"name":"example.com/Mod","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}],
 "references":[{"type":"FIX","url":"https://example.com/fix"}],"database_specific":{"url":"https://pkg.go.dev/vuln/GO-2024-0001"}}}`

const modFinding = `{"finding":{"osv":"GO-2024-0001","fixed_version":"v1.2.0","trace":[{"module":"example.com/Mod","version":"v1.1.0"}]}}`
const pkgFinding = `{"finding":{"osv":"GO-2024-0001","fixed_version":"v1.2.0","trace":[{"module":"example.com/Mod","version":"v1.1.0","package":"example.com/Mod/p"}]}}`
const symFinding = `{"finding":{"osv":"GO-2024-0001","fixed_version":"v1.2.0","trace":[
 {"module":"example.com/Mod","version":"v1.1.0","package":"example.com/Mod/p","function":"Parse","receiver":"*Parser","position":{"filename":"p/parse.go","line":10,"column":2}},
 {"module":"example.com/lib","version":"v0.1.0","package":"example.com/lib","function":"Load","position":{"filename":"lib.go","line":5,"column":3}},
 {"module":"example.com/app","package":"example.com/app/cmd","function":"run","position":{"filename":"cmd/run.go","line":42,"column":7}},
 {"module":"example.com/app","package":"example.com/app/cmd","function":"main","position":{"filename":"cmd/main.go","line":3,"column":1}}]}}`

func TestReachability(t *testing.T) {
	for _, tc := range []struct {
		name, level string
		msgs        []string
		want        findings.Reachability
	}{
		{"symbol finding", "symbol", []string{modFinding, pkgFinding, symFinding}, findings.Reachable},
		{"imported, not called, symbol scan", "symbol", []string{modFinding, pkgFinding}, findings.Unreachable},
		{"required only, symbol scan", "symbol", []string{modFinding}, findings.Unreachable},
		{"package scan", "package", []string{modFinding, pkgFinding}, findings.ReachabilityUnknown},
		{"module scan", "module", []string{modFinding}, findings.ReachabilityUnknown},
		{"no scan level", "", []string{pkgFinding}, findings.ReachabilityUnknown},
		{"symbol finding without scan level", "", []string{symFinding}, findings.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(config, "LEVEL", tc.level, 1) + "\n" + osvMsg + "\n" + strings.Join(tc.msgs, "\n")
			fs := mustDecode(t, doc)
			require.Len(t, fs, 1, "one finding per (osv, module)")
			assert.Equal(t, tc.want, fs[0].Reachability)
		})
	}
}

func TestMapping(t *testing.T) {
	doc := strings.Replace(config, "LEVEL", "symbol", 1) + osvMsg + modFinding + pkgFinding + symFinding
	fs := mustDecode(t, doc)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, "GO-2024-0001", f.RuleID)
	assert.Equal(t, "Bad parse", f.Title)
	assert.Equal(t, "Details.", f.Description)
	assert.Equal(t, []string{"GO-2024-0001", "CVE-2024-1", "GHSA-aaaa-bbbb-cccc"}, f.VulnerabilityIDs)
	assert.Equal(t, []string{"https://example.com/fix", "https://pkg.go.dev/vuln/GO-2024-0001"}, f.References)
	assert.Equal(t, &findings.Package{
		Name: "example.com/Mod", Version: "v1.1.0", Ecosystem: "Go",
		PURL: "pkg:golang/example.com/Mod@v1.1.0", FixedVersions: []string{"v1.2.0"},
	}, f.Package, "the module path keeps its case in the purl")
	assert.Equal(t, findings.Location{
		Path: "cmd/run.go", Region: &findings.Region{StartLine: 42, StartColumn: 7},
		LogicalLocation: "example.com/app/cmd.run",
	}, f.Location)
	assert.Equal(t, []string{"example.com/Mod/p.(*Parser).Parse"}, f.Properties["symbols"])
	assert.Equal(t, []string{"example.com/Mod/p"}, f.Properties["packages"])
	assert.Equal(t, findings.Tool{Name: "govulncheck", Version: "v1.1.0"}, f.Tool)
	assert.Equal(t, "https://vuln.go.dev", f.Properties["db"])
	assert.Equal(t, "2024-01-01T00:00:00Z", f.Modified)
	assert.Equal(t, findings.SeverityUnknown, f.Severity)
}

// TestLocationFallback: without a position in the user's module (a binary
// scan has none at all), the first positioned frame is used.
func TestLocationFallback(t *testing.T) {
	doc := strings.Replace(config, "LEVEL", "symbol", 1) + osvMsg +
		`{"finding":{"osv":"GO-2024-0001","trace":[{"module":"example.com/Mod","version":"v1.1.0","package":"example.com/Mod/p","function":"F"},
		 {"module":"example.com/lib","package":"example.com/lib","function":"G","receiver":"T","position":{"filename":"lib.go","line":5}},
		 {"module":"example.com/app","package":"example.com/app","function":"main"}]}}` +
		`{"finding":{"osv":"GO-2024-0002","trace":[{"module":"example.com/Mod","version":"v1.1.0","package":"example.com/Mod/p","function":"F"}]}}`
	fs := mustDecode(t, doc)
	require.Len(t, fs, 2)
	assert.Equal(t, findings.Location{Path: "lib.go", Region: &findings.Region{StartLine: 5}, LogicalLocation: "example.com/lib.T.G"}, fs[0].Location)
	assert.True(t, fs[1].Location.IsZero())
	assert.Equal(t, "GO-2024-0002", fs[1].Title, "no OSV record: the title is the id")
	assert.Equal(t, findings.Reachable, fs[1].Reachability)
}

// TestShapes checks that the stream and the array of the same messages
// decode alike.
func TestShapes(t *testing.T) {
	msgs := []string{strings.Replace(config, "LEVEL", "symbol", 1), osvMsg, pkgFinding, symFinding}
	stream := mustDecode(t, strings.Join(msgs, "\n"))
	array := mustDecode(t, "["+strings.Join(msgs, ",")+"]")
	bom := mustDecode(t, "\xEF\xBB\xBF"+strings.Join(msgs, ""))
	require.Len(t, stream, 1)
	assert.Equal(t, stream, array)
	assert.Equal(t, stream, bom)
}

func TestNoFindings(t *testing.T) {
	for _, doc := range []string{
		strings.Replace(config, "LEVEL", "symbol", 1),
		"[" + strings.Replace(config, "LEVEL", "symbol", 1) + `,{"progress":{"message":"m"}},{"SBOM":{"modules":[]}}]`,
		strings.Replace(config, "LEVEL", "symbol", 1) + osvMsg + `{"future":{"x":[1]}}`,
		`{"Vulns":null,"Modules":[]}`,
	} {
		fs, err := decode(t, doc, findings.DecodeOptions{})
		require.NoError(t, err, doc)
		assert.Empty(t, fs)
	}
}

func TestLegacy(t *testing.T) {
	doc := `{"Vulns":[
	 {"OSV":{"id":"GO-2022-0001","details":"d","affected":[{"package":{"name":"golang.org/x/text"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.3.7"}]}]}]},
	  "Symbol":"Parse","PkgPath":"golang.org/x/text/language","ModPath":"golang.org/x/text","CallSink":0,"ImportSink":3,"RequireSink":2}],
	 "Modules":[{"Path":"example.com/app","Version":""},{"Path":"golang.org/x/text","Version":"v0.3.0"}]}`
	fs := mustDecode(t, doc)
	require.Len(t, fs, 1)
	assert.Equal(t, findings.ReachabilityUnknown, fs[0].Reachability, "no call graph")
	assert.Equal(t, "v0.3.0", fs[0].Package.Version)
	assert.Equal(t, []string{"v0.3.7"}, fs[0].Package.FixedVersions)

	withCalls := strings.Replace(doc, `{"Vulns"`, `{"Calls":{"Functions":{"1":{"ID":1,"Name":"main","PkgPath":"example.com/app"}},"Entries":[1]},"Vulns"`, 1)
	fs = mustDecode(t, withCalls)
	require.Len(t, fs, 1)
	assert.Equal(t, findings.Unreachable, fs[0].Reachability, "a call graph without a call sink")
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	doc := strings.Replace(config, "LEVEL", "symbol", 1) + osvMsg + symFinding
	err := govulncheck.Decode(strings.NewReader(doc), findings.DecodeOptions{},
		findings.Handler{Finding: func(findings.Finding) error { return stop }})
	assert.True(t, err == stop, "the handler's error is returned unchanged, got %v", err)
}

func TestBadInput(t *testing.T) {
	cfg := strings.Replace(config, "LEVEL", "symbol", 1)
	for _, tc := range []struct {
		name, doc string
		want      error
		offset    int64 // -2: do not check
		path      string
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, ""},
		{"bom only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"null", "null", findings.ErrInvalid, -2, ""},
		{"number", "1", findings.ErrInvalid, -2, ""},
		{"huge number", "1E1000", findings.ErrInvalid, -2, ""},
		{"empty object", "{}", findings.ErrInvalid, -2, ""},
		{"empty array", "[]", findings.ErrInvalid, -1, ""},
		{"no config", osvMsg + symFinding, findings.ErrInvalid, -1, ""},
		{"message not object", cfg + ` 5`, findings.ErrInvalid, -2, "message[1]"},
		{"array element not object", `[` + cfg + `,"x"]`, findings.ErrInvalid, -2, "[1]"},
		{"finding without osv", cfg + `{"finding":{"trace":[{"module":"m"}]}}`, findings.ErrInvalid, -2, "message[1].finding"},
		{"finding without trace", cfg + `{"finding":{"osv":"GO-1"}}`, findings.ErrInvalid, -2, "message[1].finding"},
		{"osv without id", cfg + `{"osv":{"summary":"s"}}`, findings.ErrInvalid, -2, "message[1].osv"},
		{"trace wrong type", cfg + `{"finding":{"osv":"GO-1","trace":{}}}`, findings.ErrInvalid, -2, "message[1].finding"},
		{"line wrong type", `[{"config":{}},{"finding":{"osv":"GO-1","trace":[{"module":"m","position":{"line":"9"}}]}}]`, findings.ErrInvalid, 85, "[1].finding"},
		{"legacy without Vulns", `{"Calls":{}}`, findings.ErrInvalid, -2, ""},
		{"legacy vuln without ModPath", `{"Vulns":[{"OSV":{"id":"GO-1"}}]}`, findings.ErrInvalid, -2, "Vulns[0]"},
		{"truncated", cfg[:30], findings.ErrSyntax, 30, ""},
		{"invalid in message", `{"config":{"db":}}`, findings.ErrSyntax, 16, ""},
		{"invalid between messages", cfg + `}`, findings.ErrSyntax, int64(len(cfg)), ""},
		{"trailing after array", `[` + cfg + `] x`, findings.ErrSyntax, int64(len(cfg)) + 3, ""},
		{"trailing comma", `[` + cfg + `,]`, findings.ErrSyntax, int64(len(cfg)) + 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.doc, findings.DecodeOptions{Name: "in.json"})
			require.ErrorIs(t, err, tc.want)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "in.json", de.File)
			assert.Equal(t, govulncheck.Format, de.Format)
			if tc.offset != -2 {
				assert.Equal(t, tc.offset, de.Offset)
			}
			if tc.path != "" {
				assert.True(t, strings.HasPrefix(de.Path, tc.path), "path %q, want prefix %q", de.Path, tc.path)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	cfg := strings.Replace(config, "LEVEL", "symbol", 1)
	const n = 10
	nested := func(depth int) string {
		return cfg + `{"future":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
	}
	lim := findings.DecodeOptions{Limits: findings.Limits{MaxDepth: n, MaxStringBytes: 64}}
	_, err := decode(t, nested(n), lim)
	require.NoError(t, err, "depth N passes")
	_, err = decode(t, nested(n+1), lim)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.ErrorIs(t, err, findings.ErrLimit)

	prefix := cfg + `{"progress":{"message":"`
	_, err = decode(t, prefix+strings.Repeat("a", 64)+`"}}`, lim)
	require.NoError(t, err, "a string of MaxStringBytes passes")
	_, err = decode(t, prefix+strings.Repeat("a", 65)+`"}}`, lim)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(len(prefix)+64), de.Offset, "the first byte beyond the limit")

	// The whole document is bounded: it must be read before emitting.
	doc := cfg + osvMsg + symFinding
	_, err = decode(t, doc, findings.DecodeOptions{Limits: findings.Limits{MaxDocumentBytes: int64(len(doc))}})
	require.NoError(t, err, "a document of MaxDocumentBytes passes")
	_, err = decode(t, doc+" ", findings.DecodeOptions{Limits: findings.Limits{MaxDocumentBytes: int64(len(doc))}})
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDocumentBytes", le.Limit)
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(len(doc)), de.Offset)
}
