package risk

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/grype"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
	"github.com/aspmkit/aspm/risk/ssvc"
)

func realFeeds(t *testing.T) (*epss.Feed, *kev.Catalog) {
	t.Helper()
	e, err := epss.Read(bytes.NewReader(testcorpus.ReadData(t, "epss/epss_scores-sample-head.csv")), epss.Options{Name: "epss.csv"})
	require.NoError(t, err)
	k, err := kev.Read(bytes.NewReader(testcorpus.ReadData(t, "kev/known_exploited_vulnerabilities.json")), kev.Options{Name: "kev.json"})
	require.NoError(t, err)
	return e, k
}

func TestSignalsFromWithRealFeeds(t *testing.T) {
	e, k := realFeeds(t)
	// CVE-2025-48384 is in the KEV file under its CVE; the finding names it
	// by its GHSA first, as OSV-Scanner does, so the lookup goes by alias.
	f := findings.Finding{
		ID: "f1", Kind: findings.KindSCA, Tool: findings.Tool{Name: "osv-scanner"},
		Severity:         findings.SeverityHigh,
		VulnerabilityIDs: []string{"GHSA-vwqx-4fm8-6qc9", "CVE-2025-48384", "CVE-1999-0002"},
		CVSS: []findings.CVSS{
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H"},
			{Version: "4.0", Vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/garbage"},
		},
		Package: &findings.Package{Name: "git", Scope: findings.ScopeRuntime, Relationship: findings.RelationshipDirect, FixedVersions: []string{"2.50.1"}},
	}
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ctx := Context{EPSS: e, KEV: k, FirstSeen: first, Vectors: &VectorCache{},
		Asset: Asset{Exposure: ExposureInternet, Environment: EnvironmentProduction, Criticality: CriticalityHigh, DataSensitivity: DataConfidential}}
	s, err := SignalsFrom(f, ctx)
	require.ErrorIs(t, err, cvss.ErrInvalid, "the garbage vector is reported")
	assert.Contains(t, err.Error(), "garbage")

	require.NotNil(t, s.CVSS)
	assert.Equal(t, cvss.V40, s.CVSS.Version(), "the highest version wins")
	require.NotNil(t, s.KEV)
	assert.True(t, s.KEV.Listed)
	assert.Equal(t, "CVE-2025-48384", s.KEV.CVE)
	assert.Equal(t, k.Version(), s.KEV.Version)
	require.NotNil(t, s.EPSS)
	assert.Equal(t, "CVE-1999-0002", s.EPSS.CVE)
	assert.InDelta(t, 0.27858, s.EPSS.Probability, 1e-12)
	assert.Equal(t, Yes, s.FixAvailable)
	assert.Equal(t, findings.ScopeRuntime, s.Scope)
	assert.Equal(t, first, s.FirstSeen)

	sc := Model{}.Score(s)
	assert.Equal(t, P1, sc.Priority)
	assert.Equal(t, ssvc.ExploitationActive, sc.SSVC.Coordinator.Exploitation)
	assert.Equal(t, []string{"epss " + e.Version(), "kev " + k.Version()}, sc.Explanation.Feeds)
	due, ok := SLA{}.Due(sc.Priority, s.FirstSeen)
	require.True(t, ok)
	assert.Equal(t, first.Add(7*Day), due)

	// Not in the catalog: consulted, not listed.
	f.VulnerabilityIDs = []string{"CVE-1999-0001"}
	s, err = SignalsFrom(f, ctx)
	require.Error(t, err)
	require.NotNil(t, s.KEV)
	assert.False(t, s.KEV.Listed)
	assert.Equal(t, "no", factor(t, Model{}.Score(s), FactorRansomware).Value)
}

func TestSignalsFromGrypeEmbeddedEPSS(t *testing.T) {
	path := testcorpus.Path(t, "grype/grype/many_vulns_with_epss_values.json")
	r, err := os.Open(path)
	require.NoError(t, err)
	defer r.Close()
	all, _, err := findings.Collect(func(h findings.Handler) error {
		return grype.Decode(r, findings.DecodeOptions{Name: "grype.json"}, h)
	})
	require.NoError(t, err)
	require.Len(t, all, 15)
	cache := &VectorCache{}
	withEPSS := 0
	for _, f := range all {
		s, err := SignalsFrom(f, Context{Vectors: cache})
		require.NoError(t, err)
		require.NotNil(t, s.CVSS, f.RuleID)
		if s.EPSS != nil {
			withEPSS++
			assert.Contains(t, s.EPSS.Version, "grype@")
			assert.True(t, validProbability(s.EPSS.Probability))
		}
		assert.Nil(t, s.KEV, "grype said nothing of KEV: unknown, not 'not listed'")
	}
	assert.Equal(t, 15, withEPSS)
	first, err := SignalsFrom(all[0], Context{})
	require.NoError(t, err)
	assert.Equal(t, "CVE-2022-28391", first.EPSS.CVE)
	assert.InDelta(t, 0.0719, first.EPSS.Probability, 1e-12)
}

func TestSignalsFromEmbeddedKEV(t *testing.T) {
	f := findings.Finding{Tool: findings.Tool{Name: "grype"}, Properties: map[string]any{
		"kev": []any{map[string]any{"cve": "CVE-2023-39325", "known_ransomware_campaign_use": "Known", "date_added": "2023-10-10"}},
	}}
	s, err := SignalsFrom(f, Context{})
	require.NoError(t, err)
	require.NotNil(t, s.KEV)
	assert.True(t, s.KEV.Listed)
	assert.True(t, s.KEV.Ransomware)
	assert.Equal(t, time.Date(2023, 10, 10, 0, 0, 0, 0, time.UTC), s.KEV.DateAdded)
}

func TestSignalsFromEnvironmental(t *testing.T) {
	f := findings.Finding{CVSS: []findings.CVSS{{Vector: v31Critical}}}
	ctx := Context{Environmental: true, Vectors: &VectorCache{},
		Asset: Asset{DataSensitivity: DataPublic, Criticality: CriticalityLow}}
	s, err := SignalsFrom(f, ctx)
	require.NoError(t, err)
	got, ok := s.CVSS.Metric("CR")
	require.True(t, ok)
	assert.Equal(t, "L", got)
	sc := s.CVSS.Scores()
	assert.True(t, sc.HasEnvironmental)
	assert.Less(t, sc.Effective(), 9.8, "low requirements lower the environmental score")
	// The cache returns the same vector for the same overrides.
	s2, _ := SignalsFrom(f, ctx)
	assert.Same(t, s.CVSS, s2.CVSS)
	assert.Equal(t, map[string]string{}, Asset{}.Requirements())
}

// GitHub advisories carry CVSS v4.0 vectors with metrics out of FIRST's
// order; the signals still use them.
func TestSignalsFromOutOfOrderVector(t *testing.T) {
	f := findings.Finding{CVSS: []findings.CVSS{{Version: "4.0", Vector: "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}}
	s, err := SignalsFrom(f, Context{})
	require.NoError(t, err)
	require.NotNil(t, s.CVSS)
	assert.InDelta(t, 9.3, s.CVSS.Scores().Score, 1e-9)
}

func TestSignalsFromReachabilityAndVEX(t *testing.T) {
	f := findings.Finding{Tool: findings.Tool{Name: "govulncheck"}, Reachability: findings.Unreachable,
		VEX: &findings.VEXAnalysis{Status: findings.VEXUnderInvestigation}}
	s, err := SignalsFrom(f, Context{})
	require.NoError(t, err)
	assert.Equal(t, findings.Unreachable, s.Reachability)
	assert.Equal(t, "govulncheck", s.ReachabilityEvidence)
	assert.Equal(t, findings.VEXUnderInvestigation, s.VEX)
	reach := factor(t, Model{}.Score(s), FactorReachability)
	assert.Equal(t, "govulncheck", reach.Source)
	assert.Less(t, reach.Contribution, 0.0)
}

func TestExploitFromVector(t *testing.T) {
	for vec, want := range map[string]ExploitMaturity{
		v31Critical: ExploitUnknown,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F":                             ExploitPoC,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U":                             ExploitUnreported,
		"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC":                                             ExploitPoC,
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A":          ExploitAttacked,
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P":          ExploitPoC,
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/AU:Y/R:A": ExploitUnreported,
	} {
		assert.Equal(t, want, exploitOf(mustVector(t, vec)), vec)
	}
}
