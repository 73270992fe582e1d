package markdown

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// Size limits. GitHub refuses a comment longer than 65,536 characters;
// a character is at least one byte, so a limit in bytes keeps below it.
const (
	// DefaultMaxBytes is the default of [Options.MaxBytes].
	DefaultMaxBytes = 60000
	// MinMaxBytes is the smallest [Options.MaxBytes] accepted: room for
	// the heading, the verdict and the notes that say what was left out.
	MinMaxBytes = 2048
	// DefaultNewLimit is the default of [Options.NewLimit].
	DefaultNewLimit = 50
)

// Lengths, in runes, at which cells are cut.
const (
	maxTitle       = 120
	maxLocation    = 80
	maxTool        = 40
	maxExplanation = 240
	maxHeading     = 100
	maxRefs        = 2
)

// ErrOptions is the cause of every error about [Options]; the chain holds
// an [*OptionError] with the details.
var ErrOptions = errors.New("markdown: invalid options")

// OptionError reports an option [Write] cannot use. Test for it with
// [errors.As], or for its cause with errors.Is(err, [ErrOptions]). It is
// a plain value, safe for concurrent reads.
type OptionError struct {
	// Option names the option, like "MaxBytes".
	Option string
	// Value is the offending value.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

func (e *OptionError) Error() string {
	return "markdown: invalid options: " + e.Option + " " + e.Value + ": " + e.Reason
}

// Unwrap returns [ErrOptions].
func (e *OptionError) Unwrap() error { return ErrOptions }

// Options tunes [Write]. The zero value fits a GitHub pull-request
// comment and fails the verdict on open findings of high severity or
// above. Options is a plain value, safe for concurrent use.
type Options struct {
	// MaxBytes bounds the output; zero means [DefaultMaxBytes]. It must
	// be at least [MinMaxBytes].
	MaxBytes int
	// FailOn is the lowest severity of an open finding that makes the
	// verdict a failure; zero means high. It must be critical, high,
	// medium, low or info.
	FailOn findings.Severity
	// NewLimit is how many findings "New in this change" lists at most;
	// zero means [DefaultNewLimit]. It may not be negative.
	NewLimit int
}

// Write writes r as a GitHub-flavored Markdown comment to w: a heading
// with a one-line verdict, the summary tables, the findings new in this
// change, the top risks and a collapsed list of every finding. The output
// never exceeds [Options.MaxBytes]: lists that do not fit are cut, with a
// note saying how many findings are not shown. Every text that comes from
// the findings goes through [Escape]; links are made only of http and
// https URLs.
//
// Invalid options give an [*OptionError] and nothing is written; a
// failing w gives its error, wrapped. Write does not modify r. The
// comment is built in memory (at most MaxBytes) and written at once.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return errors.New("markdown: nil report")
	}
	max := cmp.Or(opts.MaxBytes, DefaultMaxBytes)
	if max < MinMaxBytes {
		return &OptionError{Option: "MaxBytes", Value: strconv.Itoa(opts.MaxBytes), Reason: "below MinMaxBytes (" + strconv.Itoa(MinMaxBytes) + ")"}
	}
	failOn := cmp.Or(opts.FailOn, findings.SeverityHigh)
	if failOn.Rank() == 0 {
		return &OptionError{Option: "FailOn", Value: strconv.Quote(string(opts.FailOn)), Reason: "not a severity from critical to info"}
	}
	newLimit := opts.NewLimit
	switch {
	case newLimit < 0:
		return &OptionError{Option: "NewLimit", Value: strconv.Itoa(newLimit), Reason: "negative"}
	case newLimit == 0:
		newLimit = DefaultNewLimit
	}
	d := &doc{max: max, reserve: noteReserve}
	d.buf.Grow(min(max, 1<<16))
	writeHead(d, r, failOn)
	writeNew(d, r, newLimit)
	writeTopRisks(d, &r.Summary)
	writeAll(d, r)
	if d.cut {
		d.reserve = 0
		d.add("\n_Parts of this report were left out to keep it under " + strconv.Itoa(max) + " bytes._\n")
	}
	if _, err := w.Write(d.buf.Bytes()); err != nil {
		return fmt.Errorf("markdown: write: %w", err)
	}
	return nil
}

// Reserved room for notes, in bytes: the final note, and a section's
// "and N more" line.
const (
	noteReserve = 160
	moreReserve = 200
)

// doc is the comment being built: pieces are added only while they fit
// under max with reserve bytes left for what must still come.
type doc struct {
	buf     bytes.Buffer
	max     int
	reserve int
	cut     bool
}

// add appends s when it fits, and reports whether it did.
func (d *doc) add(s string) bool {
	if d.buf.Len()+len(s)+d.reserve > d.max {
		d.cut = true
		return false
	}
	d.buf.WriteString(s)
	return true
}

// table adds a table: the header and the first row go together, then
// rows while they fit. It returns how many rows it added; when not all,
// it adds the line more(omitted) under the table.
func (d *doc) table(intro string, header []string, n int, row func(i int) []string, more func(omitted int) string) int {
	d.reserve += moreReserve
	shown := 0
	head := intro + tableRow(header) + tableRule(len(header))
	for i := range n {
		s := tableRow(row(i))
		if shown == 0 {
			s = head + s
		}
		if !d.add(s) {
			break
		}
		shown++
	}
	d.reserve -= moreReserve
	if shown < n {
		if shown > 0 {
			d.add(more(n - shown))
		}
		d.cut = d.cut || shown == 0
	}
	return shown
}

func tableRow(cells []string) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" ")
		b.WriteString(c)
		b.WriteString(" |")
	}
	b.WriteString("\n")
	return b.String()
}

func tableRule(n int) string { return strings.Repeat("| --- ", n) + "|\n" }

// severityLabel capitalizes a known severity and escapes anything else.
func severityLabel(s string) string {
	if sev := findings.Severity(s); sev.Valid() {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return escape(s, 20)
}

func writeHead(d *doc, r *report.Report, failOn findings.Severity) {
	s := &r.Summary
	heading := "### aspm security report"
	if s.Title != "" {
		heading = "### aspm: " + escape(s.Title, maxHeading)
	}
	d.add(heading + "\n\n" + verdict(s, failOn) + "\n\n")

	// Severity counts: the five known severities always, then any other
	// key with open findings.
	keys := []string{"critical", "high", "medium", "low", "info"}
	for _, c := range s.BySeverity {
		if !slices.Contains(keys, c.Key) {
			keys = append(keys, c.Key)
		}
	}
	header := make([]string, len(keys))
	counts := make([]string, len(keys))
	for i, k := range keys {
		header[i] = severityLabel(k)
		counts[i] = "0"
		for _, c := range s.BySeverity {
			if c.Key == k {
				counts[i] = strconv.Itoa(c.Count)
			}
		}
	}
	d.add(tableRow(header) + tableRule(len(header)) + tableRow(counts) + "\n")
	d.add(tableRow([]string{"SLA breached", "Due soon", "On track", "No deadline"}) + tableRule(4) +
		tableRow([]string{strconv.Itoa(s.SLA.Breached), strconv.Itoa(s.SLA.DueSoon), strconv.Itoa(s.SLA.OnTrack), strconv.Itoa(s.SLA.NoDeadline)}) + "\n")
	d.add(fmt.Sprintf("%s: %d open (%d new, %d reopened), %d fixed, %d suppressed.\n", plural(s.Total, "finding"), s.Open, s.New, s.Reopened, s.Fixed, s.Suppressed))
	if c := s.Compliance; c != nil {
		line := "\nCompliance gate: ✅ passed"
		if !c.Passed {
			line = "\nCompliance gate: ❌ failed"
		}
		var fw []string
		for _, f := range c.Frameworks[:min(len(c.Frameworks), 5)] {
			fw = append(fw, escape(cmp.Or(f.Name, f.Title), 40)+" "+strconv.FormatFloat(f.PassRate*100, 'f', 0, 64)+"%")
		}
		if len(fw) > 0 {
			line += " (" + strings.Join(fw, ", ") + ")"
		}
		d.add(line + ".\n")
	}
}

// verdict is the one-line verdict.
func verdict(s *report.Summary, failOn findings.Severity) string {
	if s.Open == 0 {
		return "✅ **No open findings.**"
	}
	failing := false
	var parts []string
	for _, c := range s.BySeverity {
		if r := findings.Severity(c.Key).Rank(); r > 0 && r >= failOn.Rank() {
			failing = true
		}
		parts = append(parts, strconv.Itoa(c.Count)+" "+escape(c.Key, 20))
	}
	mark := "⚠️"
	if failing {
		mark = "❌"
	}
	v := mark + " **" + plural(s.Open, "open finding") + "** (" + strings.Join(parts, ", ") + ")"
	var extra []string
	if s.New > 0 {
		extra = append(extra, strconv.Itoa(s.New)+" new")
	}
	if s.Reopened > 0 {
		extra = append(extra, strconv.Itoa(s.Reopened)+" reopened")
	}
	if s.SLA.Breached > 0 {
		extra = append(extra, strconv.Itoa(s.SLA.Breached)+" past SLA")
	}
	if len(extra) > 0 {
		v += ": " + strings.Join(extra, ", ")
	}
	return v + "."
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// writeNew lists the active findings in state new or reopened, or every
// active finding when no finding has a lifecycle state.
func writeNew(d *doc, r *report.Report, limit int) {
	tracked := false
	for i := range r.Findings {
		if r.Findings[i].State != "" {
			tracked = true
			break
		}
	}
	var list []*report.Finding
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Active() && (!tracked || f.State == "new" || f.State == "reopened") {
			list = append(list, f)
		}
	}
	intro := "\n#### New in this change (" + strconv.Itoa(len(list)) + ")\n\n"
	if !tracked {
		intro = "\n#### Open findings (" + strconv.Itoa(len(list)) + ")\n\n_No lifecycle data: every open finding is listed._\n\n"
	}
	if len(list) == 0 {
		if tracked {
			d.add(intro + "Nothing new.\n")
		}
		return
	}
	n := min(len(list), limit)
	shown := d.table(intro, []string{"Severity", "Finding", "Location", "Tool", "References"}, n,
		func(i int) []string {
			f := list[i]
			return []string{severityLabel(string(cmp.Or(f.Severity, findings.SeverityUnknown))), findingCell(f),
				escape(location(f), maxLocation), escape(f.Tool.Name, maxTool), refs(f.References)}
		},
		func(omitted int) string {
			return "\n_…and " + plural(omitted, "more finding") + " not shown here._\n"
		})
	if shown == n && n < len(list) {
		d.add("\n_…and " + plural(len(list)-n, "more finding") + " in the full list below._\n")
	}
}

func findingCell(f *report.Finding) string {
	s := escape(cmp.Or(f.Title, f.RuleID, f.ID), maxTitle)
	if f.RuleID != "" && f.Title != "" {
		s += " (" + escape(f.RuleID, 60) + ")"
	}
	return s
}

func refs(rs []string) string {
	var out []string
	for _, r := range rs[:min(len(rs), maxRefs)] {
		out = append(out, link(r))
	}
	return strings.Join(out, ", ")
}

func writeTopRisks(d *doc, s *report.Summary) {
	if len(s.TopRisks) == 0 {
		return
	}
	d.table("\n#### Top risks\n\n", []string{"Score", "Priority", "Finding", "Why"}, len(s.TopRisks),
		func(i int) []string {
			t := s.TopRisks[i]
			prio := escape(t.Priority, 10)
			if t.KEV {
				prio = strings.TrimPrefix(prio+" · KEV", " · ")
			}
			return []string{strconv.FormatFloat(t.Score, 'f', -1, 64), prio,
				severityLabel(cmp.Or(t.Severity, "unknown")) + ": " + escape(cmp.Or(t.Title, t.ID), maxTitle),
				escape(t.Explanation, maxExplanation)}
		},
		func(omitted int) string {
			return "\n_…and " + plural(omitted, "more top risk") + " not shown here._\n"
		})
}

// writeAll lists every finding in a collapsed section, as many as fit.
func writeAll(d *doc, r *report.Report) {
	if len(r.Findings) == 0 {
		return
	}
	const closer = "\n</details>\n"
	d.reserve += len(closer)
	intro := "\n<details>\n<summary>All findings (" + strconv.Itoa(len(r.Findings)) + ")</summary>\n\n"
	now := r.Summary.GeneratedAt
	shown := d.table(intro, []string{"Severity", "Status", "Finding", "Location", "Tool", "SLA due"}, len(r.Findings),
		func(i int) []string {
			f := &r.Findings[i]
			return []string{severityLabel(string(cmp.Or(f.Severity, findings.SeverityUnknown))), status(f), findingCell(f),
				escape(location(f), maxLocation), escape(f.Tool.Name, maxTool), sla(f, now)}
		},
		func(omitted int) string {
			return "\n_…and " + plural(omitted, "more finding") + " not shown: a comment holds " +
				strconv.Itoa(d.max) + " bytes. The JSON, CSV and SARIF reports list them all._\n"
		})
	d.reserve -= len(closer)
	if shown > 0 {
		d.add(closer)
	}
}

func status(f *report.Finding) string {
	switch {
	case !f.IsOpen():
		return "fixed"
	case f.Suppressed:
		if f.TriageStatus != "" {
			return "suppressed (" + escape(f.TriageStatus, 30) + ")"
		}
		return "suppressed"
	case f.State != "":
		return escape(f.State, 20)
	}
	return "open"
}

func sla(f *report.Finding, now time.Time) string {
	if f.SLADue.IsZero() {
		return ""
	}
	s := f.SLADue.UTC().Format(time.DateOnly)
	if f.IsOpen() && (f.SLABreached || (!now.IsZero() && f.SLADue.Before(now))) {
		s += " ⚠️ breached"
	}
	return s
}

// location is where a finding is, in one line.
func location(f *report.Finding) string {
	l := f.Location
	switch {
	case l.Path != "":
		if l.Region != nil && l.Region.StartLine > 0 {
			return l.Path + ":" + strconv.Itoa(l.Region.StartLine)
		}
		if f.Package != nil && f.Package.Name != "" {
			return l.Path + " " + pkg(f.Package)
		}
		return l.Path
	case l.URL != "":
		return strings.TrimSpace(l.Method + " " + l.URL)
	case l.LogicalLocation != "":
		return l.LogicalLocation
	case l.Image != "":
		return l.Image
	case f.Package != nil && f.Package.Name != "":
		return pkg(f.Package)
	}
	return l.Target
}

func pkg(p *findings.Package) string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + "@" + p.Version
}
