package risk

import (
	"testing"

	"github.com/aspmkit/aspm/findings"
)

func fullSignals(b *testing.B, vector string) Signals {
	return Signals{
		CVSS:                 mustVector(b, vector),
		EPSS:                 &EPSS{Probability: 0.42, Percentile: 0.97, CVE: "CVE-2024-0001", Version: "v2026.06.15@2026-09-29"},
		KEV:                  &KEV{Listed: false, Version: "2025.08.25"},
		Exploit:              ExploitPoC,
		Reachability:         findings.Reachable,
		ReachabilityEvidence: "govulncheck",
		VEX:                  findings.VEXAffected,
		Exposure:             ExposureInternet,
		Environment:          EnvironmentProduction,
		Criticality:          CriticalityHigh,
		DataSensitivity:      DataConfidential,
		Scope:                findings.ScopeRuntime,
		Relationship:         findings.RelationshipTransitive,
		FixAvailable:         Yes,
		CompensatingControls: []string{"waf"},
	}
}

// BenchmarkScoreV31 scores a v3.1 vector (parsed once, as a VectorCache
// does) with every signal set; the explanation's words are not rendered.
// Scores per second per core = 1e9 / (ns/op).
func BenchmarkScoreV31(b *testing.B) {
	s := fullSignals(b, v31Critical)
	var m Model
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Score(s)
	}
}

// BenchmarkScoreV40 is BenchmarkScoreV31 with a v4.0 vector.
func BenchmarkScoreV40(b *testing.B) {
	s := fullSignals(b, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P")
	var m Model
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Score(s)
	}
}

// BenchmarkScoreFinding runs the whole pipeline for a finding: signals from
// the finding (vector from the cache) and the score.
func BenchmarkScoreFinding(b *testing.B) {
	f := findings.Finding{
		ID: "x", Severity: findings.SeverityCritical, Tool: findings.Tool{Name: "grype"},
		VulnerabilityIDs: []string{"CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"},
		CVSS:             []findings.CVSS{{Version: "3.1", Vector: v31Critical}},
		Package:          &findings.Package{Scope: findings.ScopeRuntime, FixedVersions: []string{"1.2.3"}},
	}
	ctx := Context{Vectors: &VectorCache{}, Asset: Asset{Exposure: ExposureInternet, Criticality: CriticalityHigh}}
	var m Model
	b.ReportAllocs()
	for b.Loop() {
		_, _ = m.ScoreFinding(f, ctx)
	}
}

// BenchmarkExplanationText renders an explanation in words, the part
// scoring leaves out.
func BenchmarkExplanationText(b *testing.B) {
	sc := Model{}.Score(fullSignals(b, v31Critical))
	b.ReportAllocs()
	for b.Loop() {
		_ = sc.Explanation.String()
	}
}
