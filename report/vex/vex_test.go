package vex_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/aspmkit/aspm/findings"
	fcdx "github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/vex"
)

func load(tb testing.TB, path string) *report.Data {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return &d
}

func hostile(tb testing.TB) *report.Data   { return load(tb, "../testdata/hostile.json") }
func realistic(tb testing.TB) *report.Data { return load(tb, "../testdata/vulnerabilities.json") }

func render(tb testing.TB, d *report.Data, opts vex.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, vex.Write(&buf, report.New(d, report.Options{}), opts))
	return buf.Bytes()
}

var formats = []vex.Format{vex.CycloneDXVDR, vex.CycloneDXVEX, vex.OpenVEX}

// moduleDir returns the module cache directory of a dependency (go list
// -m), skipping the test when it is not there (failing it when CI=true).
func moduleDir(tb testing.TB, path string) string {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("module %s is not in the module cache, and CI=true requires it: %v", path, err)
	}
	tb.Skipf("skipping: module %s is not in the module cache (go mod download %s)", path, path)
	return ""
}

var (
	schemaOnce sync.Once
	schema     *gojsonschema.Schema
	schemaErr  error
)

// cdxSchema compiles the CycloneDX 1.6 JSON schema that cyclonedx-go
// ships, with the SPDX and JSF schemas it references, from the module
// cache (the repository holds no copy).
func cdxSchema(tb testing.TB) *gojsonschema.Schema {
	tb.Helper()
	dir := filepath.Join(moduleDir(tb, "github.com/CycloneDX/cyclonedx-go"), "schema")
	schemaOnce.Do(func() {
		sl := gojsonschema.NewSchemaLoader()
		for _, f := range []string{"spdx.schema.json", "jsf-0.82.schemax.json"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				schemaErr = err
				return
			}
			if schemaErr = sl.AddSchemas(gojsonschema.NewBytesLoader(b)); schemaErr != nil {
				return
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "bom-1.6.schema.json"))
		if err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = sl.Compile(gojsonschema.NewBytesLoader(b))
	})
	require.NoError(tb, schemaErr)
	return schema
}

// validateCDX checks b against the CycloneDX 1.6 schema and decodes it
// with cyclonedx-go.
func validateCDX(tb testing.TB, b []byte) *cdx.BOM {
	tb.Helper()
	res, err := cdxSchema(tb).Validate(gojsonschema.NewBytesLoader(b))
	require.NoError(tb, err)
	var msgs []string
	for _, e := range res.Errors() {
		msgs = append(msgs, e.String())
	}
	assert.True(tb, res.Valid(), "schema errors:\n%s", strings.Join(msgs, "\n"))
	var bom cdx.BOM
	require.NoError(tb, cdx.NewBOMDecoder(bytes.NewReader(b), cdx.BOMFileFormatJSON).Decode(&bom))
	assert.Equal(tb, cdx.SpecVersion1_6, bom.SpecVersion)
	return &bom
}

// validateOpenVEX checks the parts of the OpenVEX 0.2.0 spec a schema
// would: required fields and their vocabularies.
func validateOpenVEX(tb testing.TB, b []byte) {
	tb.Helper()
	var doc struct {
		Context    string `json:"@context"`
		ID         string `json:"@id"`
		Author     string
		Timestamp  string
		Version    int
		Statements []struct {
			Vulnerability struct{ Name string }
			Products      []struct {
				ID string `json:"@id"`
			}
			Status, Justification string
			ImpactStatement       string `json:"impact_statement"`
			ActionStatement       string `json:"action_statement"`
		}
	}
	require.NoError(tb, json.Unmarshal(b, &doc))
	assert.Equal(tb, "https://openvex.dev/ns/v0.2.0", doc.Context)
	assert.NotEmpty(tb, doc.ID)
	assert.NotEmpty(tb, doc.Author)
	assert.Equal(tb, 1, doc.Version)
	_, err := time.Parse(time.RFC3339, doc.Timestamp)
	assert.NoError(tb, err)
	for i, s := range doc.Statements {
		assert.NotEmpty(tb, s.Vulnerability.Name, i)
		assert.NotEmpty(tb, s.Products, i)
		assert.Contains(tb, []string{"not_affected", "affected", "fixed", "under_investigation"}, s.Status, i)
		if s.Justification != "" {
			assert.Contains(tb, []string{"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
				"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"}, s.Justification, i)
		}
		if s.Status == "not_affected" {
			assert.True(tb, s.Justification != "" || s.ImpactStatement != "", "statement %d: not_affected needs a justification or an impact statement", i)
		}
		if s.Status == "affected" {
			assert.NotEmpty(tb, s.ActionStatement, "statement %d: affected needs an action statement", i)
		}
	}
}

func validate(tb testing.TB, f vex.Format, b []byte) {
	tb.Helper()
	if f == vex.OpenVEX {
		validateOpenVEX(tb, b)
		return
	}
	validateCDX(tb, b)
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"hostile", "realistic"} {
		for _, f := range formats {
			t.Run(name+"."+f.String(), func(t *testing.T) {
				d := load(t, map[string]string{"hostile": "../testdata/hostile.json", "realistic": "../testdata/vulnerabilities.json"}[name])
				opts := vex.Options{Format: f, Author: "Acme Product Security", ToolVersion: "0.1.0"}
				got := render(t, d, opts)
				golden.Assert(t, filepath.Join("testdata", name+"."+f.String()+".json"), got)
				validate(t, f, got)
				assert.Equal(t, got, render(t, d, opts), "deterministic")
			})
		}
	}
}

func TestHostile(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			got := render(t, hostile(t), vex.Options{Format: f})
			s := string(got)
			for _, bad := range []string{"<", ">", "\x1b", "\\u001b", "\\u0007", "\\u0000", "\u202e", "\\u202e", "\\r", "[click](javascript:"} {
				assert.NotContains(t, s, bad)
			}
			validate(t, f, got)
		})
	}
	// The hostile fixture's SCA finding is there, its GHSA alias kept as
	// (escaped) text, its markdown link escaped for Markdown viewers.
	got := render(t, hostile(t), vex.Options{})
	assert.Contains(t, string(got), `\\[click\\](javascript:alert(2))`)
	assert.Contains(t, string(got), `"id": "CVE-2024-0001"`)
	assert.Contains(t, string(got), `GHSA-xxxx-\u003cyyy\u003e`)
}

// TestRoundTripCycloneDX reads the documents back with the repository's
// CycloneDX decoder.
func TestRoundTripCycloneDX(t *testing.T) {
	r := report.New(realistic(t), report.Options{})
	want := map[string]findings.VEXStatus{
		"CVE-2024-45337":      "",                      // open, untriaged
		"CVE-2023-5363":       findings.VEXNotAffected, // triage not_affected
		"CVE-2025-22869":      findings.VEXAffected,    // accepted risk
		"CVE-2024-24790":      findings.VEXFixed,       // fixed
		"GHSA-c9x4-8v6p-2q7m": findings.VEXNotAffected, // false positive
	}

	var buf bytes.Buffer
	require.NoError(t, vex.Write(&buf, r, vex.Options{}))
	fs, sts, err := findings.Collect(func(h findings.Handler) error {
		return fcdx.Decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{Name: "vdr.json"}, h)
	})
	require.NoError(t, err)
	require.Len(t, fs, len(want), "one finding per vulnerability and component")
	for _, f := range fs {
		st, ok := want[f.VulnerabilityIDs[0]]
		require.True(t, ok, f.VulnerabilityIDs)
		require.NotNil(t, f.Package, f.RuleID)
		assert.NotEmpty(t, f.Package.PURL)
		if st == "" {
			assert.Nil(t, f.VEX, f.RuleID)
		} else {
			require.NotNil(t, f.VEX, f.RuleID)
			assert.Equal(t, st, f.VEX.Status, f.RuleID)
		}
	}
	assert.Len(t, sts, len(want)-1, "a statement per analysed vulnerability")

	buf.Reset()
	require.NoError(t, vex.Write(&buf, r, vex.Options{Format: vex.CycloneDXVEX}))
	fs, sts, err = findings.Collect(func(h findings.Handler) error {
		return fcdx.Decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{Name: "vex.json"}, h)
	})
	require.NoError(t, err)
	assert.Empty(t, fs, "a VEX document has no findings")
	require.Len(t, sts, len(want)-1)
	for _, s := range sts {
		assert.Equal(t, want[s.VulnerabilityID], s.Status, s.VulnerabilityID)
		require.Len(t, s.Products, 1)
		assert.True(t, strings.HasPrefix(s.Products[0], "pkg:"), s.Products[0])
		if s.VulnerabilityID == "CVE-2023-5363" {
			assert.Equal(t, "code_not_reachable", s.Justification, "from the finding's VEX justification")
			assert.Equal(t, "The service never calls EVP_CIPHER_CTX_set_params with a key length.", s.ImpactStatement)
		}
		if s.VulnerabilityID == "CVE-2025-22869" {
			assert.Equal(t, []string{"will_not_fix"}, s.Response)
		}
		if s.VulnerabilityID == "GHSA-c9x4-8v6p-2q7m" {
			assert.Equal(t, "false_positive", s.State)
		}
	}
}

// TestRoundTripOpenVEX reads the document back with the repository's
// OpenVEX decoder.
func TestRoundTripOpenVEX(t *testing.T) {
	r := report.New(realistic(t), report.Options{})
	var buf bytes.Buffer
	require.NoError(t, vex.Write(&buf, r, vex.Options{Format: vex.OpenVEX, Author: "Acme", ID: "https://acme.example/vex/1"}))
	_, sts, err := findings.Collect(func(h findings.Handler) error {
		return openvex.Decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{Name: "doc.openvex.json"}, h)
	})
	require.NoError(t, err)
	got := map[string]findings.VEXStatement{}
	for _, s := range sts {
		got[s.VulnerabilityID] = s
		assert.Equal(t, "Acme", s.Author)
		assert.Equal(t, "https://acme.example/vex/1", s.Document)
		assert.Equal(t, "2026-03-02T06:00:00Z", s.Timestamp)
	}
	require.Len(t, got, 5)
	for _, tc := range []struct {
		id            string
		status        findings.VEXStatus
		justification string
		product       string
	}{
		{"CVE-2024-45337", findings.VEXUnderInvestigation, "", "pkg:golang/golang.org/x/crypto@v0.29.0"},
		{"CVE-2023-5363", findings.VEXNotAffected, "vulnerable_code_not_in_execute_path", "pkg:apk/alpine/libssl3@3.0.11-r0?arch=x86_64&distro=3.18.4"},
		{"CVE-2025-22869", findings.VEXAffected, "", "pkg:golang/golang.org/x/crypto@v0.29.0"},
		{"CVE-2024-24790", findings.VEXFixed, "", "pkg:golang/stdlib@1.22.3"},
		{"GHSA-c9x4-8v6p-2q7m", findings.VEXNotAffected, "", "pkg:npm/lodash.merge@4.6.1"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			s := got[tc.id]
			assert.Equal(t, tc.status, s.Status)
			assert.Equal(t, tc.justification, s.Justification)
			assert.Equal(t, []string{tc.product}, s.Products)
		})
	}
	assert.Equal(t, []string{"GHSA-v778-237x-gjrc"}, got["CVE-2024-45337"].Aliases)
	assert.Equal(t, "Risk accepted: Internal SSH endpoint only; upgrade planned for Q2.", got["CVE-2025-22869"].ActionStatement)
	assert.Equal(t, "False positive: lodash.merge is a devDependency of the build only.", got["GHSA-c9x4-8v6p-2q7m"].ImpactStatement)
}

// TestAnalysis maps triage and VEX data, one finding at a time.
func TestAnalysis(t *testing.T) {
	open := false
	for _, tc := range []struct {
		name        string
		edit        func(*report.Finding)
		state       string // CycloneDX; "" for no analysis
		cdxJust     string
		status      string // OpenVEX
		openvexJust string
	}{
		{"untriaged", func(*report.Finding) {}, "", "", "under_investigation", ""},
		{"fixed", func(f *report.Finding) { f.Open = &open; f.State = "fixed" }, "resolved", "", "fixed", ""},
		{"accepted risk", func(f *report.Finding) { f.TriageStatus = "accepted_risk" }, "exploitable", "", "affected", ""},
		{"false positive", func(f *report.Finding) { f.TriageStatus = "false_positive" }, "false_positive", "", "not_affected", ""},
		{"not affected, machine justification", func(f *report.Finding) {
			f.TriageStatus, f.TriageJustification = "not_affected", "code_not_reachable"
		}, "not_affected", "code_not_reachable", "not_affected", "vulnerable_code_not_in_execute_path"},
		{"not affected, OpenVEX justification", func(f *report.Finding) {
			f.TriageStatus, f.TriageJustification = "not_affected", "inline_mitigations_already_exist"
		}, "not_affected", "protected_by_mitigating_control", "not_affected", "inline_mitigations_already_exist"},
		{"under investigation", func(f *report.Finding) { f.TriageStatus = "under_investigation" }, "in_triage", "", "under_investigation", ""},
		{"confirmed", func(f *report.Finding) { f.TriageStatus = "affected" }, "exploitable", "", "affected", ""},
		{"VEX not affected", func(f *report.Finding) {
			f.VEX = &findings.VEXAnalysis{Status: findings.VEXNotAffected, Justification: "requires_environment"}
		}, "not_affected", "requires_environment", "not_affected", "vulnerable_code_cannot_be_controlled_by_adversary"},
		{"VEX fixed", func(f *report.Finding) { f.VEX = &findings.VEXAnalysis{Status: findings.VEXFixed} }, "resolved", "", "fixed", ""},
		{"triage wins over VEX", func(f *report.Finding) {
			f.TriageStatus = "affected"
			f.VEX = &findings.VEXAnalysis{Status: findings.VEXNotAffected}
		}, "exploitable", "", "affected", ""},
		{"fixed wins over triage", func(f *report.Finding) { f.Open = &open; f.TriageStatus = "false_positive" }, "resolved", "", "fixed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := report.FromFindings([]findings.Finding{{
				ID: "f", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, RuleID: "CVE-2024-1234",
				VulnerabilityIDs: []string{"CVE-2024-1234"}, Severity: findings.SeverityHigh,
				Package: &findings.Package{Name: "lib", Version: "1.0.0", PURL: "pkg:npm/lib@1.0.0"},
			}})
			d.GeneratedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			tc.edit(&d.Findings[0])

			var bom struct {
				Vulnerabilities []struct {
					Analysis *struct{ State, Justification string }
				}
			}
			b := render(t, d, vex.Options{})
			validateCDX(t, b)
			require.NoError(t, json.Unmarshal(b, &bom))
			require.Len(t, bom.Vulnerabilities, 1)
			if tc.state == "" {
				assert.Nil(t, bom.Vulnerabilities[0].Analysis)
			} else {
				require.NotNil(t, bom.Vulnerabilities[0].Analysis)
				assert.Equal(t, tc.state, bom.Vulnerabilities[0].Analysis.State)
				assert.Equal(t, tc.cdxJust, bom.Vulnerabilities[0].Analysis.Justification)
			}

			var doc struct {
				Statements []struct{ Status, Justification string }
			}
			b = render(t, d, vex.Options{Format: vex.OpenVEX})
			validateOpenVEX(t, b)
			require.NoError(t, json.Unmarshal(b, &doc))
			require.Len(t, doc.Statements, 1)
			assert.Equal(t, tc.status, doc.Statements[0].Status)
			assert.Equal(t, tc.openvexJust, doc.Statements[0].Justification)
		})
	}
}

func TestScope(t *testing.T) {
	d := realistic(t)
	for _, tc := range []struct {
		f       vex.Format
		want    int
		omitted string
	}{
		{vex.CycloneDXVDR, 5, "5"},
		{vex.CycloneDXVEX, 4, "6"},
	} {
		bom := validateCDX(t, render(t, d, vex.Options{Format: tc.f}))
		require.NotNil(t, bom.Vulnerabilities)
		assert.Len(t, *bom.Vulnerabilities, tc.want, tc.f)
		require.NotNil(t, bom.Metadata.Properties)
		assert.Equal(t, []cdx.Property{{Name: "aspm:findings-omitted", Value: tc.omitted}}, *bom.Metadata.Properties)
		if tc.f == vex.CycloneDXVEX {
			assert.Nil(t, bom.Components, "a VEX document lists no components")
		} else {
			require.NotNil(t, bom.Components)
			assert.Len(t, *bom.Components, 4)
		}
	}
}

func TestIDAndTimestamp(t *testing.T) {
	d := realistic(t)
	a := render(t, d, vex.Options{Format: vex.OpenVEX})
	d.Findings[2].TriageStatus = "false_positive"
	b := render(t, d, vex.Options{Format: vex.OpenVEX})
	idOf := func(b []byte) string {
		var v struct {
			ID string `json:"@id"`
		}
		require.NoError(t, json.Unmarshal(b, &v))
		return v.ID
	}
	assert.True(t, strings.HasPrefix(idOf(a), "urn:uuid:"))
	assert.NotEqual(t, idOf(a), idOf(b), "the derived ID follows the content")

	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))
	c := render(t, d, vex.Options{Format: vex.CycloneDXVEX, Timestamp: at, ID: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"})
	bom := validateCDX(t, c)
	assert.Equal(t, "2026-12-31T23:00:00Z", bom.Metadata.Timestamp)
	assert.Equal(t, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", bom.SerialNumber)

	// Without any time, CycloneDX writes none and OpenVEX fails.
	d2 := report.FromFindings([]findings.Finding{{ID: "x", Kind: findings.KindSCA, RuleID: "CVE-2024-1", Severity: findings.SeverityLow}})
	bom = validateCDX(t, render(t, d2, vex.Options{}))
	assert.Empty(t, bom.Metadata.Timestamp)
	assert.ErrorIs(t, vex.Write(&bytes.Buffer{}, report.New(d2, report.Options{}), vex.Options{Format: vex.OpenVEX}), vex.ErrNoTimestamp)
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestErrors(t *testing.T) {
	r := report.New(realistic(t), report.Options{})
	assert.ErrorIs(t, vex.Write(&bytes.Buffer{}, nil, vex.Options{}), vex.ErrNilReport)

	err := vex.Write(&bytes.Buffer{}, r, vex.Options{Format: 9})
	require.ErrorIs(t, err, vex.ErrInvalidOptions)
	var oe *vex.OptionError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "Format", oe.Field)

	err = vex.Write(&bytes.Buffer{}, r, vex.Options{ID: "https://acme.example/vex/1"})
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "ID", oe.Field)
	assert.Contains(t, err.Error(), "vex: invalid options")

	d := realistic(t)
	d.Findings[1].ID = ""
	err = vex.Write(&bytes.Buffer{}, report.New(d, report.Options{}), vex.Options{})
	require.ErrorIs(t, err, vex.ErrInvalidFinding)
	var fe *vex.FindingError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "id", fe.Field)

	for _, f := range formats {
		err = vex.Write(&failWriter{n: 10}, report.New(synthetic(2000), report.Options{}), vex.Options{Format: f})
		require.ErrorIs(t, err, vex.ErrWrite, f)
		assert.Contains(t, err.Error(), "disk full")
	}
}

func TestFormatString(t *testing.T) {
	assert.Equal(t, "cyclonedx-vdr", vex.CycloneDXVDR.String())
	assert.Equal(t, "cyclonedx-vex", vex.CycloneDXVEX.String())
	assert.Equal(t, "openvex", vex.OpenVEX.String())
	assert.Equal(t, "Format(9)", vex.Format(9).String())
}

// synthetic builds n SCA findings over 1,000 packages, a third of them
// triaged.
func synthetic(n int) *report.Data {
	d := &report.Data{GeneratedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Findings: make([]report.Finding, n)}
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow}
	score := 7.5
	for i := range d.Findings {
		f := &d.Findings[i]
		f.ID = fmt.Sprintf("%032x", i)
		f.Kind = findings.KindSCA
		f.Tool = findings.Tool{Name: "trivy", Version: "0.58.1"}
		f.RuleID = fmt.Sprintf("CVE-2024-%05d", i)
		f.VulnerabilityIDs = []string{f.RuleID, fmt.Sprintf("GHSA-%04d-2345-6789", i%10000)}
		f.Title = "A vulnerability in a package"
		f.Description = "Long description.\nSecond line."
		f.Severity = sevs[i%len(sevs)]
		f.CVSS = []findings.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: &score, Source: "nvd"}}
		f.CWEs = []string{"CWE-79"}
		f.Package = &findings.Package{Name: fmt.Sprintf("pkg%d", i%1000), Version: "1.0.0", PURL: fmt.Sprintf("pkg:npm/pkg%d@1.0.0", i%1000), FixedVersions: []string{"1.0.1"}}
		f.References = []string{"https://example.com/advisory"}
		switch i % 3 {
		case 1:
			f.TriageStatus, f.TriageJustification = "not_affected", "code_not_reachable"
		case 2:
			f.TriageStatus, f.TriageJustification = "accepted_risk", "Compensating control in place."
		}
		f.Risk = &report.Risk{Score: float64(i % 100), Priority: "P3"}
	}
	return d
}
