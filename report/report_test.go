package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/report"
)

// hostile reads the shared hostile fixture: attacker-controlled text in
// every field a renderer shows.
func hostile(tb testing.TB) *report.Data {
	tb.Helper()
	b, err := os.ReadFile("testdata/hostile.json")
	require.NoError(tb, err)
	var d report.Data
	require.NoError(tb, json.Unmarshal(b, &d))
	return &d
}

func TestSummarize(t *testing.T) {
	s := report.Summarize(hostile(t), report.Options{})
	assert.Equal(t, 5, s.Total)
	assert.Equal(t, 3, s.Open, "h3 is fixed, h4 suppressed")
	assert.Equal(t, 1, s.Fixed)
	assert.Equal(t, 1, s.Suppressed)
	assert.Equal(t, 1, s.New)
	assert.Equal(t, []report.Count{{Key: "critical", Count: 1}, {Key: "high", Count: 2}}, s.BySeverity)
	assert.Equal(t, []report.Count{{Key: "P1", Count: 1}, {Key: "P2", Count: 2}}, s.ByPriority)
	assert.Equal(t, []report.Count{{Key: report.CategoryCodeVulnerabilities, Count: 1}, {Key: report.CategoryDependencyVulnerabilities, Count: 1}, {Key: report.CategoryAccess, Count: 1}}, s.ByCategory)
	assert.Equal(t, report.SLAStatus{Breached: 1, DueSoon: 1, NoDeadline: 1}, s.SLA)
	assert.Equal(t, []report.Count{{Key: "@acme/<team>", Count: 2}}, s.ByOwner)
	assert.Equal(t, []report.Count{{Key: "30-90 days", Count: 1}, {Key: "> 1 year", Count: 1}}, s.ByAge)
	require.Len(t, s.MTTR, 2)
	assert.Equal(t, report.MeanTime{Key: "all", Hours: 59 * 24, Count: 1}, s.MTTR[0])
	require.NotEmpty(t, s.TopRisks)
	assert.Equal(t, "h1", s.TopRisks[0].ID)
	require.NotEmpty(t, s.Ratings)
	assert.Equal(t, "", s.Ratings[0].Asset, "the whole first")
	assert.Equal(t, []report.CoverageGap{{Asset: "repository:github.com/acme/<shop>", Kind: "repository", Missing: []string{"sca", "secret"}}}, s.CoverageGaps)
	require.Len(t, s.Trend, 2)
	assert.Equal(t, 3, s.Trend[1].Open)
}

func TestSummarizeFindingsAlone(t *testing.T) {
	d := report.FromFindings([]findings.Finding{
		{ID: "a", Kind: findings.KindSCA, Tool: findings.Tool{Name: "grype"}, Severity: findings.SeverityHigh},
		{ID: "b", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, Severity: findings.SeverityLow},
	})
	s := report.Summarize(d, report.Options{})
	assert.Equal(t, 2, s.Open)
	assert.Empty(t, s.Ratings, "no scores, no ratings")
	assert.Equal(t, report.SLAStatus{NoDeadline: 2}, s.SLA)
	assert.True(t, s.GeneratedAt.IsZero())
}

func TestSummarizeClustersCountOnce(t *testing.T) {
	d := report.FromFindings([]findings.Finding{
		{ID: "a", Kind: findings.KindSCA, Tool: findings.Tool{Name: "grype"}, Severity: findings.SeverityHigh},
		{ID: "b", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, Severity: findings.SeverityHigh},
	})
	d.Findings[0].Cluster, d.Findings[1].Cluster = "c1", "c1"
	assert.Equal(t, 1, report.Summarize(d, report.Options{}).Open)
}

func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.New(hostile(t), report.Options{}).WriteJSON(&buf))
	golden.Assert(t, "testdata/hostile.report.json", buf.Bytes())
	assert.NotContains(t, buf.String(), "<script>", "HTML-significant characters are escaped in JSON too")
	var back struct {
		Version  string
		Summary  report.Summary
		Findings []report.Finding
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, report.Version, back.Version)
	assert.Len(t, back.Findings, 5)
	assert.Equal(t, "h1", back.Findings[0].ID, "open, critical first")
	assert.Equal(t, []string{"h3", "h4"}, []string{back.Findings[3].ID, back.Findings[4].ID}, "fixed and suppressed last")
}

func TestPlain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\tb\r\nc", "a b  c"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b]8;;http://evil\x07link\x1b]8;;\x07", "link"},
		{"nul\x00bel\x07", "nulbel"},
		{"\u202eevil\u202c", "evil"},
		{"bad\xffutf8", "badutf8"},
	} {
		assert.Equal(t, tc.want, report.Plain(tc.in, 0), "%q", tc.in)
	}
	assert.Equal(t, "abc…", report.Plain("abcdef", 3))
	assert.Equal(t, "abc", report.Plain("abc", 3))
}
