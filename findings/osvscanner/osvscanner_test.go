package osvscanner_test

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
	"github.com/aspmkit/aspm/findings/osvscanner"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t *testing.T, input string, opts findings.DecodeOptions) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return osvscanner.Decode(strings.NewReader(input), opts, h)
	})
	assert.Empty(t, vs, "OSV-Scanner output has no VEX statements")
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
		"osv-scanner/osv-scanner/test-vuln-results-a.json",
		"osv-scanner/osv-scanner/multiple-packages-with-vulns.json",
		"osv-scanner/osv-scanner/some_findings.json",
	} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			data := testcorpus.Read(t, rel)
			fs, vs, err := findings.Collect(func(h findings.Handler) error {
				return osvscanner.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: rel}, h)
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
// that count_osv-scanner.sh computes from the raw files.
func TestCorpus(t *testing.T) {
	for _, tc := range []struct {
		rel   string
		count int
		err   error
	}{
		{"osv-scanner/osv-scanner/many_findings.json", 66, nil},
		{"osv-scanner/osv-scanner/multiple-packages-with-vulns.json", 6, nil},
		{"osv-scanner/osv-scanner/no_findings_zero_bytes.json", 0, findings.ErrSyntax},
		{"osv-scanner/osv-scanner/one-package-commit.json", 0, nil},
		{"osv-scanner/osv-scanner/results-empty.json", 0, nil},
		{"osv-scanner/osv-scanner/results-some.json", 1, nil},
		{"osv-scanner/osv-scanner/some_findings.json", 1, nil},
		{"osv-scanner/osv-scanner/test-vuln-results-a.json", 3, nil},
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
				assert.True(t, f.Severity.Valid())
				assert.Equal(t, findings.KindSCA, f.Kind)
				assert.NotEmpty(t, f.ID)
				assert.Equal(t, tc.rel, f.Source.File)
			}
		})
	}
}

// TestCommitPackage checks a git source: the package is only a commit.
func TestCommitPackage(t *testing.T) {
	data := testcorpus.Read(t, "osv-scanner/osv-scanner/many_findings.json")
	fs, err := decode(t, string(data), findings.DecodeOptions{})
	require.NoError(t, err)
	var commit []findings.Finding
	for _, f := range fs {
		if f.Properties["commit"] != nil {
			commit = append(commit, f)
		}
	}
	require.Len(t, commit, 1)
	f := commit[0]
	assert.Equal(t, "CVE-2023-50094", f.RuleID)
	assert.Equal(t, "CVE-2023-50094", f.Title, "no summary: the title is the id")
	assert.Equal(t, &findings.Package{Version: "f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6"}, f.Package)
	assert.Equal(t, "/tmprengine/", f.Location.Path)
	assert.Equal(t, "git", f.Properties["source_type"])
	assert.Equal(t, findings.SeverityUnknown, f.Severity, "a CVSS vector alone gives no severity")
	require.Len(t, f.CVSS, 1)
	assert.Equal(t, findings.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", Source: "cve"}, f.CVSS[0])
}

const tmpl = `{"results":[{"source":{"path":"/src/lock","type":"lockfile"},"packages":[{
  "package":{"name":"NAME","version":"1.2.3","ecosystem":"ECO"},
  "vulnerabilities":[{"id":"GHSA-xxxx-yyyy-zzzz","modified":"2024-01-02T03:04:05Z","summary":"Bad thing",
    "aliases":["CVE-2024-0001"],
    "affected":[{"package":{"ecosystem":"ECO","name":"NAME"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4"}]},{"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"0"},{"fixed":"abc123"}]}]},
                {"package":{"ecosystem":"ECO","name":"other"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"9.9.9"}]}]}]}],
  "groups":[{"ids":["GHSA-xxxx-yyyy-zzzz"],"aliases":["GHSA-xxxx-yyyy-zzzz","CVE-2024-0001","PYSEC-2024-1"]}]}]}]}`

func TestPackageURL(t *testing.T) {
	for _, tc := range []struct {
		eco, name, purl string
		kind            findings.Kind
	}{
		{"npm", "@Scope/pkg", "pkg:npm/%40Scope/pkg@1.2.3", findings.KindSCA},
		{"npm", "lodash", "pkg:npm/lodash@1.2.3", findings.KindSCA},
		{"PyPI", "Django_Rest", "pkg:pypi/django-rest@1.2.3", findings.KindSCA},
		{"Go", "github.com/BurntSushi/toml", "pkg:golang/github.com/BurntSushi/toml@1.2.3", findings.KindSCA},
		{"Maven", "org.apache.logging.log4j:log4j-core", "pkg:maven/org.apache.logging.log4j/log4j-core@1.2.3", findings.KindSCA},
		{"Maven", "no-colon", "", findings.KindSCA},
		{"crates.io", "regex", "pkg:cargo/regex@1.2.3", findings.KindSCA},
		{"RubyGems", "rails", "pkg:gem/rails@1.2.3", findings.KindSCA},
		{"NuGet", "Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json@1.2.3", findings.KindSCA},
		{"Packagist", "guzzlehttp/guzzle", "pkg:composer/guzzlehttp/guzzle@1.2.3", findings.KindSCA},
		{"Debian:11", "openssl", "pkg:deb/debian/openssl@1.2.3", findings.KindContainer},
		{"Ubuntu:22.04:LTS", "openssl", "pkg:deb/ubuntu/openssl@1.2.3", findings.KindContainer},
		{"Alpine:v3.18", "busybox", "pkg:apk/alpine/busybox@1.2.3", findings.KindContainer},
		{"Rocky Linux:9", "glibc", "", findings.KindContainer},
		{"Hex", "plug", "", findings.KindSCA},
	} {
		t.Run(tc.eco+"/"+tc.name, func(t *testing.T) {
			doc := strings.NewReplacer("NAME", tc.name, "ECO", tc.eco).Replace(tmpl)
			fs := mustDecode(t, doc)
			require.Len(t, fs, 1)
			assert.Equal(t, tc.purl, fs[0].Package.PURL)
			assert.Equal(t, tc.kind, fs[0].Kind)
			assert.Equal(t, tc.name, fs[0].Package.Name)
			assert.Equal(t, tc.eco, fs[0].Package.Ecosystem)
		})
	}
}

func TestMapping(t *testing.T) {
	doc := strings.NewReplacer("NAME", "Jinja2", "ECO", "PyPI").Replace(tmpl)
	fs := mustDecode(t, doc)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, "GHSA-xxxx-yyyy-zzzz", f.RuleID)
	assert.Equal(t, "Bad thing", f.Title)
	assert.Equal(t, []string{"GHSA-xxxx-yyyy-zzzz", "CVE-2024-0001", "PYSEC-2024-1"}, f.VulnerabilityIDs,
		"the group's ids and aliases are added after the record's own")
	assert.Equal(t, []string{"1.2.4"}, f.Package.FixedVersions,
		"fixed events of this package only, without GIT commits")
	assert.Equal(t, "/src/lock", f.Location.Path)
	assert.Equal(t, "2024-01-02T03:04:05Z", f.Modified)
	assert.Empty(t, f.Published)
	assert.Empty(t, f.Reachability)
	assert.Equal(t, findings.SeverityUnknown, f.Severity)
	assert.Empty(t, f.SeveritySource)
}

func TestSeverityPrecedence(t *testing.T) {
	vuln := func(extra string) string {
		return `{"results":[{"source":{"path":"p","type":"lockfile"},"packages":[{"package":{"name":"a","version":"1","ecosystem":"npm"},
"vulnerabilities":[{"id":"GHSA-1"` + extra + `}],
"groups":[{"ids":["GHSA-1"],"aliases":["GHSA-1"],"max_severity":"MAX"}]}]}]}`
	}
	for _, tc := range []struct {
		name, extra, max string
		want             findings.Severity
		source           string
	}{
		{"database word wins", `,"database_specific":{"severity":"MODERATE"},"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]`, "9.8", findings.SeverityMedium, "osv:database_specific.severity"},
		{"max_severity next", `,"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]`, "9.8", findings.SeverityCritical, "osv-scanner:max_severity"},
		{"ubuntu priority", `,"severity":[{"type":"Ubuntu","score":"low"}]`, "7.5", findings.SeverityLow, "osv:severity.Ubuntu"},
		{"vector alone", `,"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]`, "", findings.SeverityUnknown, ""},
		{"unparsable max", ``, "high-ish", findings.SeverityUnknown, ""},
		{"unknown word falls through", `,"database_specific":{"severity":"UNKNOWN"}`, "5.0", findings.SeverityMedium, "osv-scanner:max_severity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := mustDecode(t, strings.Replace(vuln(tc.extra), "MAX", tc.max, 1))
			require.Len(t, fs, 1)
			assert.Equal(t, tc.want, fs[0].Severity)
			assert.Equal(t, tc.source, fs[0].SeveritySource)
			if tc.max != "" {
				assert.Equal(t, tc.max, fs[0].Properties["max_severity"])
			}
		})
	}
}

func TestCVSSVersions(t *testing.T) {
	fs := mustDecode(t, `{"results":[{"source":{"path":"p"},"packages":[{"package":{"name":"a","version":"1","ecosystem":"npm"},
"vulnerabilities":[{"id":"GHSA-1","severity":[
 {"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"},
 {"type":"CVSS_V3","score":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
 {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
 "affected":[{"package":{"ecosystem":"npm","name":"a"},"severity":[{"type":"CVSS_V3","score":"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}]}]}]}]}`)
	require.Len(t, fs, 1)
	require.Len(t, fs[0].CVSS, 3, "the affected entry's identical vector is not repeated")
	assert.Equal(t, "2.0", fs[0].CVSS[0].Version)
	assert.Equal(t, "3.0", fs[0].CVSS[1].Version)
	assert.Equal(t, "4.0", fs[0].CVSS[2].Version)
	for _, c := range fs[0].CVSS {
		assert.Nil(t, c.Score)
		assert.Equal(t, "ghsa", c.Source)
	}
}

func TestReachabilityAndLicenses(t *testing.T) {
	fs := mustDecode(t, `{"results":[{"source":{"path":"go.mod","type":"lockfile"},"packages":[
{"package":{"name":"golang.org/x/net","version":"0.1.0","ecosystem":"Go"},"dependency_groups":["dev"],
 "vulnerabilities":[{"id":"GO-1"},{"id":"GO-2"}],
 "groups":[{"ids":["GO-1"],"experimentalAnalysis":{"GO-1":{"called":true}}},{"ids":["GO-2"],"experimentalAnalysis":{"GO-2":{"called":false,"unimportant":true}}}],
 "licenses":["GPL-3.0"],"license_violations":["GPL-3.0"]}]}]}`)
	require.Len(t, fs, 3)
	assert.Equal(t, findings.Reachable, fs[0].Reachability)
	assert.Equal(t, findings.Unreachable, fs[1].Reachability)
	assert.Equal(t, true, fs[1].Properties["unimportant"])
	assert.Equal(t, findings.ScopeDev, fs[0].Package.Scope)
	lic := fs[2]
	assert.Equal(t, findings.KindLicense, lic.Kind)
	assert.Equal(t, "license-violation", lic.RuleID)
	assert.Equal(t, []string{"GPL-3.0"}, lic.Package.Licenses)
	assert.Equal(t, []string{"GPL-3.0"}, lic.Properties["license_violations"])
	assert.Equal(t, 2, lic.Source.Record)
}

func TestImageSourceAndOrder(t *testing.T) {
	// Packages before their source are held until the source is read.
	fs := mustDecode(t, `{"experimental_config":{},"results":[{"packages":[
{"package":{"name":"zlib","version":"1.2","ecosystem":"Alpine:v3.16","imageOrigin":{"layerID":"sha256:abc","originCommand":"RUN apk add zlib","inBaseImage":true}},
 "vulnerabilities":[{"id":"CVE-1"}]}],"source":{"path":"alpine:3.16","type":"docker"}}]}`)
	require.Len(t, fs, 1)
	assert.Equal(t, findings.Location{Image: "alpine:3.16", Layer: "sha256:abc"}, fs[0].Location)
	assert.Equal(t, findings.KindContainer, fs[0].Kind)
	assert.Equal(t, true, fs[0].Properties["in_base_image"])
}

func TestEmpty(t *testing.T) {
	for _, doc := range []string{`{"results":[]}`, `{"results":null}`, "\xEF\xBB\xBF{\"results\":[]}\n",
		`{"results":[{"source":{"path":"x"},"packages":null}]}`} {
		fs, err := decode(t, doc, findings.DecodeOptions{})
		require.NoError(t, err, doc)
		assert.Empty(t, fs)
	}
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	err := osvscanner.Decode(strings.NewReader(strings.NewReplacer("NAME", "a", "ECO", "npm").Replace(tmpl)),
		findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error { return stop }})
	assert.True(t, err == stop, "the handler's error is returned unchanged, got %v", err)
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      error
		offset    int64 // -2: do not check
		path      string
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, ""},
		{"bom only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"whitespace", " \n", findings.ErrSyntax, 2, ""},
		{"null", "null", findings.ErrInvalid, -2, ""},
		{"array", "[]", findings.ErrInvalid, -2, ""},
		{"huge number", "1E1000", findings.ErrInvalid, -2, ""},
		{"huge number in record", `{"results":[{"packages":[{"package":{"name":"a"},"vulnerabilities":[{"id":"X","database_specific":{"n":1E1000}}]}]}]}`, nil, -2, ""},
		{"no results", `{"experimental_config":{}}`, findings.ErrInvalid, -2, ""},
		{"results object", `{"results":{}}`, findings.ErrInvalid, -2, "results"},
		{"result not object", `{"results":[1]}`, findings.ErrInvalid, -2, "results[0]"},
		{"packages not array", `{"results":[{"packages":{}}]}`, findings.ErrInvalid, -2, "results[0].packages"},
		{"name wrong type", `{"results":[{"source":{"path":"x"},"packages":[{"package":{"name":1}}]}]}`, findings.ErrInvalid, 67, "results[0].packages[0].package.name"},
		{"later record wrong type", `{"results":[{"source":{"path":"x"},"packages":[{"package":{"name":"a"}}, {"package":{"name":"b","version":2}}]}]}`, findings.ErrInvalid, 107, "results[0].packages[1].package.version"},
		{"source wrong type", `{"results":[{"source": {"path":true}}]}`, findings.ErrInvalid, 35, "results[0].source.path"},
		{"score wrong type", `{"results":[{"packages":[{"package":{"name":"a"},"vulnerabilities":[{"id":"X","severity":[{"type":"CVSS_V3","score":7.5}]}]}]}]}`, findings.ErrInvalid, -2, ""},
		{"vuln without id", `{"results":[{"packages":[{"package":{"name":"a"},"vulnerabilities":[{"summary":"s"}]}]}]}`, findings.ErrInvalid, -2, "results[0].packages[0].vulnerabilities[0]"},
		{"truncated", `{"results":[{"source":`, findings.ErrSyntax, 22, ""},
		{"invalid", `{"results":[{"source":}]}`, findings.ErrSyntax, 22, ""},
		{"invalid after bom", "\xEF\xBB\xBF" + `{"results":[{"source":}]}`, findings.ErrSyntax, 25, ""},
		{"invalid structure", `{"results":[}`, findings.ErrSyntax, 12, ""},
		{"trailing comma", `{"results":[],}`, findings.ErrSyntax, 14, ""},
		{"invalid in record", `{"results":[{"source":{"path":"x"},"packages":[{"package":{"name":"a",}}]}]}`, findings.ErrSyntax, 70, ""},
		{"trailing data", `{"results":[]} {}`, findings.ErrSyntax, -2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.doc, findings.DecodeOptions{Name: "in.json"})
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "in.json", de.File)
			assert.Equal(t, osvscanner.Format, de.Format)
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
	const n = 10
	nested := func(depth int) string {
		// The outer object is level 1; the skipped member adds depth-1.
		return `{"results":[],"x":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
	}
	lim := findings.DecodeOptions{Limits: findings.Limits{MaxDepth: n, MaxStringBytes: 64}}
	_, err := decode(t, nested(n), lim)
	require.NoError(t, err, "depth N passes")
	_, err = decode(t, nested(n+1), lim)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.ErrorIs(t, err, findings.ErrLimit)

	// Depth inside a record that is decoded, not skipped.
	deep := `{"results":[{"packages":[{"package":{"name":"a"},"vulnerabilities":[{"id":"X","database_specific":` +
		strings.Repeat(`{"a":`, 10) + `1` + strings.Repeat(`}`, 10) + `}]}]}]}`
	_, err = decode(t, deep, lim)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDepth", le.Limit)

	prefix := `{"results":[],"x":"`
	_, err = decode(t, prefix+strings.Repeat("a", 64)+`"}`, lim)
	require.NoError(t, err, "a string of MaxStringBytes passes")
	_, err = decode(t, prefix+strings.Repeat("a", 65)+`"}`, lim)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(len(prefix)+64), de.Offset, "the first byte beyond the limit")
}

// TestHeldPackagesLimit checks that packages read before their source are
// bounded by MaxDocumentBytes.
func TestHeldPackagesLimit(t *testing.T) {
	pkg := `{"package":{"name":"a","version":"1","ecosystem":"npm"},"vulnerabilities":[{"id":"X"}]}`
	doc := `{"results":[{"packages":[` + pkg + `,` + pkg + `,` + pkg + `],"source":{"path":"p"}}]}`
	fs, err := decode(t, doc, findings.DecodeOptions{})
	require.NoError(t, err)
	assert.Len(t, fs, 3)
	_, err = decode(t, doc, findings.DecodeOptions{Limits: findings.Limits{MaxDocumentBytes: int64(len(pkg))}})
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDocumentBytes", le.Limit)
}
