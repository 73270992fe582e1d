package trivy_test

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
	"github.com/aspmkit/aspm/findings/trivy"
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
		return trivy.Decode(r, findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, vs, "Trivy reports have no VEX statements")
	return fs, err
}

func decode(t testing.TB, data string) ([]findings.Finding, error) {
	t.Helper()
	return decodeReader(t, "test.json", strings.NewReader(data), findings.Limits{})
}

func goldenJSON(t *testing.T, fs []findings.Finding) []byte {
	t.Helper()
	got, err := json.MarshalIndent(struct {
		Findings []findings.Finding      `json:"findings"`
		VEX      []findings.VEXStatement `json:"vex,omitempty"`
	}{Findings: fs}, "", "  ")
	require.NoError(t, err)
	return append(got, '\n')
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"trivy/trivy/alpine-310.json",                    // image, OS packages, layers, CVSS v2/v3, vendor severity
		"trivy/trivy/misconfigurations_and_secrets.json", // pip, Dockerfile misconfiguration, secrets
		"trivy/trivy/terraform-remote-module.json",       // misconfigurations with occurrences and resources
		"trivy/trivy/license_scheme.json",                // license and license-file results
		"trivy/trivy/gomod.json",                         // repository, Go modules, VendorIDs, UNKNOWN severity
		"trivy/trivy/kubernetes.json",                    // Kubernetes report: resources of vulnerabilities and misconfigurations
		"trivy/trivy/secrets.json",                       // masked secrets with code lines
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			fs, err := decodeReader(t, rel, bytes.NewReader(testcorpus.Read(t, rel)), findings.Limits{})
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)), goldenJSON(t, fs))
		})
	}
}

// TestCorpus decodes every file listed in testdata/corpus/trivy.tsv and
// checks the counts, kinds and error the row states, the invariants of every
// finding, and that the seekable and the streaming paths agree.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	tsv, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "trivy.tsv"))
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
			assert.Contains(t, []string{trivy.Format, "empty"}, cols[1])
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
				assert.NotEmpty(t, f.Title)
				assert.Equal(t, "Trivy", f.Tool.Name)
				if f.Severity != findings.SeverityUnknown {
					assert.NotEmpty(t, f.SeveritySource)
				}
			}
			ks := slices.Sorted(func(yield func(string) bool) {
				for k := range kinds {
					if !yield(k) {
						return
					}
				}
			})
			want := cols[4]
			if want == "-" {
				want = ""
			}
			assert.Equal(t, want, strings.Join(ks, ","))

			streamed, err := decodeReader(t, rel, onlyReader{bytes.NewReader(data)}, findings.Limits{})
			require.NoError(t, err)
			assert.Equal(t, fs, streamed)
		})
	}
	require.NoError(t, sc.Err())
	assert.Positive(t, rows)
}

// TestSecretsNotKept checks that no secret text of the corpus's secret
// reports reaches the findings.
func TestSecretsNotKept(t *testing.T) {
	for _, rel := range []string{"trivy/trivy/secrets.json", "trivy/trivy/misconfigurations_and_secrets.json"} {
		data := testcorpus.Read(t, rel)
		fs, err := decode(t, string(data))
		require.NoError(t, err)
		out, err := json.Marshal(fs)
		require.NoError(t, err)
		var doc struct {
			Results []struct {
				Secrets []struct {
					Match string
					Code  struct{ Lines []struct{ Content string } }
				}
			}
		}
		require.NoError(t, json.Unmarshal(data, &doc))
		for _, r := range doc.Results {
			for _, s := range r.Secrets {
				assert.NotContains(t, string(out), s.Match)
				for _, l := range s.Code.Lines {
					if strings.TrimSpace(l.Content) != "" {
						assert.NotContains(t, string(out), l.Content)
					}
				}
			}
		}
	}
}

const small = `{
  "SchemaVersion": 2,
  "Trivy": {"Version": "0.58.1"},
  "ArtifactName": "registry.example/app:1.0",
  "ArtifactType": "container_image",
  "Metadata": {"ImageID": "sha256:aaa", "RepoDigests": ["registry.example/app@sha256:bbb"]},
  "Results": [
    {
      "Target": "registry.example/app:1.0 (debian 12.5)",
      "Class": "os-pkgs",
      "Type": "debian",
      "Vulnerabilities": [
        {
          "VulnerabilityID": "CVE-2024-0001",
          "VendorIDs": ["DSA-5000-1"],
          "PkgName": "openssl",
          "InstalledVersion": "3.0.11-1",
          "FixedVersion": "3.0.13-1, 3.1.0-1",
          "Status": "fixed",
          "Layer": {"Digest": "sha256:ld", "DiffID": "sha256:li"},
          "SeveritySource": "debian",
          "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2024-0001",
          "Title": "openssl: a flaw",
          "Severity": "HIGH",
          "CweIDs": ["CWE-787", "NVD-CWE-Other"],
          "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 9.8},
                   "ghsa": {"V40Vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "V40Score": 9.3}},
          "References": ["https://example.org/a"],
          "PublishedDate": "2024-01-02T03:04:05Z",
          "LastModifiedDate": "2024-02-02T03:04:05Z"
        }
      ]
    },
    {
      "Target": "app/package-lock.json",
      "Class": "lang-pkgs",
      "Type": "npm",
      "Packages": [{"ID": "@scope/lib@1.2.3", "Name": "@scope/lib", "Version": "1.2.3", "Identifier": {"UID": "u1"}, "Relationship": "direct", "Dev": true, "Licenses": ["MIT"]}],
      "Vulnerabilities": [
        {"VulnerabilityID": "GHSA-xxxx-yyyy-zzzz", "PkgID": "@scope/lib@1.2.3", "PkgName": "@scope/lib", "PkgIdentifier": {"UID": "u1"},
         "InstalledVersion": "1.2.3", "Severity": "UNKNOWN",
         "CVSS": {"ghsa": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "V3Score": 5.3}}}
      ]
    },
    {
      "Target": "deploy/main.tf",
      "Class": "config",
      "Type": "terraform",
      "Misconfigurations": [
        {"ID": "AWS-0001", "AVDID": "AVD-AWS-0001", "Title": "passed check", "Severity": "LOW", "Status": "PASS"},
        {"ID": "AWS-0089", "AVDID": "AVD-AWS-0089", "Title": "S3 Bucket Logging", "Message": "Bucket has logging disabled",
         "Severity": "LOW", "Status": "FAIL", "Resolution": "Enable logging",
         "CauseMetadata": {"Resource": "aws_s3_bucket.b", "Provider": "AWS", "Service": "s3", "StartLine": 3, "EndLine": 5,
           "Code": {"Lines": [{"Number": 3, "Content": "resource \"aws_s3_bucket\" \"b\" {", "IsCause": true}, {"Number": 6, "Content": "# context", "IsCause": false}]}}},
        {"ID": "AWS-0090", "Title": "excepted check", "Severity": "MEDIUM", "Status": "EXCEPTION"}
      ]
    },
    {
      "Target": "config/.env",
      "Class": "secret",
      "Secrets": [
        {"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL", "Title": "AWS Access Key ID",
         "StartLine": 2, "EndLine": 2, "Match": "AWS_ACCESS_KEY_ID=AKIAEXAMPLEUNMASKED1",
         "Code": {"Lines": [{"Number": 2, "Content": "AWS_ACCESS_KEY_ID=AKIAEXAMPLEUNMASKED1", "IsCause": true}]}}
      ]
    },
    {
      "Target": "OS Packages",
      "Class": "license",
      "Licenses": [{"Severity": "HIGH", "Category": "restricted", "PkgName": "bash", "Name": "GPL-3.0", "Confidence": 1, "Link": "https://spdx.org/licenses/GPL-3.0.html"}]
    },
    {
      "Target": "go.mod",
      "Class": "lang-pkgs",
      "Type": "gomod",
      "ExperimentalModifiedFindings": [
        {"Type": "vulnerability", "Status": "not_affected", "Statement": "vulnerable_code_not_in_execute_path", "Source": "OpenVEX VEX (vex.json)",
         "Finding": {"VulnerabilityID": "CVE-2024-0002", "PkgName": "golang.org/x/net", "InstalledVersion": "v0.1.0", "Severity": "MEDIUM"}},
        {"Type": "misconfiguration", "Status": "ignored", "Statement": "accepted risk", "Source": ".trivyignore.yaml",
         "Finding": {"ID": "DS002", "Title": "root user", "Severity": "HIGH", "Status": "FAIL"}}
      ]
    }
  ]
}`

func TestFields(t *testing.T) {
	fs, err := decode(t, small)
	require.NoError(t, err)
	require.Len(t, fs, 8)
	for _, f := range fs {
		assert.Equal(t, findings.Tool{Name: "Trivy", Version: "0.58.1", Vendor: "Aqua Security"}, f.Tool)
		assert.Equal(t, "registry.example/app:1.0", f.Location.Image)
		assert.Equal(t, "sha256:aaa", f.Properties["image_id"])
	}

	os := fs[0]
	assert.Equal(t, findings.KindContainer, os.Kind)
	assert.Equal(t, "CVE-2024-0001", os.RuleID)
	assert.Equal(t, []string{"CVE-2024-0001", "DSA-5000-1"}, os.VulnerabilityIDs)
	assert.Equal(t, findings.SeverityHigh, os.Severity)
	assert.Equal(t, "trivy:Severity:debian", os.SeveritySource)
	assert.Equal(t, []string{"CWE-787"}, os.CWEs)
	require.Len(t, os.CVSS, 2)
	assert.Equal(t, "4.0", os.CVSS[0].Version)
	assert.Equal(t, "ghsa", os.CVSS[0].Source)
	assert.Equal(t, "3.1", os.CVSS[1].Version)
	assert.Equal(t, "nvd", os.CVSS[1].Source)
	assert.InDelta(t, 9.8, *os.CVSS[1].Score, 1e-9)
	assert.Equal(t, []string{"3.0.13-1", "3.1.0-1"}, os.Package.FixedVersions)
	assert.Equal(t, "debian", os.Package.Ecosystem)
	assert.Empty(t, os.Package.PURL, "no purl is built for OS packages")
	assert.Equal(t, "sha256:li", os.Location.Layer)
	assert.Equal(t, "sha256:ld", os.Properties["layer_digest"])
	assert.Equal(t, "registry.example/app:1.0 (debian 12.5)", os.Location.Target)
	assert.Empty(t, os.Location.Path)
	assert.Equal(t, "fixed", os.Properties["status"])
	assert.Equal(t, []string{"https://avd.aquasec.com/nvd/cve-2024-0001", "https://example.org/a"}, os.References)
	assert.Equal(t, "2024-01-02T03:04:05Z", os.Published)
	assert.Equal(t, "2024-02-02T03:04:05Z", os.Modified)

	npm := fs[1]
	assert.Equal(t, findings.KindSCA, npm.Kind)
	assert.Equal(t, findings.SeverityMedium, npm.Severity, "UNKNOWN falls back to the CVSS v3 score")
	assert.Equal(t, "cvss:3.1:ghsa", npm.SeveritySource)
	assert.Equal(t, "GHSA-xxxx-yyyy-zzzz in @scope/lib 1.2.3", npm.Title)
	assert.Equal(t, "pkg:npm/%40scope/lib@1.2.3", npm.Package.PURL)
	assert.Equal(t, findings.RelationshipDirect, npm.Package.Relationship)
	assert.Equal(t, findings.ScopeDev, npm.Package.Scope)
	assert.Equal(t, []string{"MIT"}, npm.Package.Licenses)
	assert.Equal(t, "app/package-lock.json", npm.Location.Path)
	assert.Empty(t, npm.Location.Target, "the Target is the Path")

	iac := fs[2]
	assert.Equal(t, findings.KindIaC, iac.Kind)
	assert.Equal(t, "AWS-0089", iac.RuleID)
	assert.Equal(t, "S3 Bucket Logging", iac.Title)
	assert.Equal(t, findings.SeverityLow, iac.Severity)
	assert.Equal(t, "deploy/main.tf", iac.Location.Path)
	assert.Equal(t, &findings.Region{StartLine: 3, EndLine: 5}, iac.Location.Region)
	assert.Equal(t, findings.HashSnippet(`resource "aws_s3_bucket" "b" {`), iac.Location.SnippetHash)
	assert.Equal(t, "aws_s3_bucket.b", iac.Location.LogicalLocation)
	assert.Equal(t, "AVD-AWS-0089", iac.Properties["avd_id"])
	assert.Equal(t, "Bucket has logging disabled", iac.Properties["message"])
	assert.Empty(t, iac.Suppressions)

	exc := fs[3]
	assert.Equal(t, "AWS-0090", exc.RuleID, "PASS is skipped, EXCEPTION is kept")
	require.Len(t, exc.Suppressions, 1)
	assert.True(t, exc.Suppressed())

	sec := fs[4]
	assert.Equal(t, findings.KindSecret, sec.Kind)
	assert.Equal(t, "aws-access-key-id", sec.RuleID)
	assert.Equal(t, findings.SeverityCritical, sec.Severity)
	assert.Equal(t, "config/.env", sec.Location.Path)
	assert.Equal(t, &findings.Region{StartLine: 2, EndLine: 2}, sec.Location.Region)
	assert.Empty(t, sec.SecretHash, "Trivy's Match is a line, not the secret")
	assert.Equal(t, "AWS", sec.Properties["category"])

	lic := fs[5]
	assert.Equal(t, findings.KindLicense, lic.Kind)
	assert.Equal(t, "GPL-3.0", lic.RuleID)
	assert.Equal(t, "License GPL-3.0 (restricted): bash", lic.Title)
	assert.Equal(t, findings.SeverityHigh, lic.Severity)
	assert.Equal(t, &findings.Package{Name: "bash", Licenses: []string{"GPL-3.0"}}, lic.Package)
	assert.Equal(t, []string{"https://spdx.org/licenses/GPL-3.0.html"}, lic.References)

	vex := fs[6]
	assert.Equal(t, "CVE-2024-0002", vex.RuleID)
	require.NotNil(t, vex.VEX)
	assert.Equal(t, findings.VEXNotAffected, vex.VEX.Status)
	assert.Equal(t, "vulnerable_code_not_in_execute_path", vex.VEX.Justification)
	assert.Equal(t, "OpenVEX VEX (vex.json)", vex.Properties["modified_source"])
	assert.Equal(t, "pkg:golang/golang.org/x/net@v0.1.0", vex.Package.PURL)
	assert.True(t, vex.Suppressed())

	ign := fs[7]
	assert.Equal(t, findings.KindIaC, ign.Kind)
	assert.Equal(t, []findings.Suppression{{Kind: "external", Justification: "accepted risk"}}, ign.Suppressions)

	out, err := json.Marshal(fs)
	require.NoError(t, err)
	assert.NotContains(t, string(out), "AKIAEXAMPLEUNMASKED1")
}

func TestKubernetes(t *testing.T) {
	doc := `{"ClusterName": "prod", "Resources": [
	  {"Namespace": "default", "Kind": "Deployment", "Name": "web", "Results": [
	    {"Target": "nginx:1.25 (debian 12.1)", "Class": "os-pkgs", "Type": "debian",
	     "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-1", "PkgName": "zlib", "InstalledVersion": "1", "Severity": "LOW"}]},
	    {"Target": "Deployment/web", "Class": "config", "Type": "kubernetes",
	     "Misconfigurations": [{"ID": "KSV001", "Title": "t", "Severity": "MEDIUM", "Status": "FAIL"}]}
	  ]}]}`
	fs, err := decode(t, doc)
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "nginx:1.25", fs[0].Location.Image)
	assert.Equal(t, findings.KindContainer, fs[0].Kind)
	assert.Equal(t, map[string]any{"cluster": "prod", "namespace": "default", "kind": "Deployment", "name": "web"}, fs[0].Properties["kubernetes"])
	assert.Empty(t, fs[1].Location.Path, "a Kubernetes target is not a file")
	assert.Equal(t, "Deployment/web", fs[1].Location.Target)
	assert.Equal(t, "default/Deployment/web", fs[1].Location.LogicalLocation)
}

// TestHeaderAfterResults: a report whose Results come before its header
// gives the same findings whether the reader can seek or not; without
// seeking, the held results are bounded by MaxDocumentBytes.
func TestHeaderAfterResults(t *testing.T) {
	doc := `{"Results": [{"Target": "a (alpine 3.19)", "Class": "os-pkgs", "Type": "alpine",
	  "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "musl", "InstalledVersion": "1", "Severity": "LOW"},
	                      {"VulnerabilityID": "CVE-2", "PkgName": "musl", "InstalledVersion": "1", "Severity": "HIGH"}]}],
	  "ArtifactName": "a", "ArtifactType": "container_image", "SchemaVersion": 2, "Trivy": {"Version": "0.50.0"}}`
	seek, err := decodeReader(t, "x", strings.NewReader(doc), findings.Limits{})
	require.NoError(t, err)
	stream, err := decodeReader(t, "x", onlyReader{strings.NewReader(doc)}, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, seek, 2)
	assert.Equal(t, seek, stream)
	assert.Equal(t, "0.50.0", seek[0].Tool.Version)
	assert.Equal(t, "a", seek[0].Location.Image)

	_, err = decodeReader(t, "x", onlyReader{strings.NewReader(doc)}, findings.Limits{MaxDocumentBytes: 100})
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDocumentBytes", le.Limit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(strings.Index(doc, "[{")+1), de.Offset)
	assert.Equal(t, "Results[0]", de.Path)
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := trivy.Decode(strings.NewReader(small), findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error {
		calls++
		return stop
	}})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, calls)
}

func TestNullAndEmpty(t *testing.T) {
	for _, doc := range []string{"null", " null\n", "[]", `{"SchemaVersion": 2, "ArtifactName": "x"}`, `{"SchemaVersion": 2, "Results": null}`, "\xEF\xBB\xBFnull"} {
		fs, err := decode(t, doc)
		assert.NoError(t, err, doc)
		assert.Empty(t, fs, doc)
	}
}

func TestBadInput(t *testing.T) {
	truncated := `{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [`
	typeErr := `{"SchemaVersion": "two"}`
	vulnType := `{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"VulnerabilityID": 5}]}]}`
	bom := "\xEF\xBB\xBF" + typeErr
	for _, tc := range []struct {
		name   string
		doc    string
		is     error
		offset int64 // -2: do not check
		path   string
	}{
		{"empty", "", findings.ErrSyntax, 0, ""},
		{"blank", " \n\t", findings.ErrSyntax, -2, ""},
		{"bom only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"truncated", truncated, findings.ErrSyntax, int64(len(truncated)), ""},
		{"truncated in value", `{"SchemaVersion": 2, "ArtifactName": "abc`, findings.ErrSyntax, 41, ""},
		{"invalid", `{"SchemaVersion": 2,, "Results": []}`, findings.ErrSyntax, 20, ""},
		{"trailing comma", `{"SchemaVersion": 2, "Results": [],}`, findings.ErrSyntax, -2, ""},
		{"data after", `null {}`, findings.ErrSyntax, -2, ""},
		{"number", `42`, findings.ErrInvalid, -2, ""},
		{"string", `"x"`, findings.ErrInvalid, -2, ""},
		{"not trivy", `{"bomFormat": "CycloneDX", "specVersion": "1.5"}`, findings.ErrUnsupportedFormat, -2, ""},
		{"empty object", `{}`, findings.ErrUnsupportedFormat, -2, ""},
		{"type", typeErr, findings.ErrInvalid, int64(strings.Index(typeErr, `"two"`) + len(`"two"`)), "SchemaVersion"},
		{"type after bom", bom, findings.ErrInvalid, int64(strings.Index(bom, `"two"`) + len(`"two"`)), "SchemaVersion"},
		{"vulnerability id type", vulnType, findings.ErrInvalid, int64(strings.Index(vulnType, "5}") + 1), "Results[0].Vulnerabilities.VulnerabilityID"},
		{"results object", `{"SchemaVersion": 2, "Results": {}}`, findings.ErrInvalid, -2, "Results"},
		{"null result", `{"SchemaVersion": 2, "Results": [null]}`, findings.ErrInvalid, -2, "Results[0]"},
		{"null vulnerability", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [null]}]}`, findings.ErrInvalid, -2, "Results[0].Vulnerabilities[0]"},
		{"missing id", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"PkgName": "x"}]}]}`, findings.ErrInvalid, -2, "Results[0].Vulnerabilities[0]"},
		{"secret without rule", `{"SchemaVersion": 2, "Results": [{"Secrets": [{"Title": "x"}]}]}`, findings.ErrInvalid, -2, "Results[0].Secrets[0]"},
		{"unknown modified type", `{"SchemaVersion": 2, "Results": [{"ExperimentalModifiedFindings": [{"Type": "x", "Finding": {}}]}]}`, findings.ErrInvalid, -2, "Results[0].ExperimentalModifiedFindings[0]"},
		{"legacy element type", `[1]`, findings.ErrInvalid, -2, "[0]"},
		{"k8s resource type", `{"ClusterName": "c", "Resources": ["x"]}`, findings.ErrInvalid, -2, "Resources[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.doc)
			require.Error(t, err)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, tc.is)
			assert.Equal(t, "test.json", de.File)
			assert.Equal(t, trivy.Format, de.Format)
			if tc.offset != -2 {
				assert.Equal(t, tc.offset, de.Offset, err.Error())
			}
			if tc.path != "" {
				assert.Equal(t, tc.path, de.Path)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	nest := func(n int) string {
		// The report object is depth 1; an unknown member nests n-1 arrays.
		return `{"SchemaVersion": 2, "X": ` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
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
	assert.Equal(t, int64(strings.Index(doc, "[")+depth-1), de.Offset)

	str := func(n int) string { return `{"SchemaVersion": 2, "ArtifactName": "` + strings.Repeat("a", n) + `"}` }
	ls := findings.Limits{MaxStringBytes: 32}
	_, err = decodeReader(t, "x", strings.NewReader(str(32)), ls)
	require.NoError(t, err)
	doc = str(33)
	_, err = decodeReader(t, "x", strings.NewReader(doc), ls)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(strings.Index(doc, "aaa")+32), de.Offset)
}

func TestPURLs(t *testing.T) {
	doc := `[
	  {"Target": "requirements.txt", "Type": "pip", "Vulnerabilities": [{"VulnerabilityID": "C1", "PkgName": "Django_Rest", "InstalledVersion": "1.0"}]},
	  {"Target": "pom.xml", "Type": "pom", "Vulnerabilities": [{"VulnerabilityID": "C2", "PkgName": "org.example:lib", "InstalledVersion": "2.0"}]},
	  {"Target": "Cargo.lock", "Type": "cargo", "Vulnerabilities": [{"VulnerabilityID": "C3", "PkgName": "serde", "InstalledVersion": "1.0.0"}]},
	  {"Target": "x (alpine 3.19)", "Type": "alpine", "Vulnerabilities": [{"VulnerabilityID": "C4", "PkgName": "musl", "InstalledVersion": "1.2"}]},
	  {"Target": "Java", "Class": "lang-pkgs", "Type": "jar", "Vulnerabilities": [{"VulnerabilityID": "C5", "PkgName": "nogroup", "InstalledVersion": "1", "PkgPath": "app/x.jar"}]}
	]`
	fs, err := decode(t, doc)
	require.NoError(t, err)
	require.Len(t, fs, 5)
	assert.Equal(t, "pkg:pypi/django-rest@1.0", fs[0].Package.PURL)
	assert.Equal(t, "pkg:maven/org.example/lib@2.0", fs[1].Package.PURL)
	assert.Equal(t, "pkg:cargo/serde@1.0.0", fs[2].Package.PURL)
	assert.Empty(t, fs[3].Package.PURL)
	assert.Equal(t, findings.KindContainer, fs[3].Kind, "legacy results without Class: an OS Type is a container finding")
	assert.Equal(t, findings.KindSCA, fs[0].Kind)
	assert.Equal(t, "requirements.txt", fs[0].Location.Path)
	assert.Empty(t, fs[4].Package.PURL, "a Maven name without a group is ambiguous")
	assert.Empty(t, fs[4].Location.Path, "Java is an aggregate target, not a file")
	assert.Equal(t, []string{"app/x.jar"}, fs[4].Package.Paths)
	for _, f := range fs {
		assert.Equal(t, findings.SeverityUnknown, f.Severity)
		assert.Empty(t, f.Tool.Version)
	}
}
