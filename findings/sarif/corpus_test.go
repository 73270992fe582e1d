package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// onlyReader hides every method of a reader but Read, so that Decode takes
// its path for readers that cannot seek.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// decodeAll decodes data, from a seekable reader when seek is true.
func decodeAll(t testing.TB, name string, data []byte, seek bool, lim findings.Limits) ([]findings.Finding, error) {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	if !seek {
		r = onlyReader{r}
	}
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return Decode(r, findings.DecodeOptions{Name: name, Limits: lim}, h)
	})
	assert.Empty(t, vs, "SARIF has no VEX statements")
	return fs, err
}

// TestGolden compares the findings of real logs of different tools with
// golden files (go test ./findings/sarif/ -update rewrites them).
func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"sarif/codeql/valid-sarif.sarif",                      // CodeQL: tags with CWEs, partialFingerprints, related locations
		"sarif/semgrep/semgrep.sarif",                         // Semgrep: results before tool, fingerprints
		"sarif/gitleaks/gitleaks_7.5.0.sarif",                 // gitleaks 7: no ruleId, the secret in "offender"
		"sarif/gitleaks/sarif_simple.sarif",                   // gitleaks 8: the secret in the snippet
		"sarif/fortify-sca/FortifyTest.fpr.sarif",             // taxonomies: CWE by relationship, originalUriBaseIds
		"sarif/trivy/alpine-310.sarif",                        // Trivy image: container, security-severity, CVSS, package lines
		"sarif/grype/grype_presenter_directory.sarif",         // Grype: purls, help template
		"sarif/blackduck/blackduck_nested_fingerprints.sarif", // cwe property, {"value":...} fingerprints
		"sarif/spec-example/suppression_test.sarif",           // suppressions
		"sarif/spec-example/appendix_k3.sarif",                // logical locations by index
		"sarif/dependency-track/expected-all.sarif.json",      // cwes objects, purl logical locations
	} {
		t.Run(rel, func(t *testing.T) {
			data := testcorpus.Read(t, rel)
			fs, err := decodeAll(t, rel, data, true, findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{Findings: fs}, "", "  ")
			require.NoError(t, err)
			name := strings.ReplaceAll(strings.TrimPrefix(rel, "sarif/"), "/", "_")
			if !strings.HasSuffix(name, ".json") {
				name += ".json"
			}
			golden.Assert(t, filepath.Join("testdata", "golden", name), append(got, '\n'))
		})
	}
}

// corpusRow is a row of testdata/corpus/sarif.tsv.
type corpusRow struct {
	path, format  string
	findings, vex int
	kinds, err    string
}

func readCorpusTable(t *testing.T) []corpusRow {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "sarif.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 6, "row %q", sc.Text())
		n, err := strconv.Atoi(cols[2])
		require.NoError(t, err)
		v, err := strconv.Atoi(cols[3])
		require.NoError(t, err)
		rows = append(rows, corpusRow{cols[0], cols[1], n, v, cols[4], cols[5]})
	}
	require.NoError(t, sc.Err())
	return rows
}

func errorClass(err error) string {
	switch {
	case err == nil:
		return "-"
	case errors.Is(err, findings.ErrLimit):
		return "limit"
	case errors.Is(err, findings.ErrSyntax):
		return "syntax"
	case errors.Is(err, findings.ErrInvalid):
		return "invalid"
	case errors.Is(err, findings.ErrUnsupportedFormat):
		return "unsupported"
	}
	return "other: " + err.Error()
}

// TestCorpusTable decodes every SARIF file of the corpus and checks it
// against its row in testdata/corpus/sarif.tsv (counts from
// count_sarif.sh), once from a seekable reader and once from a plain one:
// both must give the same findings.
func TestCorpusTable(t *testing.T) {
	root := testcorpus.Dir(t)
	rows := readCorpusTable(t)
	var onDisk []string
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "sarif"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	}))
	var listed []string
	for _, r := range rows {
		listed = append(listed, r.path)
	}
	sort.Strings(onDisk)
	assert.Equal(t, onDisk, listed, "sarif.tsv lists every corpus file of the format, in order")
	for _, row := range rows {
		t.Run(row.path, func(t *testing.T) {
			assert.Equal(t, Format, row.format)
			data := testcorpus.Read(t, row.path)
			seek, err := decodeAll(t, row.path, data, true, findings.Limits{})
			assert.Equal(t, row.err, errorClass(err))
			if err != nil {
				var de *findings.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, row.path, de.File)
				assert.Equal(t, Format, de.Format)
			}
			assert.Len(t, seek, row.findings)
			assert.Equal(t, row.vex, 0)
			kinds := map[string]bool{}
			for _, f := range seek {
				kinds[string(f.Kind)] = true
				assert.True(t, f.Severity.Valid())
				assert.NotEmpty(t, f.ID)
				assert.NotEqual(t, findings.SeverityUnknown, f.Severity, "SARIF always defines a level")
			}
			var ks []string
			for k := range kinds {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			want := row.kinds
			if want == "-" {
				want = ""
			}
			assert.Equal(t, want, strings.Join(ks, ","))

			plain, err2 := decodeAll(t, row.path, data, false, findings.Limits{})
			assert.Equal(t, errorClass(err), errorClass(err2))
			assert.Equal(t, seek, plain, "seekable and plain readers give the same findings")
		})
	}
}

// TestCorpusCWESources checks each of the three places real tools put CWEs.
func TestCorpusCWESources(t *testing.T) {
	tests := []struct {
		name, file, rule string
		want             []string
	}{
		{"rule tag external/cwe/cwe-NNN (CodeQL)", "sarif/codeql/codeQL-output.sarif", "py/empty-except", []string{"CWE-390"}},
		{"rule tag CWE-NNN (Snyk Container)", "sarif/snyk-container/nginx-snyk.sarif.json", "SNYK-DEBIAN12-APT-1541449", []string{"CWE-347"}},
		{"rule property cwe (Snyk Code)", "sarif/snyk-code/snykcode_issue_9270.sarif.json", "javascript/XSS", []string{"CWE-79"}},
		{"result property cwes objects (Dependency-Track)", "sarif/dependency-track/expected-all.sarif.json", "Vuln-1", []string{"CWE-80"}},
		{"taxonomy relationship with taxa in run.taxonomies (Fortify)", "sarif/fortify-sca/FortifyTest.fpr.sarif", "6ED95DD1-4F81-44C6-A260-695DFD41B803", []string{"CWE-22", "CWE-73"}},
		{"taxonomy relationship to a CWE component (Flawfinder)", "sarif/flawfinder/flawfinder.sarif", "FF1021", []string{"CWE-20", "CWE-120"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decodeAll(t, tt.file, testcorpus.Read(t, tt.file), true, findings.Limits{})
			require.NoError(t, err)
			found := false
			for _, f := range fs {
				if f.RuleID == tt.rule {
					found = true
					assert.Equal(t, tt.want, f.CWEs)
				}
			}
			assert.True(t, found, "no finding of rule %s", tt.rule)
		})
	}
}

// TestCorpusTrailingComma checks the syntax error of the real BinSkim log
// with a trailing comma: its offset is the '}' after the comma, found here
// by searching the raw bytes.
func TestCorpusTrailingComma(t *testing.T) {
	const rel = "sarif/binskim/clang.execstack.trailing-comma.sarif"
	data := testcorpus.Read(t, rel)
	m := regexp.MustCompile(`,\s*[}\]]`).FindIndex(data)
	require.NotNil(t, m, "the file has a trailing comma")
	want := int64(m[1] - 1) // the closing delimiter after the comma
	require.Contains(t, "}]", string(data[want]))
	for _, seek := range []bool{true, false} {
		fs, err := decodeAll(t, rel, data, seek, findings.Limits{})
		require.Error(t, err)
		assert.Empty(t, fs)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.ErrorIs(t, err, findings.ErrSyntax)
		assert.Equal(t, want, de.Offset)
		assert.Equal(t, rel, de.File)
	}
}

// TestCorpusPreStandard checks the two SARIF 2.0.0 logs of the corpus: both
// are well-formed JSON whose version is "2.0.0" (with 2.0.0 shapes such as
// tool.name and fileLocation), so both are unsupported, located at the
// version's value. Corrupted_Native also starts with a byte order mark,
// which the offset counts.
func TestCorpusPreStandard(t *testing.T) {
	for _, rel := range []string{"sarif/spec-example/Minimal_v2.0.0.sarif", "sarif/binskim/Corrupted_Native_v2.0.0.sarif"} {
		t.Run(rel, func(t *testing.T) {
			data := testcorpus.Read(t, rel)
			fs, err := decodeAll(t, rel, data, true, findings.Limits{})
			assert.Empty(t, fs)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, findings.ErrUnsupportedFormat)
			assert.Equal(t, "version", de.Path)
			assert.Equal(t, int64(bytes.Index(data, []byte(`"2.0.0"`))), de.Offset)
		})
	}
}

// TestCorpusDetails spot-checks fields of real files that the goldens do
// not cover.
func TestCorpusDetails(t *testing.T) {
	get := func(t *testing.T, rel string) []findings.Finding {
		fs, err := decodeAll(t, rel, testcorpus.Read(t, rel), true, findings.Limits{})
		require.NoError(t, err)
		return fs
	}
	t.Run("SpotBugs message from messageStrings and arguments", func(t *testing.T) {
		fs := get(t, "sarif/spotbugs/spotbugs.sarif")
		require.NotEmpty(t, fs)
		assert.NotContains(t, fs[0].Title, "{0}")
		assert.NotEmpty(t, fs[0].Title)
	})
	t.Run("two runs of LGTM", func(t *testing.T) {
		fs := get(t, "sarif/lgtm-codeql/lgtm_export_2runs_no_extension")
		assert.Len(t, fs, 510)
		assert.Equal(t, 509, fs[len(fs)-1].Source.Record)
	})
	t.Run("Contrast web requests", func(t *testing.T) {
		fs := get(t, "sarif/contrast-security/WebGoat.xml.sarif")
		n := 0
		for _, f := range fs {
			if f.Location.URL != "" {
				n++
			}
		}
		assert.Positive(t, n)
	})
	t.Run("dependency-check purl from logical location", func(t *testing.T) {
		fs := get(t, "sarif/dependency-check/dependency-check.sarif")
		require.NotEmpty(t, fs)
		require.NotNil(t, fs[0].Package)
		assert.Equal(t, "pkg:maven/org.apache.bcel/bcel@6.5.0", fs[0].Package.PURL)
		assert.Equal(t, "org.apache.bcel:bcel", fs[0].Package.Name)
		assert.Equal(t, "6.5.0", fs[0].Package.Version)
		assert.Equal(t, []string{"CVE-2022-42920"}, fs[0].VulnerabilityIDs)
	})
	t.Run("Snyk Container CVE from the rule description", func(t *testing.T) {
		fs := get(t, "sarif/snyk-container/nginx-snyk.sarif.json")
		require.NotEmpty(t, fs)
		assert.Equal(t, []string{"SNYK-DEBIAN12-APT-1541449", "CVE-2011-3374"}, fs[0].VulnerabilityIDs)
		assert.Equal(t, findings.KindContainer, fs[0].Kind)
	})
	t.Run("Trivy config is iac and resolves nothing it cannot", func(t *testing.T) {
		fs := get(t, "sarif/trivy/trivy_config.sarif")
		require.Len(t, fs, 1)
		assert.Equal(t, findings.KindIaC, fs[0].Kind)
		assert.Equal(t, sourceSecuritySeverity, fs[0].SeveritySource)
		assert.Equal(t, findings.SeverityMedium, fs[0].Severity) // 5.5
		// originalUriBaseIds come after the results in Trivy's output.
		assert.Equal(t, "modules/azure-cosmosdb/main.tf", fs[0].Location.Path)
		assert.Equal(t, "ROOTPATH", fs[0].Location.URIBaseID)
	})
	t.Run("ESLint suppressions", func(t *testing.T) {
		fs := get(t, "sarif/eslint/eslint.sarif")
		n := 0
		for _, f := range fs {
			n += len(f.Suppressions)
		}
		assert.Equal(t, 5, n) // jq "[.runs[].results[].suppressions // [] | length] | add"
	})
	t.Run("results without ruleId or ruleIndex have no rule", func(t *testing.T) {
		fs := get(t, "sarif/gitleaks/gitleaks_7.5.0.sarif")
		for _, f := range fs {
			assert.Empty(t, f.RuleID, "gitleaks 7 writes no ruleId and no ruleIndex")
		}
	})
}
