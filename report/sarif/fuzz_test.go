package sarif_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	fsarif "github.com/aspmkit/aspm/findings/sarif"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/sarif"
)

// FuzzWrite renders arbitrary report data (decoded from the fuzzer's
// JSON, or its bytes as the text of every field) and checks that Write
// never panics and always writes a log that is valid JSON and that
// package findings/sarif reads back, one finding per result.
func FuzzWrite(f *testing.F) {
	for _, p := range []string{"../testdata/hostile.json", "../testdata/vulnerabilities.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"findings":[{"id":"a","cluster":"c"},{"id":"b","cluster":"c"},{"id":"a"}]}`))
	f.Add([]byte("[x](javascript:1) \x1b]8;;http://e\x07 \\[ <b> \u202e"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d report.Data
		if json.Unmarshal(data, &d) != nil {
			s := string(data)
			d.Findings = []report.Finding{{Finding: findings.Finding{
				ID: "x" + s, Title: s, Description: s, RuleID: s, Tool: findings.Tool{Name: s, Version: s},
				Severity: findings.Severity(s), Kind: findings.Kind(s), CWEs: []string{s}, References: []string{s},
				Location:     findings.Location{Path: s, LogicalLocation: s, URL: s, Region: &findings.Region{StartLine: len(s), EndLine: 1}},
				Fingerprints: map[string]string{s: s}, VulnerabilityIDs: []string{s},
				Package:      &findings.Package{PURL: "pkg:" + s},
				Suppressions: []findings.Suppression{{Kind: s, Status: s, Justification: s}},
			}, State: s, Cluster: s, Suppressed: true, TriageStatus: s, TriageJustification: s, Assets: []string{s}}}
		}
		for i := range d.Findings {
			if d.Findings[i].ID == "" {
				d.Findings[i].ID = "id"
			}
		}
		for _, layout := range []sarif.Layout{sarif.PerTool, sarif.Merged} {
			var buf bytes.Buffer
			if err := sarif.Write(&buf, report.New(&d, report.Options{}), sarif.Options{Layout: layout, MaxResultsPerRun: 50}); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("invalid JSON:\n%s", buf.Bytes())
			}
			got, _, err := findings.Collect(func(h findings.Handler) error {
				return fsarif.Decode(bytes.NewReader(buf.Bytes()), findings.DecodeOptions{}, h)
			})
			if err != nil {
				t.Fatalf("findings/sarif cannot read the log: %v\n%s", err, buf.Bytes())
			}
			if bytes.ContainsAny(buf.Bytes(), "\x1b\x07<>") {
				t.Fatalf("control or HTML characters in the log:\n%s", buf.Bytes())
			}
			if len(got) > len(d.Findings) {
				t.Fatalf("%d results for %d findings", len(got), len(d.Findings))
			}
		}
	})
}
