package html_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// hostile reads the shared hostile fixture of package report:
// attacker-controlled text in every field.
func hostile(tb testing.TB) *report.Data {
	tb.Helper()
	b, err := os.ReadFile("../testdata/hostile.json")
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return &d
}

// synthetic builds a realistic report of n findings over a dozen assets,
// with risk scores, lifecycle, SLA deadlines, coverage, compliance and
// history. The same n gives the same data.
func synthetic(n int) *report.Data {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tools := []struct {
		name string
		kind findings.Kind
	}{
		{"CodeQL", findings.KindSAST}, {"semgrep", findings.KindSAST}, {"Trivy", findings.KindContainer},
		{"grype", findings.KindSCA}, {"osv-scanner", findings.KindSCA}, {"gitleaks", findings.KindSecret},
		{"checkov", findings.KindIaC}, {"ZAP", findings.KindDAST}, {"aspm-access", findings.KindAccess},
	}
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityHigh,
		findings.SeverityMedium, findings.SeverityMedium, findings.SeverityMedium, findings.SeverityLow,
		findings.SeverityLow, findings.SeverityInfo, findings.SeverityUnknown}
	prios := []string{"P1", "P2", "P3", "P4"}
	states := []string{"new", "unchanged", "unchanged", "unchanged", "updated", "reopened", "fixed"}
	d := &report.Data{Title: "acme/shop nightly", GeneratedAt: now}
	for i := range 12 {
		kind := "repository"
		if i%3 == 2 {
			kind = "image"
		}
		d.Assets = append(d.Assets, report.Asset{ID: fmt.Sprintf("%s:acme/service-%02d", kind, i), Kind: kind,
			Name: fmt.Sprintf("service-%02d", i), Owner: fmt.Sprintf("@acme/team-%d", i%4)})
		for _, k := range []string{"sast", "sca", "secret", "container"}[:1+i%4] {
			d.Coverage = append(d.Coverage, report.Coverage{Asset: d.Assets[i].ID, Kind: k, At: now})
		}
	}
	for i := range n {
		t := tools[rng.IntN(len(tools))]
		sev := sevs[rng.IntN(len(sevs))]
		first := now.Add(-time.Duration(rng.IntN(500*24)) * time.Hour)
		f := report.Finding{Finding: findings.Finding{
			ID: fmt.Sprintf("f%06d", i), Kind: t.kind, Tool: findings.Tool{Name: t.name},
			RuleID:   fmt.Sprintf("RULE-%03d", rng.IntN(200)),
			Title:    fmt.Sprintf("%s issue %d in module %d", t.kind, rng.IntN(1000), rng.IntN(50)),
			Severity: sev, Description: "A longer description of the problem and how to fix it.",
			Location: findings.Location{Path: fmt.Sprintf("src/pkg%d/file%d.go", rng.IntN(40), rng.IntN(100)),
				Region: &findings.Region{StartLine: 1 + rng.IntN(900)}},
			Source: findings.Source{Format: "sarif", Record: i},
		}, State: states[rng.IntN(len(states))], FirstSeen: first, LastSeen: now}
		if t.kind == findings.KindSCA || t.kind == findings.KindContainer {
			f.Package = &findings.Package{Name: fmt.Sprintf("lib%d", rng.IntN(300)), Version: "1.2.3", FixedVersions: []string{"1.2.4"}}
			f.VulnerabilityIDs = []string{fmt.Sprintf("CVE-2025-%05d", rng.IntN(99999))}
		}
		if f.State == "fixed" {
			f.Open = new(bool)
			f.FixedAt = first.Add(time.Duration(1+rng.IntN(60*24)) * time.Hour)
		}
		if rng.IntN(20) == 0 {
			f.Suppressed = true
			f.TriageStatus = "accepted_risk"
		}
		if sev != findings.SeverityUnknown {
			f.Risk = &report.Risk{Score: float64(rng.IntN(1000)) / 10, Priority: prios[rng.IntN(len(prios))],
				KEV: rng.IntN(30) == 0, EPSS: rng.Float64(), Explanation: "reachable; internet-facing; EPSS high"}
			f.SLADue = first.Add(time.Duration(30+rng.IntN(120)) * 24 * time.Hour)
		}
		f.Assets = []string{d.Assets[rng.IntN(len(d.Assets))].ID}
		d.Findings = append(d.Findings, f)
	}
	d.Compliance = &report.Compliance{Passed: false,
		Frameworks: []report.ComplianceFramework{
			{Name: "pci-dss-4", Title: "PCI DSS 4.0", PassRate: 0.75, Passed: 6, Failed: 2, Covered: 8, Total: 12},
			{Name: "soc2", Title: "SOC 2", PassRate: 0.9, Passed: 9, Failed: 1, Covered: 10, Total: 10},
			{Name: "ssdf", Title: "NIST SSDF", PassRate: 0.4, Passed: 2, Failed: 3, Covered: 5, Total: 9},
		},
		Controls: []report.ComplianceControl{
			{ID: "ASPM-SEC-01", Title: "No secrets in code", Status: "fail", Gate: true, Message: "3 open secrets"},
			{ID: "ASPM-VUL-01", Title: "No critical vulnerabilities past SLA", Status: "fail", Gate: true},
			{ID: "ASPM-COV-01", Title: "Every repository has SAST", Status: "pass"},
		}}
	for k := range 6 {
		d.History = append(d.History, report.Snapshot{At: now.AddDate(0, k-6, 0), Open: n/2 + rng.IntN(n/4+1),
			Breached: rng.IntN(n/10 + 1), BySeverity: map[string]int{"critical": rng.IntN(10)}})
	}
	return d
}
