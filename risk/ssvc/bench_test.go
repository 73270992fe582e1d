package ssvc_test

import (
	"testing"

	"github.com/aspmkit/aspm/risk/ssvc"
)

var (
	sinkDecision ssvc.Decision
	sinkPriority ssvc.Priority
)

func BenchmarkCoordinator(b *testing.B) {
	rows := ssvc.CoordinatorTable()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d, err := ssvc.Coordinator(rows[i%len(rows)].Input)
		if err != nil {
			b.Fatal(err)
		}
		sinkDecision = d
		i++
	}
}

func BenchmarkDeployer(b *testing.B) {
	rows := ssvc.DeployerTable()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p, err := ssvc.Deployer(rows[i%len(rows)].Input)
		if err != nil {
			b.Fatal(err)
		}
		sinkPriority = p
		i++
	}
}

// BenchmarkParseCoordinator parses four display names, as a caller reading
// a form or a JSON table does, and evaluates the tree.
func BenchmarkParseCoordinator(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		e, _ := ssvc.ParseExploitation("Public PoC")
		a, _ := ssvc.ParseAutomatable("Yes")
		t, _ := ssvc.ParseTechnicalImpact("Total")
		m, _ := ssvc.ParseMissionWellbeing("Medium")
		d, err := ssvc.Coordinator(ssvc.CoordinatorInput{Exploitation: e, Automatable: a, TechnicalImpact: t, MissionWellbeing: m})
		if err != nil {
			b.Fatal(err)
		}
		sinkDecision = d
	}
}
