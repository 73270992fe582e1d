package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, name string, data []byte, l findings.Limits) ([]findings.Finding, []findings.VEXStatement, error) {
	t.Helper()
	return findings.Collect(func(h findings.Handler) error {
		return cyclonedx.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name, Limits: l}, h)
	})
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"cyclonedx/grype/log4j.json",                     // JSON 1.4, legacy tools, analysis in_triage on a BOM with components
		"cyclonedx/grype/log4j.xml",                      // the same scan as XML 1.4
		"cyclonedx/grype/grype_presenter_image.cdx.json", // 1.7, tools object, a component without purl, an EPSS "other" rating
		"cyclonedx/trivy/trivy.json",                     // Trivy: OS packages in an image, vendor-source severity
		"cyclonedx/spec-example/vex.json",                // a VEX document: statements only
		"cyclonedx/spec-example/valid-vulnerability-1.5.xml",
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			fs, vs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{fs, vs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, "testdata/golden/"+path.Base(rel)+".json", append(got, '\n'))
		})
	}
}

// TestCorpus decodes every row of testdata/corpus/cyclonedx.tsv and checks
// counts, kinds and the error class, plus the invariants of every item.
func TestCorpus(t *testing.T) {
	testcorpus.Dir(t)
	tsv, err := os.ReadFile("../../testdata/corpus/cyclonedx.tsv")
	require.NoError(t, err)
	rows := 0
	for line := range strings.Lines(string(tsv)) {
		cols := strings.Split(strings.TrimRight(line, "\n"), "\t")
		require.Len(t, cols, 6, line)
		rows++
		t.Run(cols[0], func(t *testing.T) {
			fs, vs, err := decode(t, cols[0], testcorpus.Read(t, cols[0]), findings.Limits{})
			require.Equal(t, "-", cols[5])
			require.NoError(t, err)
			assert.Equal(t, cols[2], itoa(len(fs)), "findings")
			assert.Equal(t, cols[3], itoa(len(vs)), "vex statements")
			kinds := map[findings.Kind]bool{}
			for i, f := range fs {
				kinds[f.Kind] = true
				assert.True(t, f.Severity.Valid())
				assert.NotEmpty(t, f.ID)
				assert.Equal(t, i, f.Source.Record)
				assert.Equal(t, cyclonedx.Format, f.Source.Format)
				if f.Severity != findings.SeverityUnknown {
					assert.NotEmpty(t, f.SeveritySource)
				}
			}
			for _, s := range vs {
				assert.NotEmpty(t, s.Status)
			}
			var ks []string
			for _, k := range findings.Kinds {
				if kinds[k] {
					ks = append(ks, string(k))
				}
			}
			want := strings.Split(cols[4], ",")
			if cols[4] == "-" {
				want = nil
			}
			assert.ElementsMatch(t, want, ks)
		})
	}
	assert.GreaterOrEqual(t, rows, 50)
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestExtension checks the 1.0 vulnerability extension of real Grype XML:
// each <v:vulnerability> affects its enclosing component.
func TestExtension(t *testing.T) {
	rel := "cyclonedx/grype/dd_1_15_0.xml"
	fs, vs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
	require.NoError(t, err)
	assert.Empty(t, vs)
	require.Len(t, fs, 381)
	f := fs[0]
	assert.Equal(t, "CVE-2011-3374", f.RuleID)
	assert.Equal(t, "CVE-2011-3374 in apt 1.8.2.1", f.Title)
	assert.Equal(t, findings.KindSCA, f.Kind)
	assert.Equal(t, findings.SeverityLow, f.Severity)
	assert.Equal(t, "cyclonedx:severity", f.SeveritySource)
	assert.Equal(t, findings.Tool{Name: "grype", Version: "0.11.0", Vendor: "anchore"}, f.Tool)
	require.NotNil(t, f.Package)
	assert.Equal(t, findings.Package{Name: "apt", Version: "1.8.2.1", Licenses: []string{"GPLv2+"}}, *f.Package)
	require.Len(t, f.CVSS, 1)
	assert.Equal(t, "2.0", f.CVSS[0].Version)
	assert.Equal(t, "AV:N/AC:M/Au:N/C:N/I:P/A:N", f.CVSS[0].Vector)
	require.NotNil(t, f.CVSS[0].Score)
	assert.InDelta(t, 4.3, *f.CVSS[0].Score, 1e-9)
	assert.Equal(t, "defectdojo/defectdojo-django:1.15.0", f.Location.Image)
	assert.Equal(t, []string{
		"http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2011-3374",
		"https://security-tracker.debian.org/tracker/CVE-2011-3374",
	}, f.References)
	assert.Equal(t, "vulnerabilities:debian:10", f.Properties["cyclonedx:source"])
	assert.Equal(t, "urn:uuid:6763945f-8ba6-471d-bda0-02ce911f3b46", f.Properties["cyclonedx:ref"])
	assert.Equal(t, "CVE-2020-27350 in apt 1.8.2.1", fs[1].Title)
	assert.Equal(t, findings.SeverityMedium, fs[1].Severity)
}

func TestExtension11(t *testing.T) {
	doc := `<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:v="http://cyclonedx.org/schema/ext/vulnerability/1.0" version="1" serialNumber="urn:uuid:1">
  <components>
    <component type="library" bom-ref="pkg:maven/org.example/lib@1.0">
      <group>org.example</group>
      <name>lib</name>
      <version>1.0</version>
      <purl>pkg:maven/org.example/lib@1.0</purl>
      <licenses><license><id>MIT</id></license></licenses>
      <components>
        <component type="library"><name>inner</name><version>2</version>
          <v:vulnerabilities>
            <v:vulnerability ref="x">
              <v:id>CVE-1</v:id>
              <v:ratings><v:rating><v:score><v:base>9.8</v:base></v:score><v:method>CVSSv3</v:method><v:vector>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</v:vector></v:rating></v:ratings>
              <v:cwes><v:cwe>79</v:cwe></v:cwes>
              <v:description>inner bug</v:description>
              <v:recommendations><v:recommendation>upgrade</v:recommendation><v:recommendation>or not</v:recommendation></v:recommendations>
            </v:vulnerability>
          </v:vulnerabilities>
        </component>
      </components>
      <v:vulnerabilities>
        <v:vulnerability ref="pkg:maven/org.example/lib@1.0">
          <v:id>CVE-2</v:id>
          <v:source name="ossindex"><v:url>https://ossindex.example/CVE-2</v:url></v:source>
          <v:ratings><v:rating><v:severity>Unknown</v:severity></v:rating></v:ratings>
        </v:vulnerability>
      </v:vulnerabilities>
    </component>
  </components>
</bom>`
	fs, vs, err := decode(t, "x.xml", []byte(doc), findings.Limits{})
	require.NoError(t, err)
	assert.Empty(t, vs)
	require.Len(t, fs, 2)
	assert.Equal(t, "CVE-1 in inner 2", fs[0].Title)
	assert.Equal(t, findings.SeverityCritical, fs[0].Severity)
	assert.Equal(t, "cvss:3.1", fs[0].SeveritySource)
	assert.Equal(t, []string{"CWE-79"}, fs[0].CWEs)
	assert.Equal(t, "upgrade\nor not", fs[0].Properties["cyclonedx:recommendation"])
	assert.Equal(t, "CVE-2 in org.example:lib 1.0", fs[1].Title)
	assert.Equal(t, &findings.Package{Name: "org.example:lib", Version: "1.0", Ecosystem: "maven", PURL: "pkg:maven/org.example/lib@1.0", Licenses: []string{"MIT"}}, fs[1].Package)
	assert.Equal(t, findings.SeverityUnknown, fs[1].Severity)
	assert.Empty(t, fs[1].SeveritySource)
}

const minimalJSON = `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:abc","version":1,
 "metadata":{"timestamp":"2024-01-01T00:00:00Z","tools":{"components":[{"type":"application","name":"cdxgen","version":"10"},{"type":"application","name":"Trivy","version":"0.50","manufacturer":{"name":"Aqua"}}]},
   "component":{"type":"application","name":"shop","bom-ref":"root"}},
 "components":[{"type":"library","bom-ref":"a","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20","scope":"required",
   "components":[{"type":"library","bom-ref":"nested","name":"zlib","version":"1.2","purl":"pkg:deb/debian/zlib@1.2"}]}],
 "vulnerabilities":[
  {"id":"CVE-A","affects":[{"ref":"a"},{"ref":"urn:cdx:abc/1#nested"},{"ref":"urn:cdx:other/1#a"},{"ref":"pkg:pypi/x@1"}],
   "ratings":[{"source":{"name":"nvd"},"score":5.0,"method":"CVSSv31","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"},{"source":{"name":"nvd"},"score":9.0,"method":"CVSSv2","vector":"AV:N/AC:L/Au:N/C:C/I:C/A:C"}],
   "analysis":{"state":"false_positive","justification":"code_not_reachable","response":["will_not_fix"],"detail":"not used","lastUpdated":"2024-02-02T00:00:00Z"},
   "properties":[{"name":"p","value":"1"},{"name":"p","value":"2"}]},
  {"id":"CVE-B","ratings":[{"severity":"unknown","score":7.5,"method":"OWASP"}]}
 ]}`

func TestJSONMapping(t *testing.T) {
	fs, vs, err := decode(t, "m.json", []byte(minimalJSON), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 5)
	require.Len(t, vs, 1)

	// Tool: the known scanner wins over the first tool.
	assert.Equal(t, findings.Tool{Name: "Trivy", Version: "0.50", Vendor: "Aqua"}, fs[0].Tool)
	assert.Equal(t, &findings.Package{Name: "lodash", Version: "4.17.20", Ecosystem: "npm", PURL: "pkg:npm/lodash@4.17.20", Scope: findings.ScopeRuntime}, fs[0].Package)
	assert.Equal(t, findings.KindSCA, fs[0].Kind)
	assert.Equal(t, "shop", fs[0].Location.Target)
	// Severity from the newest CVSS version's score, not the higher v2 one.
	assert.Equal(t, findings.SeverityMedium, fs[0].Severity)
	assert.Equal(t, "cvss:3.1:nvd", fs[0].SeveritySource)
	require.Len(t, fs[0].CVSS, 2)
	assert.Equal(t, "3.1", fs[0].CVSS[0].Version)
	assert.Equal(t, "2.0", fs[0].CVSS[1].Version)
	require.NotNil(t, fs[0].VEX)
	assert.Equal(t, findings.VEXAnalysis{Status: findings.VEXNotAffected, State: "false_positive", Justification: "code_not_reachable", ImpactStatement: "not used", Response: []string{"will_not_fix"}}, *fs[0].VEX)
	assert.True(t, fs[0].Suppressed())
	assert.Equal(t, []any{"1", "2"}, fs[0].Properties["p"])

	// BOM-Link into this BOM resolves the nested component: an OS package.
	assert.Equal(t, findings.KindContainer, fs[1].Kind)
	assert.Equal(t, "zlib", fs[1].Package.Name)
	// BOM-Link into another BOM does not resolve.
	assert.Nil(t, fs[2].Package)
	assert.Equal(t, "urn:cdx:other/1#a", fs[2].Properties["cyclonedx:ref"])
	// An undeclared purl ref is the package.
	assert.Equal(t, &findings.Package{Name: "x", Version: "1", Ecosystem: "pypi", PURL: "pkg:pypi/x@1"}, fs[3].Package)

	// No affects: one finding without a package; "unknown" and OWASP give no severity.
	assert.Nil(t, fs[4].Package)
	assert.Equal(t, "CVE-B", fs[4].Title)
	assert.Equal(t, findings.SeverityUnknown, fs[4].Severity)
	assert.Equal(t, []any{map[string]any{"method": "OWASP", "severity": "unknown", "score": 7.5}}, fs[4].Properties["cyclonedx:other_ratings"])

	s := vs[0]
	assert.Equal(t, "CVE-A", s.VulnerabilityID)
	assert.Equal(t, []string{"pkg:npm/lodash@4.17.20", "pkg:deb/debian/zlib@1.2", "urn:cdx:other/1#a", "pkg:pypi/x@1"}, s.Products)
	assert.Equal(t, findings.VEXNotAffected, s.Status)
	assert.Equal(t, "false_positive", s.State)
	assert.Equal(t, "2024-02-02T00:00:00Z", s.Timestamp)
	assert.Equal(t, "urn:uuid:abc", s.Document)
	assert.Equal(t, 0, s.Source.Record)
}

func TestVEXDocument(t *testing.T) {
	rel := "cyclonedx/dependency-track/vex-issue2549.json"
	fs, vs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
	require.NoError(t, err)
	assert.Empty(t, fs, "a VEX document without components yields no findings")
	require.Len(t, vs, 3)
	assert.Equal(t, findings.VEXNotAffected, vs[0].Status)
	assert.Equal(t, []string{"7f2ee811-6b35-4c24-83ec-605d7939005c"}, vs[0].Products)
	assert.Equal(t, "2023-03-01T00:00:00Z", vs[0].Timestamp, "metadata.timestamp when the analysis has none")

	rel = "cyclonedx/secobserve/cyclonedx_vex_integrated.json"
	fs, vs, err = decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
	require.NoError(t, err)
	assert.Len(t, fs, 13, "a BOM with components yields findings even when every vulnerability is analysed")
	assert.Len(t, vs, 13)
	assert.Equal(t, "SecObserve", vs[0].Author)
	for _, f := range fs {
		assert.NotNil(t, f.VEX)
	}
}

func TestNoVulnerabilities(t *testing.T) {
	for _, doc := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.4","version":1}`,
		`{"bomFormat":"CycloneDX","specVersion":"1.7","components":[{"type":"library","name":"x"}],"vulnerabilities":[]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.0" version="1"><components/></bom>`,
		`<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.7"/>`,
	} {
		fs, vs, err := decode(t, "x", []byte(doc), findings.Limits{})
		require.NoError(t, err, doc)
		assert.Empty(t, fs)
		assert.Empty(t, vs)
	}
}

func TestBadInput(t *testing.T) {
	vuln := func(v string) string {
		return `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[` + v + `]}`
	}
	for _, tc := range []struct {
		name   string
		in     string
		want   error
		offset int64 // -2: do not check
		path   string
	}{
		{"empty", "", findings.ErrSyntax, 0, ""},
		{"blank", " \n\t", findings.ErrSyntax, 3, ""},
		{"bom only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"null", "null", findings.ErrInvalid, 0, ""},
		{"bom null", "\xEF\xBB\xBFnull", findings.ErrInvalid, 3, ""},
		{"array", "[]", findings.ErrInvalid, -2, ""},
		{"string", `"x"`, findings.ErrInvalid, -2, ""},
		{"not json", "hello", findings.ErrSyntax, -2, ""},
		{"truncated json", `{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[{"id":"CVE-1"`, findings.ErrSyntax, 77, ""},
		{"invalid json", `{"bomFormat":"CycloneDX",}`, findings.ErrSyntax, 25, ""},
		{"bom invalid json", "\xEF\xBB\xBF{\"bomFormat\":\"CycloneDX\",}", findings.ErrSyntax, 28, ""},
		{"trailing data", `{"bomFormat":"CycloneDX","specVersion":"1.4"} {}`, findings.ErrSyntax, -2, ""},
		{"missing bomFormat", `{"specVersion":"1.4"}`, findings.ErrInvalid, -2, "bomFormat"},
		{"bomFormat number", `{"bomFormat":1,"specVersion":"1.4"}`, findings.ErrInvalid, -2, "bomFormat"},
		{"other bomFormat", `{"bomFormat":"SPDX","specVersion":"1.4"}`, findings.ErrUnsupportedFormat, -2, "bomFormat"},
		{"missing specVersion", `{"bomFormat":"CycloneDX"}`, findings.ErrInvalid, -2, "specVersion"},
		{"specVersion number", `{"bomFormat":"CycloneDX","specVersion":1.4}`, findings.ErrInvalid, -2, "specVersion"},
		{"specVersion 2.0", `{"bomFormat":"CycloneDX","specVersion":"2.0"}`, findings.ErrUnsupportedFormat, -2, "specVersion"},
		{"specVersion 1.8", `{"bomFormat":"CycloneDX","specVersion":"1.8"}`, findings.ErrUnsupportedFormat, -2, "specVersion"},
		{"vulnerabilities object", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":{}}`, findings.ErrInvalid, -2, "vulnerabilities"},
		{"affects string", vuln(`{"id":"x","affects":"a"}`), findings.ErrInvalid, -2, "vulnerabilities.affects"},
		{"score string", vuln(`{"id":"x","ratings":[{"score":"high"}]}`), findings.ErrInvalid, -2, "vulnerabilities.ratings.score"},
		{"cwes strings", vuln(`{"id":"x","cwes":["CWE-79"]}`), findings.ErrInvalid, -2, "vulnerabilities.cwes"},
		{"tools wrong", `{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"tools":"grype"}}`, findings.ErrInvalid, -1, "metadata.tools"},
		{"tools array wrong", `{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"tools":[1]}}`, findings.ErrInvalid, -1, "metadata.tools"},
		{"score string offset", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"ratings":[{"score":"9"}]}]}`, findings.ErrInvalid, 88, "vulnerabilities.ratings.score"},
		{"unknown state", vuln(`{"id":"x","analysis":{"state":"maybe"}}`), findings.ErrInvalid, -1, "vulnerabilities[0].analysis.state"},
		{"xml truncated", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components>`, findings.ErrSyntax, -2, ""},
		{"xml mismatched", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components></bom>`, findings.ErrSyntax, -2, ""},
		{"xml two roots", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`, findings.ErrSyntax, 50, ""},
		{"xml text after root", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>x`, findings.ErrSyntax, 50, ""},
		{"xml only prolog", `<?xml version="1.0"?>`, findings.ErrSyntax, 21, ""},
		{"xml other root", `<foo/>`, findings.ErrUnsupportedFormat, 0, ""},
		{"xml no namespace", `<bom version="1"/>`, findings.ErrUnsupportedFormat, 0, ""},
		{"xml 2.0", `<bom xmlns="http://cyclonedx.org/schema/bom/2.0"/>`, findings.ErrUnsupportedFormat, 0, ""},
		{"xml bad version attr", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="x"/>`, findings.ErrInvalid, -2, ""},
		{"xml bad score", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><vulnerabilities><vulnerability><ratings><rating><score>x</score></rating></ratings></vulnerability></vulnerabilities></bom>`, findings.ErrInvalid, -2, "vulnerabilities[0].ratings[0].score"},
		{"xml NaN score", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><vulnerabilities><vulnerability><ratings><rating><score>NaN</score></rating></ratings></vulnerability></vulnerabilities></bom>`, findings.ErrInvalid, -2, "vulnerabilities[0].ratings[0].score"},
		{"xml score out of range", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><vulnerabilities><vulnerability><ratings><rating><score>11</score><method>CVSSv31</method></rating></ratings></vulnerability></vulnerabilities></bom>`, findings.ErrInvalid, -1, "vulnerabilities[0].ratings[0].score"},
		{"json score out of range", `{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[{"ratings":[{"score":-1,"method":"CVSSv3"}]}]}`, findings.ErrInvalid, -1, "vulnerabilities[0].ratings[0].score"},
		{"xml ext bad score", `<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:v="http://cyclonedx.org/schema/ext/vulnerability/1.0"><components><component type="library"><name>a</name><v:vulnerabilities><v:vulnerability><v:ratings><v:rating><v:score><v:base>zz</v:base></v:score></v:rating></v:ratings></v:vulnerability></v:vulnerabilities></component></components></bom>`, findings.ErrInvalid, -2, "component[0].vulnerabilities[0]"},
		{"xml latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`, findings.ErrSyntax, -2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, vs, err := decode(t, "in.json", []byte(tc.in), findings.Limits{})
			require.Error(t, err)
			assert.Empty(t, fs)
			assert.Empty(t, vs)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de), "%T %v", err, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, "in.json", de.File)
			assert.Equal(t, cyclonedx.Format, de.Format)
			if tc.offset != -2 {
				assert.Equal(t, tc.offset, de.Offset, err.Error())
			}
			assert.Equal(t, tc.path, de.Path, err.Error())
		})
	}
}

func TestLimits(t *testing.T) {
	nestJSON := func(n int) string {
		// The document object is depth 1; metadata.properties adds 2 more
		// (array, object) before the filler arrays inside a property value
		// would break the schema, so nest in an unknown field instead.
		return `{"bomFormat":"CycloneDX","specVersion":"1.4","x":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	nestXML := func(n int) string {
		return `<bom xmlns="http://cyclonedx.org/schema/bom/1.4">` + strings.Repeat("<x>", n-1) + strings.Repeat("</x>", n-1) + `</bom>`
	}
	strJSON := func(n int) string {
		return `{"bomFormat":"CycloneDX","specVersion":"1.4","x":"` + strings.Repeat("a", n) + `"}`
	}
	strXML := func(n int) string {
		return `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><x>` + strings.Repeat("a", n) + `</x></bom>`
	}
	attrXML := func(n int) string {
		return `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" serialNumber="` + strings.Repeat("a", n) + `"/>`
	}
	base := `{"bomFormat":"CycloneDX","specVersion":"1.4"}`
	baseXML := `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`
	for _, tc := range []struct {
		name   string
		ok     string
		bad    string
		lim    findings.Limits
		limit  string
		offset int64
	}{
		{"json depth", nestJSON(8), nestJSON(9), findings.Limits{MaxDepth: 8}, "MaxDepth", int64(len(`{"bomFormat":"CycloneDX","specVersion":"1.4","x":`) + 7)},
		{"xml depth", nestXML(8), nestXML(9), findings.Limits{MaxDepth: 8}, "MaxDepth", int64(len(`<bom xmlns="http://cyclonedx.org/schema/bom/1.4">`) + 7*3)},
		{"json string", strJSON(64), strJSON(65), findings.Limits{MaxStringBytes: 64}, "MaxStringBytes", int64(len(`{"bomFormat":"CycloneDX","specVersion":"1.4","x":"`) + 64)},
		// XML limits are checked on the raw bytes as they are read: the
		// offset is that of the first byte beyond the limit.
		{"xml text", strXML(64), strXML(65), findings.Limits{MaxStringBytes: 64}, "MaxStringBytes", int64(len(`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><x>`) + 64)},
		{"xml attribute", attrXML(64), attrXML(65), findings.Limits{MaxStringBytes: 64}, "MaxStringBytes", int64(len(`<bom xmlns="http://cyclonedx.org/schema/bom/1.4" serialNumber="`) + 64)},
		{"json document", base, base + " ", findings.Limits{MaxDocumentBytes: int64(len(base))}, "MaxDocumentBytes", int64(len(base))},
		{"json document with bom", "\xEF\xBB\xBF" + base, "\xEF\xBB\xBF" + base + " ", findings.Limits{MaxDocumentBytes: int64(len(base) + 3)}, "MaxDocumentBytes", int64(len(base) + 3)},
		{"xml document", baseXML, baseXML + "\n", findings.Limits{MaxDocumentBytes: int64(len(baseXML))}, "MaxDocumentBytes", int64(len(baseXML))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decode(t, "in", []byte(tc.ok), tc.lim)
			require.NoError(t, err, "at the limit")
			_, _, err = decode(t, "in", []byte(tc.bad), tc.lim)
			require.Error(t, err, "beyond the limit")
			var le *findings.LimitError
			require.True(t, errors.As(err, &le), "%v", err)
			assert.ErrorIs(t, err, findings.ErrLimit)
			assert.Equal(t, tc.limit, le.Limit)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tc.offset, de.Offset, err.Error())
		})
	}
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	err := cyclonedx.Decode(strings.NewReader(minimalJSON), findings.DecodeOptions{}, findings.Handler{
		Finding: func(findings.Finding) error { return stop },
	})
	assert.Same(t, stop, err)
	err = cyclonedx.Decode(strings.NewReader(minimalJSON), findings.DecodeOptions{}, findings.Handler{
		VEX: func(findings.VEXStatement) error { return stop },
	})
	assert.Same(t, stop, err)
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	err := cyclonedx.Decode(failReader{}, findings.DecodeOptions{Name: "f"}, findings.Handler{})
	var de *findings.DecodeError
	require.True(t, errors.As(err, &de))
	assert.Contains(t, err.Error(), "disk on fire")
}

func TestDeterministic(t *testing.T) {
	rel := "cyclonedx/trivy/issue_9277.json"
	data := testcorpus.Read(t, rel)
	a, _, err := decode(t, rel, data, findings.Limits{})
	require.NoError(t, err)
	b, _, err := decode(t, rel, data, findings.Limits{})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	ids := map[string]bool{}
	for _, f := range a {
		assert.False(t, ids[f.ID], "duplicate ID %s", f.ID)
		ids[f.ID] = true
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(minimalJSON))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[{"id":"x","affects":[{"ref":"r"}],"analysis":{"state":"exploitable"}}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:v="http://cyclonedx.org/schema/ext/vulnerability/1.0"><components><component type="library"><name>a</name><v:vulnerabilities><v:vulnerability ref="r"><v:id>CVE-1</v:id><v:ratings><v:rating><v:score><v:base>5</v:base></v:score><v:severity>High</v:severity></v:rating></v:ratings></v:vulnerability></v:vulnerabilities></component></components></bom>`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities><vulnerability><id>x</id><affects><target><ref>r</ref></target></affects><analysis><state>resolved</state></analysis></vulnerability></vulnerabilities></bom>`))
	f.Add([]byte(""))
	f.Add([]byte("null"))
	for _, p := range append(testcorpus.Glob("cyclonedx/*/*"), testcorpus.Glob("trivy/trivy/npm-cyclonedx-scan.json")...) {
		b, err := os.ReadFile(p)
		if err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := cyclonedx.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: "fuzz", Limits: findings.Limits{MaxDocumentBytes: 1 << 20}}, findings.Handler{
			Finding: func(f findings.Finding) error {
				if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
					t.Fatalf("bad finding: %+v", f)
				}
				if _, err := json.Marshal(f); err != nil {
					t.Fatalf("finding does not marshal: %v", err)
				}
				return nil
			},
			VEX: func(s findings.VEXStatement) error {
				if s.Status == "" {
					t.Fatalf("statement without status: %+v", s)
				}
				return nil
			},
		})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
			}
		}
	})
}
