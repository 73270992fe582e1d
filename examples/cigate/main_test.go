package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	fsarif "github.com/aspmkit/aspm/findings/sarif"
)

func runGate(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// scan is the path of one of the demo app's real scanner outputs.
func scan(name string) string {
	return filepath.Join("..", "..", "testdata", "demo", "scans", name)
}

// allScans are every demo scan: gitleaks (1 secret, severity unknown),
// gosec (6 high), govulncheck (3) and osv-scanner (55), all P3 or P4 with
// the default risk context.
var allScans = []string{scan("gitleaks.json"), scan("gosec.sarif"), scan("govulncheck.json"), scan("osv-scanner.json")}

// baselineOf returns --baseline flags for each file.
func baselineOf(files ...string) []string {
	var args []string
	for _, f := range files {
		args = append(args, "--baseline", f)
	}
	return args
}

func args(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestGateVerdicts(t *testing.T) {
	notGosec := baselineOf(scan("gitleaks.json"), scan("govulncheck.json"), scan("osv-scanner.json"))
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"everything in the baseline", args(baselineOf(allScans...), []string{"--fail-on-priority", "P4", "--fail-on-severity", "info"}, allScans),
			exitOK, []string{"0 new", "65 unchanged", "gate passed"}},
		{"no baseline, default P2: nothing that urgent", allScans,
			exitOK, []string{"65 new", "P1 0 P2 0 P3 64 P4 1", "gate passed (priority P2)"}},
		{"new gosec findings are high", args(notGosec, []string{"--fail-on-severity", "high"}, allScans),
			exitGate, []string{"6 new", "59 unchanged", "G701", "main.go:18", "gate FAILED: 6 new finding(s) at or above priority P2 or severity high"}},
		{"gosec in the baseline", args(baselineOf(scan("gosec.sarif")), []string{"--fail-on-severity", "high"}, allScans),
			exitOK, []string{"59 new", "6 unchanged", "gate passed"}},
		{"new P3 findings", args(baselineOf(scan("gosec.sarif")), []string{"--fail-on-priority", "p3"}, allScans),
			exitGate, []string{"58 new finding(s) at or above priority P3", "GO-2022-1059"}},
		{"thresholds off", args([]string{"--fail-on-priority", "none"}, allScans),
			exitOK, []string{"gate passed (no threshold)"}},
		{"tool that did not run fixes nothing", args(baselineOf(allScans...), []string{"--fail-on-priority", "P4"}, []string{scan("gosec.sarif")}),
			exitOK, []string{"0 new", "6 unchanged", "0 fixed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runGate(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "%s\n%s", out, errOut)
			assert.Empty(t, errOut)
			for _, w := range tt.wants {
				assert.Contains(t, out, w)
			}
		})
	}
}

// fixOne writes a copy of the gosec scan without its first result: one
// finding fixed.
func fixOne(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(scan("gosec.sarif"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	run0 := doc["runs"].([]any)[0].(map[string]any)
	results := run0["results"].([]any)
	require.Len(t, results, 6)
	run0["results"] = results[1:]
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	name := filepath.Join(t.TempDir(), "gosec-fixed.sarif")
	require.NoError(t, os.WriteFile(name, b, 0o600))
	return name
}

func TestReportsSARIFAndJUnit(t *testing.T) {
	dir := t.TempDir()
	sarifFile, junitFile := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out.xml")
	fixed := fixOne(t)
	code, out, errOut := runGate(t, "", args(baselineOf(scan("gosec.sarif")),
		[]string{"--fail-on-severity", "high", "--sarif", sarifFile, "--junit", junitFile}, []string{fixed, scan("govulncheck.json")})...)
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "3 new 0 reopened 0 updated 5 unchanged 1 fixed")

	// The SARIF log reads back with aspm's own decoder, lifecycle included.
	f, err := os.Open(sarifFile)
	require.NoError(t, err)
	defer f.Close()
	states := map[string]int{}
	tools := map[string]int{}
	require.NoError(t, fsarif.Decode(f, findings.DecodeOptions{Name: sarifFile}, findings.Handler{Finding: func(f findings.Finding) error {
		states[f.BaselineState]++
		tools[f.Tool.Name]++
		return nil
	}}))
	// gosec reports the command injection on main.go:23 twice (G204 and
	// G702): one cluster, so one result, naming the other as a duplicate.
	assert.Equal(t, map[string]int{"new": 3, "unchanged": 4, "absent": 1}, states)
	assert.Equal(t, map[string]int{"gosec": 5, "govulncheck": 3}, tools)

	// The JUnit document parses; only new and reopened findings at the
	// threshold fail: the new ones here are govulncheck's, without a
	// severity, and the high gosec findings are in the baseline, so none
	// fails; the fixed one is skipped.
	type suite struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []suite  `xml:"testsuite"`
	}
	b, err := os.ReadFile(junitFile)
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Equal(t, "cigate", doc.Name)
	assert.Equal(t, 9, doc.Tests)
	assert.Equal(t, 0, doc.Failures)
	assert.Equal(t, []suite{{"gosec", 6, 0, 1}, {"govulncheck", 3, 0, 0}}, doc.Suites)
}

func TestPostureControls(t *testing.T) {
	// The demo app has a hard-coded secret: ASPM-SEC-01 gates.
	code, out, errOut := runGate(t, "", args([]string{"--posture-controls"}, allScans)...)
	assert.Equal(t, exitGate, code, errOut)
	assert.Contains(t, out, "posture controls: failed: ASPM-SEC-01")
	assert.Contains(t, out, "gate FAILED: 1 gating control(s) failed")

	code, out, errOut = runGate(t, "", "--posture-controls", scan("gosec.sarif"))
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "posture controls: passed")

	// A custom gating control; --policy implies --posture-controls.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "md5.rego"), []byte(`# METADATA
# title: No MD5
# custom:
#   id: ACME-MD5
#   gate: true
package aspm.controls.acme_md5

import rego.v1

violations contains {"msg": sprintf("%s uses MD5", [f.id]), "evidence": [f.id]} if {
	some f in input.findings
	f.rule_id == "G501"
}
`), 0o600))
	code, out, errOut = runGate(t, "", "--policy", dir, scan("gosec.sarif"))
	assert.Equal(t, exitGate, code, errOut)
	assert.Contains(t, out, "posture controls: failed: ACME-MD5")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.rego"), []byte("package aspm.controls.x\nthis is not rego\n"), 0o600))
	code, _, errOut = runGate(t, "", "--policy", dir, scan("gosec.sarif"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "broken.rego")
}

func TestStdinScan(t *testing.T) {
	b, err := os.ReadFile(scan("gitleaks.json"))
	require.NoError(t, err)
	code, out, errOut := runGate(t, string(b), "--baseline", scan("gitleaks.json"), "--fail-on-priority", "P4", "-")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "0 new 0 reopened 0 updated 1 unchanged")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.sarif")
	require.NoError(t, os.WriteFile(broken, []byte(`{"version":"2.1.0","runs":[{"results":[}`), 0o600))
	missing := filepath.Join(dir, "missing.json")
	unwritable := filepath.Join(dir, "no-such-dir", "out.sarif")
	gosec := scan("gosec.sarif")

	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"broken scan", []string{gosec, broken}, exitBadInput, []string{"broken.sarif", "1 of 2 files failed; nothing compared"}},
		{"broken baseline", []string{"--baseline", broken, gosec}, exitBadInput, []string{"broken.sarif"}},
		{"missing files", []string{"--baseline", missing, gosec, broken}, exitBadInput, []string{"missing.json", "broken.sarif", "2 of 3 files failed"}},
		{"unwritable sarif", []string{"--sarif", unwritable, gosec}, exitBadInput, []string{"out.sarif"}},
		{"no scan", []string{"--baseline", gosec}, exitBadInput, []string{"no SCAN file given"}},
		{"flag after file", []string{gosec, "--fail-on-severity", "high"}, exitBadInput, []string{"flags come before files"}},
		{"bad priority", []string{"--fail-on-priority", "P5", gosec}, exitBadInput, []string{`--fail-on-priority "P5"`}},
		{"bad severity", []string{"--fail-on-severity", "severe", gosec}, exitBadInput, []string{`--fail-on-severity "severe"`}},
		{"unknown severity is no threshold", []string{"--fail-on-severity", "unknown", gosec}, exitBadInput, []string{"want critical"}},
		{"stdin twice", []string{"--baseline", "-", "-"}, exitBadInput, []string{"more than once"}},
		{"unknown flag", []string{"--nope", gosec}, exitBadInput, []string{"-nope"}},
		{"help", []string{"-h"}, exitOK, []string{"Usage: cigate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runGate(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			for _, w := range tt.wants {
				assert.Contains(t, errOut, w)
			}
			if tt.code == exitBadInput {
				assert.Empty(t, out, "nothing is judged on bad input")
			}
		})
	}
}

// FuzzRun feeds arbitrary standard input as the scan, against the gosec
// baseline: cigate must never panic or hang, and it judges the input or
// names it.
func FuzzRun(f *testing.F) {
	for _, name := range []string{"gitleaks.json", "gosec.sarif"} {
		b, err := os.ReadFile(scan(name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"version":"2.1.0","runs":[{"results":[}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		code, _, errOut := runGate(t, string(in), "--baseline", scan("gosec.sarif"), "--fail-on-severity", "low", "-")
		if code == exitBadInput && !strings.Contains(errOut, "<stdin>") && !strings.Contains(errOut, "cigate: -:") {
			t.Fatalf("exit %d without naming the input: %s", code, errOut)
		}
	})
}

// BenchmarkGateDemo measures a whole gate: decoding the demo scans and a
// baseline, comparing, scoring and judging.
func BenchmarkGateDemo(b *testing.B) {
	a := args(baselineOf(scan("gosec.sarif"), scan("osv-scanner.json")), allScans)
	for b.Loop() {
		if code, _, errOut := runGate(b, "", a...); code != exitOK {
			b.Fatal(errOut)
		}
	}
}
