package npmaudit_test

import (
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
	"github.com/aspmkit/aspm/findings/npmaudit"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, name string, data []byte, l findings.Limits) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return npmaudit.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, vs, "npm audit reports have no VEX")
	return fs, err
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"npm-audit/npm-audit-v6/many_vuln.json",          // v1: direct and transitive, string CWEs, "CWE-"
		"npm-audit/npm-audit-v6/cwe_null.json",           // v1: cwe null, dev dependency, Markdown references
		"npm-audit/npm-audit-v7plus/many_vulns.json",     // v2: GHSA, CVSS, isDirect, fixAvailable objects
		"npm-audit/npm-audit-v7plus/many_vuln_npm7.json", // v2 (npm 7): old npmjs advisories, mixed via
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			fs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{Findings: fs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)), append(got, '\n'))
		})
	}
}

// TestCorpus decodes every file listed in testdata/corpus/npm-audit.tsv and
// checks the counts, kinds and error the row states (the counts come from
// count_npm-audit.sh, not from this decoder) and the invariants of every
// finding.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	rows := readTSV(t, filepath.Join("..", "..", "testdata", "corpus", "npm-audit.tsv"))
	files, err := filepath.Glob(filepath.Join(dir, "npm-audit", "*", "*"))
	require.NoError(t, err)
	assert.Len(t, rows, len(files), "one row per corpus file")
	for _, cols := range rows {
		rel := cols[0]
		t.Run(strings.TrimPrefix(rel, "npm-audit/"), func(t *testing.T) {
			assert.Equal(t, npmaudit.Format, cols[1])
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			require.NoError(t, err)
			fs, err := decode(t, rel, data, findings.Limits{})
			switch cols[5] {
			case "-":
				require.NoError(t, err)
			case "invalid":
				// The only one: npm's {"error": ...} of a failed audit.
				require.ErrorIs(t, err, findings.ErrInvalid)
				assert.ErrorContains(t, err, "npm audit failed: ENOAUDIT: Your configured registry")
				assert.Empty(t, fs)
				return
			default:
				t.Fatalf("unexpected error column %q", cols[5])
			}
			n, err := strconv.Atoi(cols[2])
			require.NoError(t, err)
			assert.Len(t, fs, n)
			assert.Equal(t, "0", cols[3])
			kinds := "-"
			if len(fs) > 0 {
				kinds = string(findings.KindSCA)
			}
			assert.Equal(t, kinds, cols[4])
			for i, f := range fs {
				assert.Equal(t, findings.KindSCA, f.Kind)
				assert.NotEqual(t, findings.SeverityUnknown, f.Severity, "npm always gives a severity")
				assert.Equal(t, "npm-audit:severity", f.SeveritySource)
				assert.NotEmpty(t, f.ID)
				assert.NotEmpty(t, f.RuleID)
				assert.NotEmpty(t, f.Title)
				assert.Equal(t, i, f.Source.Record)
				require.NotNil(t, f.Package)
				assert.Equal(t, "npm", f.Package.Ecosystem)
				assert.True(t, strings.HasPrefix(f.Package.PURL, "pkg:npm/"), f.Package.PURL)
			}
		})
	}
}

func readTSV(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 6, "row %q", line)
		rows = append(rows, cols)
	}
	return rows
}

func TestVersion1Mapping(t *testing.T) {
	doc := `{"actions":[],"advisories":{"1059599":{
	  "findings":[{"version":"3.0.0","paths":["a>ansi-regex"],"dev":false,"optional":false,"bundled":true},
	              {"version":"4.1.0","paths":["ansi-regex","b>ansi-regex"],"dev":true}],
	  "module_name":"ansi-regex","severity":"moderate","github_advisory_id":"GHSA-93q8-gq69-wqmw",
	  "cves":["CVE-2021-3807"],"patched_versions":">=5.0.1","vulnerable_versions":">2.1.1 <5.0.1",
	  "cvss":{"score":7.5,"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
	  "cwe":"[\"CWE-918\",\"CWE-1333\"]","id":1059599,
	  "references":"- https://nvd.nist.gov/vuln/detail/CVE-2021-3807\n[fix](https://github.com/chalk/ansi-regex/commit/8d1d7cd).",
	  "created":"2022-03-09T20:00:44.023Z","updated":"2022-03-10T00:00:00.000Z",
	  "title":" Inefficient Regular Expression Complexity ","overview":"ansi-regex is vulnerable","recommendation":"Upgrade",
	  "url":"https://github.com/advisories/GHSA-93q8-gq69-wqmw"}},"muted":[],"metadata":{}}`
	fs, err := decode(t, "v1.json", []byte(doc), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 2, "one finding per affected installed version")
	f := fs[0]
	assert.Equal(t, "GHSA-93q8-gq69-wqmw", f.RuleID)
	assert.Equal(t, []string{"GHSA-93q8-gq69-wqmw", "CVE-2021-3807"}, f.VulnerabilityIDs)
	assert.Equal(t, "Inefficient Regular Expression Complexity", f.Title)
	assert.Equal(t, "ansi-regex is vulnerable", f.Description)
	assert.Equal(t, findings.SeverityMedium, f.Severity)
	assert.Equal(t, []string{"CWE-918", "CWE-1333"}, f.CWEs)
	score := 7.5
	assert.Equal(t, []findings.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: &score, Source: "ghsa"}}, f.CVSS)
	assert.Equal(t, []string{"https://github.com/advisories/GHSA-93q8-gq69-wqmw",
		"https://nvd.nist.gov/vuln/detail/CVE-2021-3807", "https://github.com/chalk/ansi-regex/commit/8d1d7cd"}, f.References)
	assert.Equal(t, "2022-03-09T20:00:44.023Z", f.Published)
	assert.Equal(t, "2022-03-10T00:00:00.000Z", f.Modified)
	assert.Equal(t, &findings.Package{Name: "ansi-regex", Version: "3.0.0", Ecosystem: "npm",
		PURL: "pkg:npm/ansi-regex@3.0.0", FixedVersions: []string{">=5.0.1"}, Scope: findings.ScopeRuntime,
		Relationship: findings.RelationshipTransitive, Paths: []string{"a>ansi-regex"}}, f.Package)
	assert.Equal(t, map[string]any{"advisory_id": int64(1059599), "vulnerable_versions": ">2.1.1 <5.0.1",
		"recommendation": "Upgrade", "bundled": true}, f.Properties)

	g := fs[1]
	assert.Equal(t, "4.1.0", g.Package.Version)
	assert.Equal(t, findings.ScopeDev, g.Package.Scope)
	assert.Equal(t, findings.RelationshipDirect, g.Package.Relationship)
	assert.Equal(t, 1, g.Source.Record)
	assert.NotEqual(t, f.ID, g.ID)
}

func TestVersion1Edges(t *testing.T) {
	tests := []struct {
		name  string
		adv   string
		check func(t *testing.T, f findings.Finding)
	}{
		{"no findings entries", `{"module_name":"@scope/pkg","severity":"low","title":"T","id":5}`, func(t *testing.T, f findings.Finding) {
			assert.Equal(t, "pkg:npm/%40scope/pkg", f.Package.PURL)
			assert.Empty(t, f.Package.Version)
			assert.Equal(t, "5", f.RuleID, "no GHSA and no CVE: npm's advisory number")
			assert.Nil(t, f.VulnerabilityIDs)
		}},
		{"no patch", `{"module_name":"p","severity":"high","patched_versions":"<0.0.0","findings":[{"version":"1.0.0"}]}`, func(t *testing.T, f findings.Finding) {
			assert.Nil(t, f.Package.FixedVersions)
			assert.Empty(t, f.Package.Scope)
			assert.Empty(t, f.Package.Relationship)
			assert.Equal(t, "7", f.RuleID, "the advisory key when id is missing")
		}},
		{"cwe array", `{"module_name":"p","severity":"info","cwe":["CWE-79","cwe-020"]}`, func(t *testing.T, f findings.Finding) {
			assert.Equal(t, []string{"CWE-20", "CWE-79"}, f.CWEs)
			assert.Equal(t, findings.SeverityInfo, f.Severity)
		}},
		{"cwe without number", `{"module_name":"p","severity":"low","cwe":"CWE-"}`, func(t *testing.T, f findings.Finding) {
			assert.Nil(t, f.CWEs)
		}},
		{"empty cvss", `{"module_name":"p","severity":"low","cvss":{"score":0,"vectorString":null}}`, func(t *testing.T, f findings.Finding) {
			assert.Nil(t, f.CVSS)
		}},
		{"severity from score", `{"module_name":"p","severity":"","cvss":{"score":9.8,"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}`, func(t *testing.T, f findings.Finding) {
			assert.Equal(t, findings.SeverityCritical, f.Severity)
			assert.Equal(t, "cvss:3.1", f.SeveritySource)
			assert.Equal(t, "npm", f.CVSS[0].Source)
		}},
		{"no severity", `{"module_name":"p"}`, func(t *testing.T, f findings.Finding) {
			assert.Equal(t, findings.SeverityUnknown, f.Severity)
			assert.Empty(t, f.SeveritySource)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, "", []byte(`{"advisories":{"7":`+tt.adv+`}}`), findings.Limits{})
			require.NoError(t, err)
			require.Len(t, fs, 1)
			tt.check(t, fs[0])
		})
	}
}

func TestVersion2Mapping(t *testing.T) {
	doc := `{"auditReportVersion":2,"vulnerabilities":{
	  "parent":{"name":"parent","severity":"high","isDirect":true,"via":["child"],"effects":[],"range":"*",
	    "nodes":["node_modules/parent"],"fixAvailable":false},
	  "child":{"name":"child","severity":"high","isDirect":false,"via":[
	      {"source":1096482,"name":"child","dependency":"child","title":"ReDoS","url":"https://github.com/advisories/GHSA-c2qf-rxjj-qqgw",
	       "severity":"high","cwe":["CWE-1333"],"cvss":{"score":7.5,"vectorString":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},"range":"<7.5.2"},
	      "grandchild",
	      {"id":755,"url":"https://npmjs.com/advisories/755","title":"Old","severity":"moderate","vulnerable_versions":"<1"}],
	    "effects":["parent"],"range":"7.0.0 - 7.5.1","nodes":["node_modules/child","node_modules/x/node_modules/child"],
	    "fixAvailable":{"name":"child","version":"7.5.2","isSemVerMajor":false}},
	  "grandchild":{"name":"grandchild","severity":"low","via":["child"],"effects":["child"],"range":"*","nodes":[],"fixAvailable":true}
	},"metadata":{}}`
	fs, err := decode(t, "v2.json", []byte(doc), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 2, "only advisory objects give findings")
	f := fs[0]
	assert.Equal(t, "GHSA-c2qf-rxjj-qqgw", f.RuleID)
	assert.Equal(t, []string{"GHSA-c2qf-rxjj-qqgw"}, f.VulnerabilityIDs)
	assert.Equal(t, "ReDoS", f.Title)
	assert.Equal(t, findings.SeverityHigh, f.Severity)
	assert.Equal(t, []string{"CWE-1333"}, f.CWEs)
	assert.Equal(t, "3.0", f.CVSS[0].Version)
	assert.Equal(t, &findings.Package{Name: "child", Ecosystem: "npm", PURL: "pkg:npm/child",
		FixedVersions: []string{"7.5.2"}, Relationship: findings.RelationshipTransitive,
		Paths: []string{"node_modules/child", "node_modules/x/node_modules/child"}}, f.Package)
	assert.Equal(t, map[string]any{"advisory_id": int64(1096482), "vulnerable_versions": "<7.5.2",
		"affected_range": "7.0.0 - 7.5.1", "via": []string{"grandchild"}, "effects": []string{"parent"},
		"fix_available": map[string]any{"name": "child", "version": "7.5.2", "is_semver_major": false}}, f.Properties)

	g := fs[1]
	assert.Equal(t, "755", g.RuleID)
	assert.Nil(t, g.VulnerabilityIDs)
	assert.Equal(t, findings.SeverityMedium, g.Severity)
	assert.Equal(t, "<1", g.Properties["vulnerable_versions"])
	assert.Equal(t, []string{"https://npmjs.com/advisories/755"}, g.References)
}

func TestFixAvailableOtherPackage(t *testing.T) {
	doc := `{"auditReportVersion":2,"vulnerabilities":{"debug":{"name":"debug","severity":"low",
	  "via":[{"source":1,"title":"t","severity":"low"}],"fixAvailable":{"name":"vercel","version":"32.3.0","isSemVerMajor":true}}}}`
	fs, err := decode(t, "", []byte(doc), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Nil(t, fs[0].Package.FixedVersions, "the fix upgrades another package")
	assert.Empty(t, fs[0].Package.Relationship, "isDirect absent (npm 7)")
	assert.Equal(t, map[string]any{"name": "vercel", "version": "32.3.0", "is_semver_major": true}, fs[0].Properties["fix_available"])
}

func TestCleanReports(t *testing.T) {
	for _, doc := range []string{
		`{"actions":[],"advisories":{},"muted":[],"metadata":{}}`,
		`{"auditReportVersion":2,"vulnerabilities":{},"metadata":{}}`,
		`{"advisories":null}`,
		"\xEF\xBB\xBF{\"vulnerabilities\":{}}",
		`{"auditReportVersion":2,"vulnerabilities":{"a":{"name":"a","via":["b"]}}}`,
		`{"error":null,"vulnerabilities":{}}`,
	} {
		fs, err := decode(t, "", []byte(doc), findings.Limits{})
		assert.NoError(t, err, "%q", doc)
		assert.Empty(t, fs, "%q", doc)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    error
		offset  int64 // -2: do not check
		path    string
		message string
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, "", "empty input"},
		{"BOM only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, "", "empty input"},
		{"npm error", `{"error":{"code":"ENOLOCK","summary":"This command requires an existing lockfile.","detail":"Try npm i"}}`,
			findings.ErrInvalid, 9, "error", "npm audit failed: ENOLOCK: This command requires an existing lockfile."},
		{"npm error string", `{"error":"registry down"}`, findings.ErrInvalid, 9, "error", "npm audit failed: registry down"},
		{"npm error without summary", `{"error":{"code":"EAUDITNOPJSON"}}`, findings.ErrInvalid, 9, "error", "EAUDITNOPJSON"},
		{"npm error after findings", `{"advisories":{},"error":{"code":"E1","summary":"s"}}`, findings.ErrInvalid, -2, "error", "E1: s"},
		{"truncated", `{"advisories":{"1":{"module_name":"p"`, findings.ErrSyntax, 37, "advisories.1", "unexpected end"},
		{"truncated between records", `{"advisories":{"1":{"module_name":"p"}`, findings.ErrSyntax, 38, "advisories", "unexpected end"},
		{"invalid JSON", `{"advisories":{"1":{"module_name" "p"}}}`, findings.ErrSyntax, -2, "advisories.1", ""},
		{"trailing garbage", `{"advisories":{}} x`, findings.ErrSyntax, -2, "", ""},
		{"array", `[]`, findings.ErrInvalid, 0, "", "found '['"},
		{"null", `null`, findings.ErrInvalid, -2, "", "found null"},
		{"empty object", `{}`, findings.ErrInvalid, 2, "", "not an npm audit report"},
		{"metadata only", `{"metadata":{"vulnerabilities":{}}}`, findings.ErrInvalid, -2, "", "not an npm audit report"},
		{"version 3", `{"auditReportVersion":3,"vulnerabilities":{}}`, findings.ErrUnsupportedFormat, 22, "auditReportVersion", "version 3"},
		{"version string", `{"auditReportVersion":"2"}`, findings.ErrInvalid, 22, "auditReportVersion", ""},
		{"advisories array", `{"advisories":[]}`, findings.ErrInvalid, 14, "advisories", "expected an object"},
		{"null advisory", `{"advisories":{"1":null}}`, findings.ErrInvalid, 19, "advisories.1", "advisory is null"},
		{"advisory without module", `{"advisories":{"1":{"id":1}}}`, findings.ErrInvalid, 19, "advisories.1", "module_name"},
		{"wrong type", `{"advisories":{"1":{"module_name":"p","findings":[{"version":3}]}}}`, findings.ErrInvalid, 62, "advisories.1.findings.version", ""},
		{"bad cwe", `{"advisories":{"1":{"module_name":"p","cwe":7}}}`, findings.ErrInvalid, 19, "advisories.1.cwe", "cwe is a number"},
		{"bad cwe element", `{"advisories":{"1":{"module_name":"p","cwe":[7]}}}`, findings.ErrInvalid, 19, "advisories.1.cwe", ""},
		{"null vulnerability", `{"vulnerabilities":{"a":null}}`, findings.ErrInvalid, 24, "vulnerabilities.a", ""},
		{"via number", `{"vulnerabilities":{"a":{"name":"a","via":[1]}}}`, findings.ErrInvalid, 24, "vulnerabilities.a.via[0]", "via entry is a number"},
		{"via null", `{"vulnerabilities":{"a":{"name":"a","via":[null]}}}`, findings.ErrInvalid, 24, "vulnerabilities.a.via[0]", ""},
		{"via wrong type", `{"vulnerabilities":{"a":{"name":"a","via":[{"title":1}]}}}`, findings.ErrInvalid, -2, "vulnerabilities.a.via[0].title", ""},
		{"fixAvailable string", `{"vulnerabilities":{"a":{"name":"a","via":[],"fixAvailable":"yes"}}}`, findings.ErrInvalid, 24, "vulnerabilities.a.fixAvailable", ""},
		{"scoped key path", `{"vulnerabilities":{"@s/a.b":null}}`, findings.ErrInvalid, -2, `vulnerabilities["@s/a.b"]`, ""},
		{"nameless vulnerability", `{"vulnerabilities":{"":{"via":[]}}}`, findings.ErrInvalid, -2, `vulnerabilities[""]`, "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, "audit.json", []byte(tt.doc), findings.Limits{})
			require.Error(t, err)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de), "%T: %v", err, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "audit.json", de.File)
			assert.Equal(t, npmaudit.Format, de.Format)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, "%v", err)
			}
			assert.Equal(t, tt.path, de.Path)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestLimits(t *testing.T) {
	// The extra nesting sits in a key the decoder skips token by token.
	nest := func(n int) string {
		return `{"vulnerabilities":{},"x":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	l := findings.Limits{MaxDepth: 6}
	_, err := decode(t, "", []byte(nest(6)), l)
	assert.NoError(t, err, "depth at the limit")
	_, err = decode(t, "", []byte(nest(7)), l)
	var le *findings.LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.ErrorIs(t, err, findings.ErrLimit)
	var de *findings.DecodeError
	require.True(t, errors.As(err, &de))
	assert.Equal(t, int64(len(`{"vulnerabilities":{},"x":`)+5), de.Offset, "the seventh opening bracket")

	// Nesting inside a record counts too.
	inRecord := `{"advisories":{"1":{"module_name":"p","metadata":[[[[]]]]}}}`
	_, err = decode(t, "", []byte(inRecord), findings.Limits{MaxDepth: 7})
	assert.NoError(t, err)
	_, err = decode(t, "", []byte(inRecord), findings.Limits{MaxDepth: 6})
	assert.ErrorIs(t, err, findings.ErrLimit)

	ls := findings.Limits{MaxStringBytes: 8}
	_, err = decode(t, "", []byte(`{"advisories":{"1":{"module_name":"12345678"}}}`), ls)
	assert.Error(t, err, "advisories is 10 bytes: over the limit")
	_, err = decode(t, "", []byte(`{"vulnerabilities":{}}`), findings.Limits{MaxStringBytes: 15})
	assert.NoError(t, err, "a 15-byte key at the limit")
	_, err = decode(t, "", []byte(`{"vulnerabilities":{}}`), findings.Limits{MaxStringBytes: 14})
	require.True(t, errors.As(err, &le), "%v", err)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	require.True(t, errors.As(err, &de))
	assert.Equal(t, int64(len(`{"vulnerabilitie`)), de.Offset, "the fifteenth byte of the key")
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	doc := `{"advisories":{"1":{"module_name":"a","findings":[{"version":"1"},{"version":"2"}]}}}`
	err := npmaudit.Decode(strings.NewReader(doc), findings.DecodeOptions{},
		findings.Handler{Finding: func(findings.Finding) error { n++; return stop }})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, n)
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"advisories":{}}`, `{"auditReportVersion":2,"vulnerabilities":{}}`,
		`{"advisories":{"1":{"module_name":"@a/b","findings":[{"version":"1","paths":["x>@a/b"],"dev":true}],"cwe":"[\"CWE-1\"]","cvss":{"score":5}}}}`,
		`{"auditReportVersion":2,"vulnerabilities":{"a":{"name":"a","via":[{"source":1,"url":"https://github.com/advisories/GHSA-aaaa-bbbb-cccc"},"b"],"fixAvailable":{"name":"a","version":"2"}}}}`,
		`{"error":{"code":"ENOLOCK","summary":"s"}}`, `[]`, `{"advisories":{"1":null}}`, `{"vulnerabilities":{"a":{"via":[1]}}`,
	} {
		f.Add([]byte(seed))
	}
	for _, file := range testcorpus.Glob("npm-audit/*/*") {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := npmaudit.Decode(bytes.NewReader(data), findings.DecodeOptions{Limits: findings.Limits{MaxDepth: 64}},
			findings.Handler{Finding: func(f findings.Finding) error {
				if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" || f.Package == nil {
					t.Fatalf("bad finding: %+v", f)
				}
				return nil
			}})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, not a *findings.DecodeError: %v", err, err)
			}
		}
	})
}
