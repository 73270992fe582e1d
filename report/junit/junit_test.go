package junit_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/junit"
)

const (
	hostilePath   = "../testdata/hostile.json"
	realisticPath = "../testdata/realistic.json"
)

func load(tb testing.TB, path string) *report.Report {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return report.New(&d, report.Options{})
}

func render(tb testing.TB, r *report.Report, opts junit.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, junit.Write(&buf, r, opts))
	return buf.Bytes()
}

// The document as a CI reporter reads it.
type (
	testsuites struct {
		XMLName  xml.Name    `xml:"testsuites"`
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	testsuite struct {
		Name      string     `xml:"name,attr"`
		Tests     int        `xml:"tests,attr"`
		Failures  int        `xml:"failures,attr"`
		Errors    int        `xml:"errors,attr"`
		Skipped   int        `xml:"skipped,attr"`
		Timestamp string     `xml:"timestamp,attr"`
		Cases     []testcase `xml:"testcase"`
	}
	testcase struct {
		Name      string `xml:"name,attr"`
		Classname string `xml:"classname,attr"`
		File      string `xml:"file,attr"`
		Line      int    `xml:"line,attr"`
		Failure   *struct {
			Message string `xml:"message,attr"`
			Type    string `xml:"type,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
		Skipped *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
	}
)

// decode parses a document strictly and checks that every count
// attribute agrees with the test cases.
func decode(t *testing.T, b []byte) testsuites {
	t.Helper()
	var doc testsuites
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	require.NoError(t, dec.Decode(&doc))
	var tests, failures, skipped int
	for _, s := range doc.Suites {
		var f, sk int
		for _, c := range s.Cases {
			assert.False(t, c.Failure != nil && c.Skipped != nil, "a case fails or is skipped, not both")
			if c.Failure != nil {
				f++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		assert.Equal(t, len(s.Cases), s.Tests, "suite %q tests", s.Name)
		assert.Equal(t, f, s.Failures, "suite %q failures", s.Name)
		assert.Equal(t, sk, s.Skipped, "suite %q skipped", s.Name)
		assert.Zero(t, s.Errors)
		tests, failures, skipped = tests+s.Tests, failures+f, skipped+sk
	}
	assert.Equal(t, tests, doc.Tests)
	assert.Equal(t, failures, doc.Failures)
	assert.Equal(t, skipped, doc.Skipped)
	assert.Zero(t, doc.Errors)
	return doc
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct{ name, in, golden string }{
		{"hostile", hostilePath, "testdata/hostile.xml"},
		{"realistic", realisticPath, "testdata/realistic.xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := load(t, tc.in)
			got := render(t, r, junit.Options{})
			golden.Assert(t, tc.golden, got)
			assert.Equal(t, got, render(t, load(t, tc.in), junit.Options{}), "deterministic")
			doc := decode(t, got)
			assert.Equal(t, len(r.Findings), doc.Tests)
		})
	}
}

func TestHostile(t *testing.T) {
	got := render(t, load(t, hostilePath), junit.Options{})
	for _, b := range []byte{0x00, 0x07, 0x1b} {
		assert.NotContains(t, string(got), string([]byte{b}), "control byte %#x", b)
	}
	assert.NotContains(t, string(got), "\u202e")
	assert.NotContains(t, string(got), "<script", "markup is escaped")
	assert.NotContains(t, string(got), "<img")
	assert.NotContains(t, string(got), "</textarea")

	doc := decode(t, got)
	assert.Equal(t, "aspm: <script>alert('title')</script> | acme", doc.Name, "escaped, and decodes back")
	assert.Equal(t, 5, doc.Tests)
	assert.Equal(t, 3, doc.Failures, "h1 critical, h2 and h5 high")
	assert.Equal(t, 2, doc.Skipped, "h3 fixed, h4 suppressed")

	cases := map[string]testcase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Classname] = c
		}
	}
	h4 := cases["kube-score.CR-led"]
	require.NotNil(t, h4.Skipped)
	assert.Equal(t, "[low] Title with  NUL,  BEL and OSC link (k8s/deploy.yaml)", h4.Name)
	assert.Equal(t, "suppressed: false_positive: </textarea><script>alert(3)</script>", h4.Skipped.Message)
	h1 := cases[`<img src=x onerror=alert(1)>.=HYPERLINK("http://evil")`]
	require.NotNil(t, h1.Failure)
	assert.Equal(t, "critical", h1.Failure.Type)
	assert.Equal(t, 3, h1.Line)
	assert.Contains(t, h1.Failure.Text, "\nline1\nline2 red evil", "lines kept, escapes and overrides gone")
	assert.Contains(t, h1.Failure.Text, "Reference: javascript:alert(1)\n", "text, not a link")
	assert.Equal(t, "skipped", map[bool]string{true: "skipped"}[cases["gitleaks.@SUM(1+1)*cmd|'/C calc'!A0"].Skipped != nil])
}

func TestOptions(t *testing.T) {
	r := load(t, realisticPath)
	for _, tc := range []struct {
		name                     string
		opts                     junit.Options
		suites                   []string
		tests, failures, skipped int
		rootName                 string
	}{
		{"default", junit.Options{}, []string{"Checkov", "CodeQL", "Grype", "Trivy", "ZAP", "gitleaks"}, 7, 2, 2,
			"aspm: acme/shop pull request 42"},
		{"fail on critical", junit.Options{FailOn: findings.SeverityCritical}, nil, 7, 1, 2, ""},
		{"fail on low", junit.Options{FailOn: findings.SeverityLow}, nil, 7, 5, 2, ""},
		{"fail on info", junit.Options{FailOn: findings.SeverityInfo}, nil, 7, 5, 2, ""},
		// Only what the change introduced fails: of the five open findings
		// at low or above, the new and the reopened ones.
		{"fail on new and reopened", junit.Options{FailOn: findings.SeverityLow, FailStates: []string{"new", "reopened"}}, nil, 7, 3, 2, ""},
		{"fail on unchanged high", junit.Options{FailStates: []string{"unchanged"}}, nil, 7, 0, 2, ""},
		{"by category", junit.Options{GroupBy: junit.GroupByCategory, Name: "security"},
			[]string{"code vulnerabilities", "dependency vulnerabilities", "misconfigurations", "secrets", "policy"}, 7, 2, 2,
			"security"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := decode(t, render(t, r, tc.opts))
			assert.Equal(t, tc.tests, doc.Tests)
			assert.Equal(t, tc.failures, doc.Failures)
			assert.Equal(t, tc.skipped, doc.Skipped)
			if tc.suites != nil {
				var names []string
				for _, s := range doc.Suites {
					names = append(names, s.Name)
					assert.Equal(t, "2026-06-01T12:00:00", s.Timestamp)
				}
				assert.Equal(t, tc.suites, names)
			}
			if tc.rootName != "" {
				assert.Equal(t, tc.rootName, doc.Name)
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	r := load(t, realisticPath)
	for _, tc := range []struct {
		name   string
		opts   junit.Options
		option string
	}{
		{"unknown severity", junit.Options{FailOn: "severe"}, "FailOn"},
		{"unknown", junit.Options{FailOn: findings.SeverityUnknown}, "FailOn"},
		{"group", junit.Options{GroupBy: "asset"}, "GroupBy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := junit.Write(&buf, r, tc.opts)
			assert.ErrorIs(t, err, junit.ErrOptions)
			var oe *junit.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.option, oe.Option)
			assert.True(t, strings.HasPrefix(err.Error(), "junit: "), err.Error())
			assert.Zero(t, buf.Len())
		})
	}
}

type failWriter struct {
	after int
	err   error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after < len(p) {
		return 0, w.err
	}
	w.after -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	boom := errors.New("disk full")
	for _, after := range []int{0, 100, 3000} {
		err := junit.Write(&failWriter{after, boom}, load(t, realisticPath), junit.Options{})
		assert.ErrorIs(t, err, boom, "after %d bytes", after)
	}
	assert.Error(t, junit.Write(&bytes.Buffer{}, nil, junit.Options{}))
}

func TestEmptyReport(t *testing.T) {
	got := render(t, report.New(&report.Data{}, report.Options{}), junit.Options{})
	assert.Equal(t, xml.Header+`<testsuites name="aspm" tests="0" failures="0" errors="0" skipped="0" time="0"></testsuites>`+"\n", string(got))
	decode(t, got)
}

func TestUnknownSeverityPasses(t *testing.T) {
	d := report.FromFindings([]findings.Finding{{ID: "u", Title: "no severity"}, {ID: "c", Severity: findings.SeverityCritical}})
	doc := decode(t, render(t, report.New(d, report.Options{}), junit.Options{FailOn: findings.SeverityInfo}))
	assert.Equal(t, 1, doc.Failures)
	require.Len(t, doc.Suites, 1)
	assert.Equal(t, "unknown tool", doc.Suites[0].Name)
}

// TestCorpus renders what the decoders read from real scanner output and
// decodes it back.
func TestCorpus(t *testing.T) {
	testcorpus.Dir(t)
	var files []string
	for _, p := range []string{"sarif/*/*", "trivy/*/*", "grype/*/*", "gitleaks/*/*", "zap/*/*", "npm-audit/*/*"} {
		files = append(files, testcorpus.Glob(p)...)
	}
	require.NotEmpty(t, files)
	rendered := 0
	for _, path := range files {
		fs, _, err := findings.Collect(func(h findings.Handler) error {
			_, err := detect.DecodeFile(path, detect.Options{}, h)
			return err
		})
		if err != nil || len(fs) == 0 {
			continue // the decoders' own tests cover bad files
		}
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			doc := decode(t, render(t, report.New(report.FromFindings(fs), report.Options{}), junit.Options{}))
			assert.Equal(t, len(fs), doc.Tests)
		})
		rendered++
	}
	assert.Positive(t, rendered)
}

func FuzzWrite(f *testing.F) {
	f.Add("<x>", "\x00\x07\x1b[31m", "a\nb", "]]>", "\uFFFE\uFFFF", "high")
	f.Add("&amp;", "\xff\xfe", "\r\n", "\u202e", "\x1b]8;;x\x07", "critical")
	f.Fuzz(func(t *testing.T, title, rule, desc, path, tool, sev string) {
		d := report.FromFindings([]findings.Finding{{
			ID: rule, Title: title, RuleID: rule, Description: desc, Tool: findings.Tool{Name: tool},
			Severity: findings.Severity(sev), Location: findings.Location{Path: path, Region: &findings.Region{StartLine: 1}},
			References: []string{desc}, Package: &findings.Package{Name: title, Version: rule},
		}})
		d.Title = title
		d.Findings[0].TriageJustification = desc
		d.Findings[0].Suppressed = len(desc)%2 == 1
		d.Findings[0].Risk = &report.Risk{Explanation: desc}
		var buf bytes.Buffer
		require.NoError(t, junit.Write(&buf, report.New(d, report.Options{}), junit.Options{}))
		doc := decode(t, buf.Bytes())
		require.Equal(t, 1, doc.Tests)
	})
}

func synthetic(n int) *report.Report {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	sevs := findings.Severities
	tools := []string{"trivy", "grype", "CodeQL", "gitleaks"}
	d := &report.Data{GeneratedAt: now, Findings: make([]report.Finding, n)}
	for i := range d.Findings {
		open := i%10 != 0
		d.Findings[i] = report.Finding{
			Finding: findings.Finding{
				ID: fmt.Sprintf("f%06d", i), Kind: findings.KindSCA, Tool: findings.Tool{Name: tools[i%len(tools)]},
				RuleID: fmt.Sprintf("CVE-2024-%05d", i), Title: fmt.Sprintf("Vulnerability %d in package %d", i, i%500),
				Description: "A long description of the problem, with a line break\nand more text.",
				Severity:    sevs[i%len(sevs)], VulnerabilityIDs: []string{fmt.Sprintf("CVE-2024-%05d", i)},
				Package:    &findings.Package{Name: fmt.Sprintf("pkg%d", i%500), Version: "1.2.3"},
				Location:   findings.Location{Path: "package-lock.json"},
				References: []string{"https://example.com/advisory"},
			},
			State: "unchanged", Open: &open, FirstSeen: now.AddDate(0, 0, -i%400), LastSeen: now,
			Risk:   &report.Risk{Score: float64(i%1000) / 10, Priority: "P3", Explanation: "medium severity"},
			SLADue: now.AddDate(0, 0, i%60-30), Assets: []string{"repository:github.com/acme/shop"},
		}
	}
	return report.New(d, report.Options{})
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func BenchmarkWrite100k(b *testing.B) {
	r := synthetic(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	var w countWriter
	for b.Loop() {
		w.n = 0
		if err := junit.Write(&w, r, junit.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "bytes/report")
}
