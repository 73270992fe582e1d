package alert_test

import (
	"time"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// t0 is the start of every test clock.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// at returns t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// ev returns a new_finding event on asset "api" for rule and finding id,
// at t0+d, with priority p.
func ev(rule, id string, d time.Duration, p risk.Priority) alert.Event {
	return alert.Event{
		Type:        alert.TypeNewFinding,
		At:          at(d),
		Tenant:      "acme",
		Application: "shop",
		Asset:       "api",
		FindingID:   id,
		RuleID:      rule,
		Title:       rule + " in " + id,
		Severity:    findings.SeverityHigh,
		Priority:    p,
	}
}
