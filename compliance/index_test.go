package compliance_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
)

// TestIndexMatchesRego holds the engine's Go index of the findings equal
// to the Rego passes of lib.rego it replaces: every built-in control
// gives the same report, evidence order included, with and without it,
// on the builder's postures and on hand-written ones whose flags have
// every wrong type.
func TestIndexMatchesRego(t *testing.T) {
	g, fs := pstSyntheticInput(t, 300, 3_000)
	synthetic, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(t, err)
	demo, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)

	odd := engPostureMap(t)
	odd["findings"] = []any{
		"not an object", 42, nil, []any{},
		map[string]any{"id": "a", "kind": "secret", "open": "false", "suppressed": "true", "severity": "critical"},
		map[string]any{"id": "b", "kind": "Secret", "open": false, "triage": map[string]any{"status": "accepted_risk"}},
		map[string]any{"id": "c", "kind": "access", "suppressed": 1, "sla": map[string]any{"breached": 1}, "risk": map[string]any{"priority": "p1"}},
		map[string]any{"id": "d", "kind": "sast", "open": true, "sla": "breached", "risk": "P1", "triage": "wont_fix"},
		map[string]any{"id": "e", "kind": "sca", "open": true, "suppressed": false, "sla": map[string]any{"breached": true, "due": "2020-01-01T00:00:00Z"},
			"risk": map[string]any{"priority": "P1", "kev": true}, "assets": []any{"svc:web"}, "triage": map[string]any{"status": "wont_fix"}},
		map[string]any{"id": "f", "kind": "sca", "sla": map[string]any{"breached": false}, "risk": map[string]any{"priority": "P2"}},
		map[string]any{"id": "g", "kind": "secret", "open": nil, "suppressed": true, "triage": map[string]any{"status": "accepted_risk", "expires": "2030-01-01T00:00:00Z"}},
	}
	forged := engPostureMap(t)
	forged["_aspm_index"] = map[string]any{"open": []any{}, "active": []any{}, "secret": []any{map[string]any{"id": "forged"}}}

	e := engNew(t, compliance.Options{})
	for name, p := range map[string]any{"builder synthetic": synthetic, "builder demo": demo, "odd types": odd, "forged index": forged} {
		t.Run(name, func(t *testing.T) {
			with, err := e.Evaluate(context.Background(), p)
			require.NoError(t, err)
			restore := compliance.SetUseIndex(false)
			without, err := e.Evaluate(context.Background(), p)
			restore()
			require.NoError(t, err)
			if name == "forged index" {
				// Without the engine's index, lib.rego reads the
				// posture's own: the engine must replace it.
				delete(forged, "_aspm_index")
				restore := compliance.SetUseIndex(false)
				without, err = e.Evaluate(context.Background(), forged)
				restore()
				require.NoError(t, err)
			}
			assert.JSONEq(t, string(engJSON(t, without)), string(engJSON(t, with)))
			var rep struct {
				Controls []struct{ Status string }
			}
			require.NoError(t, json.Unmarshal(engJSON(t, with), &rep))
			assert.NotEmpty(t, rep.Controls)
		})
	}
}
