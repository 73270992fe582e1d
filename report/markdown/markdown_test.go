package markdown_test

import (
	"bytes"
	"encoding/json"
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
	"github.com/aspmkit/aspm/report/markdown"
)

const (
	hostilePath   = "../testdata/hostile.json"
	realisticPath = "../testdata/realistic.json"
)

func loadData(tb testing.TB, path string) *report.Data {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return &d
}

func load(tb testing.TB, path string) *report.Report {
	tb.Helper()
	return report.New(loadData(tb, path), report.Options{})
}

func render(tb testing.TB, r *report.Report, opts markdown.Options) string {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, markdown.Write(&buf, r, opts))
	return buf.String()
}

// cellBoundaries counts the pipes GitHub's table parser (cmark-gfm) splits
// a row on: those not right after a backslash.
func cellBoundaries(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			n++
		}
	}
	return n
}

// assertWellFormed checks what must hold for any rendered comment: size,
// tables with one cell count each, <details> closed, nothing that renders
// as HTML or a dangerous link.
func assertWellFormed(t *testing.T, md string, max int) {
	t.Helper()
	assert.LessOrEqual(t, len(md), max, "size")
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); {
		if !strings.HasPrefix(lines[i], "|") {
			i++
			continue
		}
		want := cellBoundaries(lines[i])
		j := i
		for ; j < len(lines) && strings.HasPrefix(lines[j], "|"); j++ {
			assert.Equal(t, want, cellBoundaries(lines[j]), "line %d %q: cells differ from the table's header", j+1, lines[j])
		}
		assert.GreaterOrEqual(t, j-i, 3, "line %d: a table has a header, a rule and a row", i+1)
		i = j
	}
	assert.Equal(t, strings.Count(md, "<details>"), strings.Count(md, "</details>"), "details closed")
	lower := strings.ToLower(md)
	for _, bad := range []string{"<script", "<img", "<svg", "<b>", "</textarea", "](javascript:", "](data:", "\x1b", "\x00", "\u202e"} {
		assert.NotContains(t, lower, bad)
	}
	// The only HTML is ours.
	for _, l := range lines {
		if strings.Contains(l, "<") {
			ours := l == "<details>" || l == "</details>" ||
				(strings.HasPrefix(l, "<summary>All findings (") && strings.HasSuffix(l, ")</summary>") && strings.Count(l, "<") == 2)
			assert.True(t, ours, "line %q", l)
		}
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		data         func(t *testing.T) *report.Data
	}{
		{"hostile", "testdata/hostile.md", func(t *testing.T) *report.Data { return loadData(t, hostilePath) }},
		{"realistic", "testdata/realistic.md", func(t *testing.T) *report.Data { return loadData(t, realisticPath) }},
		{"no lifecycle", "testdata/no-lifecycle.md", func(t *testing.T) *report.Data {
			d := loadData(t, realisticPath)
			for i := range d.Findings {
				d.Findings[i].State = ""
			}
			return d
		}},
		{"all clear", "testdata/all-clear.md", func(t *testing.T) *report.Data {
			d := loadData(t, realisticPath)
			d.Findings = d.Findings[3:4] // the fixed secret
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, report.New(tc.data(t), report.Options{}), markdown.Options{})
			golden.Assert(t, tc.golden, []byte(got))
			assert.Equal(t, got, render(t, report.New(tc.data(t), report.Options{}), markdown.Options{}), "deterministic")
			assertWellFormed(t, got, markdown.DefaultMaxBytes)
		})
	}
}

func TestHostile(t *testing.T) {
	md := render(t, load(t, hostilePath), markdown.Options{})
	assertWellFormed(t, md, markdown.DefaultMaxBytes)
	for _, want := range []string{
		"### aspm: &lt;script&gt;alert\\('title'\\)&lt;/script&gt; \\| acme\n",
		"❌ **3 open findings** (1 critical, 2 high): 1 new, 1 past SLA.",
		"[example.com](https://example.com/a?b=%3Cc%3E)", // http link, encoded
		"javascript:alert\\(1\\)",                        // not a link
		"\\+cmd\\|' /C calc'\\!A0 \\[click\\]\\(javascript:alert\\(2\\)\\) \\*\\*bold\\*\\* \\`code\\`",
		"&lt;svg onload\\=alert\\(1\\)&gt; KEV listed",
		"\\| col \\| injection \\| \\|\\-\\-\\-\\|\\-\\-\\-\\|",
		"kubernetes:service\\_account:kube\\-system/&lt;superadmin&gt;",
		"\\{\\{.Secret\\}\\} \\$\\{jndi:ldap://evil\\} '; DROP TABLE findings; \\-\\-",
		"Title with  NUL,  BEL and OSC link",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "[click](")
	assert.NotContains(t, md, "**bold**")
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a|b", "a\\|b"},
		{"<script>", "&lt;script&gt;"},
		{"&amp;", "&amp;amp;"},
		{"[x](javascript:y)", "\\[x\\]\\(javascript:y\\)"},
		{"![img](http://x)", "\\!\\[img\\]\\(http://x\\)"},
		{"*em* _em_ ~~s~~", "\\*em\\* \\_em\\_ \\~\\~s\\~\\~"},
		{"`code`", "\\`code\\`"},
		{"# heading", "\\#\u200b heading"},
		{"- item", "\\- item"},
		{"+ item", "\\+ item"},
		{"1. item", "1\\. item"},
		{"v1.2", "v1\\.2"},
		{"end.", "end."},
		{"===", "\\=\\=\\="},
		{"@octocat", "@\u200boctocat"},
		{"fixes #123", "fixes \\#\u200b123"},
		{"$x$", "\\$x\\$"},
		{"a\\b", "a\\\\b"},
		{"line1\nline2", "line1 line2"},
		{"  padded  ", "padded"},
		{"\x1b[31mred\x1b[0m", "red"},
	} {
		assert.Equal(t, tc.want, markdown.Escape(tc.in), "%q", tc.in)
	}
}

func TestLinks(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"https://nvd.nist.gov/vuln/detail/CVE-2024-1", "[nvd.nist.gov](https://nvd.nist.gov/vuln/detail/CVE-2024-1)"},
		{"HTTP://Example.com/a b", "[Example.com](HTTP://Example.com/a%20b)"},
		{"https://x.example/a)](javascript:alert(1)", "[x.example](https://x.example/a%29%5D%28javascript:alert%281%29)"},
		{"https://x.example/|pipe", "[x.example](https://x.example/%7Cpipe)"},
		{"javascript:alert(1)", "javascript:alert\\(1\\)"},
		{"data:text/html,<b>", "data:text/html,&lt;b&gt;"},
		{"http:no-host", "http:no\\-host"},
		{" https://lead.example", "https://lead.example"},
	} {
		d := report.FromFindings([]findings.Finding{{ID: "x", Title: "t", Severity: findings.SeverityHigh, References: []string{tc.ref}}})
		md := render(t, report.New(d, report.Options{}), markdown.Options{})
		assert.Contains(t, md, "| "+tc.want+" |", "%q", tc.ref)
		assertWellFormed(t, md, markdown.DefaultMaxBytes)
	}
}

func TestVerdict(t *testing.T) {
	mk := func(sevs ...findings.Severity) *report.Report {
		var fs []findings.Finding
		for i, s := range sevs {
			fs = append(fs, findings.Finding{ID: fmt.Sprint(i), Severity: s})
		}
		return report.New(report.FromFindings(fs), report.Options{})
	}
	for _, tc := range []struct {
		name string
		r    *report.Report
		opts markdown.Options
		want string
	}{
		{"none", mk(), markdown.Options{}, "✅ **No open findings.**"},
		{"below", mk(findings.SeverityMedium), markdown.Options{}, "⚠️ **1 open finding** (1 medium)."},
		{"at", mk(findings.SeverityHigh, findings.SeverityLow), markdown.Options{}, "❌ **2 open findings** (1 high, 1 low)."},
		{"fail on medium", mk(findings.SeverityMedium), markdown.Options{FailOn: findings.SeverityMedium}, "❌ **1 open finding** (1 medium)."},
		{"unknown never fails", mk(findings.SeverityUnknown), markdown.Options{FailOn: findings.SeverityInfo}, "⚠️ **1 open finding** (1 unknown)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := render(t, tc.r, tc.opts)
			lines := strings.Split(md, "\n")
			require.Greater(t, len(lines), 2)
			assert.Equal(t, tc.want, lines[2])
		})
	}
}

func TestSizeLimit(t *testing.T) {
	r := synthetic(20_000)
	for _, max := range []int{markdown.MinMaxBytes, 3000, 4096, 10_000, 30_001, markdown.DefaultMaxBytes, 65_536} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			md := render(t, r, markdown.Options{MaxBytes: max})
			assertWellFormed(t, md, max)
			assert.Contains(t, md, "❌ **18000 open findings** (", "the verdict always fits")
			assert.Contains(t, md, "Parts of this report were left out")
			if max >= 30_000 {
				assert.Contains(t, md, "more findings not shown: a comment holds "+fmt.Sprint(max)+" bytes")
				assert.Contains(t, md, "</details>")
			}
		})
	}
	// The hostile fixture at every small size: escaped text is long.
	h := load(t, hostilePath)
	for max := markdown.MinMaxBytes; max <= 8000; max += 97 {
		assertWellFormed(t, render(t, h, markdown.Options{MaxBytes: max}), max)
	}
	// A huge title is cut.
	d := loadData(t, realisticPath)
	d.Title = strings.Repeat("<@#|", 10_000)
	md := render(t, report.New(d, report.Options{}), markdown.Options{MaxBytes: markdown.MinMaxBytes})
	assertWellFormed(t, md, markdown.MinMaxBytes)
}

func TestNewLimit(t *testing.T) {
	md := render(t, synthetic(100), markdown.Options{NewLimit: 3})
	assert.Contains(t, md, "#### Open findings (90)")
	assert.Contains(t, md, "_…and 87 more findings in the full list below._")
}

func TestInvalidOptions(t *testing.T) {
	r := load(t, realisticPath)
	for _, tc := range []struct {
		name   string
		opts   markdown.Options
		option string
	}{
		{"small", markdown.Options{MaxBytes: markdown.MinMaxBytes - 1}, "MaxBytes"},
		{"negative size", markdown.Options{MaxBytes: -1}, "MaxBytes"},
		{"severity", markdown.Options{FailOn: "bad"}, "FailOn"},
		{"unknown", markdown.Options{FailOn: findings.SeverityUnknown}, "FailOn"},
		{"new limit", markdown.Options{NewLimit: -1}, "NewLimit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := markdown.Write(&buf, r, tc.opts)
			assert.ErrorIs(t, err, markdown.ErrOptions)
			var oe *markdown.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.option, oe.Option)
			assert.True(t, strings.HasPrefix(err.Error(), "markdown: "), err.Error())
			assert.Zero(t, buf.Len())
		})
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrors(t *testing.T) {
	boom := errors.New("broken pipe")
	assert.ErrorIs(t, markdown.Write(failWriter{boom}, load(t, realisticPath), markdown.Options{}), boom)
	assert.Error(t, markdown.Write(&bytes.Buffer{}, nil, markdown.Options{}))
}

// TestCorpus renders what the decoders read from real scanner output.
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
			md := render(t, report.New(report.FromFindings(fs), report.Options{}), markdown.Options{MaxBytes: 8000})
			assertWellFormed(t, md, 8000)
		})
		rendered++
	}
	assert.Positive(t, rendered)
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a|b", "<script>", "[x](y)", "\\|", "@x #1", "\x1b[1m", "1. x", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := markdown.Escape(s)
		assert.Zero(t, cellBoundaries("x"+e), "no cell boundary")
		assert.NotContains(t, e, "<")
		assert.NotContains(t, e, "\n")
		assert.NotContains(t, e, "](")
	})
}

func FuzzWrite(f *testing.F) {
	f.Add("<script>", "a|b\nc", "javascript:x", "https://x/)|", "@o #1", "high", 2048)
	f.Add("[t](u)", "\x1b]8;;x\x07", "http://h/<>", "`", "\u202e", "x", 3000)
	f.Fuzz(func(t *testing.T, title, path, ref1, ref2, tool, sev string, max int) {
		max = markdown.MinMaxBytes + max&0x3fff
		var fs []findings.Finding
		for i := range 20 {
			fs = append(fs, findings.Finding{ID: fmt.Sprint(i), Title: title, RuleID: tool, Tool: findings.Tool{Name: tool},
				Severity: findings.Severity(sev), Location: findings.Location{Path: path}, References: []string{ref1, ref2}})
		}
		d := report.FromFindings(fs)
		d.Title = title
		d.Findings[0].Risk = &report.Risk{Score: 50, Priority: sev, Explanation: path}
		d.Findings[1].State = "new"
		var buf bytes.Buffer
		require.NoError(t, markdown.Write(&buf, report.New(d, report.Options{}), markdown.Options{MaxBytes: max}))
		assertWellFormed(t, buf.String(), max)
	})
}

func synthetic(n int) *report.Report {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	sevs := findings.Severities
	d := &report.Data{GeneratedAt: now, Findings: make([]report.Finding, n)}
	for i := range d.Findings {
		open := i%10 != 0
		d.Findings[i] = report.Finding{
			Finding: findings.Finding{
				ID: fmt.Sprintf("f%06d", i), Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"},
				RuleID: fmt.Sprintf("CVE-2024-%05d", i), Title: fmt.Sprintf("Vulnerability %d in package %d", i, i%500),
				Severity: sevs[i%len(sevs)], VulnerabilityIDs: []string{fmt.Sprintf("CVE-2024-%05d", i)},
				Package:    &findings.Package{Name: fmt.Sprintf("pkg%d", i%500), Version: "1.2.3"},
				Location:   findings.Location{Path: "package-lock.json"},
				References: []string{"https://example.com/advisory"},
			},
			Open: &open, FirstSeen: now.AddDate(0, 0, -i%400), LastSeen: now,
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
		if err := markdown.Write(&w, r, markdown.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "bytes/report")
}

func BenchmarkEscape(b *testing.B) {
	s := "Prototype pollution in @scope/pkg <1.2.3> [see #123] | *critical*"
	b.ReportAllocs()
	for b.Loop() {
		_ = markdown.Escape(s)
	}
}
