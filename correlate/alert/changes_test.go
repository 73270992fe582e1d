package alert_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

func TestFromChanges(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mk := func(rule string) findings.Finding {
		return findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: rule, Title: rule,
			Severity: findings.SeverityHigh, Location: findings.Location{Path: rule + ".go", SnippetHash: rule}}
	}
	a, b, c := mk("G101"), mk("G201"), mk("G304")
	r1 := correlate.Compare(nil, correlate.Scan{At: at, Findings: []findings.Finding{a, b, c}}, correlate.Options{})
	for i := range r1.Records {
		switch r1.Records[i].Finding.RuleID {
		case "G201":
			r1.Records[i].Triage = &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana", Justification: "behind VPN", Expires: at.Add(time.Hour)}
		case "G304":
			r1.Records[i].Triage = &correlate.Triage{Status: correlate.FalsePositive}
		}
	}
	// G101 fixed, then back (reopened); G201's acceptance expires; G304 is
	// suppressed and stays quiet; G402 is new.
	r2 := correlate.Compare(r1.Records, correlate.Scan{At: at.Add(time.Minute), Findings: []findings.Finding{b, c}}, correlate.Options{})
	scan := correlate.Scan{Tenant: "acme", Application: "shop", At: at.Add(2 * time.Hour), Findings: []findings.Finding{a, b, c, mk("G402")}}
	r3 := correlate.Compare(r2.Records, scan, correlate.Options{})
	events := alert.FromChanges(scan, r3.Changes, func(f *findings.Finding) risk.Priority {
		return risk.Model{}.Score(risk.Signals{Severity: f.Severity}).Priority
	})
	got := map[string]alert.Type{}
	for _, e := range events {
		got[e.RuleID] = e.Type
		assert.Equal(t, "acme", e.Tenant)
		assert.Equal(t, "shop", e.Application)
		assert.NotEmpty(t, e.FindingID)
		assert.Equal(t, risk.P3, e.Priority)
		require.NoError(t, e.Validate())
	}
	assert.Equal(t, map[string]alert.Type{"G101": alert.TypeReopened, "G201": alert.TypeAcceptanceExpired, "G402": alert.TypeNewFinding}, got)
	for _, e := range events {
		if e.Type == alert.TypeAcceptanceExpired {
			assert.Equal(t, "ana", e.Details["accepted_by"])
		}
	}
	assert.Empty(t, alert.FromChanges(scan, nil, nil))
}
