package sarif

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// sarifLog builds a log of one run from the JSON of its tool driver, its
// results array and other run properties (",\"key\": ..."), which come
// before the results so that the results can use them.
func sarifLog(driver, results, more string) string {
	return `{"version":"2.1.0","runs":[{"tool":{"driver":` + driver + `}` + more + `,"results":` + results + `}]}`
}

// decodeOne decodes doc and requires exactly one finding.
func decodeOne(t *testing.T, doc string) findings.Finding {
	t.Helper()
	fs, err := decodeAll(t, "inline.sarif", []byte(doc), true, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	return fs[0]
}

func TestRuleLookup(t *testing.T) {
	driver := `{"name":"Scanner","rules":[
		{"id":"R0","shortDescription":{"text":"Rule zero"}},
		{"id":"R1","shortDescription":{"text":"Rule one"}},
		{"id":"R2/sub","shortDescription":{"text":"Rule two"}}]}`
	ext := `,"extensions":[{"name":"Pack","rules":[{"id":"X0","shortDescription":{"text":"Extension rule"}}]}]`
	// extensions sit beside the driver in the tool object.
	withExt := func(results string) string {
		return `{"version":"2.1.0","runs":[{"tool":{"driver":` + driver + ext + `},"results":` + results + `}]}`
	}
	tests := []struct {
		name, doc, wantRule, wantTitle string
	}{
		{"ruleIndex", sarifLog(driver, `[{"ruleIndex":1,"message":{}}]`, ""), "R1", "Rule one"},
		{"rule.index", sarifLog(driver, `[{"rule":{"index":1},"message":{}}]`, ""), "R1", "Rule one"},
		{"ruleId", sarifLog(driver, `[{"ruleId":"R1"}]`, ""), "R1", "Rule one"},
		{"rule.id", sarifLog(driver, `[{"rule":{"id":"R1"}}]`, ""), "R1", "Rule one"},
		{"ruleId wins over a contradicting ruleIndex", sarifLog(driver, `[{"ruleId":"R1","ruleIndex":0}]`, ""), "R1", "Rule one"},
		{"absent ruleIndex is not 0", sarifLog(driver, `[{"message":{"text":"no rule"}}]`, ""), "", "no rule"},
		{"hierarchical id", sarifLog(driver, `[{"ruleId":"R2/sub/deeper"}]`, ""), "R2/sub/deeper", "Rule two"},
		{"rule in an extension by id", withExt(`[{"ruleId":"X0"}]`), "X0", "Extension rule"},
		{"rule in an extension by toolComponent index", withExt(`[{"rule":{"index":0,"toolComponent":{"index":0}}}]`), "X0", "Extension rule"},
		{"rule in an extension by toolComponent name", withExt(`[{"rule":{"index":0,"toolComponent":{"name":"Pack"}}}]`), "X0", "Extension rule"},
		{"unknown ruleId", sarifLog(driver, `[{"ruleId":"NOPE"}]`, ""), "NOPE", "NOPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := decodeOne(t, tt.doc)
			assert.Equal(t, tt.wantRule, f.RuleID)
			assert.Equal(t, tt.wantTitle, f.Title)
			assert.Equal(t, "Scanner", f.Tool.Name)
		})
	}
}

func TestTitleAndDescription(t *testing.T) {
	driver := `{"name":"S","rules":[{"id":"R","name":"RuleName","shortDescription":{"text":"Short"},"fullDescription":{"text":"Full"},"help":{"text":"Help"},
		"messageStrings":{"default":{"text":"Call to {0} in {1}; {{literal}} {5}"}}}]}`
	tests := []struct {
		name, results, title, desc string
	}{
		{"message text on one line", `[{"ruleId":"R","message":{"text":"  first\n  second  "}}]`, "first second", "Full"},
		{"markdown only", `[{"ruleId":"R","message":{"markdown":"**md**"}}]`, "**md**", "Full"},
		{"messageStrings with arguments", `[{"ruleId":"R","message":{"id":"default","arguments":["exec","main"]}}]`, "Call to exec in main; {literal} {5}", "Full"},
		{"no message: shortDescription", `[{"ruleId":"R"}]`, "Short", "Full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := decodeOne(t, sarifLog(driver, tt.results, ""))
			assert.Equal(t, tt.title, f.Title)
			assert.Equal(t, tt.desc, f.Description)
		})
	}
	t.Run("help when no fullDescription", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"S","rules":[{"id":"R","help":{"text":"Help"}}]}`, `[{"ruleId":"R"}]`, ""))
		assert.Equal(t, "Help", f.Description)
		assert.Equal(t, "R", f.Title)
	})
}

func TestSeverity(t *testing.T) {
	rule := func(props string) string {
		return `{"name":"S","rules":[{"id":"R","defaultConfiguration":{"level":"error"}` + props + `}]}`
	}
	tests := []struct {
		name, driver, result string
		want                 findings.Severity
		source               string
	}{
		{"result level", rule(""), `{"ruleId":"R","level":"note"}`, findings.SeverityLow, "sarif:level"},
		{"defaultConfiguration.level", rule(""), `{"ruleId":"R"}`, findings.SeverityHigh, "sarif:defaultConfiguration.level"},
		{"SARIF default level", `{"name":"S"}`, `{"ruleId":"R"}`, findings.SeverityMedium, "sarif:default-level"},
		{"level none", `{"name":"S"}`, `{"level":"none"}`, findings.SeverityInfo, "sarif:level"},
		{"rule security-severity string", rule(`,"properties":{"security-severity":"9.8"}`), `{"ruleId":"R","level":"note"}`, findings.SeverityCritical, "sarif:security-severity"},
		{"rule security-severity number", rule(`,"properties":{"security-severity":7.5}`), `{"ruleId":"R"}`, findings.SeverityHigh, "sarif:security-severity"},
		{"result security-severity wins", rule(`,"properties":{"security-severity":"9.8"}`), `{"ruleId":"R","properties":{"security-severity":"2.0"}}`, findings.SeverityLow, "sarif:security-severity"},
		{"unusable security-severity is ignored", rule(`,"properties":{"security-severity":"high"}`), `{"ruleId":"R"}`, findings.SeverityHigh, "sarif:defaultConfiguration.level"},
		{"out of range security-severity is ignored", rule(`,"properties":{"security-severity":11}`), `{"ruleId":"R","level":"warning"}`, findings.SeverityMedium, "sarif:level"},
		{"kind pass defaults to none", rule(`,"properties":{"security-severity":"9.8"}`), `{"ruleId":"R","kind":"pass"}`, findings.SeverityInfo, "sarif:default-level"},
		{"kind notApplicable with a level", rule(""), `{"ruleId":"R","kind":"notApplicable","level":"note"}`, findings.SeverityLow, "sarif:level"},
		{"kind informational", rule(""), `{"ruleId":"R","kind":"informational"}`, findings.SeverityInfo, "sarif:default-level"},
		{"kind fail behaves as absent", rule(""), `{"ruleId":"R","kind":"fail"}`, findings.SeverityHigh, "sarif:defaultConfiguration.level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := decodeOne(t, sarifLog(tt.driver, "["+tt.result+"]", ""))
			assert.Equal(t, tt.want, f.Severity)
			assert.Equal(t, tt.source, f.SeveritySource)
		})
	}
	t.Run("non-fail kinds are emitted and recorded", func(t *testing.T) {
		fs, err := decodeAll(t, "k", []byte(sarifLog(`{"name":"S"}`, `[{"kind":"pass"},{"kind":"notApplicable"},{"kind":"informational"},{"kind":"fail"}]`, "")), true, findings.Limits{})
		require.NoError(t, err)
		require.Len(t, fs, 4)
		assert.Equal(t, "pass", fs[0].Properties["sarif.kind"])
		assert.Equal(t, "informational", fs[2].Properties["sarif.kind"])
		assert.Nil(t, fs[3].Properties)
	})
}

func TestCWEs(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"rule tags", sarifLog(`{"name":"S","rules":[{"id":"R","properties":{"tags":["security","external/cwe/cwe-079","CWE-89","cwe:22","2"]}}]}`, `[{"ruleId":"R"}]`, ""),
			[]string{"CWE-22", "CWE-79", "CWE-89"}},
		{"rule property cwe string", sarifLog(`{"name":"S","rules":[{"id":"R","properties":{"cwe":"CWE-798: Use of Hard-coded Credentials"}}]}`, `[{"ruleId":"R"}]`, ""),
			[]string{"CWE-798"}},
		{"rule property cwe array and number", sarifLog(`{"name":"S","rules":[{"id":"R","properties":{"CWE":["CWE-79", 352]}}]}`, `[{"ruleId":"R"}]`, ""),
			[]string{"CWE-79", "CWE-352"}},
		{"result property cwes objects", sarifLog(`{"name":"S"}`, `[{"properties":{"cwes":[{"cweId":"80","name":"x"},{"cweId":79}]}}]`, ""),
			[]string{"CWE-79", "CWE-80"}},
		{"relationship by taxon id", sarifLog(`{"name":"S","rules":[{"id":"R","relationships":[{"target":{"id":"327","toolComponent":{"name":"CWE"}},"kinds":["superset"]}]}]}`, `[{"ruleId":"R"}]`, ""),
			[]string{"CWE-327"}},
		{"relationship by taxon index through run.taxonomies", sarifLog(`{"name":"S","rules":[{"id":"R","relationships":[{"target":{"index":1,"toolComponent":{"guid":"11111111-2222-3333-4444-555555555555"}}}]}]}`,
			`[{"ruleId":"R"}]`, `,"taxonomies":[{"name":"CWE","guid":"11111111-2222-3333-4444-555555555555","taxa":[{"id":"20"},{"id":"787"}]}]`),
			[]string{"CWE-787"}},
		{"relationship to another taxonomy is not a CWE", sarifLog(`{"name":"S","rules":[{"id":"R","relationships":[{"target":{"id":"CAT005","toolComponent":{"name":"Categories"}}}]}]}`, `[{"ruleId":"R"}]`, ""),
			nil},
		{"result taxa", sarifLog(`{"name":"S"}`, `[{"taxa":[{"id":"CWE-416","toolComponent":{"name":"CWE"}}]}]`, ""),
			[]string{"CWE-416"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeOne(t, tt.doc).CWEs)
		})
	}
}

func TestLocations(t *testing.T) {
	more := `,"originalUriBaseIds":{"SRC":{"uri":"src/","uriBaseId":"ROOT"},"ROOT":{"uri":"file:///repo/"},"LOOP":{"uri":"x/","uriBaseId":"LOOP"}},
		"logicalLocations":[{"name":"ns"},{"name":"DoWork","fullyQualifiedName":"ns.Worker.DoWork"}],
		"artifacts":[{"location":{"uri":"lib/a.c","uriBaseId":"ROOT"},"contents":{"text":"int main(){}"}}]`
	doc := sarifLog(`{"name":"S"}`, `[{"message":{"text":"m"},
		"locations":[{"physicalLocation":{"artifactLocation":{"uri":"main.go","uriBaseId":"SRC"},
			"region":{"startLine":3,"startColumn":2,"endLine":4,"endColumn":9,"snippet":{"text":"  x := 1\n"}},
			"contextRegion":{"startLine":1,"snippet":{"text":"ctx"}}},
			"logicalLocations":[{"index":1}]},
			{"physicalLocation":{"artifactLocation":{"index":0}}}],
		"relatedLocations":[{"physicalLocation":{"artifactLocation":{"uri":"https://example.com/x.js","uriBaseId":"SRC"},"region":{"byteOffset":10}}},
			{"physicalLocation":{"artifactLocation":{"uri":"y.go","uriBaseId":"UNDEFINED"},"contextRegion":{"snippet":{"text":"ctx only"}}}},
			{"physicalLocation":{"artifactLocation":{"uri":"z.go","uriBaseId":"LOOP"}}},
			{"message":{"text":"no location at all"}}],
		"webRequest":{"target":"https://app.example/login","method":"POST"}}]`, more)
	f := decodeOne(t, doc)
	assert.Equal(t, findings.Location{
		Path: "file:///repo/src/main.go", URIBaseID: "SRC",
		Region:          &findings.Region{StartLine: 3, StartColumn: 2, EndLine: 4, EndColumn: 9},
		SnippetHash:     findings.HashSnippet("x := 1"),
		LogicalLocation: "ns.Worker.DoWork",
		URL:             "https://app.example/login", Method: "POST",
	}, f.Location)
	assert.Equal(t, []findings.Location{
		{Path: "file:///repo/lib/a.c", URIBaseID: "ROOT"},
		{Path: "https://example.com/x.js", URIBaseID: "SRC"},
		{Path: "y.go", URIBaseID: "UNDEFINED", SnippetHash: findings.HashSnippet("ctx only")},
		{Path: "z.go", URIBaseID: "LOOP"},
	}, f.RelatedLocations)

	t.Run("no locations and no ruleId", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"S"}`, `[{"message":{"text":"bare"}}]`, ""))
		assert.True(t, f.Location.IsZero())
		assert.Empty(t, f.RuleID)
		assert.Equal(t, "bare", f.Title)
	})
	t.Run("analysisTarget when there are no locations", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"S"}`, `[{"analysisTarget":{"uri":"bin/app.exe"}}]`, ""))
		assert.Equal(t, "bin/app.exe", f.Location.Path)
	})
	t.Run("logical location name", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"S"}`, `[{"locations":[{"logicalLocations":[{"index":0}]}]}]`, `,"logicalLocations":[{"name":"ns"}]`))
		assert.Equal(t, "ns", f.Location.LogicalLocation)
	})
}

func TestFingerprintsSuppressionsBaseline(t *testing.T) {
	f := decodeOne(t, sarifLog(`{"name":"S"}`, `[{
		"partialFingerprints":{"primaryLocationLineHash":"abc:1","shared":"partial"},
		"fingerprints":{"shared":"full","nested":{"value":"v"}},
		"suppressions":[{"kind":"inSource","justification":"false positive"},{"kind":"external","status":"underReview"},{"kind":"external","status":"rejected"}],
		"baselineState":"unchanged"}]`, ""))
	assert.Equal(t, map[string]string{"primaryLocationLineHash": "abc:1", "shared": "full", "partial:shared": "partial", "nested": "v"}, f.Fingerprints)
	assert.Equal(t, []findings.Suppression{
		{Kind: "in_source", Justification: "false positive"},
		{Kind: "external", Status: "under_review"},
		{Kind: "external", Status: "rejected"},
	}, f.Suppressions)
	assert.True(t, f.Suppressed())
	assert.Equal(t, "unchanged", f.BaselineState)
}

func TestKinds(t *testing.T) {
	tests := []struct {
		driver string
		want   findings.Kind
	}{
		{`{"name":"gitleaks"}`, findings.KindSecret},
		{`{"name":"Checkov"}`, findings.KindIaC},
		{`{"name":"KICS"}`, findings.KindIaC},
		{`{"name":"tfsec"}`, findings.KindIaC},
		{`{"name":"Terrascan"}`, findings.KindIaC},
		{`{"name":"dependency-check"}`, findings.KindSCA},
		{`{"name":"Snyk Open Source"}`, findings.KindSCA},
		{`{"name":"osv-scanner"}`, findings.KindSCA},
		{`{"name":"govulncheck"}`, findings.KindSCA},
		{`{"name":"Snyk Container"}`, findings.KindContainer},
		{`{"name":"OWASP ZAP"}`, findings.KindDAST},
		{`{"name":"CodeQL"}`, findings.KindSAST},
		{`{"name":"Unknown","rules":[{"id":"CVE-2021-44228"},{"id":"GHSA-jfh8-c2jp-5v3q"}]}`, findings.KindSCA},
		{`{"name":"Trivy","rules":[{"id":"R","name":"OsPackageVulnerability"}]}`, findings.KindContainer},
		{`{"name":"Trivy","rules":[{"id":"R","name":"LanguageSpecificPackageVulnerability"}]}`, findings.KindSCA},
		{`{"name":"Trivy","rules":[{"id":"R","name":"Misconfiguration"}]}`, findings.KindIaC},
		{`{"name":"Trivy","rules":[{"id":"R","name":"Secret"}]}`, findings.KindSecret},
		{`{"name":"Grype","rules":[{"id":"R","name":"ApkMatcherExactDirectMatch"}]}`, findings.KindContainer},
		{`{"name":"Grype","rules":[{"id":"R","name":"JavaMatcherCpeMatch"}]}`, findings.KindSCA},
		{`{"name":"Grype","rules":[{"id":"R","properties":{"purls":["pkg:rpm/redhat/openssl@1.1"]}}]}`, findings.KindContainer},
	}
	for _, tt := range tests {
		t.Run(tt.driver, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeOne(t, sarifLog(tt.driver, `[{"ruleId":"R"}]`, "")).Kind)
		})
	}
}

func TestVulnerabilityIDsAndPackages(t *testing.T) {
	t.Run("CVE in an SCA ruleId", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"Grype","rules":[{"id":"CVE-2021-44228-log4j-core","properties":{"purls":["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"]}}]}`,
			`[{"ruleId":"CVE-2021-44228-log4j-core","properties":{"aliases":["GHSA-jfh8-c2jp-5v3q"]}}]`, ""))
		assert.Equal(t, []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}, f.VulnerabilityIDs)
		require.NotNil(t, f.Package)
		assert.Equal(t, findings.Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Ecosystem: "maven",
			PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}, *f.Package)
	})
	t.Run("GO id", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"govulncheck"}`, `[{"ruleId":"GO-2023-1234"}]`, ""))
		assert.Equal(t, []string{"GO-2023-1234"}, f.VulnerabilityIDs)
		assert.Nil(t, f.Package, "nothing in the log names the package")
	})
	t.Run("SAST rules have no package", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"CodeQL"}`, `[{"ruleId":"R","properties":{"purl":"pkg:npm/x@1"}}]`, ""))
		assert.Nil(t, f.Package)
	})
	t.Run("Trivy message lines", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"Trivy","rules":[{"id":"CVE-2023-0001","name":"LanguageSpecificPackageVulnerability"}]}`,
			`[{"ruleId":"CVE-2023-0001","message":{"text":"Package: lodash\nInstalled Version: 4.17.20\nVulnerability CVE-2023-0001\nFixed Version: 4.17.21, 5.0.0\n"}}]`, ""))
		require.NotNil(t, f.Package)
		assert.Equal(t, findings.Package{Name: "lodash", Version: "4.17.20", FixedVersions: []string{"4.17.21", "5.0.0"}}, *f.Package)
	})
}

func TestSecrets(t *testing.T) {
	const secret = "AKIAIOSFODNN7EXAMPLE"
	t.Run("gitleaks 8 snippet", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"gitleaks"}`,
			`[{"ruleId":"aws","message":{"text":"found `+secret+`"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.env"},"region":{"startLine":1,"snippet":{"text":"`+secret+`"}}}}]}]`, ""))
		assert.Equal(t, findings.HashSecret(secret), f.SecretHash)
		assert.Empty(t, f.Location.SnippetHash)
		assert.NotContains(t, f.Title, secret)
	})
	t.Run("gitleaks 7 offender", func(t *testing.T) {
		f := decodeOne(t, sarifLog(`{"name":"Gitleaks"}`, `[{"message":{"text":"AWS"},"properties":{"offender":"`+secret+`","line":"key = `+secret+`","commit":"abc"}}]`, ""))
		assert.Equal(t, findings.HashSecret(secret), f.SecretHash)
		assert.Equal(t, map[string]any{"commit": "abc"}, f.Properties)
	})
}

func TestProperties(t *testing.T) {
	long := strings.Repeat("x", maxPropertyBytes+1)
	f := decodeOne(t, sarifLog(`{"name":"S"}`, `[{"properties":{"confidence":"HIGH","n":3,"b":true,"empty":"","long":"`+long+`","obj":{"a":1},"tags":["a","b"],"security-severity":"5.0"}}]`, ""))
	assert.Equal(t, map[string]any{"confidence": "HIGH", "n": 3.0, "b": true, "tags": []any{"a", "b"}}, f.Properties)
	assert.Equal(t, "high", f.Confidence)
}

// TestResultsBeforeTool checks both ways of handling results that precede
// their run's tool: read twice from a seekable input, buffered from a
// plain one. Both must resolve the rules and give the same findings.
func TestResultsBeforeTool(t *testing.T) {
	doc := `{"version":"2.1.0","runs":[
		{"results":[{"ruleId":"R1","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","uriBaseId":"SRC"}}}]},{"ruleIndex":0}],
		 "tool":{"driver":{"name":"Semgrep","rules":[{"id":"R0","shortDescription":{"text":"zero"},"properties":{"tags":["CWE-1"]}},{"id":"R1","shortDescription":{"text":"one"}}]}},
		 "originalUriBaseIds":{"SRC":{"uri":"file:///src/"}}},
		{"tool":{"driver":{"name":"Second"}},"results":[{"message":{"text":"after"}}]},
		{"results":null,"tool":{"driver":{"name":"Third"}}}]}`
	var results [2][]findings.Finding
	for i, seek := range []bool{true, false} {
		fs, err := decodeAll(t, "b.sarif", []byte(doc), seek, findings.Limits{})
		require.NoError(t, err)
		require.Len(t, fs, 3)
		assert.Equal(t, "one", fs[0].Title)
		assert.Equal(t, "file:///src/a.go", fs[0].Location.Path)
		assert.Equal(t, "zero", fs[1].Title)
		assert.Equal(t, []string{"CWE-1"}, fs[1].CWEs)
		assert.Equal(t, "Semgrep", fs[1].Tool.Name)
		assert.Equal(t, "Second", fs[2].Tool.Name)
		assert.Equal(t, 2, fs[2].Source.Record)
		results[i] = fs
	}
	assert.Equal(t, results[0], results[1])

	t.Run("buffer bounded by MaxDocumentBytes", func(t *testing.T) {
		// The buffered results are {"ruleId":"R1",...} and {"ruleIndex":0}.
		first := `{"ruleId":"R1","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","uriBaseId":"SRC"}}}]}`
		n := int64(len(first) + len(`{"ruleIndex":0}`))
		_, err := decodeAll(t, "b.sarif", []byte(doc), false, findings.Limits{MaxDocumentBytes: n})
		require.NoError(t, err, "at the limit")
		_, err = decodeAll(t, "b.sarif", []byte(doc), false, findings.Limits{MaxDocumentBytes: n - 1})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "MaxDocumentBytes", le.Limit)
		assert.Equal(t, n-1, le.Max)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "runs[0].results[1]", de.Path)
		// A seekable input reads the results again instead: no limit.
		_, err = decodeAll(t, "b.sarif", []byte(doc), true, findings.Limits{MaxDocumentBytes: 1})
		assert.NoError(t, err)
	})
	t.Run("type error in deferred results is located", func(t *testing.T) {
		bad := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"R"},{"level":5}],"tool":{"driver":{"name":"S"}}}]}`
		want := int64(strings.Index(bad, `5}`)) + 1 // just after the value of the wrong type
		for _, seek := range []bool{true, false} {
			_, err := decodeAll(t, "b.sarif", []byte(bad), seek, findings.Limits{})
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, findings.ErrInvalid)
			assert.Equal(t, want, de.Offset)
			assert.Equal(t, "runs[0].results[1].level", de.Path)
		}
	})
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	doc := sarifLog(`{"name":"S"}`, `[{},{},{}]`, "")
	for _, seek := range []bool{true, false} {
		n := 0
		var r = onlyReader{strings.NewReader(doc)}
		var err error
		if seek {
			err = Decode(strings.NewReader(doc), findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error { n++; return stop }})
		} else {
			err = Decode(r, findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error { n++; return stop }})
		}
		assert.Same(t, stop, err, "handler errors are returned unchanged")
		assert.Equal(t, 1, n)
	}
	// The same through a deferred run.
	deferred := `{"version":"2.1.0","runs":[{"results":[{},{}],"tool":{"driver":{"name":"S"}}}]}`
	err := Decode(strings.NewReader(deferred), findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error { return stop }})
	assert.Same(t, stop, err)
	err = Decode(onlyReader{strings.NewReader(deferred)}, findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error { return stop }})
	assert.Same(t, stop, err)
}

// TestDecodeResumesAfterSeek checks that a seekable reader that did not
// start at offset 0 is handled, and that the rest of the document is read
// after the deferred results.
func TestDecodeResumesAfterSeek(t *testing.T) {
	doc := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"A"}],"tool":{"driver":{"name":"S"}}},{"tool":{"driver":{"name":"T"}},"results":[{"ruleId":"B"}]}]}`
	r := strings.NewReader("garbage" + doc)
	_, err := r.Seek(7, 0)
	require.NoError(t, err)
	fs, _, err := findings.Collect(func(h findings.Handler) error { return Decode(r, findings.DecodeOptions{}, h) })
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "A", fs[0].RuleID)
	assert.Equal(t, "B", fs[1].RuleID)
	assert.Equal(t, "T", fs[1].Tool.Name)
}
