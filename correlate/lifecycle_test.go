package correlate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func sast(rule, path string, line int, snippet string) findings.Finding {
	return findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: rule, Title: rule,
		Severity: findings.SeverityHigh, CWEs: []string{"CWE-89"},
		Location: findings.Location{Path: path, Region: &findings.Region{StartLine: line, EndLine: line}, SnippetHash: snippet}}
}

func states(res Result) map[string]State {
	out := map[string]State{}
	for _, c := range res.Changes {
		out[c.Finding.RuleID+"@"+c.Finding.Location.Path] = c.State
	}
	return out
}

func TestLifecycle(t *testing.T) {
	a := sast("G201", "db.go", 10, "h1")
	b := sast("G101", "cfg.go", 5, "h2")
	c := sast("G304", "io.go", 7, "h3")

	r1 := Compare(nil, Scan{ID: "s1", At: t0, Findings: []findings.Finding{a, b}}, Options{})
	assert.Equal(t, map[string]State{"G201@db.go": StateNew, "G101@cfg.go": StateNew}, states(r1))
	require.Len(t, r1.Records, 2)

	// Scan 2: a moved 30 lines down and reworded, b got worse, c is new.
	a2 := a
	a2.Location.Region = &findings.Region{StartLine: 40, EndLine: 40}
	a2.Title, a2.Description = "reworded", "a new description"
	b2 := b
	b2.Severity = findings.SeverityCritical
	r2 := Compare(r1.Records, Scan{ID: "s2", At: t0.Add(time.Hour), Findings: []findings.Finding{a2, b2, c}}, Options{})
	assert.Equal(t, map[string]State{"G201@db.go": StateUnchanged, "G101@cfg.go": StateUpdated, "G304@io.go": StateNew}, states(r2))

	// Scan 3: a is gone.
	r3 := Compare(r2.Records, Scan{ID: "s3", At: t0.Add(2 * time.Hour), Findings: []findings.Finding{b2, c}}, Options{})
	assert.Equal(t, map[string]State{"G201@db.go": StateFixed, "G101@cfg.go": StateUnchanged, "G304@io.go": StateUnchanged}, states(r3))

	// Scan 4: a is back.
	r4 := Compare(r3.Records, Scan{ID: "s4", At: t0.Add(3 * time.Hour), Findings: []findings.Finding{a, b2, c}}, Options{})
	assert.Equal(t, StateReopened, states(r4)["G201@db.go"])
	var rec Record
	for _, r := range r4.Records {
		if r.Finding.RuleID == "G201" {
			rec = r
		}
	}
	assert.Equal(t, t0, rec.FirstSeen)
	assert.Equal(t, t0.Add(3*time.Hour), rec.LastSeen)
	assert.True(t, rec.Open)
	assert.Equal(t, []State{StateNew, StateUnchanged, StateFixed, StateReopened}, historyStates(rec))

	// A scan of another tool fixes nothing of gosec's.
	other := findings.Finding{Kind: findings.KindSecret, Tool: findings.Tool{Name: "gitleaks"}, RuleID: "aws", SecretHash: "x", Location: findings.Location{Path: "k"}}
	r5 := Compare(r4.Records, Scan{ID: "s5", At: t0.Add(4 * time.Hour), Findings: []findings.Finding{other}}, Options{})
	assert.Equal(t, map[string]State{"aws@k": StateNew}, states(r5))
	// ...unless the scan says gosec ran and found nothing.
	r6 := Compare(r4.Records, Scan{ID: "s6", At: t0.Add(4 * time.Hour), Tools: []string{"gosec"}}, Options{})
	assert.Len(t, r6.Changes, 3)
	for _, ch := range r6.Changes {
		assert.Equal(t, StateFixed, ch.State)
	}
	// The input baseline is not modified.
	assert.Len(t, r4.Records[0].History, len(r4.Records[0].History))
	assert.True(t, r4.Records[0].Open)
}

func historyStates(r Record) []State {
	var out []State
	for _, h := range r.History {
		out = append(out, h.State)
	}
	return out
}

func TestTriageSurvivesRescans(t *testing.T) {
	a := sast("G201", "db.go", 10, "h1")
	r1 := Compare(nil, Scan{At: t0, Findings: []findings.Finding{a}}, Options{})
	id := r1.Records[0].ID

	fp := &Triage{Status: FalsePositive, Author: "ana", Justification: "input is a constant", At: t0}
	r1.Records[0].Triage = fp
	// Fixed, then back: never reopened while the triage holds.
	r2 := Compare(r1.Records, Scan{At: t0.Add(time.Hour), Tools: []string{"gosec"}}, Options{})
	require.Equal(t, StateFixed, r2.Changes[0].State)
	assert.True(t, r2.Changes[0].Suppressed)
	r3 := Compare(r2.Records, Scan{At: t0.Add(2 * time.Hour), Findings: []findings.Finding{a}}, Options{})
	require.Len(t, r3.Changes, 1)
	assert.Equal(t, StateUnchanged, r3.Changes[0].State)
	assert.True(t, r3.Changes[0].Suppressed)
	assert.Equal(t, fp, r3.Records[0].Triage)

	// An accepted risk expires: at its expiry instant it no longer holds.
	accept := &Triage{Status: AcceptedRisk, Expires: t0.Add(48 * time.Hour)}
	r3.Records[0].Triage = accept
	before := Compare(r3.Records, Scan{At: t0.Add(48*time.Hour - time.Second), Findings: []findings.Finding{a}}, Options{})
	assert.Nil(t, before.Changes[0].Expired)
	assert.True(t, before.Changes[0].Suppressed)
	at := Compare(r3.Records, Scan{At: t0.Add(48 * time.Hour), Findings: []findings.Finding{a}}, Options{})
	assert.Equal(t, accept, at.Changes[0].Expired)
	assert.False(t, at.Changes[0].Suppressed)
	assert.Nil(t, at.Records[0].Triage)
	assert.Equal(t, id, at.Changes[0].ID)
}

func TestTrackWithMemoryStore(t *testing.T) {
	ctx := context.Background()
	var s MemoryStore
	a, b := sast("G201", "db.go", 10, "h1"), sast("G101", "cfg.go", 5, "h2")
	res, err := Track(ctx, &s, Scan{Tenant: "acme", Application: "shop", ID: "1", At: t0, Findings: []findings.Finding{a, b}}, Options{})
	require.NoError(t, err)
	assert.Len(t, res.Modified, 2)
	recs, err := s.Load(ctx, "acme", "shop")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "acme", recs[0].Tenant)
	other, err := s.Load(ctx, "acme", "other")
	require.NoError(t, err)
	assert.Empty(t, other, "applications are separate")

	require.NoError(t, s.SetTriage(ctx, "acme", "shop", recs[0].ID, &Triage{Status: NotAffected}))
	assert.ErrorIs(t, s.SetTriage(ctx, "acme", "shop", "nope", nil), ErrNotFound)
	res, err = Track(ctx, &s, Scan{Tenant: "acme", Application: "shop", ID: "2", At: t0.Add(time.Hour), Tools: []string{"gosec"}}, Options{})
	require.NoError(t, err)
	require.Len(t, res.Changes, 2)
	suppressed := 0
	for _, c := range res.Changes {
		assert.Equal(t, StateFixed, c.State)
		if c.Suppressed {
			suppressed++
		}
	}
	assert.Equal(t, 1, suppressed)
}

// Identity is stable: every corpus file, rescanned with every line shifted
// and every title and description reworded, keeps every finding
// unchanged.
func TestIdentityStableUnderShiftsAndRewording(t *testing.T) {
	files := testcorpus.Glob("*/*/*")
	if len(files) == 0 {
		testcorpus.Dir(t)
	}
	root := testcorpus.Root()
	total, checked := 0, 0
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "access/") || strings.HasPrefix(rel, "spdx/") || strings.HasPrefix(rel, "osv/") {
			continue
		}
		fs, ok := tryDecode(path)
		if !ok || len(fs) == 0 {
			continue
		}
		checked++
		base := Baseline(fs, t0, Options{})
		for _, shift := range []int{1, 17} {
			moved := make([]findings.Finding, len(fs))
			for i, f := range fs {
				moved[i] = shifted(f, shift)
			}
			res := Compare(base, Scan{At: t0.Add(time.Hour), Findings: moved}, Options{})
			for _, c := range res.Changes {
				if !assert.Equal(t, StateUnchanged, c.State, "%s: shift %d: %s %s at %v", rel, shift, c.Finding.RuleID, c.Finding.Location.Path, c.Finding.Location.Region) {
					break
				}
			}
		}
		total += len(fs)
	}
	t.Logf("%d files, %d findings: all unchanged after line shifts and rewording", checked, total)
	assert.Greater(t, checked, 100)
}

func shifted(f findings.Finding, n int) findings.Finding {
	if r := f.Location.Region; r != nil {
		c := *r
		if c.StartLine > 0 {
			c.StartLine += n
		}
		if c.EndLine > 0 {
			c.EndLine += n
		}
		f.Location.Region = &c
	}
	f.Title = "Reworded: " + strings.ToUpper(f.Title)
	f.Description = "A tool rewrote this description. " + f.Description
	return f
}
