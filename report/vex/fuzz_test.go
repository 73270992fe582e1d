package vex_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aspmkit/aspm/findings"
	fcdx "github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/vex"
)

// FuzzWrite renders arbitrary report data (decoded from the fuzzer's
// JSON, or its bytes as the text of every field) in every format and
// checks that Write never panics and writes valid JSON that the
// repository's own CycloneDX and OpenVEX decoders read.
func FuzzWrite(f *testing.F) {
	for _, p := range []string{"../testdata/hostile.json", "../testdata/vulnerabilities.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"generated_at":"2026-01-01T00:00:00Z","findings":[{"id":"a","kind":"sca","rule_id":"CVE-1","package":{"purl":"pkg:npm/a@1"},"triage_status":"not_affected"}]}`))
	f.Add([]byte("[x](javascript:1) \x1b]8;;http://e\x07 <b> \u202e"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d report.Data
		if json.Unmarshal(data, &d) != nil {
			s := string(data)
			d.Findings = []report.Finding{{Finding: findings.Finding{
				ID: "x" + s, Title: s, Description: s, RuleID: s, Kind: findings.KindSCA, Tool: findings.Tool{Name: s, Version: s},
				Severity: findings.Severity(s), CWEs: []string{s}, References: []string{s}, VulnerabilityIDs: []string{s, s + "x"},
				Package:   &findings.Package{Name: s, Version: s, PURL: "pkg:npm/" + s + "@1", FixedVersions: []string{s}},
				CVSS:      []findings.CVSS{{Version: s, Vector: s, Source: s}},
				Published: s, Modified: s,
				VEX: &findings.VEXAnalysis{Status: findings.VEXStatus(s), State: s, Justification: s, ImpactStatement: s, ActionStatement: s, Response: []string{s}},
			}, State: s, Cluster: s, TriageStatus: s, TriageJustification: s, Assets: []string{s}}}
		}
		for i := range d.Findings {
			if d.Findings[i].ID == "" {
				d.Findings[i].ID = "id"
			}
		}
		r := report.New(&d, report.Options{})
		for _, format := range []vex.Format{vex.CycloneDXVDR, vex.CycloneDXVEX, vex.OpenVEX} {
			var buf bytes.Buffer
			err := vex.Write(&buf, r, vex.Options{Format: format, Timestamp: time.Unix(0, 0)})
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("%s: invalid JSON:\n%s", format, buf.Bytes())
			}
			if bytes.ContainsAny(buf.Bytes(), "\x1b\x07<>") {
				t.Fatalf("%s: control or HTML characters:\n%s", format, buf.Bytes())
			}
			decode := fcdx.Decode
			if format == vex.OpenVEX {
				decode = openvex.Decode
			}
			if _, _, err := findings.Collect(func(h findings.Handler) error {
				return decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{}, h)
			}); err != nil {
				t.Fatalf("%s: the decoder cannot read it: %v\n%s", format, err, buf.Bytes())
			}
		}
	})
}
