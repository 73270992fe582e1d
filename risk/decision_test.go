package risk

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aspmkit/aspm/risk/ssvc"
)

func TestDeriveSSVC(t *testing.T) {
	tests := []struct {
		name     string
		s        Signals
		in       ssvc.CoordinatorInput
		decision ssvc.Decision
		assumed  []string
	}{
		{"nothing known", Signals{},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationNone, Automatable: ssvc.AutomatableNo, TechnicalImpact: ssvc.TechnicalImpactPartial, MissionWellbeing: ssvc.MissionWellbeingMedium},
			ssvc.DecisionTrack, []string{"exploitation", "automatable", "technical_impact", "mission_wellbeing", "exposure", "human_impact"}},
		{"KEV, network-automatable, total, critical asset", Signals{CVSS: mustVector(t, v31Critical), KEV: &KEV{Listed: true}, Criticality: CriticalityCritical, Exposure: ExposureInternet},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationActive, Automatable: ssvc.AutomatableYes, TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingHigh},
			ssvc.DecisionAct, nil},
		{"public PoC from the v3.1 vector, local, partial, low asset", Signals{CVSS: mustVector(t, v31Local+"/E:P"), Criticality: CriticalityLow, Exposure: ExposureIsolated},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationPoC, Automatable: ssvc.AutomatableNo, TechnicalImpact: ssvc.TechnicalImpactPartial, MissionWellbeing: ssvc.MissionWellbeingLow},
			ssvc.DecisionTrack, nil},
		{"v4.0 AU:N beats the base metrics", Signals{CVSS: mustVector(t, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AU:N"), Exploit: ExploitAttacked, Criticality: CriticalityMedium, Exposure: ExposureInternal},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationActive, Automatable: ssvc.AutomatableNo, TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingMedium},
			ssvc.DecisionAttend, nil},
		{"v2 vector", Signals{CVSS: mustVector(t, "AV:N/AC:L/Au:N/C:C/I:C/A:C"), Exploit: ExploitUnreported, Criticality: CriticalityHigh, Exposure: ExposureInternet},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationNone, Automatable: ssvc.AutomatableYes, TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingHigh},
			ssvc.DecisionAttend, nil},
		{"decision points given directly win", Signals{KEV: &KEV{Listed: true}, Criticality: CriticalityLow, Exposure: ExposureInternet,
			SSVC: ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationNone, Automatable: ssvc.AutomatableYes, TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingHigh}},
			ssvc.CoordinatorInput{Exploitation: ssvc.ExploitationNone, Automatable: ssvc.AutomatableYes, TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingHigh},
			ssvc.DecisionAttend, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := deriveSSVC(tc.s)
			assert.Equal(t, tc.in, got.Coordinator)
			assert.Equal(t, tc.decision, got.Decision)
			assert.Equal(t, tc.assumed, got.Assumed)
			want, err := ssvc.Coordinator(tc.in)
			assert.NoError(t, err)
			assert.Equal(t, want, got.Decision)
			assert.True(t, got.Priority.Valid())
		})
	}
}

func TestDeriveDeployer(t *testing.T) {
	got := deriveSSVC(Signals{KEV: &KEV{Listed: true}, CVSS: mustVector(t, v31Critical), Exposure: ExposureInternet, Criticality: CriticalityCritical})
	assert.Equal(t, ssvc.DeployerInput{Exploitation: ssvc.ExploitationActive, Exposure: ssvc.ExposureOpen, Automatable: ssvc.AutomatableYes, HumanImpact: ssvc.HumanImpactVeryHigh}, got.Deployer)
	assert.Equal(t, ssvc.PriorityImmediate, got.Priority)

	got = deriveSSVC(Signals{Exposure: ExposureIsolated, Criticality: CriticalityLow})
	assert.Equal(t, ssvc.ExposureSmall, got.Deployer.Exposure)
	assert.Equal(t, ssvc.PriorityDefer, got.Priority)
}
