package html

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/report"
)

// view is what the page template shows. Every string in it is plain
// text: the template escapes it for its context.
type view struct {
	Title     string
	Generated string
	Version   string
	S         *report.Summary
	// Gate is "passed", "failed", or empty without a compliance
	// evaluation.
	Gate       string
	MTTR       string
	Charts     []chart
	TopRisks   []topRisk
	Frameworks []framework
	Controls   []control
	Gaps       []gap
	Severities []chip
	Embedded   int
	Omitted    int
}

type chip struct{ Name, Class string }

type topRisk struct {
	ID, Title, Severity, SevClass, Score, Priority, Explanation, Assets string
	KEV                                                                 bool
}

type framework struct {
	Name, Title, Rate              string
	Passed, Failed, Covered, Total int
}

type control struct {
	ID, Title, Status, StatusClass, Message string
	Gate                                    bool
}

type gap struct{ Asset, Kind, Missing string }

func newView(r *report.Report, embedded int, opts Options) *view {
	s := &r.Summary
	v := &view{
		Title:    report.Plain(s.Title, titleLimit),
		Version:  report.Plain(s.Version, fieldLimit),
		S:        s,
		Embedded: embedded,
		Omitted:  len(r.Findings) - embedded,
	}
	if v.Title == "" {
		v.Title = "Security report"
	}
	if !s.GeneratedAt.IsZero() {
		v.Generated = s.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	if c := s.Compliance; c != nil {
		v.Gate = "failed"
		if c.Passed {
			v.Gate = "passed"
		}
		for _, f := range c.Frameworks {
			v.Frameworks = append(v.Frameworks, framework{
				Name: report.Plain(f.Name, fieldLimit), Title: report.Plain(f.Title, fieldLimit),
				Rate: percent(f.PassRate), Passed: f.Passed, Failed: f.Failed, Covered: f.Covered, Total: f.Total,
			})
		}
		for _, c := range c.Controls {
			v.Controls = append(v.Controls, control{
				ID: report.Plain(c.ID, fieldLimit), Title: report.Plain(c.Title, fieldLimit),
				Status: report.Plain(c.Status, fieldLimit), StatusClass: statusClass(c.Status),
				Message: report.Plain(c.Message, fieldLimit), Gate: c.Gate,
			})
		}
	}
	for _, d := range s.MTTR {
		if d.Key == "all" {
			v.MTTR = hours(d.Hours)
		}
	}
	for _, t := range s.TopRisks {
		v.TopRisks = append(v.TopRisks, topRisk{
			ID: report.Plain(t.ID, fieldLimit), Title: report.Plain(t.Title, titleLimit),
			Severity: report.Plain(t.Severity, fieldLimit), SevClass: sevClass(t.Severity),
			Score: num(t.Score), Priority: report.Plain(t.Priority, fieldLimit), KEV: t.KEV,
			Explanation: report.Plain(t.Explanation, fieldLimit),
			Assets:      report.Plain(strings.Join(t.Assets, ", "), fieldLimit),
		})
	}
	for _, g := range s.CoverageGaps {
		v.Gaps = append(v.Gaps, gap{
			Asset: report.Plain(g.Asset, fieldLimit), Kind: report.Plain(g.Kind, fieldLimit),
			Missing: report.Plain(strings.Join(g.Missing, ", "), fieldLimit),
		})
	}
	for _, name := range severityNames() {
		v.Severities = append(v.Severities, chip{Name: name, Class: sevClass(name)})
	}
	v.Charts = charts(s, opts)
	return v
}

// sevClass is the CSS class of a severity; unknown values get the
// class of unknown.
func sevClass(s string) string {
	for _, name := range severityNames() {
		if s == name {
			return "sev-" + name
		}
	}
	return "sev-unknown"
}

func statusClass(s string) string {
	switch s {
	case "pass", "passed":
		return "ok"
	case "fail", "failed":
		return "bad"
	}
	return "neutral"
}

// num formats a number with at most one decimal; NaN and infinities
// become "–".
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// percent formats a rate in [0, 1] as a percentage.
func percent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return num(clamp01(f)*100) + "%"
}

func clamp01(f float64) float64 {
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	return min(f, 1)
}

// hours says a duration in hours the way people read it.
func hours(h float64) string {
	switch {
	case math.IsNaN(h) || math.IsInf(h, 0) || h < 0:
		return "–"
	case h < 48:
		return num(h) + " h"
	}
	return num(h/24) + " days"
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
