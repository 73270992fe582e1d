package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

func runScorer(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// demoScans are the real scanner outputs of the repository's demo app.
func demoScans(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "scans", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, m, "testdata/demo/scans is empty")
	return m
}

// feeds returns the flags naming the shared KEV catalog and EPSS sample.
func feeds(t testing.TB) []string {
	t.Helper()
	return []string{
		"--kev", testcorpus.DataPath(t, "kev/known_exploited_vulnerabilities.csv"),
		"--epss", testcorpus.DataPath(t, "epss/epss_scores-sample-head.csv"),
	}
}

// line is one parsed output line.
type line struct {
	priority risk.Priority
	score    string
	id       string
	title    string
}

func parseLines(t *testing.T, out string) []line {
	t.Helper()
	var got []line
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, " ") {
			continue // explanation
		}
		fields := strings.Fields(l)
		require.GreaterOrEqual(t, len(fields), 4, "line %q", l)
		got = append(got, line{risk.Priority(fields[0]), fields[1], fields[2], strings.Join(fields[3:], " ")})
	}
	return got
}

func TestScoreDemoScansRanked(t *testing.T) {
	code, out, errOut := runScorer(t, "", demoScans(t)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	got := parseLines(t, out)
	require.Len(t, got, 65, "every finding of the demo scans is scored once")
	ranks := make([]int, len(got))
	for i, l := range got {
		ranks[i] = l.priority.Rank()
		assert.Less(t, ranks[i], 5, "line %d has no valid priority: %+v", i+1, l)
	}
	assert.IsNonDecreasing(t, ranks, "most urgent first")
	assert.Contains(t, out, "G701", "gosec's SQL injection is there")
	assert.Contains(t, out, "GO-2022-1059", "govulncheck's finding is there")

	code2, out2, _ := runScorer(t, "", demoScans(t)...)
	require.Equal(t, exitOK, code2)
	assert.Equal(t, out, out2, "output is deterministic")
}

func TestScoreWithSharedFeeds(t *testing.T) {
	args := append(feeds(t), "--explain")
	code, out, errOut := runScorer(t, "", append(args, demoScans(t)...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "model "+risk.ModelVersion)
	assert.Contains(t, out, "kev 2025.08.25", "the explanation names the catalog's version")
	assert.Contains(t, out, "    ", "explanations are indented under their line")
}

func TestScoreBareCVEs(t *testing.T) {
	args := append(feeds(t), "--cve", "CVE-1999-0013", "cve-1999-0016", "CVE-2021-44228")
	code, out, errOut := runScorer(t, "", args...)
	require.Equal(t, exitOK, code, errOut)
	got := parseLines(t, out)
	require.Len(t, got, 3)
	tests := []struct {
		id       string
		priority risk.Priority
		title    string
	}{
		// In KEV, used in ransomware campaigns: fix now.
		{"CVE-2021-44228", risk.P1, "Apache Log4j2 Remote Code Execution Vulnerability"},
		// EPSS 0.957: likely exploited soon.
		{"CVE-1999-0016", risk.P2, "-"},
		// EPSS 0.011.
		{"CVE-1999-0013", risk.P3, "-"},
	}
	for i, tt := range tests {
		assert.Equal(t, tt.id, got[i].id, "line %d", i+1)
		assert.Equal(t, tt.priority, got[i].priority, tt.id)
		assert.Equal(t, tt.title, got[i].title, tt.id)
	}

	// Without feeds nothing is known of a bare CVE: every one scores alike.
	code, out, errOut = runScorer(t, "", "--cve", "CVE-2021-44228", "CVE-1999-0013")
	require.Equal(t, exitOK, code, errOut)
	got = parseLines(t, out)
	require.Len(t, got, 2)
	assert.Equal(t, got[0].score, got[1].score)
	assert.Equal(t, "CVE-1999-0013", got[0].id, "equal scores are ordered by ID")
}

func TestScoreStdin(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "scans", "gitleaks.json"))
	require.NoError(t, err)
	code, out, errOut := runScorer(t, string(doc), "-")
	require.Equal(t, exitOK, code, errOut)
	assert.Len(t, parseLines(t, out), 1)
}

func TestScoreErrors(t *testing.T) {
	dir := t.TempDir()
	badKEV := filepath.Join(dir, "kev.json")
	require.NoError(t, os.WriteFile(badKEV, []byte(`{"title": "x", "vulnerabilities": [`), 0o600))
	badScan := filepath.Join(dir, "broken.sarif")
	require.NoError(t, os.WriteFile(badScan, []byte(`{"version":"2.1.0","runs":[{"results":[}`), 0o600))
	scan := demoScans(t)[0]

	tests := []struct {
		name   string
		args   []string
		code   int
		want   string
		output bool // the good inputs are still printed
	}{
		{"nothing given", nil, exitBadInput, "no FINDINGS-FILE or CVE-ID given", false},
		{"bad kev", []string{"--kev", badKEV, scan}, exitBadInput, "kev.json", false},
		{"missing epss", []string{"--epss", filepath.Join(dir, "nope.csv"), scan}, exitBadInput, "nope.csv", false},
		{"flag after file", []string{scan, "--explain"}, exitBadInput, "flags come first", false},
		{"unknown flag", []string{"--nope", scan}, exitBadInput, "-nope", false},
		{"broken scan", []string{badScan, scan}, exitBadInput, "broken.sarif", true},
		{"missing scan", []string{filepath.Join(dir, "missing.json"), scan}, exitBadInput, "missing.json", true},
		{"not a CVE", []string{"--cve", "CVE-2021-44228", "GHSA-xxxx", "CVE-21-1", "CVE-2021-12a4"}, exitBadInput, `"GHSA-xxxx" is not a CVE ID`, true},
		{"help", []string{"-h"}, exitOK, "Usage: scorer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runScorer(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.want)
			if tt.output {
				assert.NotEmpty(t, out)
			}
		})
	}
}

func TestValidCVE(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"CVE-2021-44228", true},
		{"CVE-1999-0001", true},
		{"CVE-2024-1234567", true},
		{"CVE-2021-123", false},
		{"CVE-21-1234", false},
		{"CVE-2021-", false},
		{"cve-2021-44228", false}, // callers upper-case first
		{"GHSA-jfh8-c2jp-5v3q", false},
		{"CVE-2021-4422８", false},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, validCVE(tt.id), tt.id)
	}
}

// FuzzRun feeds arbitrary standard input to the scorer: it must never
// panic or hang, and it succeeds or names the input.
func FuzzRun(f *testing.F) {
	for _, name := range demoScans(f) {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		if len(b) < 1<<15 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"version":"2.1.0","runs":[{"results":[}`))
	f.Add([]byte("\xef\xbb\xbf[]"))
	f.Fuzz(func(t *testing.T, in []byte) {
		code, _, errOut := runScorer(t, string(in), "--explain", "-")
		if code != exitOK && !strings.Contains(errOut, "<stdin>") && !strings.Contains(errOut, "scorer: -:") {
			t.Fatalf("exit %d without naming the input: %s", code, errOut)
		}
	})
}

// BenchmarkScoreDemoScans measures a whole run: decoding the demo scans
// and scoring every finding against the shared feeds.
func BenchmarkScoreDemoScans(b *testing.B) {
	args := append(feeds(b), demoScans(b)...)
	for b.Loop() {
		if code, _, errOut := runScorer(b, "", args...); code != exitOK {
			b.Fatal(errOut)
		}
	}
}

// BenchmarkScoreCVE measures scoring one bare CVE ID with the shared
// feeds loaded once, what a vendor embedding the scorer does per request.
func BenchmarkScoreCVE(b *testing.B) {
	kevFile := testcorpus.DataPath(b, "kev/known_exploited_vulnerabilities.csv")
	catalog, err := readFeed(kevFile, kev.Read, kev.Options{Name: kevFile})
	require.NoError(b, err)
	epssFile := testcorpus.DataPath(b, "epss/epss_scores-sample-head.csv")
	feed, err := readFeed(epssFile, epss.Read, epss.Options{Name: epssFile})
	require.NoError(b, err)
	ctx := risk.Context{KEV: catalog, EPSS: feed}
	var m risk.Model
	for b.Loop() {
		f, ok := cveFinding("CVE-2021-44228", catalog)
		if !ok {
			b.Fatal("not a CVE")
		}
		if s, _ := m.ScoreFinding(f, ctx); s.Priority != risk.P1 {
			b.Fatalf("priority %s", s.Priority)
		}
	}
}
