package risk_test

import (
	"fmt"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/cvss"
)

func ExampleModel_Score() {
	v, err := cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	if err != nil {
		panic(err)
	}
	s := risk.Signals{
		CVSS:         v,
		EPSS:         &risk.EPSS{Probability: 0.25, Percentile: 0.97, Version: "v2026.06.15@2026-09-29"},
		Reachability: findings.Reachable,
		Exposure:     risk.ExposureInternet,
		Environment:  risk.EnvironmentProduction,
		Criticality:  risk.CriticalityHigh,
	}
	sc := risk.Model{}.Score(s)
	fmt.Println(sc.Value, sc.Priority, sc.SSVC.Decision)
	fmt.Print(sc.Explanation)
	// Output:
	// 73.6 P1 attend
	// model aspm-risk/1; feeds epss v2026.06.15@2026-09-29; 6 unknown signal(s)
	//   severity +34.3: CVSS 9.8 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)
	//   threat +17.5: EPSS probability 0.2500, level 0.50 (v2026.06.15@2026-09-29)
	//   ransomware +0.0: unknown, no adjustment
	//   exposure +15.0: internet
	//   criticality +5.3: high
	//   data_sensitivity +1.5: unknown, assumed level 0.50
	//   fix_available +0.0: unknown, assumed level 0.50
	//   vex +0.0: unknown, no adjustment
	//   reachability +0.0: reachable
	//   environment +0.0: production
	//   scope +0.0: unknown, no adjustment
	//   relationship +0.0: unknown, no adjustment
	//   controls +0.0: no compensating control recorded
}

func ExampleSLA_Status() {
	firstSeen := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	sla := risk.SLA{P2: 14 * risk.Day} // P1, P3, P4 keep 7, 90, 180 days
	for _, p := range []risk.Priority{risk.P1, risk.P2, risk.P3} {
		st := sla.Status(p, firstSeen, now)
		fmt.Println(p, st.Due.Format(time.DateOnly), st.Breached)
	}
	// Output:
	// P1 2026-11-08 true
	// P2 2026-11-15 true
	// P3 2027-01-30 false
}

func ExamplePosture() {
	scores := []risk.Score{
		{Value: 82, Priority: risk.P1, Severity: findings.SeverityCritical},
		{Value: 55, Priority: risk.P2, Severity: findings.SeverityHigh},
		{Value: 12, Priority: risk.P4, Severity: findings.SeverityMedium},
	}
	r := risk.Posture(scores, nil)
	fmt.Println(r.Score, r.Grade, r.InheritedRiskScore)
	// Output:
	// 58.8 F 18
}
