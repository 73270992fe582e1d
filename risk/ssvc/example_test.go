package ssvc_test

import (
	"errors"
	"fmt"

	"github.com/aspmkit/aspm/risk/ssvc"
)

// A vulnerability exploited in the wild, automatable, giving total control
// of a system whose compromise would hurt the mission badly: act now.
func ExampleCoordinator() {
	d, err := ssvc.Coordinator(ssvc.CoordinatorInput{
		Exploitation:     ssvc.ExploitationActive,
		Automatable:      ssvc.AutomatableYes,
		TechnicalImpact:  ssvc.TechnicalImpactTotal,
		MissionWellbeing: ssvc.MissionWellbeingHigh,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(ssvc.CoordinatorVersion+":", d, d.Rank())
	// Output:
	// CISA Coordinator 2.0.3: act 3
}

func ExampleDeployer() {
	p, err := ssvc.Deployer(ssvc.DeployerInput{
		Exploitation: ssvc.ExploitationPoC,
		Exposure:     ssvc.ExposureOpen,
		Automatable:  ssvc.AutomatableYes,
		HumanImpact:  ssvc.HumanImpactHigh,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	// Output:
	// out-of-cycle
}

// Values from a form or a file are parsed first; the Parse functions
// accept other capitalizations and common aliases.
func ExampleParseExploitation() {
	for _, s := range []string{"PoC", "Public-PoC", "active", "exploited"} {
		e, err := ssvc.ParseExploitation(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q\n", e)
	}
	// Output:
	// "public poc"
	// "public poc"
	// "active"
	// ssvc: invalid decision point value: Exploitation "exploited" (want "none", "public poc" or "active")
}

// An invalid input gives a *ValueError naming the decision point.
func ExampleValueError() {
	_, err := ssvc.Coordinator(ssvc.CoordinatorInput{
		Exploitation:     ssvc.ExploitationNone,
		Automatable:      "maybe",
		TechnicalImpact:  ssvc.TechnicalImpactPartial,
		MissionWellbeing: ssvc.MissionWellbeingLow,
	})
	var ve *ssvc.ValueError
	if errors.As(err, &ve) {
		fmt.Println(ve.Point, ve.Value, errors.Is(err, ssvc.ErrInvalid))
	}
	// Output:
	// Automatable maybe true
}

// The table can be rendered, here the rows that reach Act.
func ExampleCoordinatorTable() {
	for _, row := range ssvc.CoordinatorTable() {
		if row.Decision == ssvc.DecisionAct {
			in := row.Input
			fmt.Println(in.Exploitation, in.Automatable, in.TechnicalImpact, in.MissionWellbeing)
		}
	}
	// Output:
	// active no total high
	// active yes partial high
	// active yes total medium
	// active yes total high
}

func ExampleDeployerTable() {
	count := map[ssvc.Priority]int{}
	for _, row := range ssvc.DeployerTable() {
		count[row.Priority]++
	}
	for _, p := range []ssvc.Priority{ssvc.PriorityDefer, ssvc.PriorityScheduled, ssvc.PriorityOutOfCycle, ssvc.PriorityImmediate} {
		fmt.Println(p, count[p])
	}
	// Output:
	// defer 7
	// scheduled 42
	// out-of-cycle 20
	// immediate 3
}

// Rank orders decisions, to keep the most urgent of several.
func ExampleDecision_Rank() {
	worst := ssvc.DecisionTrack
	for _, d := range []ssvc.Decision{ssvc.DecisionAttend, ssvc.DecisionTrackStar, ssvc.DecisionTrack} {
		if d.Rank() > worst.Rank() {
			worst = d
		}
	}
	fmt.Println(worst)
	// Output:
	// attend
}
