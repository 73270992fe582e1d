package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk"
)

func scoredLines(t *testing.T, out string) []scoredFinding {
	t.Helper()
	var got []scoredFinding
	s := bufio.NewScanner(strings.NewReader(out))
	s.Buffer(nil, 1<<24)
	for s.Scan() {
		var sf scoredFinding
		require.NoError(t, json.Unmarshal(s.Bytes(), &sf), "line %d", len(got)+1)
		got = append(got, sf)
	}
	return got
}

func TestScoreDemoScans(t *testing.T) {
	code, out, errOut := runCLI(t, "", append([]string{"score", "--exposure", "internet", "--environment", "production",
		"--criticality", "high"}, demoScans(t)...)...)
	require.Equal(t, exitOK, code, errOut)
	got := scoredLines(t, out)
	require.Greater(t, len(got), 5)
	for i, sf := range got {
		assert.NotEmpty(t, sf.Finding.ID)
		assert.Contains(t, []risk.Priority{risk.P1, risk.P2, risk.P3, risk.P4}, sf.Risk.Priority)
		assert.True(t, sf.Risk.SSVC.Decision.Valid())
		assert.Equal(t, risk.ModelVersion, sf.Risk.Explanation.Model)
		assert.NotEmpty(t, sf.Risk.Explanation.Factors)
		if i > 0 {
			assert.LessOrEqual(t, risk.Compare(got[i-1].Risk, sf.Risk), 0, "line %d is out of order", i+1)
		}
	}
}

func TestScoreWithRealFeeds(t *testing.T) {
	kevFile := testcorpus.DataPath(t, "kev/known_exploited_vulnerabilities.csv")
	epssFile := testcorpus.DataPath(t, "epss/epss_scores-sample-head.csv")
	grypeFile := testcorpus.Path(t, "grype/grype/many_vulns_with_epss_values.json")
	code, out, errOut := runCLI(t, "", "score", "--kev", kevFile, "--epss", epssFile, grypeFile)
	require.Equal(t, exitOK, code, errOut)
	got := scoredLines(t, out)
	require.Len(t, got, 15)
	for _, sf := range got {
		// The KEV catalog was consulted, so every explanation names its version.
		require.NotEmpty(t, sf.Risk.Explanation.Feeds)
		assert.True(t, strings.HasPrefix(sf.Risk.Explanation.Feeds[len(sf.Risk.Explanation.Feeds)-1], "kev "))
	}

	code, out, errOut = runCLI(t, "", "score", "--explain", grypeFile)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "model "+risk.ModelVersion)
	assert.Contains(t, out, "EPSS probability")
}

func TestScoreErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "kev.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"title": "x", "vulnerabilities": [`), 0o600))
	scan := demoScans(t)[0]

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"score"}, "no FILE given"},
		{"bad kev", []string{"score", "--kev", bad, scan}, "kev.json"},
		{"missing epss", []string{"score", "--epss", filepath.Join(dir, "nope.csv"), scan}, "nope.csv"},
		{"bad exposure", []string{"score", "--exposure", "moon", scan}, `exposure "moon"`},
		{"flag after file", []string{"score", scan, "--kev", bad}, "flags come before files"},
		{"unreadable scan", []string{"score", filepath.Join(dir, "missing.sarif")}, "missing.sarif"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			assert.Equal(t, exitBadInput, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
	code, _, _ := runCLI(t, "", "score", "-h")
	assert.Equal(t, exitOK, code)
}
