package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// demoScans are the real scanner outputs the README's quick start reads.
func demoScans(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "scans", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, m, "testdata/demo/scans is empty")
	return m
}

func TestFindingsPrintsOneJSONObjectPerLine(t *testing.T) {
	code, out, errOut := runCLI(t, "", append([]string{"findings"}, demoScans(t)...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	s := bufio.NewScanner(strings.NewReader(out))
	s.Buffer(nil, 1<<24)
	n := 0
	tools := map[string]bool{}
	for s.Scan() {
		var f findings.Finding
		require.NoError(t, json.Unmarshal(s.Bytes(), &f), "line %d is not a Finding", n+1)
		require.NotEmpty(t, f.ID)
		tools[f.Tool.Name] = true
		n++
	}
	assert.Greater(t, n, 5)
	assert.GreaterOrEqual(t, len(tools), 3, "the demo has findings from several tools: %v", tools)
}

func TestFindingsSummary(t *testing.T) {
	code, out, errOut := runCLI(t, "", append([]string{"findings", "--summary"}, demoScans(t)...)...)
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{"findings", "by tool", "by kind", "by severity", "sast", "secret", "sca"} {
		assert.Contains(t, out, want)
	}
}

func TestFindingsFormatFlagSkipsDetection(t *testing.T) {
	doc := `[{"Description":"AWS","RuleID":"aws-access-token","File":"a.env","StartLine":3,"Secret":"AKIAXXXXXXXXXXXXXXXX"}]`
	code, out, errOut := runCLI(t, doc, "findings", "--format", "gitleaks", "-")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `"rule_id":"aws-access-token"`)
	assert.NotContains(t, out, "AKIAXXXXXXXXXXXXXXXX", "secrets are never printed")

	code, _, errOut = runCLI(t, doc, "findings", "--format", "sarif", "-")
	assert.Equal(t, exitBadInput, code, "a document that is not the named format is bad input")
	assert.Contains(t, errOut, "<stdin>")

	code, _, errOut = runCLI(t, doc, "findings", "--format", "nope", "-")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, `unknown format "nope"`)
}

func TestFindingsBadFilesAreNamedAndExit2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":"2.1.0","runs":[{"results":[}`), 0o644))
	missing := filepath.Join(dir, "missing.sarif")
	scans := demoScans(t)
	args := append([]string{"findings", "--summary", bad}, scans...)
	args = append(args, missing)
	code, out, errOut := runCLI(t, "", args...)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "broken.json")
	assert.Contains(t, errOut, "missing.sarif")
	assert.Contains(t, errOut, "2 of")
	assert.Contains(t, out, "by tool", "readable files are still processed")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, exitBadInput},
		{"unknown command", []string{"frobnicate"}, exitBadInput},
		{"no files", []string{"findings"}, exitBadInput},
		{"flag after file", []string{"findings", "a.json", "--summary"}, exitBadInput},
		{"unknown flag", []string{"findings", "--nope", "a.json"}, exitBadInput},
		{"summary and vex", []string{"findings", "--summary", "--vex", "a.json"}, exitBadInput},
		{"help", []string{"help"}, exitOK},
		{"command help", []string{"findings", "-h"}, exitOK},
		{"formats", []string{"formats"}, exitOK},
		{"formats with args", []string{"formats", "x"}, exitBadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, _ := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
		})
	}
	_, out, _ := runCLI(t, "", "help")
	assert.Contains(t, out, "Flags come before file arguments")
	assert.Contains(t, out, "0 on success, 1 when a gate or check fails, 2 on bad input or usage")
}

func TestFindingsVEX(t *testing.T) {
	path := testcorpus.Path(t, "openvex/go-vex/v0.2.0.json")
	code, out, errOut := runCLI(t, "", "findings", "--vex", path)
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, lines)
	var s findings.VEXStatement
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &s))
	assert.NotEmpty(t, s.VulnerabilityID)
	assert.NotEmpty(t, s.Status)
}
