package html_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
)

func render(tb testing.TB, d *report.Data, opts html.Options) string {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, html.Write(&buf, report.New(d, report.Options{}), opts))
	return buf.String()
}

// between returns the text between the first open after from and the
// next close.
func between(tb testing.TB, s, open, close string) string {
	tb.Helper()
	i := strings.Index(s, open)
	require.GreaterOrEqual(tb, i, 0, "missing %q", open)
	s = s[i+len(open):]
	j := strings.Index(s, close)
	require.GreaterOrEqual(tb, j, 0, "missing %q", close)
	return s[:j]
}

// pageData decodes the findings data block of a page.
type pageData struct {
	Cols   []string `json:"cols"`
	Sev    []string `json:"sev"`
	Tools  []string `json:"tools"`
	Kinds  []string `json:"kinds"`
	States []string `json:"states"`
	Rows   [][]any  `json:"rows"`
}

func decodeData(tb testing.TB, page string) pageData {
	tb.Helper()
	var d pageData
	require.NoError(tb, json.Unmarshal([]byte(between(tb, page, `<script type="application/json" id="aspm-data">`, "</script>")), &d))
	return d
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		data *report.Data
	}{
		{"hostile", hostile(t)},
		{"realistic", synthetic(40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden.Assert(t, "testdata/"+tc.name+".html", []byte(render(t, tc.data, html.Options{})))
		})
	}
}

func TestHostileNeutralized(t *testing.T) {
	page := render(t, hostile(t), html.Options{})
	lower := strings.ToLower(page)
	assert.Equal(t, 2, strings.Count(lower, "<script"), "the data block and the page's own script, nothing else")
	assert.Equal(t, 2, strings.Count(lower, "</script"))
	// Markup in the data is text: no tag of it survives. (Its words stay,
	// escaped: "&lt;img src=x onerror=...".)
	for _, bad := range []string{"<img", "<svg onload", "<b>", "</textarea>", "<iframe", "<a ", "href="} {
		assert.False(t, strings.Contains(lower, bad), "page contains %q", bad)
	}
	for _, r := range []rune{0, 0x07, 0x1b, 0x202e, 0x202c, '\r'} {
		assert.False(t, strings.Contains(page, string(r)), "control %U", r)
	}
	assert.True(t, utf8.ValidString(page))
	assert.Contains(t, page, "<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; | acme</title>", "escaped title")
	assert.Contains(t, page, `\u003cscript\u003ealert(document.domain)\u003c/script\u003e`, "escaped in the data block")
}

func TestContentSecurityPolicy(t *testing.T) {
	page := render(t, synthetic(10), html.Options{})
	csp := html.ContentSecurityPolicy()
	assert.Contains(t, page, `<meta http-equiv="Content-Security-Policy" content="`+csp+`">`)
	assert.Contains(t, csp, "default-src 'none'")
	assert.NotContains(t, csp, "unsafe")
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	script := between(t, page[strings.LastIndex(page, "<script>"):], "<script>", "</script>")
	style := between(t, page, "<style>", "</style>")
	assert.Contains(t, csp, "script-src "+hash(script)+";", "the hash covers the script as written")
	assert.Contains(t, csp, "style-src "+hash(style)+";", "the hash covers the style as written")
	assert.NotContains(t, page, " style=", "no inline style attribute (the policy would block it)")
	assert.NotContains(t, script, "innerHTML")
	assert.NotContains(t, script, "insertAdjacentHTML")
	assert.NotContains(t, script, "eval(")
}

func TestRoundTrip(t *testing.T) {
	d := synthetic(300)
	r := report.New(d, report.Options{})
	var buf bytes.Buffer
	require.NoError(t, html.Write(&buf, r, html.Options{}))
	pd := decodeData(t, buf.String())
	require.Len(t, pd.Rows, len(r.Findings))
	col := map[string]int{}
	for i, c := range pd.Cols {
		col[c] = i
	}
	for i, row := range pd.Rows {
		f := r.Findings[i]
		require.Len(t, row, len(pd.Cols))
		assert.Equal(t, f.ID, row[col["id"]], "display order")
		assert.Equal(t, f.Title, row[col["title"]])
		assert.Equal(t, string(f.Severity), pd.Sev[int(row[col["severity"]].(float64))])
		assert.Equal(t, f.Tool.Name, pd.Tools[int(row[col["tool"]].(float64))])
		assert.Equal(t, string(f.Kind), pd.Kinds[int(row[col["kind"]].(float64))])
		assert.Equal(t, f.State, pd.States[int(row[col["state"]].(float64))])
		if f.Risk != nil {
			assert.InDelta(t, f.Risk.Score, row[col["score"]], 0.05)
		} else {
			assert.Nil(t, row[col["score"]])
		}
	}
}

func TestOptions(t *testing.T) {
	d := hostile(t)
	for _, tc := range []struct {
		name    string
		opts    html.Options
		rows    int
		omitted bool
		desc    string
	}{
		{"zero", html.Options{}, 5, false, "line1  line2 red evil"},
		{"cap", html.Options{MaxFindings: 2}, 2, true, "line1  line2 red evil"},
		{"cap above total", html.Options{MaxFindings: 50}, 5, false, "line1  line2 red evil"},
		{"none", html.Options{MaxFindings: -1}, 0, true, ""},
		{"short descriptions", html.Options{DescriptionLimit: 4}, 5, false, "line…"},
		{"no descriptions", html.Options{DescriptionLimit: -1}, 5, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := render(t, d, tc.opts)
			pd := decodeData(t, page)
			require.Len(t, pd.Rows, tc.rows)
			assert.Equal(t, tc.omitted, strings.Contains(page, `id="omitted"`))
			if tc.rows > 0 {
				assert.Equal(t, tc.desc, pd.Rows[0][17])
			}
		})
	}
}

func TestHeatMapAssets(t *testing.T) {
	d := synthetic(500)
	count := func(opts html.Options) int {
		heat := between(t, render(t, d, opts), `id="chart-heat"`, "</figure>")
		return strings.Count(heat, `class="grade"`)
	}
	assert.Equal(t, 12, count(html.Options{}), "all twelve assets under the default of 20")
	assert.Equal(t, 3, count(html.Options{HeatMapAssets: 3}))
}

func TestSections(t *testing.T) {
	t.Run("findings alone", func(t *testing.T) {
		page := render(t, report.FromFindings([]findings.Finding{{ID: "a", Kind: findings.KindSAST, Title: "x", Severity: findings.SeverityHigh}}), html.Options{})
		assert.NotContains(t, page, `id="gate"`)
		assert.NotContains(t, page, `id="compliance"`)
		assert.NotContains(t, page, `id="coverage"`)
		assert.NotContains(t, page, `id="top-risks"`)
		assert.Contains(t, page, "<title>Security report</title>")
		assert.Contains(t, between(t, page, `id="chart-heat"`, "</figure>"), "No data.")
		assert.Len(t, decodeData(t, page).Rows, 1)
	})
	t.Run("everything", func(t *testing.T) {
		page := render(t, synthetic(100), html.Options{})
		for _, id := range []string{`id="gate"`, `id="compliance"`, `id="coverage"`, `id="top-risks"`, `id="chart-trend"`, "<polyline"} {
			assert.Contains(t, page, id)
		}
		assert.Contains(t, page, "Compliance gate: failed")
	})
	t.Run("odd numbers", func(t *testing.T) {
		d := synthetic(20)
		d.Findings[0].Risk = &report.Risk{Score: math.NaN(), Priority: "P1"}
		d.Findings[1].Risk = &report.Risk{Score: math.Inf(1), Priority: "P1"}
		d.Compliance.Frameworks[0].PassRate = math.NaN()
		d.Compliance.Frameworks[1].PassRate = 7
		d.Findings[2].Severity = "<bogus>"
		var buf bytes.Buffer
		require.NoError(t, html.Write(&buf, report.New(d, report.Options{}), html.Options{}))
		assert.NotContains(t, buf.String(), "NaN")
		assert.Contains(t, decodeData(t, buf.String()).Sev, "<bogus>")
	})
}

func TestDeterministic(t *testing.T) {
	r := report.New(synthetic(500), report.Options{})
	outs := make([][]byte, 4)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			var buf bytes.Buffer
			assert.NoError(t, html.Write(&buf, r, html.Options{}))
			outs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i := 1; i < len(outs); i++ {
		assert.True(t, bytes.Equal(outs[0], outs[i]), "write %d differs", i)
	}
}

type failingWriter struct{ after int }

var errDisk = errors.New("disk full")

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.after <= 0 {
		return 0, errDisk
	}
	w.after -= len(b)
	return len(b), nil
}

func TestErrors(t *testing.T) {
	assert.ErrorIs(t, html.Write(io.Discard, nil, html.Options{}), html.ErrNilReport)
	r := report.New(synthetic(3000), report.Options{})
	for _, after := range []int{0, 100 << 10, 400 << 10} {
		err := html.Write(&failingWriter{after: after}, r, html.Options{})
		require.Error(t, err, "after %d bytes", after)
		assert.ErrorIs(t, err, html.ErrWrite)
		assert.ErrorIs(t, err, errDisk)
		assert.NotErrorIs(t, err, html.ErrTemplate)
	}
}

// FuzzWrite puts arbitrary text into every field a page shows and checks
// that it never changes the page's markup: the number of tags is the
// same as with harmless text, there is no script but the page's two, and
// the output is valid UTF-8.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"", "x", "<script>alert(1)</script>", "</script><script>", "\x1b[31m", "\u202e", "\xff\xfe",
		"<!--", "]]>", "{{.}}", `"'&`, "\u2028", "</style>", "<svg onload=alert(1)>"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		mk := func(a, b string) *report.Data {
			d := &report.Data{Title: a, Findings: []report.Finding{{
				Finding: findings.Finding{ID: a, Kind: findings.Kind(b), Tool: findings.Tool{Name: a}, RuleID: b, Title: a,
					Description: b, Severity: findings.SeverityHigh, Location: findings.Location{Path: a},
					References: []string{b}, VulnerabilityIDs: []string{a}, Package: &findings.Package{Name: b}},
				State: b, TriageStatus: a, Risk: &report.Risk{Score: 50, Priority: "P2", Explanation: b}, Assets: []string{a},
			}},
				Assets:     []report.Asset{{ID: a, Kind: "repository", Name: b, Owner: a}},
				Compliance: &report.Compliance{Frameworks: []report.ComplianceFramework{{Name: a, Title: b, PassRate: 0.5}}, Controls: []report.ComplianceControl{{ID: a, Title: b, Status: a, Message: b}}},
			}
			return d
		}
		harmless := func(s string) string {
			switch {
			case report.Plain(s, 0) == "":
				return s
			case strings.TrimSpace(report.Plain(s, 0)) == "":
				return " "
			}
			return "x"
		}
		var got, want bytes.Buffer
		if err := html.Write(&got, report.New(mk(a, b), report.Options{}), html.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := html.Write(&want, report.New(mk(harmless(a), harmless(b)), report.Options{}), html.Options{}); err != nil {
			t.Fatal(err)
		}
		page := got.String()
		if !utf8.ValidString(page) {
			t.Fatal("invalid UTF-8")
		}
		if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
			t.Fatalf("%d script tags", n)
		}
		if g, w := strings.Count(page, "<"), strings.Count(want.String(), "<"); g != w {
			t.Fatalf("%d tags, want %d", g, w)
		}
		var pd pageData
		if err := json.Unmarshal([]byte(between(t, page, `id="aspm-data">`, "</script>")), &pd); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkWrite100k renders 100,000 findings; it reports the page size
// as page-bytes.
func BenchmarkWrite100k(b *testing.B) {
	r := report.New(synthetic(100_000), report.Options{})
	var n countingWriter
	require.NoError(b, html.Write(&n, r, html.Options{}))
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := html.Write(io.Discard, r, html.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "page-bytes")
}

type countingWriter int

func (c *countingWriter) Write(b []byte) (int, error) {
	*c += countingWriter(len(b))
	return len(b), nil
}
