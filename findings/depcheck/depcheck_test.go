package depcheck_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/depcheck"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, in string, opts findings.DecodeOptions) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return depcheck.Decode(strings.NewReader(in), opts, h)
	})
	require.Empty(t, vs, "Dependency-Check reports carry no VEX statements")
	return fs, err
}

func assertGolden(t *testing.T, name string, in []byte, fileName string) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return depcheck.Decode(bytes.NewReader(in), findings.DecodeOptions{Name: fileName}, h)
	})
	require.NoError(t, err)
	got, err := json.MarshalIndent(struct {
		Findings []findings.Finding      `json:"findings"`
		VEX      []findings.VEXStatement `json:"vex,omitempty"`
	}{fs, vs}, "", "  ")
	require.NoError(t, err)
	golden.Assert(t, filepath.Join("testdata", "golden", name+".json"), append(got, '\n'))
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"dependency-check/dependency-check/multiple_vulnerabilities_has_multiple_findings.xml",
		"dependency-check/dependency-check/PR6439.xml",
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			assertGolden(t, path.Base(rel), testcorpus.Read(t, rel), rel)
		})
	}
	// There is no JSON report in the corpus: this fixture was written by
	// hand after Dependency-Check's jsonReport.vsl template.
	t.Run("handwritten-report.json", func(t *testing.T) {
		in, err := os.ReadFile(filepath.Join("testdata", "handwritten-report.json"))
		require.NoError(t, err)
		assertGolden(t, "handwritten-report.json", in, "handwritten-report.json")
	})
}

// TestCorpus decodes every Dependency-Check file of the corpus; the counts
// were checked against testdata/corpus/count_dependency-check.sh.
func TestCorpus(t *testing.T) {
	want := map[string]int{
		"dependency-check/dependency-check/PR6439.xml":                                          34,
		"dependency-check/dependency-check/dc_empty.xml":                                        0,
		"dependency-check/dependency-check/multiple_vulnerabilities_has_multiple_findings.xml":  9,
		"dependency-check/dependency-check/single_dependency_with_related_no_vulnerability.xml": 0,
	}
	dir := testcorpus.Dir(t)
	files, err := filepath.Glob(filepath.Join(dir, "dependency-check", "*", "*"))
	require.NoError(t, err)
	require.Len(t, files, len(want), "a Dependency-Check corpus file was added or removed")
	for _, file := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(file, dir+string(filepath.Separator)))
		t.Run(rel, func(t *testing.T) {
			in, err := os.ReadFile(file)
			require.NoError(t, err)
			fs, err := decode(t, string(in), findings.DecodeOptions{Name: rel})
			require.NoError(t, err)
			assert.Len(t, fs, want[rel])
			for _, f := range fs {
				assert.Equal(t, findings.KindSCA, f.Kind)
				assert.True(t, f.Severity.Valid())
				assert.NotEqual(t, findings.SeverityUnknown, f.Severity, "every corpus vulnerability has a severity or a score")
				assert.NotEmpty(t, f.ID)
				assert.NotEmpty(t, f.RuleID)
				require.NotNil(t, f.Package)
				assert.NotEmpty(t, f.Location.Path)
			}
		})
	}
}

func TestPR6439(t *testing.T) {
	rel := "dependency-check/dependency-check/PR6439.xml"
	fs, err := decode(t, string(testcorpus.Read(t, rel)), findings.DecodeOptions{Name: rel})
	require.NoError(t, err)
	suppressed := 0
	for _, f := range fs {
		if f.Suppressed() {
			suppressed++
			assert.NotEmpty(t, f.Suppressions[0].Justification, f.RuleID)
		}
		assert.Equal(t, "7.3.0", f.Tool.Version)
		assert.Equal(t, "maven", f.Package.Ecosystem)
		assert.True(t, strings.HasPrefix(f.Package.PURL, "pkg:maven/"), f.Package.PURL)
	}
	assert.Equal(t, 8, suppressed)
}

const xmlHead = `<?xml version="1.0"?><analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.4.0.xsd"><scanInfo><engineVersion>9.0.9</engineVersion></scanInfo><projectInfo><name>p</name></projectInfo><dependencies>`
const xmlTail = `</dependencies></analysis>`

func xmlDoc(deps ...string) string { return xmlHead + strings.Join(deps, "") + xmlTail }

func dep(vulns string) string {
	return `<dependency isVirtual="false"><fileName>a-1.0.jar</fileName><filePath>/lib/a-1.0.jar</filePath><sha1>s1</sha1>` +
		`<identifiers><package confidence="HIGH"><id>pkg:maven/org.example/a@1.0</id></package></identifiers>` +
		`<vulnerabilities>` + vulns + `</vulnerabilities></dependency>`
}

func TestFields(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, fs []findings.Finding)
	}{
		{
			name: "severity words and fallbacks",
			in: xmlDoc(dep(
				`<vulnerability source="NPM"><name>GHSA-aaaa-bbbb-cccc</name><severity unscored="true">moderate</severity></vulnerability>` +
					`<vulnerability source="NVD"><name>CVE-1</name><cvssV3><baseScore>9.1</baseScore><attackVector>NETWORK</attackVector><attackComplexity>LOW</attackComplexity><privilegesRequired>NONE</privilegesRequired><userInteraction>NONE</userInteraction><scope>UNCHANGED</scope><confidentialityImpact>HIGH</confidentialityImpact><integrityImpact>HIGH</integrityImpact><availabilityImpact>NONE</availabilityImpact><baseSeverity>CRITICAL</baseSeverity><version>3.1</version></cvssV3></vulnerability>` +
					`<vulnerability source="NVD"><name>CVE-2</name><cvssV2><score>6.8</score><severity>MEDIUM</severity></cvssV2></vulnerability>` +
					`<vulnerability source="NVD"><name>CVE-3</name><cvssV2><score>7.5</score></cvssV2></vulnerability>` +
					`<vulnerability source="RETIREJS"><name>retire-1</name><severity unscored="true">Unknown</severity></vulnerability>`)),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 5)
				sev := []findings.Severity{findings.SeverityMedium, findings.SeverityCritical, findings.SeverityMedium, findings.SeverityHigh, findings.SeverityUnknown}
				src := []string{"dependency-check:severity", "cvss:3.1:nvd", "dependency-check:cvssV2.severity", "cvss:2.0", ""}
				for i, f := range fs {
					assert.Equal(t, sev[i], f.Severity, i)
					assert.Equal(t, src[i], f.SeveritySource, i)
				}
				assert.Equal(t, true, fs[0].Properties["unscored"])
				assert.Equal(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", fs[1].CVSS[0].Vector)
				assert.Empty(t, fs[2].CVSS[0].Vector, "no vector without its metrics")
			},
		},
		{
			name: "package, location, ids, cwes, references, matched software",
			in: xmlDoc(dep(`<vulnerability source="NVD"><name>CVE-2020-1</name><severity>HIGH</severity>` +
				`<cwes><cwe>CWE-79</cwe><cwe>NVD-CWE-noinfo</cwe></cwes><description> d </description>` +
				`<references><reference><source>MISC</source><url> https://x.example/1 </url><name>n</name></reference><reference><source>NPM</source><name>no url</name></reference></references>` +
				`<vulnerableSoftware><software>cpe:2.3:a:x:a:*:*:*:*:*:*:*:*</software><software vulnerabilityIdMatched="true" versionEndExcluding="1.2">cpe:2.3:a:example:a:*:*:*:*:*:*:*:*</software></vulnerableSoftware>` +
				`</vulnerability>`)),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				f := fs[0]
				assert.Equal(t, "CVE-2020-1", f.RuleID)
				assert.Equal(t, "CVE-2020-1 in a-1.0.jar", f.Title)
				assert.Equal(t, "d", f.Description)
				assert.Equal(t, []string{"CVE-2020-1"}, f.VulnerabilityIDs)
				assert.Equal(t, []string{"CWE-79"}, f.CWEs)
				assert.Equal(t, []string{"https://x.example/1"}, f.References)
				assert.Equal(t, &findings.Package{Name: "org.example:a", Version: "1.0", Ecosystem: "maven",
					PURL: "pkg:maven/org.example/a@1.0", Paths: []string{"/lib/a-1.0.jar"}}, f.Package)
				assert.Equal(t, "/lib/a-1.0.jar", f.Location.Path)
				assert.Equal(t, findings.Tool{Name: "Dependency-Check", Version: "9.0.9", Vendor: "OWASP"}, f.Tool)
				assert.Equal(t, map[string]any{"source": "NVD", "file_name": "a-1.0.jar", "sha1": "s1", "project": "p",
					"matched_software": "cpe:2.3:a:example:a:*:*:*:*:*:*:*:*", "version_end_excluding": "1.2",
					"vulnerable_software_count": 2}, f.Properties)
				assert.Empty(t, f.Package.FixedVersions, "version ranges are hints, not fixed versions")
			},
		},
		{
			name: "suppressed vulnerability",
			in:   xmlDoc(dep(`<suppressedVulnerability source="NVD"><name>CVE-9</name><severity>LOW</severity><notes>accepted risk</notes></suppressedVulnerability><suppressedVulnerability source="NVD"><name>CVE-10</name></suppressedVulnerability>`)),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 2)
				assert.True(t, fs[0].Suppressed())
				assert.Equal(t, []findings.Suppression{{Kind: "external", Justification: "accepted risk"}}, fs[0].Suppressions)
				assert.NotContains(t, fs[0].Properties, "notes")
				assert.True(t, fs[1].Suppressed())
				assert.Equal(t, findings.SeverityUnknown, fs[1].Severity)
			},
		},
		{
			name: "schema 1.x identifiers and flat cvss",
			in: `<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.1.3.xsd"><dependencies><dependency><fileName>s.jar</fileName><filePath>/s.jar</filePath>` +
				`<identifiers><identifier type="cpe" confidence="HIGHEST"><name>cpe:/a:apache:xalan-java:2.7.1</name></identifier><identifier type="maven"><name>xalan:serializer:2.7.1</name></identifier></identifiers>` +
				`<vulnerabilities><vulnerability><name>CVE-2014-0107</name><cvssScore>7.5</cvssScore><cvssAccessVector>NETWORK</cvssAccessVector><cvssAccessComplexity>LOW</cvssAccessComplexity><cvssAuthenticationr>NONE</cvssAuthenticationr><cvssConfidentialImpact>PARTIAL</cvssConfidentialImpact><cvssIntegrityImpact>PARTIAL</cvssIntegrityImpact><cvssAvailabilityImpact>PARTIAL</cvssAvailabilityImpact><severity>High</severity><cwe>CWE-264 Permissions</cwe></vulnerability></vulnerabilities></dependency></dependencies></analysis>`,
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				f := fs[0]
				assert.Equal(t, "pkg:maven/xalan/serializer@2.7.1", f.Package.PURL)
				assert.Equal(t, "xalan:serializer", f.Package.Name)
				assert.Equal(t, []string{"CWE-264"}, f.CWEs)
				require.Len(t, f.CVSS, 1)
				assert.Equal(t, "2.0", f.CVSS[0].Version)
				assert.Equal(t, "AV:N/AC:L/Au:N/C:P/I:P/A:P", f.CVSS[0].Vector)
				assert.Equal(t, []string{"cpe:/a:apache:xalan-java:2.7.1"}, f.Properties["cpes"])
			},
		},
		{
			name: "related dependencies stay properties",
			in: xmlDoc(`<dependency><fileName>b.jar</fileName><filePath>/b.jar</filePath><relatedDependencies>` +
				`<relatedDependency><fileName>b2.jar</fileName><filePath>/b2.jar</filePath><identifiers><package><id>pkg:maven/x/b2@1</id></package></identifiers></relatedDependency>` +
				`<relatedDependency><filePath>/b3.jar</filePath></relatedDependency></relatedDependencies>` +
				`<vulnerabilities><vulnerability><name>CVE-5</name><severity>LOW</severity></vulnerability></vulnerabilities></dependency>`),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				assert.Equal(t, []string{"b2.jar", "/b3.jar"}, fs[0].Properties["related_dependencies"])
				assert.Equal(t, []string{"pkg:maven/x/b2@1"}, fs[0].Properties["related_purls"])
				assert.Equal(t, []string{"/b.jar"}, fs[0].Package.Paths)
			},
		},
		{
			name: "no dependencies",
			in:   `<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd"><scanInfo/><dependencies/></analysis>`,
			check: func(t *testing.T, fs []findings.Finding) {
				assert.Empty(t, fs)
			},
		},
		{
			name: "json: names that are not ids, npm purl",
			in: `{"reportSchema":"1.1","scanInfo":{"engineVersion":"8.0.0"},"dependencies":[{"isVirtual":true,"fileName":"x:1.0.0","filePath":"/p/package-lock.json?x",` +
				`"packages":[{"id":"pkg:npm/%40scope/x@1.0.0"}],"vulnerabilities":[` +
				`{"source":"NPM","name":"1179","severity":"moderate"},` +
				`{"source":"OSSINDEX","name":"CWE-400: Uncontrolled Resource Consumption","severity":"HIGH","cvssv3":{"baseScore":7.5}}]}]}`,
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 2)
				assert.Equal(t, "1179", fs[0].RuleID)
				assert.Empty(t, fs[0].VulnerabilityIDs)
				assert.Empty(t, fs[1].VulnerabilityIDs)
				assert.Equal(t, "@scope/x", fs[0].Package.Name)
				assert.Equal(t, "npm", fs[0].Package.Ecosystem)
				assert.Equal(t, "8.0.0", fs[0].Tool.Version)
				assert.Equal(t, true, fs[0].Properties["virtual"])
				assert.Equal(t, findings.CVSS{Score: fs[1].CVSS[0].Score, Source: "ossindex"}, fs[1].CVSS[0])
			},
		},
		{
			name: "byte order mark",
			in:   "\xEF\xBB\xBF" + xmlDoc(dep(`<vulnerability><name>CVE-1</name></vulnerability>`)),
			check: func(t *testing.T, fs []findings.Finding) {
				assert.Len(t, fs, 1)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, tt.in, findings.DecodeOptions{Name: "in"})
			require.NoError(t, err)
			tt.check(t, fs)
		})
	}
}

func TestErrors(t *testing.T) {
	bad := dep(`<vulnerability><name>CVE-1</name></vulnerability><vulnerability><name>CVE-2</name><cvssV3><baseScore>high</baseScore></cvssV3></vulnerability>`)
	tests := []struct {
		name     string
		in       string
		sentinel error
		offset   int64 // -2: do not check
		path     string
		emitted  int
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, "", 0},
		{"white space", "\n\n", findings.ErrSyntax, 2, "", 0},
		{"truncated xml", xmlHead + `<dependency><fileName>a`, findings.ErrSyntax, -2, "analysis.dependencies.dependency[0]", 0},
		{"invalid xml", xmlHead + `<dependency><</dependency>` + xmlTail, findings.ErrSyntax, -2, "", 0},
		{"wrong root", `<OWASPZAPReport/>`, findings.ErrUnsupportedFormat, 0, "", 0},
		{"foreign namespace", `<analysis xmlns="urn:other"/>`, findings.ErrUnsupportedFormat, 0, "", 0},
		{"nameless vulnerability", xmlDoc(dep(`<vulnerability><severity>HIGH</severity></vulnerability>`)), findings.ErrInvalid, int64(len(xmlHead)), "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[0].name", 0},
		{"bad score", xmlDoc(bad), findings.ErrInvalid, int64(len(xmlHead)), "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[1].cvssV3.baseScore", 1},
		{"score out of range", xmlDoc(dep(`<vulnerability><name>CVE-1</name><cvssV2><score>11</score></cvssV2></vulnerability>`)), findings.ErrInvalid, -2, "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[0].cvssV2.score", 0},
		{"element after root", `<analysis/><x/>`, findings.ErrSyntax, 11, "", 0},
		{"truncated json", `{"reportSchema":"1.1","dependencies":[{"fileName":"a"`, findings.ErrSyntax, -2, "dependencies[0]", 0},
		{"invalid json", `{"reportSchema":"1.1",]`, findings.ErrSyntax, -2, "", 0},
		{"null", `null`, findings.ErrInvalid, -2, "", 0},
		{"not dependency-check json", `{"a":1}`, findings.ErrUnsupportedFormat, 0, "", 0},
		{"dependencies not an array", `{"dependencies":{}}`, findings.ErrInvalid, -2, "dependencies", 0},
		{"dependency null", `{"dependencies":[null]}`, findings.ErrInvalid, -2, "dependencies[0]", 0},
		{"vulnerability null", `{"dependencies":[{"vulnerabilities":[null]}]}`, findings.ErrInvalid, -2, "dependencies[0].vulnerabilities[0]", 0},
		{"wrong type", `{"dependencies":[{"fileName":{"x":1}}]}`, findings.ErrInvalid, -2, "dependencies[0].fileName", 0},
		{"json vuln without name", `{"dependencies":[{"vulnerabilities":[{"source":"NVD"}]}]}`, findings.ErrInvalid, -2, "dependencies[0].vulnerabilities[0].name", 0},
		{"json suppressed bad score", `{"dependencies":[{"vulnerabilities":[{"name":"CVE-0"}],"suppressedVulnerabilities":[{"name":"CVE-1","cvssv2":{"score":"x"}}]}]}`, findings.ErrInvalid, -2, "dependencies[0].suppressedVulnerabilities[0].cvssV2.score", 1},
		{"xml suppressed bad score", xmlDoc(dep(`<vulnerability><name>CVE-0</name></vulnerability><suppressedVulnerability><name>CVE-1</name><cvssV2><score>x</score></cvssV2></suppressedVulnerability>`)), findings.ErrInvalid, int64(len(xmlHead)), "analysis.dependencies.dependency[0].vulnerabilities.suppressedVulnerability[0].cvssV2.score", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, tt.in, findings.DecodeOptions{Name: "bad"})
			require.Error(t, err)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de), "%T %v", err, err)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, "bad", de.File)
			assert.Equal(t, depcheck.Format, de.Format)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, err.Error())
			}
			if tt.path != "" {
				assert.Equal(t, tt.path, de.Path)
			}
			assert.Len(t, fs, tt.emitted)
		})
	}
}

func TestLimits(t *testing.T) {
	const max = 16
	opts := findings.DecodeOptions{Limits: findings.Limits{MaxDepth: max}}
	nestXML := func(depth int) string {
		return "<analysis>" + strings.Repeat("<a>", depth-1) + strings.Repeat("</a>", depth-1) + "</analysis>"
	}
	nestJSON := func(depth int) string {
		return `{"dependencies":[],"x":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "}"
	}
	t.Run("xml depth", func(t *testing.T) {
		_, err := decode(t, nestXML(max), opts)
		require.NoError(t, err)
		_, err = decode(t, nestXML(max+1), opts)
		assertLimit(t, err, "MaxDepth", max, int64(len("<analysis>")+3*(max-1)))
	})
	t.Run("xml depth inside a dependency", func(t *testing.T) {
		in := func(depth int) string {
			// analysis, dependencies, dependency: 3 levels.
			return xmlHead + "<dependency>" + strings.Repeat("<a>", depth-3) + strings.Repeat("</a>", depth-3) + "</dependency>" + xmlTail
		}
		_, err := decode(t, in(max), opts)
		require.NoError(t, err)
		_, err = decode(t, in(max+1), opts)
		assertLimit(t, err, "MaxDepth", max, int64(len(xmlHead)+len("<dependency>")+3*(max-3)))
	})
	t.Run("json depth", func(t *testing.T) {
		_, err := decode(t, nestJSON(max), opts)
		require.NoError(t, err)
		_, err = decode(t, nestJSON(max+1), opts)
		assertLimit(t, err, "MaxDepth", max, int64(len(`{"dependencies":[],"x":`)+max-1))
	})

	const maxStr = 64
	sopts := findings.DecodeOptions{Limits: findings.Limits{MaxStringBytes: maxStr}}
	t.Run("xml string", func(t *testing.T) {
		pre := `<analysis><dependencies><dependency><description>`
		in := func(n int) string {
			return pre + strings.Repeat("d", n) + `</description></dependency></dependencies></analysis>`
		}
		_, err := decode(t, in(maxStr), sopts)
		require.NoError(t, err)
		_, err = decode(t, in(maxStr+1), sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, int64(len(pre)+maxStr))
	})
	t.Run("json string", func(t *testing.T) {
		pre := `{"dependencies":[{"description":"`
		in := func(n int) string { return pre + strings.Repeat("d", n) + `"}]}` }
		_, err := decode(t, in(maxStr), sopts)
		require.NoError(t, err)
		_, err = decode(t, in(maxStr+1), sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, int64(len(pre)+maxStr))
	})
	t.Run("xml document size", func(t *testing.T) {
		in := xmlDoc(dep(`<vulnerability><name>CVE-1</name></vulnerability>`))
		dopts := findings.DecodeOptions{Limits: findings.Limits{MaxDocumentBytes: int64(len(in))}}
		_, err := decode(t, in, dopts)
		require.NoError(t, err)
		_, err = decode(t, in+" ", dopts)
		assertLimit(t, err, "MaxDocumentBytes", int64(len(in)), int64(len(in)))
	})
}

func assertLimit(t *testing.T, err error, limit string, max, offset int64) {
	t.Helper()
	require.Error(t, err)
	var de *findings.DecodeError
	require.True(t, errors.As(err, &de), "%T %v", err, err)
	var le *findings.LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	assert.ErrorIs(t, err, findings.ErrLimit)
	assert.Equal(t, limit, le.Limit)
	assert.Equal(t, max, le.Max)
	assert.Equal(t, offset, de.Offset, err.Error())
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	for _, in := range []string{
		xmlDoc(dep(`<vulnerability><name>CVE-1</name></vulnerability><vulnerability><name>CVE-2</name></vulnerability>`)),
		`{"dependencies":[{"vulnerabilities":[{"name":"CVE-1"},{"name":"CVE-2"}]}]}`,
	} {
		n := 0
		err := depcheck.Decode(strings.NewReader(in), findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error {
			n++
			return stop
		}})
		assert.Same(t, stop, err)
		assert.Equal(t, 1, n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(xmlDoc(dep(`<vulnerability source="NVD"><name>CVE-1</name><severity>HIGH</severity><cvssV3><baseScore>7.5</baseScore><attackVector>N</attackVector></cvssV3><cwes><cwe>CWE-79</cwe></cwes></vulnerability><suppressedVulnerability><name>CVE-2</name><notes>n</notes></suppressedVulnerability>`))))
	f.Add([]byte(`{"reportSchema":"1.1","scanInfo":{"engineVersion":"1"},"dependencies":[{"fileName":"a","packages":[{"id":"pkg:npm/a@1"}],"vulnerabilities":[{"name":"CVE-1","severity":"moderate","cvssv2":{"score":5}}]}]}`))
	f.Add([]byte(""))
	f.Add([]byte("null"))
	if b, err := os.ReadFile(filepath.Join("testdata", "handwritten-report.json")); err == nil {
		f.Add(b)
	}
	for _, file := range testcorpus.Glob("dependency-check/*/*") {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := findings.DecodeOptions{Limits: findings.Limits{MaxDepth: 64, MaxStringBytes: 4096, MaxDocumentBytes: 4 << 20}}
		err := depcheck.Decode(bytes.NewReader(in), opts, findings.Handler{Finding: func(f findings.Finding) error {
			if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
				t.Fatalf("bad finding %+v", f)
			}
			return nil
		}})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("not a DecodeError: %T %v", err, err)
			}
		}
	})
}

// TestHostileRegressions holds what the hostile-input suite
// (internal/hostile) found: a repeated field was read with its first
// value, and CVSS scores took Go's hexadecimal floats and "-0".
func TestHostileRegressions(t *testing.T) {
	tests := []struct {
		name  string
		vulns string
		want  error
		path  string
		score float64
	}{
		{name: "name twice", vulns: `<vulnerability source="NVD"><name>CVE-1</name><name>CVE-2</name></vulnerability>`,
			want: findings.ErrInvalid, path: "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[0].name"},
		{name: "baseScore twice", vulns: `<vulnerability source="NVD"><name>CVE-1</name><cvssV3><baseScore>1</baseScore><baseScore>9</baseScore></cvssV3></vulnerability>`,
			want: findings.ErrInvalid, path: "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[0].cvssV3.baseScore"},
		{name: "hexadecimal score", vulns: `<vulnerability source="NVD"><name>CVE-1</name><cvssV3><baseScore>0x1p-2</baseScore></cvssV3></vulnerability>`,
			want: findings.ErrInvalid, path: "analysis.dependencies.dependency[0].vulnerabilities.vulnerability[0].cvssV3.baseScore"},
		{name: "score 1e-400 reads as 0", vulns: `<vulnerability source="NVD"><name>CVE-1</name><cvssV3><baseScore>-1e-400</baseScore></cvssV3></vulnerability>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, xmlDoc(dep(tt.vulns)), findings.DecodeOptions{Name: "d.xml"})
			if tt.want == nil {
				require.NoError(t, err)
				require.Len(t, fs, 1)
				require.Len(t, fs[0].CVSS, 1)
				assert.Equal(t, "0", fmt.Sprint(*fs[0].CVSS[0].Score))
				return
			}
			require.ErrorIs(t, err, tt.want)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.path, de.Path)
		})
	}
}
