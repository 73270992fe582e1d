package compliance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

var (
	// pstAt is the demo posture's time; pstT0 the time of its baseline scan.
	pstAt = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	pstT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

const pstCheckoutRepo = "https://github.com/acme/checkout"

// pstDecode decodes one scanner output of testdata/demo/scans.
func pstDecode(t testing.TB, name string) []findings.Finding {
	t.Helper()
	var fs []findings.Finding
	_, err := detect.DecodeFile(filepath.Join("..", "testdata", "demo", "scans", name),
		detect.Options{DecodeOptions: findings.DecodeOptions{Name: "scans/" + name}},
		findings.Handler{Finding: func(f findings.Finding) error { fs = append(fs, f); return nil }})
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	return fs
}

// pstCatalog reads the acme catalog of testdata/inventory, plus the
// golang.org/x/text component the demo application depends on.
func pstCatalog(t testing.TB) *inventory.Graph {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "inventory", "catalog", "acme.yaml"))
	require.NoError(t, err)
	defer f.Close()
	g := inventory.New()
	_, err = catalog.Read(f, g, catalog.Options{Name: "catalog/acme.yaml"})
	require.NoError(t, err)
	repo, err := inventory.RepositoryID(pstCheckoutRepo)
	require.NoError(t, err)
	text, err := g.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:golang/golang.org/x/text@v0.3.5",
		Name: "golang.org/x/text", Version: "v0.3.5"})
	require.NoError(t, err)
	require.NoError(t, g.Link(inventory.Edge{From: repo, To: text, Type: inventory.DependsOn,
		Scope: findings.ScopeRuntime, Relationship: findings.RelationshipDirect}))
	return g
}

// pstDemoBuilder assembles the demo posture: the acme catalog; the four
// demo scans of the checkout repository, tracked against a baseline scan
// of March 2026 (gosec, gitleaks and a gosec finding fixed since) with two
// triage decisions; coverage of two repositories; an SBOM; two access
// results.
func pstDemoBuilder(t testing.TB) *compliance.Builder {
	t.Helper()
	var scan []findings.Finding
	for _, name := range []string{"gosec.sarif", "govulncheck.json", "gitleaks.json", "osv-scanner.json"} {
		scan = append(scan, pstDecode(t, name)...)
	}
	var base []findings.Finding
	for _, f := range scan {
		if f.Tool.Name == "gosec" || f.Tool.Name == "gitleaks" {
			base = append(base, f)
		}
	}
	retired := base[0]
	retired.RuleID, retired.Title = "G999", "A check that no longer fires"
	retired.Location.SnippetHash = strings.Repeat("0", 64)
	base = append(base, retired)
	records := correlate.Baseline(base, pstT0, correlate.Options{})
	for i := range records {
		r := &records[i]
		switch {
		case r.Finding.Tool.Name == "gitleaks":
			r.Triage = &correlate.Triage{Status: correlate.AcceptedRisk, Justification: "webhook is a test fixture", At: pstT0}
		case r.Finding.RuleID == "G114":
			r.Triage = &correlate.Triage{Status: correlate.WontFix, Justification: "behind a proxy with timeouts",
				Author: "bob", At: pstT0, Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
		}
	}
	res := correlate.Compare(records, correlate.Scan{ID: "ci-2026-07-01", At: pstAt, Findings: scan,
		Tools: []string{"gosec", "govulncheck", "gitleaks", "osv-scanner"}}, correlate.Options{})

	b := compliance.NewBuilder(pstAt)
	b.Inventory(pstCatalog(t)).
		Findings(scan, compliance.FindingOptions{Records: res.Records, Link: correlate.LinkOptions{Repository: pstCheckoutRepo}})
	for _, c := range []struct {
		tool string
		kind findings.Kind
	}{{"gosec", findings.KindSAST}, {"govulncheck", findings.KindSCA}, {"osv-scanner", findings.KindSCA}, {"gitleaks", findings.KindSecret}} {
		b.Coverage(pstCheckoutRepo, c.tool, c.kind, pstAt)
	}
	b.Coverage("https://github.com/acme/storefront", "gitleaks", findings.KindSecret, pstT0).
		SBOM("ghcr.io/acme/checkout-api:2.3.1@sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3", "CycloneDX", pstAt).
		Access([]map[string]any{
			{"principal": "sa:shop/ci-deployer", "kind": "kubernetes", "issue": "cluster-admin binding", "namespace": "shop"},
			{"principal": "person:carol", "kind": "github", "issue": "org owner without two-factor authentication", "severity": "high"},
		})
	return b
}

func pstMarshal(t testing.TB, p *compliance.Posture) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(p))
	return buf.Bytes()
}

// TestBuilderDemo builds the demo posture, compares it with the golden
// fixture (other packages' tests use that file as a ready posture), checks
// it against the JSON Schema, reads it back, and checks what the controls
// will rely on.
func TestBuilderDemo(t *testing.T) {
	p, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)
	out := pstMarshal(t, p)
	golden.Assert(t, filepath.Join("..", "testdata", "compliance", "demo-posture.json"), out)
	pstSchemaValid(t, out)

	back, err := compliance.ReadPosture(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, out, pstMarshal(t, back), "a built posture reads back unchanged")
	require.NoError(t, p.Validate())

	// Build is repeatable.
	again, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)
	assert.Equal(t, out, pstMarshal(t, again))

	byRule := map[string][]compliance.Finding{}
	tools := map[string]int{}
	for _, f := range p.Findings {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
		tools[f.Tool]++
	}
	assert.Equal(t, map[string]int{"gosec": 7, "gitleaks": 1, "govulncheck": 3, "osv-scanner": 55}, tools)

	repo := "repository:github.com/acme/checkout"
	sqli := byRule["G701"]
	require.Len(t, sqli, 1)
	assert.Equal(t, []string{repo}, sqli[0].Assets)
	assert.Equal(t, correlate.StateUnchanged, sqli[0].State)
	assert.True(t, sqli[0].Open)
	assert.Equal(t, pstT0, sqli[0].FirstSeen)
	assert.Equal(t, risk.ExposureInternet, sqli[0].Risk.Exposure, "inherited from the checkout application")
	assert.Equal(t, risk.CriticalityCritical, sqli[0].Risk.Criticality)
	assert.Equal(t, findings.ReachabilityUnknown, sqli[0].Risk.Reachability)

	fixed := byRule["G999"]
	require.Len(t, fixed, 1)
	assert.Equal(t, correlate.StateFixed, fixed[0].State)
	assert.False(t, fixed[0].Open)
	assert.Equal(t, pstAt, fixed[0].FixedAt)

	secret := byRule["slack-webhook-url"]
	require.Len(t, secret, 1)
	require.NotNil(t, secret[0].Triage)
	assert.Equal(t, correlate.AcceptedRisk, secret[0].Triage.Status)
	assert.Empty(t, secret[0].Triage.Author, "an acceptance without an owner, for ASPM-RA-01 to catch")
	assert.True(t, secret[0].Triage.Active)
	assert.True(t, secret[0].Suppressed)

	reachable := byRule["GO-2021-0113"]
	require.Len(t, reachable, 2) // govulncheck and osv-scanner
	for _, f := range reachable {
		assert.Equal(t, correlate.StateNew, f.State)
		assert.Equal(t, pstAt, f.FirstSeen)
		assert.Contains(t, f.Assets, repo)
		assert.False(t, f.SLA.Breached, "first seen today")
	}
	for _, f := range reachable {
		if f.Tool == "govulncheck" {
			assert.Equal(t, findings.Reachable, f.Risk.Reachability)
			assert.Contains(t, f.Assets, "component:pkg:golang/golang.org/x/text@v0.3.5")
		}
	}

	var breached int
	for _, f := range p.Findings {
		if f.Open && f.SLA.Breached {
			breached++
			assert.Equal(t, pstT0, f.FirstSeen)
		}
	}
	assert.Positive(t, breached, "findings open since March are past their SLA")

	require.Len(t, p.Coverage, 5)
	assert.Equal(t, compliance.Coverage{Asset: repo, Tool: "govulncheck", Kind: findings.KindSCA, At: pstAt}, p.Coverage[1])
	assert.Equal(t, "repository:github.com/acme/storefront", p.Coverage[4].Asset)
	require.Len(t, p.SBOMs, 1)
	assert.Equal(t, compliance.SBOM{Asset: "image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3",
		Format: "cyclonedx", At: pstAt}, p.SBOMs[0])
	require.Len(t, p.Access, 2)
	assert.Equal(t, "person:carol", p.Access[0]["principal"])
}

// pstFinding returns a small finding of a kind.
func pstFinding(tool, rule string, sev findings.Severity) findings.Finding {
	f := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: tool}, RuleID: rule, Title: rule,
		Severity: sev, Location: findings.Location{Path: "main.go", Region: &findings.Region{StartLine: 3}, SnippetHash: rule},
		Source: findings.Source{Format: "test"}}
	f.ID = f.ComputeID()
	return f
}

func TestBuilderLifecycle(t *testing.T) {
	a := pstFinding("semgrep", "r1", findings.SeverityCritical)
	b := pstFinding("semgrep", "r2", findings.SeverityLow)
	day0 := pstAt.Add(-60 * risk.Day)
	baseline := correlate.Baseline([]findings.Finding{a, b}, day0, correlate.Options{})
	after := correlate.Compare(baseline, correlate.Scan{At: pstAt, Findings: []findings.Finding{a}}, correlate.Options{}).Records

	tests := []struct {
		name  string
		fs    []findings.Finding
		recs  []correlate.Record
		want  map[string]correlate.State // by rule
		open  map[string]bool
		first map[string]time.Time
	}{
		{name: "no records: new, open, first seen now", fs: []findings.Finding{a, b},
			want:  map[string]correlate.State{"r1": correlate.StateNew, "r2": correlate.StateNew},
			open:  map[string]bool{"r1": true, "r2": true},
			first: map[string]time.Time{"r1": pstAt, "r2": pstAt}},
		{name: "records: unchanged and fixed", fs: []findings.Finding{a}, recs: after,
			want:  map[string]correlate.State{"r1": correlate.StateUnchanged, "r2": correlate.StateFixed},
			open:  map[string]bool{"r1": true, "r2": false},
			first: map[string]time.Time{"r1": day0, "r2": day0}},
		{name: "records only", recs: after,
			want: map[string]correlate.State{"r1": correlate.StateUnchanged, "r2": correlate.StateFixed},
			open: map[string]bool{"r1": true, "r2": false}},
		{name: "duplicates collapse", fs: []findings.Finding{a, a},
			want: map[string]correlate.State{"r1": correlate.StateNew}, open: map[string]bool{"r1": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := compliance.NewBuilder(pstAt).Findings(tt.fs, compliance.FindingOptions{Records: tt.recs}).Build()
			require.NoError(t, err)
			require.NoError(t, p.Validate())
			got := map[string]correlate.State{}
			open := map[string]bool{}
			for _, f := range p.Findings {
				got[f.RuleID], open[f.RuleID] = f.State, f.Open
				if want, ok := tt.first[f.RuleID]; ok {
					assert.Equal(t, want, f.FirstSeen, f.RuleID)
				}
				assert.Equal(t, []string{}, f.Assets, "no inventory, no links")
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.open, open)
		})
	}

	t.Run("SLA: open past due, fixed late", func(t *testing.T) {
		p, err := compliance.NewBuilder(pstAt).Findings([]findings.Finding{a}, compliance.FindingOptions{Records: after}).Build()
		require.NoError(t, err)
		for _, f := range p.Findings {
			require.NotZero(t, f.SLA.Due, f.RuleID)
			switch f.RuleID {
			case "r1": // open for 60 days: past any window but P4's
				assert.Equal(t, f.SLA.Due.Before(pstAt), f.SLA.Breached)
				assert.Equal(t, day0, f.FirstSeen)
			case "r2": // fixed today, 60 days after first seen
				assert.Equal(t, f.SLA.Due.Before(pstAt), f.SLA.Breached)
			}
		}
	})

	t.Run("a bad record is reported, and the posture stays valid", func(t *testing.T) {
		bad := slices.Clone(after)
		bad[0].State, bad[0].FirstSeen, bad[0].LastSeen = "gone", time.Time{}, time.Time{}
		bad[0].Triage = &correlate.Triage{Author: "x"}
		p, err := compliance.NewBuilder(pstAt).Findings(nil, compliance.FindingOptions{Records: bad}).Build()
		require.Error(t, err)
		for _, want := range []string{`unknown state "gone"`, "no first-seen time", "no last-seen time", "unknown triage status"} {
			assert.Contains(t, err.Error(), want)
		}
		require.NoError(t, p.Validate())
	})

	t.Run("a record listed twice is reported", func(t *testing.T) {
		dup := append(slices.Clone(after), after[0])
		p, err := compliance.NewBuilder(pstAt).Findings(nil, compliance.FindingOptions{Records: dup}).Build()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "listed twice")
		assert.Len(t, p.Findings, 2)
	})
}

func TestBuilderTriageAndSuppression(t *testing.T) {
	f := pstFinding("semgrep", "r1", findings.SeverityHigh)
	vex := pstFinding("semgrep", "r2", findings.SeverityHigh)
	vex.VEX = &findings.VEXAnalysis{Status: findings.VEXNotAffected}
	tool := pstFinding("semgrep", "r3", findings.SeverityHigh)
	tool.Suppressions = []findings.Suppression{{Kind: "in_source"}}
	records := correlate.Baseline([]findings.Finding{f, vex, tool}, pstT0, correlate.Options{})

	tests := []struct {
		name       string
		triage     *correlate.Triage
		active     bool
		suppressed bool
	}{
		{"none", nil, false, false},
		{"active acceptance", &correlate.Triage{Status: correlate.AcceptedRisk, Author: "alice", Expires: pstAt.Add(risk.Day)}, true, true},
		{"expired acceptance", &correlate.Triage{Status: correlate.AcceptedRisk, Author: "alice", Expires: pstAt.Add(-risk.Day)}, false, false},
		{"false positive, no expiry", &correlate.Triage{Status: correlate.FalsePositive}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := slices.Clone(records)
			for i := range recs {
				if recs[i].Finding.RuleID == "r1" {
					recs[i].Triage = tt.triage
				}
			}
			p, err := compliance.NewBuilder(pstAt).Findings([]findings.Finding{f, vex, tool}, compliance.FindingOptions{Records: recs}).Build()
			require.NoError(t, err)
			for _, pf := range p.Findings {
				switch pf.RuleID {
				case "r1":
					if tt.triage == nil {
						assert.Nil(t, pf.Triage)
					} else {
						require.NotNil(t, pf.Triage)
						assert.Equal(t, tt.triage.Status, pf.Triage.Status)
						assert.Equal(t, tt.active, pf.Triage.Active)
						assert.Equal(t, tt.triage.Expires, pf.Triage.Expires)
					}
					assert.Equal(t, tt.suppressed, pf.Suppressed)
				case "r2":
					assert.True(t, pf.Suppressed, "VEX not_affected")
					assert.Equal(t, findings.VEXNotAffected, pf.VEX)
				case "r3":
					assert.True(t, pf.Suppressed, "suppressed in source")
				}
			}
		})
	}
}

// pstFeeds returns a KEV catalog listing CVE-2021-38561 (with ransomware
// use) and an EPSS feed scoring CVE-2022-32149.
func pstFeeds(t testing.TB) (*kev.Catalog, *epss.Feed) {
	t.Helper()
	k, err := kev.ReadJSON(strings.NewReader(`{"title":"test catalog","catalogVersion":"2026.06.30","dateReleased":"2026-06-30T00:00:00Z","count":1,
	"vulnerabilities":[{"cveID":"CVE-2021-38561","vendorProject":"Go","product":"x/text","vulnerabilityName":"test",
	"dateAdded":"2026-06-01","shortDescription":"test","requiredAction":"update","dueDate":"2026-06-22",
	"knownRansomwareCampaignUse":"Known","notes":""}]}`), kev.Options{})
	require.NoError(t, err)
	e, err := epss.Read(strings.NewReader("#model_version:v2025.03.14,score_date:2026-06-30T00:00:00Z\ncve,epss,percentile\nCVE-2022-32149,0.42000,0.97000\n"), epss.Options{})
	require.NoError(t, err)
	return k, e
}

func TestBuilderRiskFeedsAndContext(t *testing.T) {
	k, e := pstFeeds(t)
	fs := pstDecode(t, "govulncheck.json")
	g := pstCatalog(t)
	p, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{
		Context: risk.Context{KEV: k, EPSS: e},
		Link:    correlate.LinkOptions{Repository: pstCheckoutRepo},
	}).Build()
	require.NoError(t, err)
	require.Len(t, p.Findings, 3)
	got := map[string]compliance.Risk{}
	for _, f := range p.Findings {
		got[f.RuleID] = f.Risk
	}
	kevd := got["GO-2021-0113"]
	assert.True(t, kevd.KEV)
	assert.True(t, kevd.Ransomware)
	assert.Equal(t, risk.P1, kevd.Priority)
	assert.Equal(t, findings.Reachable, kevd.Reachability)
	assert.Equal(t, risk.ExposureInternet, kevd.Exposure)
	assert.Equal(t, risk.EnvironmentProduction, kevd.Environment)
	assert.Equal(t, "attend", string(kevd.SSVC.Decision), "active exploitation, not automatable (no vector)")

	scored := got["GO-2022-1059"]
	assert.False(t, scored.KEV)
	require.NotNil(t, scored.EPSS)
	assert.InDelta(t, 0.42, *scored.EPSS, 1e-9)

	unreachable := got["GO-2026-5970"]
	assert.Equal(t, findings.Unreachable, unreachable.Reachability)
	assert.Nil(t, unreachable.EPSS)
	assert.Less(t, unreachable.Score, kevd.Score)

	// Without an inventory, the context given is used.
	p, err = compliance.NewBuilder(pstAt).Findings(fs, compliance.FindingOptions{
		Context: risk.Context{Asset: risk.Asset{Exposure: risk.ExposureIsolated}}}).Build()
	require.NoError(t, err)
	for _, f := range p.Findings {
		assert.Equal(t, risk.ExposureIsolated, f.Risk.Exposure)
	}

	// A bad vector is reported, and the finding still scored.
	bad := pstFinding("trivy", "CVE-1", findings.SeverityHigh)
	bad.CVSS = []findings.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:X"}}
	p, err = compliance.NewBuilder(pstAt).Findings([]findings.Finding{bad}, compliance.FindingOptions{}).Build()
	require.Error(t, err)
	require.Len(t, p.Findings, 1)
	assert.Equal(t, findings.SeverityHigh, p.Findings[0].Risk.Severity)
}

func TestBuilderGraphOption(t *testing.T) {
	g := pstCatalog(t)
	fs := pstDecode(t, "gitleaks.json")
	// FindingOptions.Graph links the batch; its assets enter the posture
	// through Inventory.
	p, err := compliance.NewBuilder(pstAt).Inventory(g).
		Findings(fs, compliance.FindingOptions{Graph: g, Link: correlate.LinkOptions{Repository: "https://github.com/acme/storefront"}}).Build()
	require.NoError(t, err)
	require.Len(t, p.Findings, 1)
	assert.Equal(t, []string{"repository:github.com/acme/storefront"}, p.Findings[0].Assets)
	assert.Equal(t, risk.CriticalityHigh, p.Findings[0].Risk.Criticality)

	// Inventory added after the findings still links them.
	p2, err := compliance.NewBuilder(pstAt).
		Findings(fs, compliance.FindingOptions{Link: correlate.LinkOptions{Repository: "https://github.com/acme/storefront"}}).
		Inventory(g).Build()
	require.NoError(t, err)
	assert.Equal(t, p.Findings, p2.Findings)
}

func TestBuilderCoverageAndSBOMs(t *testing.T) {
	g := pstCatalog(t)
	tests := []struct {
		name    string
		build   func(*compliance.Builder)
		wantCov []compliance.Coverage
		wantSB  []compliance.SBOM
		wantErr string
	}{
		{name: "URL resolves, last run kept", build: func(b *compliance.Builder) {
			b.Coverage("https://github.com/acme/storefront.git", "semgrep", findings.KindSAST, pstT0).
				Coverage("repository:github.com/acme/storefront", "semgrep", findings.KindSAST, pstAt).
				Coverage("https://github.com/acme/storefront", "semgrep", findings.KindSAST, pstT0)
		}, wantCov: []compliance.Coverage{{Asset: "repository:github.com/acme/storefront", Tool: "semgrep", Kind: findings.KindSAST, At: pstAt}}},
		{name: "unknown asset kept as given", build: func(b *compliance.Builder) {
			b.Coverage("somewhere", "zap", findings.KindDAST, pstAt)
		}, wantCov: []compliance.Coverage{{Asset: "somewhere", Tool: "zap", Kind: findings.KindDAST, At: pstAt}}},
		{name: "image reference and purl resolve", build: func(b *compliance.Builder) {
			b.SBOM("ghcr.io/acme/storefront-web:5.0.0", "spdx", pstT0).
				SBOM("pkg:golang/golang.org/x/text@v0.3.5", "cyclonedx", pstAt)
		}, wantSB: []compliance.SBOM{
			{Asset: "component:pkg:golang/golang.org/x/text@v0.3.5", Format: "cyclonedx", At: pstAt},
			{Asset: "image:ghcr.io/acme/storefront-web:5.0.0", Format: "spdx", At: pstT0},
		}},
		{name: "bad kind", build: func(b *compliance.Builder) { b.Coverage("x", "t", "fuzzing", pstAt) }, wantErr: "unknown kind"},
		{name: "empty tool", build: func(b *compliance.Builder) { b.Coverage("x", "", findings.KindSAST, pstAt) }, wantErr: "empty asset or tool"},
		{name: "no time", build: func(b *compliance.Builder) { b.SBOM("x", "spdx", time.Time{}) }, wantErr: "no time"},
		{name: "no format", build: func(b *compliance.Builder) { b.SBOM("x", "", pstAt) }, wantErr: "empty asset or format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := compliance.NewBuilder(pstAt).Inventory(g)
			tt.build(b)
			p, err := b.Build()
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Empty(t, p.Coverage)
				assert.Empty(t, p.SBOMs)
				return
			}
			require.NoError(t, err)
			if tt.wantCov == nil {
				tt.wantCov = []compliance.Coverage{}
			}
			if tt.wantSB == nil {
				tt.wantSB = []compliance.SBOM{}
			}
			assert.Equal(t, tt.wantCov, p.Coverage)
			assert.Equal(t, tt.wantSB, p.SBOMs)
		})
	}
}

func TestBuilderAccess(t *testing.T) {
	in := []map[string]any{
		{"principal": "b", "kind": "iam", "issue": "wildcard", "count": 3},
		{"principal": "a", "kind": "iam", "issue": "stale key", "days": 400.5},
		{"principal": "a", "kind": "iam", "issue": "stale key", "days": 10},
	}
	p, err := compliance.NewBuilder(pstAt).Access(in).Build()
	require.NoError(t, err)
	require.Len(t, p.Access, 3)
	assert.Equal(t, []any{"a", "a", "b"}, []any{p.Access[0]["principal"], p.Access[1]["principal"], p.Access[2]["principal"]})
	assert.Equal(t, json.Number("10"), p.Access[0]["days"], "ordered by encoding after the keys")
	in[2]["principal"] = "changed"
	assert.Equal(t, "a", p.Access[0]["principal"], "entries are copied")

	_, err = compliance.NewBuilder(pstAt).Access([]map[string]any{{"f": func() {}}, nil}).Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "access[0]")
	assert.Contains(t, err.Error(), "access[1]: nil entry")
}

func TestBuilderBadInputs(t *testing.T) {
	p, err := compliance.NewBuilder(time.Time{}).Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "zero time")
	assert.Error(t, p.Validate())

	f := pstFinding("", "r", "")
	f.Kind = ""
	p, err = compliance.NewBuilder(pstAt).Findings([]findings.Finding{f}, compliance.FindingOptions{}).Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `kind "" replaced by "other"`)
	assert.Contains(t, err.Error(), `tool "" replaced by "unknown"`)
	require.Len(t, p.Findings, 1)
	assert.Equal(t, findings.KindOther, p.Findings[0].Kind)
	assert.Equal(t, findings.SeverityUnknown, p.Findings[0].Severity)
	assert.Equal(t, "unknown", p.Findings[0].Tool)
	assert.NoError(t, p.Validate())
}

// TestBuilderDeterministic shuffles the inputs: the posture does not change.
func TestBuilderDeterministic(t *testing.T) {
	fs := append(pstDecode(t, "gosec.sarif"), pstDecode(t, "osv-scanner.json")...)
	g := pstCatalog(t)
	build := func(fs []findings.Finding, seed uint64) []byte {
		r := rand.New(rand.NewPCG(seed, 1))
		b := compliance.NewBuilder(pstAt).Inventory(g)
		cov := []string{"gosec", "osv-scanner", "gitleaks", "trivy"}
		r.Shuffle(len(cov), func(i, j int) { cov[i], cov[j] = cov[j], cov[i] })
		for _, tool := range cov {
			b.Coverage(pstCheckoutRepo, tool, findings.KindSCA, pstAt)
		}
		p, err := b.Findings(fs, compliance.FindingOptions{Link: correlate.LinkOptions{Repository: pstCheckoutRepo}}).Build()
		require.NoError(t, err)
		return pstMarshal(t, p)
	}
	want := build(fs, 0)
	for seed := range uint64(5) {
		shuffled := slices.Clone(fs)
		r := rand.New(rand.NewPCG(seed, 2))
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		// Occurrence ranks follow the position in the file, not in the
		// slice, so identities do not depend on the order either.
		assert.Equal(t, want, build(shuffled, seed+1), "seed %d", seed)
	}
}

// Build a posture from a scan, an inventory and coverage records, and look
// at what a control would see.
func ExampleBuilder() {
	at := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	g := inventory.New()
	repo, _ := g.Add(inventory.Asset{Kind: inventory.KindRepository, Name: "acme/shop", URL: "https://github.com/acme/shop",
		Environment: risk.EnvironmentProduction, Exposure: risk.ExposureInternet})
	scan := []findings.Finding{{
		Kind: findings.KindSecret, Tool: findings.Tool{Name: "gitleaks"}, RuleID: "aws-access-key", Title: "AWS key",
		Severity: findings.SeverityHigh, SecretHash: strings.Repeat("ab", 32),
		Location: findings.Location{Path: "deploy/env", Region: &findings.Region{StartLine: 4}},
	}}

	p, err := compliance.NewBuilder(at).
		Inventory(g).
		Findings(scan, compliance.FindingOptions{Link: correlate.LinkOptions{Repository: "https://github.com/acme/shop"}}).
		Coverage(repo, "gitleaks", findings.KindSecret, at).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := p.Findings[0]
	fmt.Println(p.Version, p.GeneratedAt.Format(time.RFC3339))
	fmt.Println(f.Kind, f.Tool, f.Assets, f.State, f.Open)
	fmt.Println(f.Risk.Priority, f.Risk.Exposure, f.SLA.Due.Format(time.DateOnly))
	fmt.Println(p.Coverage[0].Asset, p.Coverage[0].Kind)
	// Output:
	// aspm-posture/1 2026-07-01T00:00:00Z
	// secret gitleaks [repository:github.com/acme/shop] new true
	// P2 internet 2026-07-31
	// repository:github.com/acme/shop secret
}

// pstSyntheticInput makes an inventory of n assets (applications,
// repositories, services, images, components) and m findings spread over
// them, shaped like a large organization's scans.
func pstSyntheticInput(tb testing.TB, n, m int) (*inventory.Graph, []findings.Finding) {
	tb.Helper()
	r := rand.New(rand.NewPCG(3, 5))
	g := inventory.New()
	g.Grow(n, 2*n)
	apps := n / 100
	var repos, comps []string
	for i := range apps {
		app, err := g.Add(inventory.Asset{Kind: inventory.KindApplication, Name: "app" + strconv.Itoa(i),
			Exposure: []risk.Exposure{risk.ExposureInternet, risk.ExposureInternal}[i%2], Environment: risk.EnvironmentProduction,
			Criticality: risk.CriticalityHigh})
		require.NoError(tb, err)
		repo, err := g.Add(inventory.Asset{Kind: inventory.KindRepository, Name: "acme/app" + strconv.Itoa(i),
			URL: "https://github.com/acme/app" + strconv.Itoa(i)})
		require.NoError(tb, err)
		repos = append(repos, repo)
		require.NoError(tb, g.Link(inventory.Edge{From: app, To: repo, Type: inventory.Contains}))
	}
	for i := g.Len(); i < n; i++ {
		id, err := g.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:npm/pkg" + strconv.Itoa(i) + "@1.0." + strconv.Itoa(i%7)})
		require.NoError(tb, err)
		comps = append(comps, id)
		require.NoError(tb, g.Link(inventory.Edge{From: repos[r.IntN(len(repos))], To: id, Type: inventory.DependsOn}))
	}
	fs := make([]findings.Finding, m)
	vectors := []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
	for i := range fs {
		f := &fs[i]
		f.Tool.Name = []string{"trivy", "grype", "semgrep", "gitleaks"}[i%4]
		f.Severity = findings.Severities[r.IntN(5)]
		f.Source = findings.Source{Format: "test", Record: i}
		switch i % 4 {
		case 0, 1:
			c, _ := g.Asset(comps[r.IntN(len(comps))])
			v := "CVE-2026-" + strconv.Itoa(10000+r.IntN(5000))
			f.Kind, f.RuleID, f.VulnerabilityIDs = findings.KindSCA, v, []string{v}
			f.Package = &findings.Package{Name: c.Name, Version: c.Version, PURL: c.PURL}
			f.CVSS = []findings.CVSS{{Vector: vectors[r.IntN(3)]}}
			f.Location.Path = "package-lock.json"
		case 2:
			f.Kind, f.RuleID = findings.KindSAST, "rule"+strconv.Itoa(r.IntN(200))
			f.Location = findings.Location{Path: "src/f" + strconv.Itoa(i) + ".go", Region: &findings.Region{StartLine: 1 + r.IntN(400)},
				SnippetHash: strconv.Itoa(i)}
		default:
			f.Kind, f.RuleID, f.SecretHash = findings.KindSecret, "generic-api-key", strconv.Itoa(i)
			f.Location = findings.Location{Path: "cfg/" + strconv.Itoa(i) + ".env", Region: &findings.Region{StartLine: 1}}
		}
		f.Title = f.RuleID
		f.ID = strconv.Itoa(i)
	}
	return g, fs
}

// BenchmarkBuild builds a posture of 10,000 assets and 100,000 findings
// (linked, correlated, scored with CVSS vectors), as one batch per
// repository would in a large organization, here one batch.
func BenchmarkBuild(b *testing.B) {
	g, fs := pstSyntheticInput(b, 10_000, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
		if err != nil || len(p.Findings) == 0 {
			b.Fatal(err, len(p.Findings))
		}
	}
}

// BenchmarkPostureMarshal encodes the posture of BenchmarkBuild.
func BenchmarkPostureMarshal(b *testing.B) {
	g, fs := pstSyntheticInput(b, 10_000, 100_000)
	p, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		out, err := json.Marshal(p)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n)/1e6, "MB")
}

// TestBuilderCorpusPostureValid builds a posture from every finding the
// shared corpus of real scanner output decodes to (one batch per file) and
// checks that it is valid and passes the JSON Schema: whatever a decoder
// emits, Build gives a valid document.
func TestBuilderCorpusPostureValid(t *testing.T) {
	root := testcorpus.Dir(t)
	b := compliance.NewBuilder(pstAt)
	files, total := 0, 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".tsv") {
			return err
		}
		var fs []findings.Finding
		rel, _ := filepath.Rel(root, path)
		_, err = detect.DecodeFile(path, detect.Options{DecodeOptions: findings.DecodeOptions{Name: filepath.ToSlash(rel)}},
			findings.Handler{Finding: func(f findings.Finding) error { fs = append(fs, f); return nil }})
		if err != nil || len(fs) == 0 {
			return nil // not scanner output, or nothing in it: other packages test that
		}
		files, total = files+1, total+len(fs)
		b.Findings(fs, compliance.FindingOptions{Link: correlate.LinkOptions{Repository: "https://github.com/acme/" + filepath.Base(filepath.Dir(path))}})
		return nil
	})
	require.NoError(t, err)
	require.Positive(t, files)
	p, err := b.Build()
	if err != nil {
		t.Logf("inputs used in part (%d): %v", strings.Count(err.Error(), "\n")+1, err)
	}
	require.NoError(t, p.Validate())
	assert.Positive(t, len(p.Findings))
	t.Logf("%d files, %d findings, %d in the posture", files, total, len(p.Findings))
	out, err := json.Marshal(p)
	require.NoError(t, err)
	pstSchemaValid(t, out)
	back, err := compliance.ReadPosture(bytes.NewReader(out))
	require.NoError(t, err)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, out, again)
}
