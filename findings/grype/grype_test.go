package grype_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/grype"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// onlyReader hides the Seek method of a reader, to test the path that
// cannot read the input twice.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func decodeReader(t testing.TB, name string, r io.Reader, l findings.Limits) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return grype.Decode(r, findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, vs, "Grype documents have no VEX statements")
	return fs, err
}

func decode(t testing.TB, data string) ([]findings.Finding, error) {
	t.Helper()
	return decodeReader(t, "test.json", strings.NewReader(data), findings.Limits{})
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"grype/grype/check_all_fields.json",            // image, deb and python, fix states, related vulnerabilities
		"grype/grype/many_vulns_with_epss_values.json", // EPSS, risk, binary classifier, CVSS sources
		"grype/grype/anchore_grype_epss_problem.json",  // matches only: no source, no descriptor
		"grype/grype/many_vulns4.json",                 // directory source, npm
		"grype/grype/grype_presenter_image.json",       // Grype's own golden, "[not provided]" version
		"grype/grype/same_cve_different_paths.json",    // one CVE, two locations
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			fs, err := decodeReader(t, rel, bytes.NewReader(testcorpus.Read(t, rel)), findings.Limits{})
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

// TestCorpus decodes every file listed in testdata/corpus/grype.tsv and
// checks the counts, kinds and error the row states, the invariants of every
// finding, and that the two-pass and the holding paths agree.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	tsv, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "grype.tsv"))
	require.NoError(t, err)
	defer tsv.Close()
	rows := 0
	sc := bufio.NewScanner(tsv)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 6, "row %q", sc.Text())
		rows++
		rel := cols[0]
		t.Run(path.Base(rel), func(t *testing.T) {
			// The detector names empty documents ("null") format "empty".
			assert.Contains(t, []string{grype.Format, "empty"}, cols[1])
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			require.NoError(t, err)
			fs, err := decodeReader(t, rel, bytes.NewReader(data), findings.Limits{})
			if cols[5] != "-" {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			n, _ := strconv.Atoi(cols[2])
			assert.Len(t, fs, n)
			kinds := map[string]bool{}
			for _, f := range fs {
				kinds[string(f.Kind)] = true
				assert.True(t, f.Severity.Valid())
				assert.NotEmpty(t, f.ID)
				assert.NotEmpty(t, f.RuleID)
				assert.NotNil(t, f.Package)
				assert.Equal(t, "grype", f.Tool.Name)
				if f.Severity != findings.SeverityUnknown {
					assert.NotEmpty(t, f.SeveritySource)
				}
			}
			var ks []string
			for k := range kinds {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			want := cols[4]
			if want == "-" {
				want = ""
			}
			assert.Equal(t, want, strings.Join(ks, ","))

			held, err := decodeReader(t, rel, onlyReader{bytes.NewReader(data)}, findings.Limits{})
			require.NoError(t, err)
			assert.Equal(t, fs, held)
		})
	}
	require.NoError(t, sc.Err())
	assert.Positive(t, rows)
}

const small = `{
  "matches": [
    {
      "vulnerability": {
        "id": "GHSA-4374-p667-p6c8",
        "dataSource": "https://github.com/advisories/GHSA-4374-p667-p6c8",
        "namespace": "github:language:go",
        "severity": "High",
        "urls": ["https://example.org/u"],
        "cvss": [{"type": "Secondary", "version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "metrics": {"baseScore": 7.5}}],
        "epss": [{"cve": "CVE-2023-39325", "epss": 0.00163, "percentile": 0.37957, "date": "2025-07-20"}],
        "knownExploited": [{"cve": "CVE-2023-39325", "knownRansomwareCampaignUse": "Unknown", "dateAdded": "2023-10-10"}],
        "fix": {"versions": ["0.17.0"], "state": "fixed"},
        "advisories": [{"id": "RHSA-2023:1", "link": "https://access.redhat.com/errata/RHSA-2023:1"}],
        "risk": 0.12
      },
      "relatedVulnerabilities": [
        {"id": "CVE-2023-39325", "dataSource": "https://nvd.nist.gov/vuln/detail/CVE-2023-39325", "namespace": "nvd:cpe", "severity": "High",
         "description": "HTTP/2 rapid reset", "cvss": [{"source": "nvd@nist.gov", "version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "metrics": {"baseScore": 7.5}}]}
      ],
      "matchDetails": [{"type": "exact-direct-match", "matcher": "go-module-matcher", "searchedBy": {}, "found": {}}],
      "artifact": {
        "id": "a1", "name": "golang.org/x/net", "version": "v0.13.0", "type": "go-module", "language": "go",
        "locations": [{"path": "/app/bin/server", "layerID": "sha256:layer1"}, {"path": "/app/go.mod", "layerID": "sha256:layer2"}],
        "licenses": ["BSD-3-Clause", {"value": "MIT"}],
        "purl": "pkg:golang/golang.org/x/net@v0.13.0",
        "upstreams": []
      }
    },
    {
      "vulnerability": {"id": "CVE-2019-18276", "severity": "Negligible", "links": ["https://security-tracker.debian.org/tracker/CVE-2019-18276"],
                        "cvssV2": {"baseScore": 7.2, "vector": "AV:L/AC:L/Au:N/C:C/I:C/A:C"}, "fixedInVersion": "5.0-5"},
      "matchDetails": {"matcher": "dpkg-matcher", "searchKey": {}, "matchedOn": {}},
      "artifact": {"name": "bash", "version": "5.0-4", "type": "deb", "locations": [{"path": "/var/lib/dpkg/status"}],
                   "cpes": [{"Part": "a"}], "purl": "pkg:deb/debian/bash@5.0-4", "upstreams": [{"name": "bash-src", "version": "5.0"}]}
    },
    {
      "vulnerability": {"id": "CVE-2024-26308", "namespace": "nvd:cpe", "fix": {"state": "fixed", "versions": ["1.26.0"]}},
      "relatedVulnerabilities": [{"id": "GHSA-4265-ccf5-phj5", "namespace": "github:language:java", "severity": "Medium",
        "cvss": [{"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "metrics": {"baseScore": 7.5}}]}],
      "matchDetails": [],
      "artifact": {"name": "commons-compress", "version": "1.21", "type": "java-archive", "locations": [], "purl": ""}
    }
  ],
  "ignoredMatches": [
    {
      "vulnerability": {"id": "CVE-2020-1", "severity": "Unknown"},
      "artifact": {"name": "zlib", "version": "1.2", "type": "apk", "locations": [{"path": "/lib/apk/db/installed"}]},
      "appliedIgnoreRules": [{"vulnerability": "CVE-2020-1", "fix-state": "not-fixed", "package": {"name": "zlib"}}]
    },
    {
      "vulnerability": {"id": "CVE-2020-2", "severity": "Low"},
      "artifact": {"name": "zlib", "version": "1.2", "type": "apk"},
      "appliedIgnoreRules": [{"vulnerability": "CVE-2020-2", "vex-status": "not_affected", "vex-justification": "vulnerable_code_not_present"}]
    }
  ],
  "source": {
    "type": "image",
    "target": {"userInput": "registry.example/app:1.0", "imageID": "sha256:img", "repoDigests": ["registry.example/app@sha256:rd"], "config": "e30="}
  },
  "distro": {"name": "debian", "version": "12"},
  "descriptor": {"name": "grype", "version": "0.80.0", "configuration": {"output": ["json"]}}
}`

func TestFields(t *testing.T) {
	fs, err := decode(t, small)
	require.NoError(t, err)
	require.Len(t, fs, 5)
	for _, f := range fs {
		assert.Equal(t, findings.Tool{Name: "grype", Version: "0.80.0", Vendor: "Anchore"}, f.Tool)
		assert.Equal(t, "registry.example/app:1.0", f.Location.Image)
		assert.Equal(t, "sha256:img", f.Properties["image_id"])
	}

	g := fs[0]
	assert.Equal(t, findings.KindSCA, g.Kind)
	assert.Equal(t, "GHSA-4374-p667-p6c8", g.RuleID)
	assert.Equal(t, []string{"GHSA-4374-p667-p6c8", "CVE-2023-39325", "RHSA-2023:1"}, g.VulnerabilityIDs)
	assert.Equal(t, "GHSA-4374-p667-p6c8 in golang.org/x/net v0.13.0", g.Title)
	assert.Equal(t, "HTTP/2 rapid reset", g.Description, "taken from the related CVE")
	assert.Equal(t, findings.SeverityHigh, g.Severity)
	assert.Equal(t, "grype:severity", g.SeveritySource)
	require.Len(t, g.CVSS, 1, "the primary's own CVSS; the related ones only fill a gap")
	assert.Equal(t, "3.1", g.CVSS[0].Version)
	assert.Equal(t, "github:language:go", g.CVSS[0].Source)
	assert.InDelta(t, 7.5, *g.CVSS[0].Score, 1e-9)
	assert.Equal(t, []string{"https://github.com/advisories/GHSA-4374-p667-p6c8", "https://example.org/u", "https://access.redhat.com/errata/RHSA-2023:1"}, g.References)
	assert.Equal(t, &findings.Package{
		Name: "golang.org/x/net", Version: "v0.13.0", Ecosystem: "go-module", PURL: "pkg:golang/golang.org/x/net@v0.13.0",
		FixedVersions: []string{"0.17.0"}, Paths: []string{"/app/bin/server", "/app/go.mod"}, Licenses: []string{"BSD-3-Clause", "MIT"},
	}, g.Package)
	assert.Equal(t, "/app/bin/server", g.Location.Path)
	assert.Equal(t, "sha256:layer1", g.Location.Layer)
	assert.Equal(t, "fixed", g.Properties["fix_state"])
	assert.Equal(t, []any{map[string]any{"cve": "CVE-2023-39325", "epss": 0.00163, "percentile": 0.37957, "date": "2025-07-20"}}, g.Properties["epss"])
	assert.Equal(t, []any{map[string]any{"cve": "CVE-2023-39325", "known_ransomware_campaign_use": "Unknown", "date_added": "2023-10-10"}}, g.Properties["kev"])
	assert.Equal(t, []any{map[string]any{"type": "exact-direct-match", "matcher": "go-module-matcher"}}, g.Properties["match_details"])
	assert.InDelta(t, 0.12, g.Properties["risk"], 1e-9)
	assert.Empty(t, g.Suppressions)

	old := fs[1]
	assert.Equal(t, findings.KindContainer, old.Kind)
	assert.Equal(t, findings.SeverityLow, old.Severity, "Negligible is low")
	assert.Equal(t, []findings.CVSS{{Version: "2.0", Vector: "AV:L/AC:L/Au:N/C:C/I:C/A:C", Score: old.CVSS[0].Score}}, old.CVSS)
	assert.Equal(t, []string{"5.0-5"}, old.Package.FixedVersions)
	assert.Equal(t, []string{"https://security-tracker.debian.org/tracker/CVE-2019-18276"}, old.References)
	assert.Equal(t, []any{map[string]any{"matcher": "dpkg-matcher"}}, old.Properties["match_details"])
	assert.Equal(t, []any{"bash-src 5.0"}, old.Properties["upstreams"])

	noSev := fs[2]
	assert.Equal(t, findings.SeverityMedium, noSev.Severity, "the related record's word comes before its CVSS score")
	assert.Equal(t, "grype:relatedVulnerabilities.severity", noSev.SeveritySource)
	require.Len(t, noSev.CVSS, 1)
	assert.Equal(t, "github:language:java", noSev.CVSS[0].Source)
	assert.Empty(t, noSev.Location.Path)

	ign := fs[3]
	assert.Equal(t, findings.SeverityUnknown, ign.Severity)
	assert.Empty(t, ign.SeveritySource)
	assert.Equal(t, []findings.Suppression{{Kind: "external", Justification: "Grype ignore rule: vulnerability=CVE-2020-1, fix-state=not-fixed, package=zlib"}}, ign.Suppressions)
	assert.True(t, ign.Suppressed())

	vex := fs[4]
	require.NotNil(t, vex.VEX)
	assert.Equal(t, findings.VEXAnalysis{Status: findings.VEXNotAffected, Justification: "vulnerable_code_not_present"}, *vex.VEX)
	assert.Empty(t, vex.Suppressions)
}

// TestHeaderPlacement: the two-pass reader (seekable), the holding reader
// and a document whose header comes first give the same findings; the held
// matches are bounded by MaxDocumentBytes.
func TestHeaderPlacement(t *testing.T) {
	seek, err := decode(t, small)
	require.NoError(t, err)
	held, err := decodeReader(t, "test.json", onlyReader{strings.NewReader(small)}, findings.Limits{})
	require.NoError(t, err)
	assert.Equal(t, seek, held)

	// A reader positioned inside a larger input is read back to that
	// position, not to its start.
	r := strings.NewReader("ignored prefix" + small)
	_, err = r.Seek(int64(len("ignored prefix")), io.SeekStart)
	require.NoError(t, err)
	offset, err := decodeReader(t, "test.json", r, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, offset, len(seek))
	assert.Equal(t, seek[0].Tool, offset[0].Tool)

	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(small), &doc))
	first := `{"descriptor": ` + string(doc["descriptor"]) + `, "source": ` + string(doc["source"]) +
		`, "matches": ` + string(doc["matches"]) + `, "ignoredMatches": ` + string(doc["ignoredMatches"]) + `}`
	streamed, err := decodeReader(t, "test.json", onlyReader{strings.NewReader(first)}, findings.Limits{MaxDocumentBytes: 10})
	require.NoError(t, err, "a header-first document is streamed, whatever MaxDocumentBytes")
	require.Len(t, streamed, len(seek))
	for i := range seek {
		assert.Equal(t, seek[i].Tool, streamed[i].Tool)
		assert.Equal(t, seek[i].Location, streamed[i].Location)
		assert.Equal(t, seek[i].RuleID, streamed[i].RuleID)
	}

	// The limit admits the first match and not the second.
	var ms []json.RawMessage
	require.NoError(t, json.Unmarshal(doc["matches"], &ms))
	limit := int64(len(ms[0]) + 10)
	_, err = decodeReader(t, "test.json", onlyReader{strings.NewReader(small)}, findings.Limits{MaxDocumentBytes: limit})
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDocumentBytes", le.Limit)
	assert.Equal(t, limit, le.Max)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "matches[1]", de.Path)
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	for _, r := range []io.Reader{strings.NewReader(small), onlyReader{strings.NewReader(small)}} {
		calls := 0
		err := grype.Decode(r, findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error {
			calls++
			return stop
		}})
		assert.Same(t, stop, err)
		assert.Equal(t, 1, calls)
	}
}

func TestEmpty(t *testing.T) {
	for _, doc := range []string{`{"matches": []}`, `{"matches": null}`, "\xEF\xBB\xBF{\"matches\":[]}", `{"matches": [], "source": {"type": "unknown", "target": "unknown"}}`} {
		fs, err := decode(t, doc)
		assert.NoError(t, err, doc)
		assert.Empty(t, fs, doc)
	}
}

func TestBadInput(t *testing.T) {
	truncated := `{"matches": [{"vulnerability": {"id": "CVE-1"`
	typeErr := `{"matches": [{"vulnerability": {"id": 5}, "artifact": {}}]}`
	bom := "\xEF\xBB\xBF" + typeErr
	for _, tc := range []struct {
		name   string
		doc    string
		is     error
		offset int64 // -2: do not check
		path   string
	}{
		{"empty", "", findings.ErrSyntax, 0, ""},
		{"bom only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"truncated", truncated, findings.ErrSyntax, int64(len(truncated)), ""},
		{"invalid", `{"matches": [],, "source": {}}`, findings.ErrSyntax, 15, ""},
		{"data after", `{"matches": []} x`, findings.ErrSyntax, -2, ""},
		{"null", `null`, findings.ErrInvalid, -2, ""},
		{"array", `[]`, findings.ErrInvalid, -2, ""},
		{"no matches", `{"source": {}, "descriptor": {}}`, findings.ErrUnsupportedFormat, -2, ""},
		{"trivy report", `{"SchemaVersion": 2, "Results": []}`, findings.ErrUnsupportedFormat, -2, ""},
		{"type", typeErr, findings.ErrInvalid, int64(strings.Index(typeErr, "5}") + 1), "matches[0].vulnerability.id"},
		{"type after bom", bom, findings.ErrInvalid, int64(strings.Index(bom, "5}") + 1), "matches[0].vulnerability.id"},
		{"matches object", `{"matches": {}}`, findings.ErrInvalid, -2, "matches"},
		{"null match", `{"matches": [null]}`, findings.ErrInvalid, -2, "matches[0]"},
		{"no id", `{"matches": [{"vulnerability": {}, "artifact": {}}]}`, findings.ErrInvalid, -2, "matches[0].vulnerability"},
		{"no artifact", `{"matches": [{"vulnerability": {"id": "CVE-1"}}]}`, findings.ErrInvalid, -2, "matches[0].artifact"},
		{"license type", `{"matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {"licenses": [5]}}]}`, findings.ErrInvalid, -2, ""},
		{"match details type", `{"matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {}, "matchDetails": "x"}]}`, findings.ErrInvalid, -2, ""},
		{"source target type, no matches", `{"matches": [], "source": {"type": "image", "target": {"userInput": 1}}}`, findings.ErrInvalid, -2, "source.target"},
		{"source target type", `{"matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {}}], "source": {"type": "image", "target": {"userInput": 1}}, "descriptor": {}}`, findings.ErrInvalid, -2, "source.target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tc.doc), onlyReader{strings.NewReader(tc.doc)}} {
				_, err := decodeReader(t, "test.json", r, findings.Limits{})
				require.Error(t, err)
				var de *findings.DecodeError
				require.ErrorAs(t, err, &de)
				assert.ErrorIs(t, err, tc.is)
				assert.Equal(t, "test.json", de.File)
				assert.Equal(t, grype.Format, de.Format)
				if tc.offset != -2 {
					assert.Equal(t, tc.offset, de.Offset, err.Error())
				}
				if tc.path != "" {
					assert.Equal(t, tc.path, de.Path)
				}
			}
		})
	}
}

func TestLimits(t *testing.T) {
	nest := func(n int) string {
		// The document object is depth 1; an unknown member nests n-1 arrays.
		return `{"matches": [], "x": ` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	const depth = 16
	l := findings.Limits{MaxDepth: depth}
	_, err := decodeReader(t, "x", strings.NewReader(nest(depth)), l)
	require.NoError(t, err)
	doc := nest(depth + 1)
	_, err = decodeReader(t, "x", strings.NewReader(doc), l)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.ErrorIs(t, err, findings.ErrLimit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(strings.Index(doc, "[[")+depth-1), de.Offset)

	str := func(n int) string {
		return `{"matches": [{"vulnerability": {"id": "CVE-1", "description": "` + strings.Repeat("d", n) + `"}, "artifact": {}}]}`
	}
	ls := findings.Limits{MaxStringBytes: 64}
	fs, err := decodeReader(t, "x", strings.NewReader(str(64)), ls)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	doc = str(65)
	_, err = decodeReader(t, "x", strings.NewReader(doc), ls)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(strings.Index(doc, "ddd")+64), de.Offset)
}

// TestSourceTargets covers the shapes of source.target.
func TestSourceTargets(t *testing.T) {
	m := `"matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {"name": "a", "type": "npm"}}]`
	for _, tc := range []struct {
		source        string
		image, target string
	}{
		{`{"type": "directory", "target": "/src"}`, "", "/src"},
		{`{"type": "file", "target": {"path": "/src/sbom.json"}}`, "", "/src/sbom.json"},
		{`{"type": "image", "target": {"imageID": "sha256:x", "repoDigests": ["r@sha256:y"]}}`, "r@sha256:y", ""},
		{`{"type": "image", "target": {"imageID": "sha256:x"}}`, "sha256:x", ""},
		{`null`, "", ""},
	} {
		fs, err := decode(t, `{`+m+`, "source": `+tc.source+`}`)
		require.NoError(t, err, tc.source)
		require.Len(t, fs, 1)
		assert.Equal(t, tc.image, fs[0].Location.Image, tc.source)
		assert.Equal(t, tc.target, fs[0].Location.Target, tc.source)
		assert.Equal(t, "grype", fs[0].Tool.Name)
		assert.Empty(t, fs[0].Tool.Version)
	}
}
