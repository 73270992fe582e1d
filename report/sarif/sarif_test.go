package sarif_test

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

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/aspmkit/aspm/findings"
	fsarif "github.com/aspmkit/aspm/findings/sarif"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/sarif"
)

// load reads a report.Data fixture.
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

func render(tb testing.TB, d *report.Data, opts sarif.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, sarif.Write(&buf, report.New(d, report.Options{}), opts))
	return buf.Bytes()
}

// log is the part of a SARIF log the tests look at.
type log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription struct{ Text string }
					HelpURI          string `json:"helpUri"`
					Properties       struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails *struct{ ID string } `json:"automationDetails"`
		Invocations       []struct {
			ToolExecutionNotifications []struct {
				Descriptor struct{ ID string }
				Message    struct{ Text string }
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID        string `json:"ruleId"`
			RuleIndex     int    `json:"ruleIndex"`
			Level         string `json:"level"`
			Message       struct{ Text string }
			BaselineState string `json:"baselineState"`
			Locations     []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI string }
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind, Status, Justification string
			} `json:"suppressions"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
		Properties map[string]any `json:"properties"`
	} `json:"runs"`
}

func parse(tb testing.TB, b []byte) log {
	tb.Helper()
	var l log
	require.NoError(tb, json.Unmarshal(b, &l))
	return l
}

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
		tb.Fatalf("module %s is not in the module cache, and CI=true requires it (go mod download %s): %v", path, path, err)
	}
	tb.Skipf("skipping: module %s is not in the module cache (go mod download %s)", path, path)
	return ""
}

var (
	schemaOnce sync.Once
	schema     *gojsonschema.Schema
	schemaErr  error
)

// sarifSchema compiles the SARIF 2.1.0 JSON schema (OASIS, errata 01) that
// go-sarif embeds, read from the module cache, so that the repository
// holds no copy of it.
func sarifSchema(tb testing.TB) *gojsonschema.Schema {
	tb.Helper()
	dir := moduleDir(tb, "github.com/owenrumney/go-sarif/v3")
	schemaOnce.Do(func() {
		src, err := os.ReadFile(filepath.Join(dir, "pkg", "report", "v210", "sarif", "schema.go"))
		if err != nil {
			schemaErr = err
			return
		}
		_, text, ok := strings.Cut(string(src), "const schema = `")
		text, _, ok2 := strings.Cut(text, "`")
		if !ok || !ok2 {
			schemaErr = errors.New("no schema constant in go-sarif's schema.go")
			return
		}
		schema, schemaErr = gojsonschema.NewSchema(gojsonschema.NewStringLoader(text))
	})
	require.NoError(tb, schemaErr)
	return schema
}

// validate checks b against the SARIF 2.1.0 schema and that go-sarif
// reads it.
func validate(tb testing.TB, b []byte) {
	tb.Helper()
	res, err := sarifSchema(tb).Validate(gojsonschema.NewBytesLoader(b))
	require.NoError(tb, err)
	var msgs []string
	for _, e := range res.Errors() {
		msgs = append(msgs, e.String())
	}
	assert.True(tb, res.Valid(), "schema errors:\n%s", strings.Join(msgs, "\n"))
	// go-sarif reads it too. (Its Validate re-encodes the log with empty
	// language and newlineSequences fields of its own, which its schema
	// rejects, so it is not used.)
	r, err := gosarif.FromBytes(b)
	require.NoError(tb, err)
	assert.Len(tb, r.Runs, len(parse(tb, b).Runs))
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(testing.TB) *report.Data
		opts sarif.Options
	}{
		{"hostile", hostile, sarif.Options{}},
		{"hostile.merged", hostile, sarif.Options{Layout: sarif.Merged, ToolName: "aspm", ToolVersion: "0.1.0"}},
		{"realistic", realistic, sarif.Options{Category: "aspm", SourceRoot: "/builds/acme/shop"}},
		{"realistic.merged", realistic, sarif.Options{Layout: sarif.Merged, SourceRoot: "/builds/acme/shop/", OmitFixed: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, tc.data(t), tc.opts)
			golden.Assert(t, filepath.Join("testdata", tc.name+".sarif"), got)
			validate(t, got)
			again := render(t, tc.data(t), tc.opts)
			assert.Equal(t, got, again, "deterministic")
		})
	}
}

// TestHostile proves that the attacker-controlled text of the shared
// hostile fixture is neutralized.
func TestHostile(t *testing.T) {
	for _, layout := range []sarif.Layout{sarif.PerTool, sarif.Merged} {
		t.Run(layout.String(), func(t *testing.T) {
			got := render(t, hostile(t), sarif.Options{Layout: layout})
			s := string(got)
			for _, bad := range []string{"<", ">", "\x1b", "\\u001b", "\x07", "\\u0007", "\\u0000", "\u202e", "\\u202e", "\r", "\\r", "javascript:alert(1)\""} {
				assert.NotContains(t, s, bad)
			}
			l := parse(t, got)
			for _, run := range l.Runs {
				for _, r := range run.Tool.Driver.Rules {
					if r.HelpURI != "" {
						assert.True(t, strings.HasPrefix(r.HelpURI, "https://"), r.HelpURI)
						assert.NotContains(t, r.HelpURI, "<")
					}
				}
				for _, r := range run.Results {
					// No unescaped bracket can open an embedded link.
					txt := strings.ReplaceAll(r.Message.Text, `\[`, "")
					assert.NotContains(t, txt, "[", r.Message.Text)
					for _, loc := range r.Locations {
						if loc.PhysicalLocation != nil {
							assert.NotContains(t, loc.PhysicalLocation.ArtifactLocation.URI, "|")
						}
					}
				}
			}
			assert.Contains(t, s, `src/%3Cb%3Ebold%3C/b%3E%7Cpipe.go`)
			assert.Contains(t, s, `\\[click\\](javascript:alert(2))`, "the markdown link is escaped text")
			assert.Contains(t, s, `"helpUri": "https://example.com/a?b=%3Cc%3E"`)
			validate(t, got)
		})
	}
}

// TestRoundTrip decodes the log with the repository's own SARIF decoder
// and compares what comes back with the findings written.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		data *report.Data
		opts sarif.Options
	}{
		{"realistic", realistic(t), sarif.Options{SourceRoot: "/builds/acme/shop"}},
		{"realistic.merged", realistic(t), sarif.Options{Layout: sarif.Merged, SourceRoot: "/builds/acme/shop"}},
		{"hostile", hostile(t), sarif.Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := report.New(tc.data, report.Options{})
			var buf bytes.Buffer
			require.NoError(t, sarif.Write(&buf, r, tc.opts))
			got, _, err := findings.Collect(func(h findings.Handler) error {
				return fsarif.Decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{Name: "aspm.sarif"}, h)
			})
			require.NoError(t, err)
			byID := map[string]*report.Finding{}
			for i := range r.Findings {
				byID[r.Findings[i].ID] = &r.Findings[i]
			}
			seen := map[string]bool{}
			for _, g := range got {
				id, _ := g.Properties["aspm/id"].(string)
				want := byID[id]
				require.NotNil(t, want, "unknown aspm/id %q", id)
				assert.False(t, seen[id], "%s written twice", id)
				seen[id] = true
				assert.Equal(t, want.Severity, g.Severity, id)
				assert.Equal(t, "sarif:security-severity", g.SeveritySource, id)
				assert.Equal(t, strings.TrimSpace(report.Plain(want.RuleID, 0)), g.RuleID, id)
				assert.Equal(t, want.CWEs, g.CWEs, id)
				assert.NotEmpty(t, g.Fingerprints["aspm/v1"], id)
				assert.Equal(t, want.Suppressed || want.Finding.Suppressed(), g.Suppressed(), id)
				if want.Package != nil && want.Package.PURL != "" && g.Kind != findings.KindSAST {
					// The decoder reads packages for SCA runs only; a
					// merged run of mixed rules reads as SAST.
					require.NotNil(t, g.Package, id)
					assert.Equal(t, want.Package.PURL, g.Package.PURL, id)
				}
				if p := want.Location.Path; p != "" && !strings.ContainsAny(p, "<|") {
					assert.Equal(t, strings.TrimPrefix(p, "/builds/acme/shop/"), g.Location.Path, id)
				}
				if want.Location.LogicalLocation != "" {
					assert.Equal(t, report.Plain(want.Location.LogicalLocation, 0), g.Location.LogicalLocation, id)
				}
				wantState := map[string]string{"new": "new", "reopened": "new", "unchanged": "unchanged", "updated": "updated", "fixed": "absent"}[want.State]
				assert.Equal(t, wantState, g.BaselineState, id)
			}
			// Every finding is written, or stands for its cluster.
			clusters := map[string]bool{}
			for _, g := range got {
				if c, _ := g.Properties["aspm/cluster"].(string); c != "" {
					clusters[c] = true
				}
			}
			for _, f := range r.Findings {
				if !seen[f.ID] {
					assert.True(t, f.Cluster != "" && clusters[f.Cluster], "%s is missing", f.ID)
				}
			}
		})
	}
}

func TestLayoutAndDedup(t *testing.T) {
	d := realistic(t)
	perTool := parse(t, render(t, d, sarif.Options{}))
	var tools []string
	total := 0
	for _, run := range perTool.Runs {
		tools = append(tools, run.Tool.Driver.Name)
		total += len(run.Results)
	}
	assert.Equal(t, []string{"aspm-access", "checkov", "gitleaks", "gosec", "grype", "osv-scanner", "trivy"}, tools, "one run per tool, by name")
	assert.Equal(t, len(d.Findings), total, "per tool, the two tools of a cluster each keep their result")

	merged := parse(t, render(t, d, sarif.Options{Layout: sarif.Merged}))
	require.Len(t, merged.Runs, 1)
	assert.Equal(t, "aspm", merged.Runs[0].Tool.Driver.Name)
	require.Len(t, merged.Runs[0].Results, len(d.Findings)-1, "the trivy/grype cluster counts once")
	for _, r := range merged.Runs[0].Results {
		if r.Properties["aspm/cluster"] == "cl-x-crypto-45337" {
			assert.Equal(t, "7c4a0e2b5d8f4a13b6e9c1f3a5d7b9e2", r.Properties["aspm/id"], "the first in display order stands for the cluster")
			assert.Equal(t, []any{"8d5b1f3c6e9a4b24c7f0d2a4b6e8c0f1"}, r.Properties["aspm/duplicates"])
			assert.Equal(t, "trivy", r.Properties["aspm/tool"])
		}
	}
	// Rules are indexed.
	for _, run := range append(perTool.Runs, merged.Runs...) {
		for _, r := range run.Results {
			require.Less(t, r.RuleIndex, len(run.Tool.Driver.Rules))
			assert.Equal(t, r.RuleID, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}

	// A finding given twice is written once.
	d2 := realistic(t)
	d2.Findings = append(d2.Findings, d2.Findings[0])
	assert.Equal(t, render(t, d, sarif.Options{}), render(t, d2, sarif.Options{}))
}

func TestMappings(t *testing.T) {
	l := parse(t, render(t, realistic(t), sarif.Options{SourceRoot: "/builds/acme/shop"}))
	results := map[string]int{}
	type res = struct {
		level, baseline, uri, logical string
		suppressions                  int
	}
	got := map[string]res{}
	rules := map[string]string{}
	for _, run := range l.Runs {
		for _, r := range run.Tool.Driver.Rules {
			rules[r.ID] = r.Properties.SecuritySeverity
		}
		for _, r := range run.Results {
			id := r.Properties["aspm/id"].(string)
			results[id]++
			v := res{level: r.Level, baseline: r.BaselineState, suppressions: len(r.Suppressions)}
			if len(r.Locations) > 0 {
				if p := r.Locations[0].PhysicalLocation; p != nil {
					v.uri = p.ArtifactLocation.URI
				}
				if ll := r.Locations[0].LogicalLocations; len(ll) > 0 {
					v.logical = ll[0].FullyQualifiedName
				}
			}
			got[id[:4]] = v
		}
	}
	for _, tc := range []struct {
		id   string
		want res
	}{
		{"3f1c", res{level: "error", baseline: "new", uri: "internal/store/orders.go"}},
		{"5b2e", res{level: "note", baseline: "unchanged", uri: "cmd/shop/main.go"}},
		{"7c4a", res{level: "error", baseline: "new", uri: "go.mod"}},
		{"9e6c", res{level: "error", baseline: "unchanged", logical: "ghcr.io/acme/shop:1.4.2", suppressions: 1}},
		{"b18e", res{level: "error", baseline: "absent", uri: "bin/shop"}},
		{"c29f", res{level: "warning", baseline: "unchanged", uri: "web/package-lock.json", suppressions: 1}},
		{"d3a0", res{level: "error", baseline: "updated", uri: "scripts/deploy.sh"}},
		{"e4b1", res{level: "warning", uri: "deploy/k8s/deployment.yaml", suppressions: 1}},
		{"f5c2", res{level: "error", baseline: "new", logical: "kubernetes:service_account:ci/deployer"}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			assert.Equal(t, tc.want, got[tc.id])
		})
	}
	assert.Equal(t, "7.5", rules["G201"], "risk score 74.5 / 10")
	assert.Equal(t, "2.0", rules["G104"], "no risk score: the severity's score")
	assert.Equal(t, "9.2", rules["CVE-2024-45337"], "risk score 92 / 10")
	assert.Equal(t, "9.5", rules["CVE-2024-24790"], "critical without score or CVSS")
}

func TestSuppressionJustification(t *testing.T) {
	l := parse(t, render(t, realistic(t), sarif.Options{}))
	just := map[string][]string{}
	for _, run := range l.Runs {
		for _, r := range run.Results {
			for _, s := range r.Suppressions {
				just[r.RuleID] = append(just[r.RuleID], s.Kind+"/"+s.Status+": "+s.Justification)
			}
		}
	}
	assert.Equal(t, []string{"external/accepted: The service never calls EVP_CIPHER_CTX_set_params with a key length."}, just["CVE-2023-5363"])
	assert.Equal(t, []string{"inSource/accepted: needed by the init container"}, just["CKV_K8S_20"])
	assert.Empty(t, just["CVE-2025-22869"], "accepted risk that is not suppressed is not a suppression")
}

// synthetic builds n findings over the given number of tools.
func synthetic(n, tools int) *report.Data {
	d := &report.Data{Findings: make([]report.Finding, n)}
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow, findings.SeverityInfo}
	for i := range d.Findings {
		f := &d.Findings[i]
		f.ID = fmt.Sprintf("%032x", i)
		f.Kind = findings.KindSAST
		f.Tool = findings.Tool{Name: fmt.Sprintf("tool-%02d", i%tools), Version: "1.0"}
		f.RuleID = fmt.Sprintf("R%03d", i%200)
		f.Title = fmt.Sprintf("Finding %d in handler", i)
		f.Description = "A long enough description of the problem.\nWith a second line."
		f.Severity = sevs[i%len(sevs)]
		f.CWEs = []string{"CWE-79"}
		f.Location = findings.Location{Path: fmt.Sprintf("pkg/m%d/file%d.go", i%50, i%1000), Region: &findings.Region{StartLine: i%400 + 1, StartColumn: 3}}
		f.Fingerprints = map[string]string{"primaryLocationLineHash": fmt.Sprintf("%016x:1", i)}
		f.State = "unchanged"
		if i%3 == 0 {
			f.Risk = &report.Risk{Score: float64(i % 100), Priority: "P3"}
		}
	}
	return d
}

func TestResultLimit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, max    int
		kept      int
		truncated bool
	}{
		{"at the limit", 3, 3, 3, false},
		{"one over", 4, 3, 3, true},
		{"unlimited", 40, -1, 40, false},
		{"GitHub at N", sarif.MaxResultsPerRun, 0, sarif.MaxResultsPerRun, false},
		{"GitHub at N+1", sarif.MaxResultsPerRun + 1, 0, sarif.MaxResultsPerRun, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := synthetic(tc.n, 1)
			got := render(t, d, sarif.Options{MaxResultsPerRun: tc.max})
			l := parse(t, got)
			require.Len(t, l.Runs, 1)
			run := l.Runs[0]
			assert.Len(t, run.Results, tc.kept)
			if !tc.truncated {
				assert.Empty(t, run.Invocations)
				assert.Nil(t, run.Properties)
				return
			}
			require.Len(t, run.Invocations, 1)
			require.Len(t, run.Invocations[0].ToolExecutionNotifications, 1)
			n := run.Invocations[0].ToolExecutionNotifications[0]
			assert.Equal(t, "aspm/results-truncated", n.Descriptor.ID)
			assert.Contains(t, n.Message.Text, fmt.Sprintf("%d of %d results were left out", tc.n-tc.kept, tc.n))
			assert.Equal(t, float64(tc.n-tc.kept), run.Properties["aspm/omitted-results"])
			if tc.n < 100 {
				validate(t, got)
			}
		})
	}
}

func TestRunLimit(t *testing.T) {
	for _, tc := range []struct {
		tools, runs int
	}{{sarif.MaxRuns, sarif.MaxRuns}, {sarif.MaxRuns + 1, sarif.MaxRuns}, {30, sarif.MaxRuns}} {
		t.Run(fmt.Sprint(tc.tools), func(t *testing.T) {
			d := synthetic(tc.tools*2, tc.tools)
			got := render(t, d, sarif.Options{})
			validate(t, got)
			l := parse(t, got)
			require.Len(t, l.Runs, tc.runs)
			total := 0
			for _, r := range l.Runs {
				total += len(r.Results)
			}
			assert.Equal(t, tc.tools*2, total, "no result is lost")
			last := l.Runs[len(l.Runs)-1]
			if tc.tools <= sarif.MaxRuns {
				assert.Equal(t, fmt.Sprintf("tool-%02d", tc.tools-1), last.Tool.Driver.Name)
				return
			}
			assert.Equal(t, "aspm", last.Tool.Driver.Name)
			require.Len(t, last.Invocations, 1)
			assert.Equal(t, "aspm/runs-merged", last.Invocations[0].ToolExecutionNotifications[0].Descriptor.ID)
			assert.Contains(t, last.Invocations[0].ToolExecutionNotifications[0].Message.Text, fmt.Sprintf("the results of %d tools", tc.tools-sarif.MaxRuns+1))
			tools := map[any]bool{}
			for _, r := range last.Results {
				tools[r.Properties["aspm/tool"]] = true
			}
			assert.Len(t, tools, tc.tools-sarif.MaxRuns+1)
			assert.True(t, tools["tool-19"], "the tools beyond the 19th, by name, share the last run")
		})
	}
}

func TestEmpty(t *testing.T) {
	got := render(t, &report.Data{}, sarif.Options{})
	assert.Equal(t, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": []\n}\n", string(got))
	validate(t, got)
	merged := render(t, &report.Data{}, sarif.Options{Layout: sarif.Merged})
	validate(t, merged)
	assert.Len(t, parse(t, merged).Runs, 1, "a merged log has its run even without results")
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestErrors(t *testing.T) {
	assert.ErrorIs(t, sarif.Write(&bytes.Buffer{}, nil, sarif.Options{}), sarif.ErrNilReport)

	d := realistic(t)
	d.Findings[3].ID = ""
	err := sarif.Write(&bytes.Buffer{}, report.New(d, report.Options{}), sarif.Options{})
	require.ErrorIs(t, err, sarif.ErrInvalidFinding)
	var fe *sarif.FindingError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "id", fe.Field)
	assert.Contains(t, err.Error(), "sarif: invalid finding")

	err = sarif.Write(&failWriter{n: 100}, report.New(synthetic(1000, 2), report.Options{}), sarif.Options{})
	require.ErrorIs(t, err, sarif.ErrWrite)
	assert.Contains(t, err.Error(), "disk full")
}

func TestLayoutString(t *testing.T) {
	assert.Equal(t, "per-tool", sarif.PerTool.String())
	assert.Equal(t, "merged", sarif.Merged.String())
	assert.Equal(t, "Layout(7)", sarif.Layout(7).String())
}

// TestMultitool validates the logs with the SARIF Multitool when it is
// installed (an independent oracle; the test skips without it).
func TestMultitool(t *testing.T) {
	tool := os.Getenv("SARIF_MULTITOOL")
	if tool == "" {
		if p, err := exec.LookPath("sarif-multitool"); err == nil {
			tool = p
		}
	}
	if tool == "" {
		t.Skip("skipping: SARIF Multitool not installed (set SARIF_MULTITOOL to its Sarif.Multitool binary)")
	}
	dir := t.TempDir()
	for _, name := range []string{"hostile", "realistic"} {
		in := filepath.Join(dir, name+".sarif")
		require.NoError(t, os.WriteFile(in, render(t, load(t, map[string]string{"hostile": "../testdata/hostile.json", "realistic": "../testdata/vulnerabilities.json"}[name]), sarif.Options{}), 0o644))
		out := filepath.Join(dir, name+".validation.sarif")
		// Gh applies GitHub Advanced Security's ingestion rules.
		cmd := exec.Command(tool, "validate", "--rule-kind", "Gh;Sarif", "--output", out, in)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, string(b))
		res := parse(t, mustRead(t, out))
		for _, run := range res.Runs {
			for _, r := range run.Results {
				assert.NotEqual(t, "error", r.Level, "%s: %s %s", name, r.RuleID, r.Message.Text)
			}
		}
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	return b
}
