package html

import (
	"math"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// Charts are drawn here, in Go, as inline SVG: the template writes every
// label escaped and every coordinate as a number, and the page needs no
// charting script. See the package documentation for the measurements
// behind that choice.

// chart is one figure of the page. Exactly one of Bars, Line and Heat is
// set; Empty says why a chart has nothing to show.
type chart struct {
	ID, Title, Caption string
	Bars               *barChart
	Line               *lineChart
	Heat               *heatMap
}

// barChart is a horizontal bar chart.
type barChart struct {
	// X is where bars start, after the labels.
	X, W, H int
	Bars    []bar
}

type bar struct {
	Label, Full, Value string
	Y, TextY           int
	W, TrackW, ValueX  string
	Color              string
}

// lineChart is a line chart over snapshots.
type lineChart struct {
	W, H                   int
	Left, Right, Top, Base int
	Series                 []series
	YTicks                 []tick
	XTicks                 []tick
}

type series struct {
	Name, Color, Points string
	Dots                []dot
}

type dot struct{ X, Y, Title string }

type tick struct {
	Pos   string
	Label string
	// Anchor is the text-anchor of the label.
	Anchor string
}

// heatMap is a table of counts: assets by severity.
type heatMap struct {
	W, H    int
	LabelW  int
	Columns []heatColumn
	Rows    []heatRow
}

type heatColumn struct {
	Name, X string
}

type heatRow struct {
	Label, Full, Grade string
	Y, TextY           int
	Cells              []heatCell
}

type heatCell struct {
	X, TextX, Opacity, Color, Count, Title string
	Zero, Light                            bool
}

// Chart geometry, in SVG user units.
const (
	barLabelW = 170
	barMaxW   = 230
	barRowH   = 24
	chartW    = barLabelW + barMaxW + 80
)

var severityColors = map[string]string{
	"critical": "#9f1239", "high": "#dc2626", "medium": "#d97706", "low": "#2563eb", "info": "#64748b", "unknown": "#94a3b8",
}

var priorityColors = map[string]string{"P1": "#9f1239", "P2": "#dc2626", "P3": "#d97706", "P4": "#2563eb"}

const neutralColor = "#475569"

func charts(s *report.Summary, opts Options) []chart {
	return []chart{
		{ID: "chart-severity", Title: "Open findings by severity", Bars: bars(s.BySeverity, severityColors)},
		{ID: "chart-priority", Title: "Open findings by risk priority", Bars: bars(s.ByPriority, priorityColors),
			Caption: "Findings without a risk score have no priority."},
		{ID: "chart-category", Title: "Open findings by category", Bars: bars(s.ByCategory, nil)},
		{ID: "chart-age", Title: "Open findings by age", Bars: bars(s.ByAge, nil)},
		{ID: "chart-trend", Title: "Trend", Line: trend(s.Trend), Caption: "Open findings and SLA breaches per snapshot."},
		{ID: "chart-heat", Title: "Risk by asset", Heat: heat(s.Ratings, opts.heatMapAssets()),
			Caption: "Open scored findings per asset and severity, worst rated asset first; the letter is the posture grade."},
		{ID: "chart-compliance", Title: "Compliance pass rate by framework", Bars: passRates(s.Compliance)},
	}
}

// f1 formats an SVG coordinate.
func f1(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

func bars(counts []report.Count, colors map[string]string) *barChart {
	if len(counts) == 0 {
		return nil
	}
	most := 0
	for _, c := range counts {
		most = max(most, c.Count)
	}
	b := &barChart{X: barLabelW, W: chartW, H: len(counts)*barRowH + 8}
	for i, c := range counts {
		color := colors[c.Key]
		if color == "" {
			color = neutralColor
		}
		b.Bars = append(b.Bars, bar{
			Label: report.Plain(c.Key, 26), Full: report.Plain(c.Key, fieldLimit), Value: strconv.Itoa(c.Count),
			Y: 4 + i*barRowH, TextY: 4 + i*barRowH + 13,
			Color: color,
		})
		w := max(1, float64(c.Count)/float64(max(most, 1))*barMaxW)
		b.Bars[i].W, b.Bars[i].ValueX = f1(w), f1(barLabelW+w+6)
	}
	return b
}

func passRates(c *report.Compliance) *barChart {
	if c == nil || len(c.Frameworks) == 0 {
		return nil
	}
	b := &barChart{X: barLabelW, W: chartW, H: len(c.Frameworks)*barRowH + 8}
	for i, f := range c.Frameworks {
		name := f.Title
		if name == "" {
			name = f.Name
		}
		rate := clamp01(f.PassRate)
		color := "#16a34a"
		switch {
		case rate < 0.5:
			color = "#dc2626"
		case rate < 0.8:
			color = "#d97706"
		}
		b.Bars = append(b.Bars, bar{
			Label: report.Plain(name, 26), Full: report.Plain(name+" ("+f.Name+")", fieldLimit),
			Value: percent(f.PassRate) + " · " + strconv.Itoa(f.Passed) + "/" + strconv.Itoa(f.Passed+f.Failed),
			Y:     4 + i*barRowH, TextY: 4 + i*barRowH + 13,
			W: f1(rate * barMaxW), TrackW: f1(barMaxW), ValueX: f1(barLabelW + barMaxW + 6), Color: color,
		})
	}
	return b
}

func trend(snaps []report.Snapshot) *lineChart {
	if len(snaps) == 0 {
		return nil
	}
	l := &lineChart{W: chartW, H: 196, Left: 44, Right: chartW - 12, Top: 12, Base: 150}
	most := 1
	for _, s := range snaps {
		most = max(most, s.Open, s.Breached)
	}
	most = niceCeil(most)
	x := func(i int) float64 {
		if len(snaps) == 1 {
			return float64(l.Left+l.Right) / 2
		}
		return float64(l.Left) + float64(i)*float64(l.Right-l.Left)/float64(len(snaps)-1)
	}
	y := func(n int) float64 { return float64(l.Base) - float64(n)/float64(most)*float64(l.Base-l.Top) }
	for _, n := range []int{0, most / 2, most} {
		l.YTicks = append(l.YTicks, tick{Pos: f1(y(n)), Label: strconv.Itoa(n)})
	}
	idx := []int{0}
	if len(snaps) > 2 {
		idx = append(idx, (len(snaps)-1)/2)
	}
	if len(snaps) > 1 {
		idx = append(idx, len(snaps)-1)
	}
	for k, i := range idx {
		anchor := "middle"
		switch {
		case len(snaps) == 1:
		case k == 0:
			anchor = "start"
		case i == len(snaps)-1:
			anchor = "end"
		}
		l.XTicks = append(l.XTicks, tick{Pos: f1(x(i)), Label: day(snaps[i].At), Anchor: anchor})
	}
	for _, sr := range []struct {
		name, color string
		val         func(report.Snapshot) int
	}{
		{"open", "#2563eb", func(s report.Snapshot) int { return s.Open }},
		{"SLA breached", "#dc2626", func(s report.Snapshot) int { return s.Breached }},
	} {
		se := series{Name: sr.name, Color: sr.color}
		pts := make([]string, len(snaps))
		for i, s := range snaps {
			px, py := f1(x(i)), f1(y(sr.val(s)))
			pts[i] = px + "," + py
			se.Dots = append(se.Dots, dot{X: px, Y: py, Title: day(s.At) + ": " + strconv.Itoa(sr.val(s)) + " " + sr.name})
		}
		se.Points = strings.Join(pts, " ")
		l.Series = append(l.Series, se)
	}
	return l
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten.
func niceCeil(n int) int {
	p := 1
	for {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
		if p > math.MaxInt/20 {
			return n
		}
		p *= 10
	}
}

// Heat map geometry.
const (
	heatLabelW = 200
	heatCellW  = 52
	heatRowH   = 24
	heatGradeW = 28
)

func heat(ratings []report.Rating, limit int) *heatMap {
	var rows []report.Rating
	for _, r := range ratings {
		if r.Asset != "" {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	rows = rows[:min(len(rows), limit)]
	// Columns: the four main severities, and info or unknown when used.
	var cols []string
	most := 0
	for _, s := range findings.Severities {
		used := false
		for _, r := range rows {
			if n := r.Severities[string(s)]; n > 0 {
				used = true
				most = max(most, n)
			}
		}
		if used || s.Rank() >= findings.SeverityLow.Rank() {
			cols = append(cols, string(s))
		}
	}
	h := &heatMap{LabelW: heatLabelW, W: heatLabelW + heatGradeW + len(cols)*heatCellW + 4, H: 22 + len(rows)*heatRowH}
	for j, c := range cols {
		h.Columns = append(h.Columns, heatColumn{Name: c, X: f1(heatLabelW + heatGradeW + float64(j)*heatCellW + heatCellW/2)})
	}
	for i, r := range rows {
		name := r.Name
		if name == "" {
			name = r.Asset
		}
		y := 20 + i*heatRowH
		hr := heatRow{Label: report.Plain(name, 22), Full: report.Plain(r.Asset, fieldLimit),
			Grade: report.Plain(r.Grade, 2), Y: y, TextY: y + 15}
		for j, c := range cols {
			n := r.Severities[c]
			x := float64(heatLabelW + heatGradeW + j*heatCellW)
			cell := heatCell{X: f1(x + 1), TextX: f1(x + heatCellW/2), Color: severityColors[c], Count: strconv.Itoa(n),
				Title: hr.Full + ": " + strconv.Itoa(n) + " " + c, Zero: n == 0, Opacity: "1"}
			if n > 0 {
				o := 0.25 + 0.75*float64(n)/float64(max(most, 1))
				cell.Opacity, cell.Light = f1(o), o >= 0.55
			}
			hr.Cells = append(hr.Cells, cell)
		}
		h.Rows = append(h.Rows, hr)
	}
	return h
}
