package html

import (
	"cmp"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// The findings go into the page as one JSON document in a
// <script type="application/json" id="aspm-data"> block:
//
//	{"cols": [...], "sev": [...], "kinds": [...], "tools": [...],
//	 "states": [...], "statuses": [...], "rows": [[...], ...]}
//
// Each row is an array in the order of cols; severity, kind, tool, state
// and status are indexes into their dictionaries, which keeps 100,000
// findings small and filtering fast. The encoder escapes <, > and & (and
// U+2028, U+2029), so no text in the data can end the block.

// The data block's tags.
const (
	dataOpen  = `<script type="application/json" id="aspm-data">` + "\n"
	dataClose = "</script>\n"
)

// Columns of a row, in order. app.js finds them by name.
var columns = []string{
	"id", "severity", "score", "priority", "title", "kind", "tool", "status", "state",
	"age_days", "location", "assets", "rule", "kev", "sla_due", "sla", "explanation",
	"description", "package", "vulnerability_ids", "cwes", "references", "triage",
}

// Statuses of a finding, in dictionary order.
var statuses = []string{"open", "fixed", "suppressed"}

// SLA standings, in the order of the sla column's values.
var slaStandings = []string{"", "on track", "due soon", "breached"}

// Limits on the text of one field, in characters.
const (
	titleLimit = 300
	fieldLimit = 1000
)

// dict numbers distinct strings in first-seen order.
type dict struct {
	keys  []string
	index map[string]int
}

func newDict(seed ...string) *dict {
	d := &dict{index: map[string]int{}}
	for _, s := range seed {
		d.id(s)
	}
	return d
}

func (d *dict) id(s string) int {
	if i, ok := d.index[s]; ok {
		return i
	}
	d.index[s] = len(d.keys)
	d.keys = append(d.keys, s)
	return len(d.keys) - 1
}

// sorted renumbers the dictionary in sorted order, keeping the first
// fixed entries in place, so the options a page lists do not depend on
// finding order.
func (d *dict) sorted(fixed int) {
	slices.Sort(d.keys[fixed:])
	for i, k := range d.keys {
		d.index[k] = i
	}
}

func writeData(w io.Writer, r *report.Report, rows []report.Finding, opts Options) error {
	sev := newDict(severityNames()...)
	kinds := newDict()
	tools := newDict()
	states := newDict("")
	for i := range rows {
		f := &rows[i]
		sev.id(severityOf(f))
		kinds.id(report.Plain(string(f.Kind), fieldLimit))
		tools.id(report.Plain(f.Tool.Name, fieldLimit))
		states.id(report.Plain(f.State, fieldLimit))
	}
	sev.sorted(len(findings.Severities))
	kinds.sorted(0)
	tools.sorted(0)
	states.sorted(1)

	if _, err := io.WriteString(w, dataOpen); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	head := struct {
		Cols     []string `json:"cols"`
		Sev      []string `json:"sev"`
		Kinds    []string `json:"kinds"`
		Tools    []string `json:"tools"`
		States   []string `json:"states"`
		Statuses []string `json:"statuses"`
		SLA      []string `json:"sla"`
	}{columns, sev.keys, kinds.keys, tools.keys, states.keys, statuses, slaStandings}
	b, err := json.Marshal(head) // escapes HTML by default
	if err != nil {
		return err
	}
	b[len(b)-1] = ',' // drop "}" to append the rows
	if _, err := w.Write(b); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\"rows\":[\n"); err != nil {
		return err
	}
	now := r.Summary.GeneratedAt
	row := make([]any, len(columns))
	for i := range rows {
		f := &rows[i]
		if i > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		fillRow(row, f, now, sev, kinds, tools, states, opts)
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "]}\n"+dataClose)
	return err
}

func severityOf(f *report.Finding) string {
	return report.Plain(string(cmp.Or(f.Severity, findings.SeverityUnknown)), fieldLimit)
}

func severityNames() []string {
	out := make([]string, len(findings.Severities))
	for i, s := range findings.Severities {
		out[i] = string(s)
	}
	return out
}

func fillRow(row []any, f *report.Finding, now time.Time, sev, kinds, tools, states *dict, opts Options) {
	var score any
	priority, explanation, kev := "", "", 0
	if f.Risk != nil {
		if !math.IsNaN(f.Risk.Score) && !math.IsInf(f.Risk.Score, 0) {
			score = math.Round(f.Risk.Score*10) / 10
		}
		priority = report.Plain(f.Risk.Priority, fieldLimit)
		explanation = report.Plain(f.Risk.Explanation, fieldLimit)
		if f.Risk.KEV {
			kev = 1
		}
	}
	status := 0
	switch {
	case !f.IsOpen():
		status = 1
	case f.Suppressed:
		status = 2
	}
	age := -1
	if !f.FirstSeen.IsZero() && !now.IsZero() && !now.Before(f.FirstSeen) {
		age = int(now.Sub(f.FirstSeen) / (24 * time.Hour))
	}
	due, sla := "", 0
	if !f.SLADue.IsZero() {
		due = f.SLADue.UTC().Format(time.DateOnly)
	}
	switch {
	case f.SLABreached || (!f.SLADue.IsZero() && !now.IsZero() && f.SLADue.Before(now)):
		sla = 3
	case f.SLADue.IsZero():
	case !now.IsZero() && f.SLADue.Sub(now) <= opts.dueSoon():
		sla = 2
	default:
		sla = 1
	}
	desc := ""
	if n := opts.descriptionLimit(); n > 0 {
		desc = report.Plain(f.Description, n)
	}
	pkg := ""
	if p := f.Package; p != nil {
		pkg = p.Name
		if p.Version != "" {
			pkg += "@" + p.Version
		}
		if len(p.FixedVersions) > 0 {
			pkg += " (fixed in " + strings.Join(p.FixedVersions, ", ") + ")"
		}
	}
	triage := f.TriageStatus
	if f.TriageJustification != "" {
		triage += ": " + f.TriageJustification
	}
	row[0] = report.Plain(f.ID, fieldLimit)
	row[1] = sev.id(severityOf(f))
	row[2] = score
	row[3] = priority
	row[4] = report.Plain(f.Title, titleLimit)
	row[5] = kinds.id(report.Plain(string(f.Kind), fieldLimit))
	row[6] = tools.id(report.Plain(f.Tool.Name, fieldLimit))
	row[7] = status
	row[8] = states.id(report.Plain(f.State, fieldLimit))
	row[9] = age
	row[10] = report.Plain(location(f.Location), fieldLimit)
	row[11] = report.Plain(strings.Join(f.Assets, ", "), fieldLimit)
	row[12] = report.Plain(f.RuleID, fieldLimit)
	row[13] = kev
	row[14] = due
	row[15] = sla
	row[16] = explanation
	row[17] = desc
	row[18] = report.Plain(pkg, fieldLimit)
	row[19] = report.Plain(strings.Join(f.VulnerabilityIDs, ", "), fieldLimit)
	row[20] = report.Plain(strings.Join(f.CWEs, ", "), fieldLimit)
	row[21] = report.Plain(strings.Join(f.References, " "), fieldLimit)
	row[22] = report.Plain(triage, fieldLimit)
}

// location says where a finding is in one line: a path with its line, a
// URL, an image, or a logical location.
func location(l findings.Location) string {
	switch {
	case l.Path != "":
		if l.Region != nil && l.Region.StartLine > 0 {
			return l.Path + ":" + strconv.Itoa(l.Region.StartLine)
		}
		return l.Path
	case l.URL != "":
		return strings.TrimSpace(l.Method + " " + l.URL)
	case l.Image != "":
		return l.Image
	case l.LogicalLocation != "":
		return l.LogicalLocation
	}
	return l.Target
}
