package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func demoScan(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "testdata", "demo", "scans", name)
	_, err := os.Stat(p)
	require.NoError(t, err)
	return p
}

// jsonLines decodes every line of out into a T.
func jsonLines[T any](t *testing.T, out string) []T {
	t.Helper()
	var vs []T
	s := bufio.NewScanner(strings.NewReader(out))
	s.Buffer(nil, 1<<24)
	for s.Scan() {
		var v T
		require.NoError(t, json.Unmarshal(s.Bytes(), &v), "line %d: %s", len(vs)+1, s.Text())
		vs = append(vs, v)
	}
	return vs
}

// editedGosec writes a copy of the demo gosec SARIF with result 2 removed
// and result 1's level lowered, for "fixed" and "updated".
func editedGosec(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(demoScan(t, "gosec.sarif"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	run := doc["runs"].([]any)[0].(map[string]any)
	results := run["results"].([]any)
	require.Len(t, results, 6)
	results[1].(map[string]any)["level"] = "note"
	run["results"] = append(results[:2:2], results[3:]...)
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	p := filepath.Join(dir, "gosec-next.sarif")
	require.NoError(t, os.WriteFile(p, out, 0o644))
	return p
}

// stateOf returns each line's state, by rule ID.
func statesByRule(lines []stateLine) map[string][]correlate.State {
	out := map[string][]correlate.State{}
	for _, l := range lines {
		out[l.RuleID] = append(out[l.RuleID], l.State)
	}
	return out
}

func countStates(lines []stateLine) map[correlate.State]int {
	out := map[correlate.State]int{}
	for _, l := range lines {
		out[l.State]++
	}
	return out
}

func TestDedupDemoScans(t *testing.T) {
	code, out, errOut := runCLI(t, "", append([]string{"dedup"}, demoScans(t)...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	clusters := jsonLines[correlate.Cluster](t, out)
	require.NotEmpty(t, clusters)

	// Every finding is a member of exactly one cluster.
	_, fout, _ := runCLI(t, "", append([]string{"findings"}, demoScans(t)...)...)
	total := strings.Count(fout, "\n")
	members := 0
	seen := map[string]bool{}
	for _, c := range clusters {
		assert.NotEmpty(t, c.ID)
		assert.False(t, seen[c.ID], "cluster %s printed twice", c.ID)
		seen[c.ID] = true
		require.NotEmpty(t, c.Members)
		assert.NotEmpty(t, c.Tools)
		for _, m := range c.Members {
			assert.NotEmpty(t, m.ID)
			assert.NotEmpty(t, m.Tool)
			assert.NotEmpty(t, m.Source.File)
		}
		members += len(c.Members)
	}
	assert.Equal(t, total, members)

	// govulncheck ("v0.3.5") and OSV-Scanner ("0.3.5") report the same
	// golang.org/x/text vulnerabilities: those cluster across the tools.
	cross := 0
	for _, c := range clusters {
		if len(c.Tools) > 1 {
			cross++
			assert.Equal(t, []string{"govulncheck", "osv-scanner"}, c.Tools, c.ID)
		}
	}
	assert.Equal(t, 3, cross)

	// The raw JSON names the fields the brief promises.
	first := strings.SplitN(out, "\n", 2)[0]
	for _, field := range []string{`"id":`, `"tools":`, `"members":`, `"source":`, `"tool":`} {
		assert.Contains(t, first, field)
	}

	// Deterministic: the same input prints the same bytes.
	_, again, _ := runCLI(t, "", append([]string{"dedup"}, demoScans(t)...)...)
	assert.Equal(t, out, again)
}

// The same nginx image scanned by Grype and by Trivy: 99 problems, each
// reported by both.
func TestDedupCorpusCrossTool(t *testing.T) {
	code, out, errOut := runCLI(t, "", "dedup",
		testcorpus.Path(t, "sarif/grype/nginx-grype.sarif.json"), testcorpus.Path(t, "sarif/trivy/nginx-trivy.sarif.json"))
	require.Equal(t, exitOK, code, errOut)
	clusters := jsonLines[correlate.Cluster](t, out)
	assert.Len(t, clusters, 99)
	for _, c := range clusters {
		assert.Len(t, c.Tools, 2, c.ID)
	}
}

func TestDedupBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":"2.1.0","runs":[{"results":[}`), 0o644))
	code, out, errOut := runCLI(t, "", "dedup", demoScan(t, "gosec.sarif"), bad, filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "broken.json")
	assert.Contains(t, errOut, "missing.json")
	assert.Contains(t, errOut, "2 of 3 files failed")
	members := 0
	for _, c := range jsonLines[correlate.Cluster](t, out) {
		members += len(c.Members)
	}
	assert.Equal(t, 6, members, "readable files are still clustered")

	for _, args := range [][]string{{"dedup"}, {"dedup", "a.json", "--fold-case"}, {"dedup", "--nope", "a.json"}} {
		code, _, _ := runCLI(t, "", args...)
		assert.Equal(t, exitBadInput, code, args)
	}
	code, _, _ = runCLI(t, "", "dedup", "-h")
	assert.Equal(t, exitOK, code)
}

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	next := editedGosec(t, dir)
	code, out, errOut := runCLI(t, "", "diff", "--baseline", demoScan(t, "gosec.sarif"), "--baseline", demoScan(t, "gitleaks.json"),
		"--", next, demoScan(t, "govulncheck.json"))
	require.Equal(t, exitOK, code, errOut)
	lines := jsonLines[stateLine](t, out)
	// gosec: 6 in the baseline, one gone, one lowered; govulncheck is new;
	// gitleaks did not run, so its finding is neither fixed nor listed.
	assert.Equal(t, map[correlate.State]int{correlate.StateUnchanged: 4, correlate.StateUpdated: 1,
		correlate.StateFixed: 1, correlate.StateNew: 3}, countStates(lines))
	for _, l := range lines {
		assert.NotEmpty(t, l.ID)
		assert.NotEqual(t, "gitleaks", l.Tool.Name)
		if l.State == correlate.StateUpdated {
			assert.Equal(t, "low", string(l.Severity), "the scan's record is printed")
		}
	}
	// Ordered by state: new, updated, unchanged, fixed.
	order := map[correlate.State]int{correlate.StateNew: 0, correlate.StateReopened: 1, correlate.StateUpdated: 2, correlate.StateUnchanged: 3, correlate.StateFixed: 4}
	for i := 1; i < len(lines); i++ {
		assert.LessOrEqual(t, order[lines[i-1].State], order[lines[i].State])
	}
	// The finding's own fields come first, then "state".
	first := strings.SplitN(out, "\n", 2)[0]
	assert.True(t, strings.HasPrefix(first, `{"id":`), first)
	assert.True(t, strings.HasSuffix(first, `,"state":"new"}`), first)

	// Deterministic output.
	_, again, _ := runCLI(t, "", "diff", "--baseline", demoScan(t, "gosec.sarif"), "--baseline", demoScan(t, "gitleaks.json"),
		"--", next, demoScan(t, "govulncheck.json"))
	assert.Equal(t, out, again)
}

func TestDiffGate(t *testing.T) {
	gosec := demoScan(t, "gosec.sarif")
	code, out, _ := runCLI(t, "", "diff", "--fail-on-new", "--baseline", gosec, gosec)
	assert.Equal(t, exitOK, code, "nothing new")
	assert.Equal(t, map[correlate.State]int{correlate.StateUnchanged: 6}, countStates(jsonLines[stateLine](t, out)))

	code, out, errOut := runCLI(t, "", "diff", "--fail-on-new", "--baseline", gosec, gosec, demoScan(t, "gitleaks.json"))
	assert.Equal(t, exitGate, code)
	assert.Contains(t, errOut, "1 new finding")
	assert.Equal(t, []correlate.State{correlate.StateNew}, statesByRule(jsonLines[stateLine](t, out))["slack-webhook-url"])
}

func TestDiffBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"RuleID": `), 0o644))
	gosec := demoScan(t, "gosec.sarif")
	code, out, errOut := runCLI(t, "", "diff", "--baseline", filepath.Join(dir, "old.sarif"), gosec, bad)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out, "nothing is compared when an input fails")
	assert.Contains(t, errOut, "old.sarif")
	assert.Contains(t, errOut, "broken.json")

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no baseline", []string{"diff", gosec}},
		{"no scan", []string{"diff", "--baseline", gosec}},
		{"flag after file", []string{"diff", "--baseline", gosec, gosec, "--fail-on-new"}},
		{"stdin twice", []string{"diff", "--baseline", "-", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			assert.Equal(t, exitBadInput, code)
			assert.NotEmpty(t, errOut)
		})
	}
}

func TestTrack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	gosec, gitleaks := demoScan(t, "gosec.sarif"), demoScan(t, "gitleaks.json")
	track := func(args ...string) []stateLine {
		t.Helper()
		code, out, errOut := runCLI(t, "", append([]string{"track", "--db", db, "--app", "demo"}, args...)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, errOut)
		return jsonLines[stateLine](t, out)
	}

	// First run: everything is new, scan IDs are the file names.
	lines := track(gosec, gitleaks)
	assert.Equal(t, map[correlate.State]int{correlate.StateNew: 7}, countStates(lines))
	for _, l := range lines {
		want := map[string]string{"gosec": "gosec.sarif", "gitleaks": "gitleaks.json"}[l.Tool.Name]
		assert.Equal(t, want, l.Scan)
	}
	// The same scans again: nothing changed, nothing printed.
	assert.Empty(t, track(gosec, gitleaks))

	// One gosec finding fixed, one lowered.
	lines = track(editedGosec(t, dir))
	assert.Equal(t, map[correlate.State]int{correlate.StateFixed: 1, correlate.StateUpdated: 1}, countStates(lines))
	for _, l := range lines {
		assert.Equal(t, "gosec-next.sarif", l.Scan)
	}
	// Back again: reopened, and updated back.
	lines = track(gosec)
	assert.Equal(t, map[correlate.State]int{correlate.StateReopened: 1, correlate.StateUpdated: 1}, countStates(lines))

	// gitleaks ran and found nothing: its secret is fixed.
	empty := filepath.Join(dir, "gitleaks-empty.json")
	require.NoError(t, os.WriteFile(empty, []byte("[]\n"), 0o644))
	assert.Empty(t, track(empty), "without --tools an empty report names no tool")
	lines = track("--tools", "gitleaks", empty)
	require.Len(t, lines, 1)
	assert.Equal(t, correlate.StateFixed, lines[0].State)
	assert.Equal(t, "slack-webhook-url", lines[0].RuleID)

	// The store holds it all, scoped to the application.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	scans, err := st.Scans(ctx, "", "demo")
	require.NoError(t, err)
	assert.Len(t, scans, 8)
	recs, err := st.Load(ctx, "", "demo")
	require.NoError(t, err)
	assert.Len(t, recs, 7)
	other, err := st.Load(ctx, "", "")
	require.NoError(t, err)
	assert.Empty(t, other)
}

func TestTrackBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	bad := filepath.Join(dir, "broken.sarif")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":"2.1.0","runs":[{"results":[}`), 0o644))
	gosec := demoScan(t, "gosec.sarif")

	code, out, errOut := runCLI(t, "", "track", "--db", db, gosec, bad, filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "broken.sarif")
	assert.Contains(t, errOut, "missing.json")
	assert.Contains(t, errOut, "nothing applied")
	_, err := os.Stat(db)
	assert.True(t, os.IsNotExist(err), "no store is created when nothing is applied")

	// A --db that is not a store.
	notStore := filepath.Join(dir, "notes.db")
	require.NoError(t, os.WriteFile(notStore, []byte("these are my notes, not a database, and they are long enough"), 0o644))
	code, _, errOut = runCLI(t, "", "track", "--db", notStore, gosec)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "notes.db")

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no db", []string{"track", gosec}},
		{"no scan", []string{"track", "--db", db}},
		{"flag after file", []string{"track", "--db", db, gosec, "--app", "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			assert.Equal(t, exitBadInput, code)
			assert.NotEmpty(t, errOut)
		})
	}
}

func TestTrackReadsStdin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	b, err := os.ReadFile(demoScan(t, "gitleaks.json"))
	require.NoError(t, err)
	code, out, errOut := runCLI(t, string(b), "track", "--db", db, "-")
	require.Equal(t, exitOK, code, errOut)
	lines := jsonLines[stateLine](t, out)
	require.Len(t, lines, 1)
	assert.Equal(t, "<stdin>", lines[0].Scan)
}

// TestDiffToolWithoutResults: a SARIF run without results says its tool
// ran, so what it reported in the baseline is fixed (the demo's
// staticcheck on its second date).
func TestDiffToolWithoutResults(t *testing.T) {
	dir := "../../testdata/demo/project/"
	code, out, errOut := runCLI(t, "", "diff", "--baseline", dir+"2026-01-15/staticcheck.sarif", "--", dir+"2026-03-01/staticcheck.sarif")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 5)
	for _, l := range lines {
		assert.Contains(t, l, `"state":"fixed"`)
	}
}
