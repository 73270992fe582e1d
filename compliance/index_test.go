package compliance_test

import (
	"bytes"
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

	// An internet-exposed service, what it deploys and contains, and
	// high-risk findings on them (an asset named twice, a non-string
	// asset, unreachable, suppressed, closed, P3, not exposed), and
	// end-of-life dependencies of each kind.
	exposed := map[string]any{
		"version": "aspm-posture/1", "generated_at": "2026-07-01T00:00:00Z",
		"assets": []any{
			map[string]any{"id": "service:a", "kind": "service", "exposure": "internet"},
			map[string]any{"id": "image:1", "kind": "image", "properties": map[string]any{"eol": "2020-01-01"}},
			map[string]any{"id": "component:1", "kind": "component", "tags": []any{"EOL"}},
			map[string]any{"id": "component:2", "kind": "component", "properties": map[string]any{"eol": "yes"}},
			map[string]any{"id": "component:3", "kind": "component", "properties": map[string]any{"eol": "2999-01-01"}, "tags": []any{"x", 1}},
			map[string]any{"id": "component:4", "kind": "component", "properties": map[string]any{"eol": true}, "tags": "eol"},
			map[string]any{"id": "service:b", "kind": "service"},
			map[string]any{"id": "environment:prod", "kind": "environment", "environment": "production"},
			map[string]any{"id": "repository:r", "kind": "repository"},
			map[string]any{"id": "odd-kind", "kind": 7},
			"not an asset",
		},
		"edges": []any{
			map[string]any{"from": "service:a", "to": "image:1", "type": "deploys"},
			map[string]any{"from": "image:1", "to": "component:1", "type": "contains"},
			map[string]any{"from": "repository:r", "to": "environment:prod", "type": "runs_in"},
			map[string]any{"from": "endpoint:e", "to": "service:b", "type": "exposes"},
			map[string]any{"from": 1, "to": "component:2", "type": "depends_on"},
			map[string]any{"from": "component:1", "to": "component:2", "type": 5},
			"not an edge",
		},
		"findings": []any{
			map[string]any{"id": "p1", "kind": "sca", "risk": map[string]any{"priority": "P1"}, "assets": []any{"component:1", "service:a", "component:1"}},
			map[string]any{"id": "p2", "kind": "sca", "risk": map[string]any{"priority": "P2", "reachability": "reachable"}, "assets": []any{"image:1"}},
			map[string]any{"id": "p2-odd-asset", "kind": "sca", "risk": map[string]any{"priority": "P2"}, "assets": []any{1, "service:a"}},
			map[string]any{"id": "unreachable", "kind": "sca", "risk": map[string]any{"priority": "P1", "reachability": "unreachable"}, "assets": []any{"service:a"}},
			map[string]any{"id": "suppressed", "kind": "sca", "suppressed": true, "risk": map[string]any{"priority": "P1"}, "assets": []any{"service:a"}},
			map[string]any{"id": "closed", "kind": "sca", "open": false, "risk": map[string]any{"priority": "P1"}, "assets": []any{"service:a"}},
			map[string]any{"id": "p3", "kind": "sca", "risk": map[string]any{"priority": "P3"}, "assets": []any{"service:a"}},
			map[string]any{"id": "elsewhere", "kind": "sca", "risk": map[string]any{"priority": "P1"}, "assets": []any{"service:b"}},
			map[string]any{"id": "no-assets", "kind": "sca", "risk": map[string]any{"priority": "P1"}},
			map[string]any{"id": "s-path", "kind": "secret", "location": map[string]any{"path": "a.env"}, "assets": []any{"x", 1}},
			map[string]any{"id": "s-image", "kind": "secret", "location": map[string]any{"image": "img:1"}},
			map[string]any{"id": "s-blank", "kind": "secret", "location": map[string]any{"path": " \t", "image": "img:2"}},
			map[string]any{"id": "s-number", "kind": "secret", "location": map[string]any{"path": 5}},
			map[string]any{"id": "s-nowhere", "kind": "secret"},
			map[string]any{"id": "s-suppressed", "kind": "secret", "suppressed": true, "location": map[string]any{"path": "b.env"}},
			// assets as an object: "some a in f.assets" reads its values.
			map[string]any{"id": "p1-object-assets", "kind": "sca", "risk": map[string]any{"priority": "P1"}, "assets": map[string]any{"x": "service:a"}},
			map[string]any{"id": "s-object-assets", "kind": "secret", "location": map[string]any{"path": "c.env"}, "assets": map[string]any{"x": "service:a"}},
		},
	}

	// The built-in controls (engNew would load the test policies only).
	e, err := compliance.New(context.Background(), compliance.Options{})
	require.NoError(t, err)
	failing := map[string]map[string]int{"exposed": {"ASPM-EXP-01": 4, "ASPM-DEP-01": 3, "ASPM-SEC-01": 6, "ASPM-COV-01": 1}}
	// A posture's own index where there is no findings list.
	forgedNoFindings := engPostureMap(t)
	delete(forgedNoFindings, "findings")
	forgedNoFindings["_aspm_index"] = map[string]any{"secret": []any{map[string]any{"id": "forged", "kind": "secret"}},
		"active_secret_without_path": []any{map[string]any{"id": "forged", "kind": "secret"}}}

	for name, p := range map[string]any{"builder synthetic": synthetic, "builder demo": demo, "odd types": odd, "forged index": forged,
		"exposed": exposed, "forged index without findings": forgedNoFindings} {
		t.Run(name, func(t *testing.T) {
			with, err := e.Evaluate(context.Background(), p)
			require.NoError(t, err)
			restore := compliance.SetUseIndex(false)
			without, err := e.Evaluate(context.Background(), p)
			restore()
			require.NoError(t, err)
			if m, ok := p.(map[string]any); ok && m["_aspm_index"] != nil {
				// Without the engine's index, lib.rego reads the
				// posture's own: the engine must replace or remove it.
				delete(m, "_aspm_index")
				restore := compliance.SetUseIndex(false)
				without, err = e.Evaluate(context.Background(), m)
				restore()
				require.NoError(t, err)
			}
			assert.JSONEq(t, string(engJSON(t, without)), string(engJSON(t, with)))
			var rep struct {
				Controls []struct {
					ID, Status string
					Violations []any
				}
			}
			require.NoError(t, json.Unmarshal(engJSON(t, with), &rep))
			assert.NotEmpty(t, rep.Controls)
			for _, c := range rep.Controls {
				if n, ok := failing[name][c.ID]; ok {
					assert.Equal(t, "fail", c.Status, c.ID)
					assert.Len(t, c.Violations, n, c.ID)
				}
			}
		})
	}
}

// FuzzIndexMatchesRego holds the engine's index to lib.rego's own passes
// on any posture JSON: every built-in control gives the same result with
// and without it (a control that errs must err both ways).
func FuzzIndexMatchesRego(f *testing.F) {
	for _, s := range []string{
		`{"version": "aspm-posture/1", "generated_at": "2026-07-01T00:00:00Z", "findings": [{"id": "a", "kind": "secret", "location": {"path": "a.env"}, "assets": ["r"]}], "coverage": [{"asset": "r", "kind": "secret", "at": "2026-06-01T00:00:00Z"}]}`,
		`{"generated_at": "2026-07-01T00:00:00Z", "assets": [{"id": "s", "kind": "service", "exposure": "internet"}, {"id": "i", "kind": "image", "tags": ["eol"]}], "edges": [{"from": "s", "to": "i", "type": "deploys"}], "findings": [{"id": 7, "risk": {"priority": "P1"}, "assets": {"x": "i"}, "sla": {"breached": true}, "severity": "critical"}]}`,
		`{"findings": [1, null, {"open": false, "kind": "access", "triage": {"status": "wont_fix"}}, {"suppressed": true, "sla": {"due": "2020-01-01T00:00:00Z"}, "risk": {"kev": true}}], "_aspm_index": {"open": [{"id": "forged"}]}}`,
		`{"findings": {}, "_aspm_index": {"secret": [{"id": "forged", "kind": "secret"}]}}`,
	} {
		f.Add([]byte(s))
	}
	e, err := compliance.New(context.Background(), compliance.Options{Parallelism: 1})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Both sides read the same JSON text: the document as given, and
		// (without the index, which would read a posture's own
		// _aspm_index that the engine replaces or removes) the document
		// without that member, numbers kept as written.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc map[string]any
		if dec.Decode(&doc) != nil || doc == nil {
			return
		}
		with, err := e.Evaluate(context.Background(), data)
		if err != nil {
			return // not a posture the engine takes, with or without the index
		}
		delete(doc, "_aspm_index")
		plain, err := json.Marshal(doc)
		require.NoError(t, err)
		restore := compliance.SetUseIndex(false)
		without, err := e.Evaluate(context.Background(), plain)
		restore()
		require.NoError(t, err)
		require.Len(t, without.Controls, len(with.Controls))
		for i, w := range with.Controls {
			o := without.Controls[i]
			if w.Status == compliance.StatusError || o.Status == compliance.StatusError {
				assert.Equal(t, o.Status, w.Status, "%s: %s / %s", w.ID, o.Message, w.Message)
				continue
			}
			wj, _ := json.Marshal(w)
			oj, _ := json.Marshal(o)
			assert.JSONEq(t, string(oj), string(wj), w.ID)
		}
	})
}
