package risk

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/ssvc"
)

const (
	v31Critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" // 9.8
	v31Max      = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H" // 10.0
	v31Local    = "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" // 1.8
)

func mustVector(t testing.TB, s string) *cvss.Vector {
	t.Helper()
	v, err := cvss.Parse(s)
	require.NoError(t, err)
	return v
}

func factor(t *testing.T, sc Score, name FactorName) Factor {
	t.Helper()
	for _, f := range sc.Explanation.Factors {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no factor %s", name)
	return Factor{}
}

func TestScoreTable(t *testing.T) {
	worst := Signals{
		CVSS:            mustVector(t, v31Max),
		KEV:             &KEV{Listed: true, Ransomware: true, CVE: "CVE-2021-44228", Version: "2025.08.25"},
		EPSS:            &EPSS{Probability: 0.94, Percentile: 0.99, Version: "v2026.06.15@2026-09-29"},
		Reachability:    findings.Reachable,
		Exposure:        ExposureInternet,
		Environment:     EnvironmentProduction,
		Criticality:     CriticalityCritical,
		DataSensitivity: DataRestricted,
		Scope:           findings.ScopeRuntime,
		Relationship:    findings.RelationshipDirect,
		FixAvailable:    Yes,
	}
	notAffected := worst
	notAffected.VEX = findings.VEXNotAffected

	tests := []struct {
		name     string
		signals  Signals
		value    float64
		priority Priority
		severity findings.Severity
		unknown  int
		decision ssvc.Decision
	}{
		{"everything bad", worst, 100, P1, findings.SeverityCritical, 1 /* vex */, ssvc.DecisionAct},
		{"vex not_affected zeroes the score", notAffected, 0, P4, findings.SeverityCritical, 0, ssvc.DecisionAct},
		// severity high → 8.0 → 28; unknown threat 0.2 → 7; exposure,
		// criticality, data at 0.5 → 7.5 + 3.5 + 1.5: 47.5.
		{"only a severity word", Signals{Severity: findings.SeverityHigh}, 47.5, P3, findings.SeverityHigh, 11, ssvc.DecisionTrack},
		// 9.8 → 34.3; EPSS 0.25 → level 0.5 → 17.5; internal → 6; high
		// criticality → 5.25; public data → 0: 63.05, ×0.4 unreachable =
		// 25.22, ×0.5 dev scope = 12.61.
		{"critical CVSS, unreachable dev dependency", Signals{
			CVSS: mustVector(t, v31Critical), EPSS: &EPSS{Probability: 0.25, Percentile: 0.97},
			Exposure: ExposureInternal, Criticality: CriticalityHigh, DataSensitivity: DataPublic,
			Reachability: findings.Unreachable, Scope: findings.ScopeDev,
		}, 12.6, P4, findings.SeverityCritical, 5, ssvc.DecisionAttend},
		// Nothing known at all: 5.0 → 17.5, 7, 7.5, 3.5, 1.5 = 37.
		{"nothing known", Signals{}, 37, P3, findings.SeverityUnknown, 12, ssvc.DecisionTrack},
	}
	var m Model
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := m.Score(tc.signals)
			assert.InDelta(t, tc.value, sc.Value, 1e-9)
			assert.Equal(t, tc.priority, sc.Priority)
			assert.Equal(t, tc.severity, sc.Severity)
			assert.Equal(t, tc.unknown, sc.Explanation.Unknown)
			assert.Equal(t, tc.decision, sc.SSVC.Decision)
			assert.Equal(t, ModelVersion, sc.Explanation.Model)
			// The contributions add up to the score, up to rounding.
			sum := 0.0
			for _, f := range sc.Explanation.Factors {
				sum += f.Contribution
			}
			assert.InDelta(t, sc.Value, sum, 0.1*float64(len(sc.Explanation.Factors)))
		})
	}
}

func TestScoreExplainsFeedsAndFactors(t *testing.T) {
	s := Signals{
		CVSS: mustVector(t, v31Critical),
		KEV:  &KEV{Listed: true, Version: "2025.08.25"},
		EPSS: &EPSS{Probability: 0.5, Percentile: 0.9, Version: "v2026.06.15@2026-09-29"},
	}
	sc := Model{}.Score(s)
	assert.Equal(t, []string{"epss v2026.06.15@2026-09-29", "kev 2025.08.25"}, sc.Explanation.Feeds)
	th := factor(t, sc, FactorThreat)
	assert.Equal(t, "kev", th.Value, "KEV outranks EPSS as evidence")
	assert.Equal(t, 35.0, th.Contribution)
	assert.Equal(t, "threat +35.0: listed in CISA KEV (2025.08.25)", th.Text())
	sev := factor(t, sc, FactorSeverity)
	assert.Equal(t, v31Critical, sev.Source)
	assert.InDelta(t, 9.8, sev.Input, 1e-9)
	assert.Contains(t, sc.Explanation.String(), "severity +34.3: CVSS 9.8 ("+v31Critical+")")

	exp := factor(t, sc, FactorExposure)
	assert.False(t, exp.Known)
	assert.Equal(t, "exposure +7.5: unknown, assumed level 0.50", exp.Text())
}

func TestUnknownIsNotZero(t *testing.T) {
	var m Model
	base := Signals{CVSS: mustVector(t, v31Critical)}
	unknown := m.Score(base)
	isolated := base
	isolated.Exposure = ExposureIsolated
	internet := base
	internet.Exposure = ExposureInternet
	assert.Greater(t, unknown.Value, m.Score(isolated).Value, "unknown exposure must not count as isolated")
	assert.Less(t, unknown.Value, m.Score(internet).Value, "nor as internet")

	low := base
	low.EPSS = &EPSS{Probability: 0}
	assert.Greater(t, unknown.Value, m.Score(low).Value, "an unknown threat must not count as EPSS 0")
}

func TestWeightsCanSwitchFactorsOff(t *testing.T) {
	w := DefaultWeights()
	w.Exposure = 0
	m := Model{Weights: &w}
	a := m.Score(Signals{Severity: findings.SeverityLow, Exposure: ExposureInternet})
	b := m.Score(Signals{Severity: findings.SeverityLow, Exposure: ExposureIsolated})
	assert.Equal(t, a.Value, b.Value)
	assert.Equal(t, 0.0, factor(t, a, FactorExposure).Contribution)

	th := Thresholds{P1: 10, P2: 5, P3: 1}
	assert.Equal(t, P1, Model{Thresholds: &th}.Score(Signals{Severity: findings.SeverityLow}).Priority)
}

func TestScoreCapsAt100(t *testing.T) {
	w := DefaultWeights()
	w.Severity, w.Threat = 100, 100
	sc := Model{Weights: &w}.Score(Signals{CVSS: mustVector(t, v31Max), KEV: &KEV{Listed: true}})
	assert.Equal(t, 100.0, sc.Value)
	assert.InDelta(t, 100, factor(t, sc, FactorSeverity).Contribution+factor(t, sc, FactorThreat).Contribution+
		factor(t, sc, FactorExposure).Contribution+factor(t, sc, FactorCriticality).Contribution+
		factor(t, sc, FactorDataSensitivity).Contribution, 0.3)
}

func TestScoreIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var m Model
	for range 200 {
		s := randomSignals(t, r)
		assert.Equal(t, m.Score(s), m.Score(s))
	}
}

var vectors = []string{v31Critical, v31Max, v31Local,
	"CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N",
	"AV:N/AC:L/Au:N/C:P/I:P/A:P",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	"CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:U",
}

// randomSignals draws signals over every factor, unknown values included.
func randomSignals(t testing.TB, r *rand.Rand) Signals {
	pick := func(n int) int { return r.IntN(n) }
	var s Signals
	switch pick(3) {
	case 0:
		s.CVSS = mustVector(t, vectors[pick(len(vectors))])
	case 1:
		s.Severity = findings.Severities[pick(len(findings.Severities))]
	}
	if pick(2) == 0 {
		s.EPSS = &EPSS{Probability: r.Float64(), Percentile: r.Float64()}
	}
	if pick(2) == 0 {
		s.KEV = &KEV{Listed: pick(2) == 0, Ransomware: pick(2) == 0}
	}
	s.Exploit = []ExploitMaturity{ExploitUnknown, ExploitUnreported, ExploitPoC, ExploitAttacked}[pick(4)]
	s.Reachability = []findings.Reachability{"", findings.Reachable, findings.Unreachable, findings.ReachabilityUnknown}[pick(4)]
	s.VEX = []findings.VEXStatus{"", findings.VEXAffected, findings.VEXUnderInvestigation, findings.VEXNotAffected}[pick(4)]
	s.Exposure = []Exposure{ExposureUnknown, ExposureInternet, ExposureInternal, ExposureIsolated}[pick(4)]
	s.Environment = []Environment{EnvironmentUnknown, EnvironmentProduction, EnvironmentStaging, EnvironmentDevelopment, EnvironmentTest}[pick(5)]
	s.Criticality = []Criticality{CriticalityUnknown, CriticalityCritical, CriticalityHigh, CriticalityMedium, CriticalityLow}[pick(5)]
	s.DataSensitivity = []DataSensitivity{DataUnknown, DataRestricted, DataConfidential, DataInternal, DataPublic}[pick(5)]
	s.Scope = []findings.Scope{"", findings.ScopeRuntime, findings.ScopeDev, findings.ScopeTest, findings.ScopeOptional}[pick(5)]
	s.Relationship = []findings.Relationship{"", findings.RelationshipDirect, findings.RelationshipTransitive}[pick(3)]
	s.FixAvailable = Tristate(pick(3))
	if pick(3) == 0 {
		s.CompensatingControls = []string{"waf", "network-policy"}[:1+pick(2)]
	}
	return s
}

// Property: a KEV-listed, reachable, internet-exposed finding in production
// never ranks below the same finding unreachable on an isolated development
// host, whatever the other signals.
func TestPropertyKEVReachableExposedOutranks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var m Model
	for i := range 5000 {
		s := randomSignals(t, r)
		hot := s
		hot.KEV = &KEV{Listed: true, Ransomware: s.KEV != nil && s.KEV.Ransomware}
		hot.Reachability, hot.Exposure, hot.Environment = findings.Reachable, ExposureInternet, EnvironmentProduction
		cold := hot
		cold.Reachability, cold.Exposure, cold.Environment = findings.Unreachable, ExposureIsolated, EnvironmentDevelopment
		a, b := m.Score(hot), m.Score(cold)
		require.LessOrEqual(t, Compare(a, b), 0, "case %d: hot %v %s ranks below cold %v %s", i, a.Value, a.Priority, b.Value, b.Priority)
		require.GreaterOrEqual(t, a.Value, b.Value)
	}
}

// Property: the score never decreases as the EPSS probability grows.
func TestPropertyMonotonicInEPSS(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var m Model
	for i := range 2000 {
		s := randomSignals(t, r)
		prev := -1.0
		for _, p := range []float64{0, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 0.95, 1} {
			s.EPSS = &EPSS{Probability: p, Percentile: p}
			v := m.Score(s).Value
			require.GreaterOrEqual(t, v, prev, "case %d: score fell from %v to %v at EPSS %v", i, prev, v, p)
			prev = v
		}
	}
}

// Property: every score lies in [0, 100] and every priority is one of four.
func TestPropertyBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var m Model
	for range 5000 {
		sc := m.Score(randomSignals(t, r))
		require.GreaterOrEqual(t, sc.Value, 0.0)
		require.LessOrEqual(t, sc.Value, 100.0)
		require.Contains(t, []Priority{P1, P2, P3, P4}, sc.Priority)
		require.True(t, sc.SSVC.Decision.Valid())
		require.True(t, sc.SSVC.Priority.Valid())
	}
}

func TestCompare(t *testing.T) {
	a := Score{Value: 40, Priority: P3}
	b := Score{Value: 75, Priority: P1}
	c := Score{Value: 80, Priority: P1}
	assert.Positive(t, Compare(a, b))
	assert.Negative(t, Compare(c, b))
	assert.Zero(t, Compare(b, b))
}

func TestValidate(t *testing.T) {
	assert.NoError(t, Signals{}.Validate())
	r := rand.New(rand.NewPCG(9, 10))
	for range 100 {
		assert.NoError(t, randomSignals(t, r).Validate())
	}
	bad := Signals{Exposure: "moon", EPSS: &EPSS{Probability: 2}, SSVC: ssvc.CoordinatorInput{Exploitation: "maybe"}}
	err := bad.Validate()
	require.ErrorIs(t, err, ErrInvalidSignal)
	assert.Contains(t, err.Error(), `exposure "moon"`)
	assert.Contains(t, err.Error(), `ssvc.exploitation "maybe"`)
	assert.Contains(t, err.Error(), "epss")
	// Score treats the invalid exposure as unknown.
	assert.False(t, factor(t, Model{}.Score(bad), FactorExposure).Known)
}

func TestRanks(t *testing.T) {
	assert.Equal(t, []int{0, 1, 2, 3, 0}, []int{ExposureUnknown.Rank(), ExposureIsolated.Rank(), ExposureInternal.Rank(), ExposureInternet.Rank(), Exposure("moon").Rank()})
	assert.Equal(t, []int{0, 1, 2, 3, 4}, []int{EnvironmentUnknown.Rank(), EnvironmentTest.Rank(), EnvironmentDevelopment.Rank(), EnvironmentStaging.Rank(), EnvironmentProduction.Rank()})
	assert.Equal(t, []int{0, 1, 2, 3, 4}, []int{CriticalityUnknown.Rank(), CriticalityLow.Rank(), CriticalityMedium.Rank(), CriticalityHigh.Rank(), CriticalityCritical.Rank()})
	assert.Equal(t, []int{0, 1, 2, 3, 4}, []int{DataUnknown.Rank(), DataPublic.Rank(), DataInternal.Rank(), DataConfidential.Rank(), DataRestricted.Rank()})
}
