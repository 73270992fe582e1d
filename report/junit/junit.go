package junit

import (
	"cmp"
	"encoding/xml"
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

// ErrOptions is the cause of every error about [Options]; the chain holds
// an [*OptionError] with the details.
var ErrOptions = errors.New("junit: invalid options")

// OptionError reports an option [Write] cannot use. Test for it with
// [errors.As], or for its cause with errors.Is(err, [ErrOptions]). It is
// a plain value, safe for concurrent reads.
type OptionError struct {
	// Option names the option, like "FailOn".
	Option string
	// Value is the offending value.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

func (e *OptionError) Error() string {
	return "junit: invalid options: " + e.Option + " " + strconv.Quote(e.Value) + ": " + e.Reason
}

// Unwrap returns [ErrOptions].
func (e *OptionError) Unwrap() error { return ErrOptions }

// Group is how [Write] groups test cases into test suites. It is a plain
// string, safe for concurrent use.
type Group string

// The groupings.
const (
	// GroupByTool makes a test suite per tool, sorted by name; a finding
	// without a tool name goes to "unknown tool".
	GroupByTool Group = "tool"
	// GroupByCategory makes a test suite per category (see
	// [report.CategoryOf]), in the order code vulnerabilities, dependency
	// vulnerabilities, misconfigurations, secrets, access, policy, other.
	GroupByCategory Group = "category"
)

// Options tunes [Write]. The zero value fails on open findings of high
// severity or above and groups by tool. Options is a plain value, safe
// for concurrent use.
type Options struct {
	// FailOn is the lowest severity of an open finding that fails; zero
	// means high. It must be critical, high, medium, low or info.
	FailOn findings.Severity
	// FailStates, when set, limits failures to open findings in these
	// lifecycle states ("new", "reopened" for a CI gate that fails only on
	// what a change introduced); the others at or above FailOn pass.
	FailStates []string
	// GroupBy chooses the test suites; zero means [GroupByTool].
	GroupBy Group
	// Name is the name of the <testsuites> element; empty means "aspm",
	// followed by the report's title when it has one.
	Name string
}

// Limits on the length, in runes, of what a test case shows.
const (
	maxName = 300
	maxText = 4000
)

var categories = []string{
	report.CategoryCodeVulnerabilities, report.CategoryDependencyVulnerabilities, report.CategoryMisconfigurations,
	report.CategorySecrets, report.CategoryAccess, report.CategoryPolicy, report.CategoryOther,
}

type testcase struct {
	XMLName   xml.Name `xml:"testcase"`
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	File      string   `xml:"file,attr,omitempty"`
	Line      int      `xml:"line,attr,omitempty"`
	Time      string   `xml:"time,attr"`
	Failure   *failure `xml:"failure,omitempty"`
	Skipped   *skipped `xml:"skipped,omitempty"`
}

type failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type skipped struct {
	Message string `xml:"message,attr"`
}

type suite struct {
	name                   string
	cases                  []int
	failures, skippedCount int
}

type outcome int

const (
	pass outcome = iota
	fail
	skip
)

// failRule decides which open findings fail: at or above a severity rank,
// and in one of states when there are any.
type failRule struct {
	rank   int
	states []string
}

func outcomeOf(f *report.Finding, r failRule) outcome {
	switch {
	case !f.IsOpen() || f.Suppressed:
		return skip
	case f.Severity.Rank() > 0 && f.Severity.Rank() >= r.rank && (len(r.states) == 0 || slices.Contains(r.states, f.State)):
		return fail
	}
	return pass
}

// Write writes r as a JUnit XML document to w (see the package
// documentation for the mapping). Invalid options give an [*OptionError]
// before anything is written; a failing w gives its error, wrapped.
// Write does not modify r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return errors.New("junit: nil report")
	}
	failOn := cmp.Or(opts.FailOn, findings.SeverityHigh)
	rule := failRule{rank: failOn.Rank(), states: opts.FailStates}
	if failOn.Rank() == 0 {
		return &OptionError{Option: "FailOn", Value: string(opts.FailOn), Reason: "not a severity from critical to info"}
	}
	group := cmp.Or(opts.GroupBy, GroupByTool)
	if group != GroupByTool && group != GroupByCategory {
		return &OptionError{Option: "GroupBy", Value: string(opts.GroupBy), Reason: "not tool or category"}
	}
	name := opts.Name
	if name == "" {
		name = "aspm"
		if r.Summary.Title != "" {
			name += ": " + r.Summary.Title
		}
	}

	// First pass: group and count, so every suite's counts come before
	// its test cases.
	index := map[string]*suite{}
	var suites []*suite
	var failures, skips int
	for i := range r.Findings {
		f := &r.Findings[i]
		key := f.Tool.Name
		if group == GroupByCategory {
			key = report.CategoryOf(f.Kind)
		} else if strings.TrimSpace(key) == "" {
			key = "unknown tool"
		}
		s := index[key]
		if s == nil {
			s = &suite{name: key}
			index[key] = s
			suites = append(suites, s)
		}
		s.cases = append(s.cases, i)
		switch outcomeOf(f, rule) {
		case fail:
			s.failures++
			failures++
		case skip:
			s.skippedCount++
			skips++
		}
	}
	if group == GroupByCategory {
		slices.SortFunc(suites, func(a, b *suite) int {
			return cmp.Compare(slices.Index(categories, a.name), slices.Index(categories, b.name))
		})
	} else {
		slices.SortFunc(suites, func(a, b *suite) int { return strings.Compare(a.name, b.name) })
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: write: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		attr("name", line(name, maxName)),
		attr("tests", strconv.Itoa(len(r.Findings))),
		attr("failures", strconv.Itoa(failures)),
		attr("errors", "0"),
		attr("skipped", strconv.Itoa(skips)),
		attr("time", "0"),
	}}
	if err := enc.EncodeToken(root); err != nil {
		return fmt.Errorf("junit: write: %w", err)
	}
	var timestamp string
	if t := r.Summary.GeneratedAt; !t.IsZero() {
		timestamp = t.UTC().Format("2006-01-02T15:04:05")
	}
	now := r.Summary.GeneratedAt
	for _, s := range suites {
		start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: []xml.Attr{
			attr("name", line(s.name, maxName)),
			attr("tests", strconv.Itoa(len(s.cases))),
			attr("failures", strconv.Itoa(s.failures)),
			attr("errors", "0"),
			attr("skipped", strconv.Itoa(s.skippedCount)),
			attr("time", "0"),
		}}
		if timestamp != "" {
			start.Attr = append(start.Attr, attr("timestamp", timestamp))
		}
		if err := enc.EncodeToken(start); err != nil {
			return fmt.Errorf("junit: write: %w", err)
		}
		for _, i := range s.cases {
			if err := enc.Encode(testcaseOf(&r.Findings[i], rule, now)); err != nil {
				return fmt.Errorf("junit: write: %w", err)
			}
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return fmt.Errorf("junit: write: %w", err)
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return fmt.Errorf("junit: write: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("junit: write: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: write: %w", err)
	}
	return nil
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }

func testcaseOf(f *report.Finding, rule failRule, now time.Time) testcase {
	sev := string(cmp.Or(f.Severity, findings.SeverityUnknown))
	title := cmp.Or(line(f.Title, maxName), line(f.RuleID, maxName), line(f.ID, maxName))
	where := location(f)
	name := "[" + sev + "] " + title
	if where != "" {
		name += " (" + where + ")"
	}
	tc := testcase{
		Name:      line(name, maxName),
		Classname: line(cmp.Or(line(f.Tool.Name, maxName), "unknown tool")+"."+line(cmp.Or(f.RuleID, string(f.Kind)), maxName), maxName),
		File:      line(f.Location.Path, maxName),
		Time:      "0",
	}
	if f.Location.Path != "" && f.Location.Region != nil && f.Location.Region.StartLine > 0 {
		tc.Line = f.Location.Region.StartLine
	}
	switch outcomeOf(f, rule) {
	case fail:
		tc.Failure = &failure{Message: line(title, maxName), Type: sev, Text: details(f, now)}
	case skip:
		msg := "fixed"
		if f.IsOpen() {
			msg = "suppressed"
			if f.TriageStatus != "" {
				msg += ": " + f.TriageStatus
			}
			if f.TriageJustification != "" {
				msg += ": " + f.TriageJustification
			}
		} else if !f.FixedAt.IsZero() {
			msg += " " + f.FixedAt.UTC().Format(time.DateOnly)
		}
		tc.Skipped = &skipped{Message: line(msg, maxName)}
	}
	return tc
}

// location is where a finding is, in one line.
func location(f *report.Finding) string {
	l := f.Location
	switch {
	case l.Path != "":
		if l.Region != nil && l.Region.StartLine > 0 {
			return l.Path + ":" + strconv.Itoa(l.Region.StartLine)
		}
		return l.Path
	case l.URL != "":
		return strings.TrimSpace(l.Method + " " + l.URL)
	case l.LogicalLocation != "":
		return l.LogicalLocation
	case l.Image != "":
		return l.Image
	case f.Package != nil && f.Package.Name != "":
		return f.Package.Name + "@" + f.Package.Version
	}
	return l.Target
}

// details is the text of a failure: what, where, how risky and why.
func details(f *report.Finding, now time.Time) string {
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(line(v, maxName))
			b.WriteByte('\n')
		}
	}
	field("Severity", string(f.Severity))
	if r := f.Risk; r != nil {
		s := strconv.FormatFloat(r.Score, 'f', -1, 64)
		if r.Priority != "" {
			s += " " + r.Priority
		}
		if r.KEV {
			s += ", in CISA KEV"
		}
		if r.EPSS > 0 {
			s += ", EPSS " + strconv.FormatFloat(r.EPSS, 'f', -1, 64)
		}
		if r.Reachability != "" {
			s += ", " + r.Reachability
		}
		field("Risk", s)
		field("Why", r.Explanation)
	}
	field("Tool", f.Tool.Name)
	field("Rule", f.RuleID)
	field("Kind", string(f.Kind))
	field("Location", location(f))
	if p := f.Package; p != nil {
		field("Package", strings.TrimSuffix(p.Name+"@"+p.Version, "@"))
		field("Fixed in", strings.Join(p.FixedVersions, ", "))
	}
	field("IDs", strings.Join(f.VulnerabilityIDs, ", "))
	field("CWEs", strings.Join(f.CWEs, ", "))
	field("Assets", strings.Join(f.Assets, ", "))
	field("State", f.State)
	if !f.SLADue.IsZero() {
		s := f.SLADue.UTC().Format(time.DateOnly)
		if f.SLABreached || (!now.IsZero() && f.SLADue.Before(now)) {
			s += " (breached)"
		}
		field("SLA due", s)
	}
	if !f.FirstSeen.IsZero() {
		field("First seen", f.FirstSeen.UTC().Format(time.DateOnly))
	}
	field("Finding ID", f.ID)
	for _, ref := range f.References {
		field("Reference", ref)
	}
	if f.Description != "" {
		b.WriteString("\n")
		b.WriteString(text(f.Description, maxText))
		b.WriteByte('\n')
	}
	return b.String()
}

// line makes s one line of XML-safe text of at most max runes, without
// leading or trailing blanks.
func line(s string, max int) string {
	return xmlSafe(strings.TrimSpace(report.Plain(s, max)))
}

// text makes s XML-safe text of at most max runes, keeping its lines.
func text(s string, max int) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	n := 0
	for i, l := range lines {
		if n >= max {
			lines = append(lines[:i], "…")
			break
		}
		l = report.Plain(l, max-n)
		n += len([]rune(l)) + 1
		lines[i] = l
	}
	return xmlSafe(strings.TrimRight(strings.Join(lines, "\n"), "\n "))
}

// xmlSafe removes what XML 1.0 does not allow and report.Plain keeps:
// the noncharacters U+FFFE and U+FFFF.
func xmlSafe(s string) string {
	if !strings.ContainsAny(s, "\uFFFE\uFFFF") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\uFFFE' || r == '\uFFFF' {
			return -1
		}
		return r
	}, s)
}
