package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
)

// runFixture lays out two dated scans of the demo: the first with gosec
// and gitleaks only, the second with every scanner, the catalog beside
// them, and a Kubernetes RBAC manifest in the second.
func runFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	first, second := filepath.Join(dir, "2026-01-15"), filepath.Join(dir, "2026-03-01")
	require.NoError(t, os.MkdirAll(first, 0o755))
	require.NoError(t, os.MkdirAll(second, 0o755))
	copyFile := func(src, dst string) {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(dst, b, 0o644))
	}
	for _, f := range []string{"gosec.sarif", "gitleaks.json"} {
		copyFile(filepath.Join("../../testdata/demo/scans", f), filepath.Join(first, f))
	}
	for _, f := range demoScans(t) {
		copyFile(f, filepath.Join(second, filepath.Base(f)))
	}
	copyFile(acmeCatalog, filepath.Join(dir, "catalog.yaml"))
	copyFile(testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml"), filepath.Join(second, "rbac.yaml"))
	return dir
}

func TestRun(t *testing.T) {
	in, out := runFixture(t), t.TempDir()
	code, stdout, errOut := runCLI(t, "", "run", "-o", out, "--now", "2026-03-02T00:00:00Z", in)
	require.Equal(t, exitGate, code, errOut)
	assert.Contains(t, stdout, "scan 2026-01-15:")
	assert.Regexp(t, `scan 2026-03-01: \d+ findings: \d+ new, 0 reopened, 0 updated, \d+ unchanged`, stdout)
	assert.Contains(t, stdout, "gate failed")
	for _, f := range []string{"report.html", "report.md", "report.sarif", "report.json", "vex.json", "aspm.db"} {
		fi, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Positive(t, fi.Size(), f)
	}
	var rep struct {
		Summary struct {
			Open  int
			Trend []json.RawMessage
		}
		Findings []struct {
			RuleID string `json:"rule_id"`
			State  string
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Positive(t, rep.Summary.Open)
	assert.Len(t, rep.Summary.Trend, 2, "one snapshot per scan")
	states := map[string]int{}
	access := 0
	for _, f := range rep.Findings {
		states[f.State]++
		if strings.HasPrefix(f.RuleID, "ACCESS-") {
			access++
		}
	}
	assert.Positive(t, states["new"])
	assert.Positive(t, states["unchanged"], "the first scan's findings are unchanged in the second")
	assert.Positive(t, access, "the RBAC manifest went through the access analyzers")
	h, err := os.ReadFile(filepath.Join(out, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, strings.ToLower(string(h)), "<!doctype html>")

	// Again on the same store: the older scan is not applied again, the
	// newest is, and everything is unchanged.
	code, stdout, errOut = runCLI(t, "", "run", "-o", out, "--now", "2026-03-02T00:00:00Z", in)
	require.Equal(t, exitGate, code, errOut)
	assert.Contains(t, stdout, "scan 2026-01-15: already in the store")
	assert.Regexp(t, `scan 2026-03-01: (\d+) findings: 0 new, 0 reopened, 0 updated, \d+ unchanged, 0 fixed`, stdout)
	assert.Contains(t, stdout, "0 new, 0 fixed")
}

func TestRunBadInput(t *testing.T) {
	in, out := runFixture(t), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(in, "2026-03-01", "broken.sarif"), []byte(`{"version": "2.1.0", "runs": [`), 0o644))
	code, _, errOut := runCLI(t, "", "run", "-o", out, "--now", "2026-03-02T00:00:00Z", in)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "broken.sarif")
	_, err := os.Stat(filepath.Join(out, "report.html"))
	assert.NoError(t, err, "the rest is still reported")

	code, _, errOut = runCLI(t, "", "run", "-o", out, filepath.Join(in, "missing"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "not a readable directory")
}

// TestProgress: a bar on a terminal, nothing when piped.
func TestProgress(t *testing.T) {
	var buf strings.Builder
	p := newProgress(&buf)
	assert.False(t, p.on, "not a terminal")
	p.add("a")
	p.step("a")
	p.done()
	assert.Empty(t, buf.String())

	p = &progress{w: &buf, on: true}
	dir := t.TempDir()
	for _, n := range []string{"one.sarif", "two.json"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(strings.Repeat("x", 100)), 0o644))
		p.add(filepath.Join(dir, n))
	}
	p.step(filepath.Join(dir, "one.sarif"))
	p.done()
	assert.Contains(t, buf.String(), "1/2 one.sarif")
	assert.Contains(t, buf.String(), "[")
	assert.True(t, strings.HasSuffix(buf.String(), "\r\x1b[K"), "cleared at the end")
}

// TestRunDemo: the demo of real tools on a real project shows a lifecycle
// between its two dates: new, unchanged and fixed findings, staticcheck's
// empty second run fixing what it reported before; the README and the
// script beside the scans are skipped, not errors.
func TestRunDemo(t *testing.T) {
	out := t.TempDir()
	code, stdout, errOut := runCLI(t, "", "run", "-o", out, "--now", "2026-03-02T00:00:00Z", "../../testdata/demo/project")
	require.Contains(t, []int{exitOK, exitGate}, code, errOut)
	assert.Contains(t, stdout, "scan 2026-01-15: 151 findings: 147 new")
	assert.Regexp(t, `scan 2026-03-01: 55 findings: \d+ new, 0 reopened, 0 updated, \d+ unchanged, 131 fixed`, stdout)
	assert.Contains(t, stdout, "2 file(s) skipped")
	assert.Empty(t, errOut)
}

// TestRunPostgres: the same run against PostgreSQL, when a DSN is given
// (scripts/pg-test.sh gives one).
func TestRunPostgres(t *testing.T) {
	dsn := os.Getenv("ASPM_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("ASPM_POSTGRES_DSN is not set: run scripts/pg-test.sh for the PostgreSQL store")
	}
	in, out := runFixture(t), t.TempDir()
	app := "run-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + filepath.Base(out)
	code, stdout, errOut := runCLI(t, "", "run", "-o", out, "--db", dsn, "--app", app, "--now", "2026-03-02T00:00:00Z", in)
	require.Equal(t, exitGate, code, errOut)
	assert.Regexp(t, `scan 2026-03-01: \d+ findings: \d+ new, 0 reopened, 0 updated, \d+ unchanged`, stdout)
	code, stdout, errOut = runCLI(t, "", "run", "-o", out, "--db", dsn, "--app", app, "--now", "2026-03-02T00:00:00Z", in)
	require.Equal(t, exitGate, code, errOut)
	assert.Contains(t, stdout, "scan 2026-01-15: already in the store")
	assert.Contains(t, stdout, "0 new, 0 fixed")
	_, err := os.Stat(filepath.Join(out, "aspm.db"))
	assert.True(t, os.IsNotExist(err), "no SQLite file with a DSN")
}
