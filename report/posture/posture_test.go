package posture_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/posture"
)

// TestDemoPosture: the demo posture and its compliance report become
// report data whose summary agrees with the posture.
func TestDemoPosture(t *testing.T) {
	f, err := os.Open("../../testdata/compliance/demo-posture.json")
	require.NoError(t, err)
	defer f.Close()
	p, err := compliance.ReadPosture(f)
	require.NoError(t, err)
	e, err := compliance.New(context.Background(), compliance.Options{})
	require.NoError(t, err)
	rep, err := e.Evaluate(context.Background(), p)
	require.NoError(t, err)

	d := posture.Data(p, rep)
	require.Len(t, d.Findings, len(p.Findings))
	s := report.Summarize(d, report.Options{})
	// A cross-tool cluster counts once.
	active, breached := 0, 0
	seen := map[string]bool{}
	for _, x := range p.Findings {
		if !x.Open || x.Suppressed || (x.Cluster != "" && seen[x.Cluster]) {
			continue
		}
		seen[x.Cluster] = x.Cluster != ""
		active++
		if x.SLA.Breached {
			breached++
		}
	}
	assert.Equal(t, active, s.Open)
	assert.Equal(t, breached, s.SLA.Breached)
	assert.Equal(t, p.GeneratedAt, s.GeneratedAt)
	require.NotNil(t, s.Compliance)
	assert.Equal(t, rep.Gate.Passed, s.Compliance.Passed)
	assert.Len(t, s.Compliance.Controls, len(rep.Controls))
	assert.Len(t, s.Compliance.Frameworks, len(rep.Frameworks))
	assert.Len(t, d.Assets, len(p.Assets))
	assert.NotEmpty(t, s.Ratings, "scored findings give ratings")
	for i, x := range p.Findings {
		assert.Equal(t, x.ID, d.Findings[i].ID)
		assert.Equal(t, x.Severity, d.Findings[i].Severity)
	}
}
