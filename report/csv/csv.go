package csv

import (
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// Column names a column of the output; its value is the header cell. It
// is a plain string, safe for concurrent use.
type Column string

// The columns, in their default order.
const (
	ColumnID                  Column = "id"                   // the finding's ID
	ColumnStatus              Column = "status"               // open, fixed or suppressed
	ColumnState               Column = "state"                // lifecycle state: new, unchanged, updated, fixed, reopened
	ColumnSeverity            Column = "severity"             // critical ... info, unknown
	ColumnPriority            Column = "priority"             // risk priority, P1 first
	ColumnScore               Column = "score"                // risk score
	ColumnKEV                 Column = "kev"                  // listed in CISA KEV
	ColumnEPSS                Column = "epss"                 // EPSS probability
	ColumnReachability        Column = "reachability"         // reachable, unreachable, unknown
	ColumnKind                Column = "kind"                 // sast, sca, secret, ...
	ColumnCategory            Column = "category"             // see report.CategoryOf
	ColumnTool                Column = "tool"                 // the scanner's name
	ColumnRuleID              Column = "rule_id"              // the check that fired
	ColumnTitle               Column = "title"                // one-line summary
	ColumnVulnerabilityIDs    Column = "vulnerability_ids"    // CVE and other IDs, primary first
	ColumnCWEs                Column = "cwes"                 // CWE-79, ...
	ColumnPackage             Column = "package"              // affected package name
	ColumnPackageVersion      Column = "package_version"      // installed version
	ColumnPURL                Column = "purl"                 // package URL
	ColumnFixedVersions       Column = "fixed_versions"       // versions that fix it
	ColumnLocation            Column = "location"             // file path, URL, logical location or image
	ColumnLine                Column = "line"                 // start line in the file
	ColumnAssets              Column = "assets"               // asset IDs
	ColumnSLADue              Column = "sla_due"              // remediation deadline
	ColumnSLABreached         Column = "sla_breached"         // deadline passed at the report's time
	ColumnFirstSeen           Column = "first_seen"           // lifecycle: first scan that saw it
	ColumnLastSeen            Column = "last_seen"            // lifecycle: last scan that saw it
	ColumnFixedAt             Column = "fixed_at"             // lifecycle: when it was fixed
	ColumnTriageStatus        Column = "triage_status"        // accepted_risk, false_positive, ...
	ColumnTriageJustification Column = "triage_justification" // the analyst's reason
	ColumnCluster             Column = "cluster"              // cross-tool cluster
	ColumnReferences          Column = "references"           // advisory URLs
	ColumnDescription         Column = "description"          // the tool's longer text
)

var defaultColumns = []Column{
	ColumnID, ColumnStatus, ColumnState, ColumnSeverity, ColumnPriority, ColumnScore, ColumnKEV, ColumnEPSS,
	ColumnReachability, ColumnKind, ColumnCategory, ColumnTool, ColumnRuleID, ColumnTitle, ColumnVulnerabilityIDs,
	ColumnCWEs, ColumnPackage, ColumnPackageVersion, ColumnPURL, ColumnFixedVersions, ColumnLocation, ColumnLine,
	ColumnAssets, ColumnSLADue, ColumnSLABreached, ColumnFirstSeen, ColumnLastSeen, ColumnFixedAt,
	ColumnTriageStatus, ColumnTriageJustification, ColumnCluster, ColumnReferences, ColumnDescription,
}

// DefaultColumns returns every column, in the order [Write] uses when
// [Options.Columns] is nil. The slice is a copy.
func DefaultColumns() []Column { return append([]Column(nil), defaultColumns...) }

// Valid reports whether c is one of the columns of [DefaultColumns].
func (c Column) Valid() bool {
	for _, d := range defaultColumns {
		if c == d {
			return true
		}
	}
	return false
}

// DefaultMaxCellRunes is the default of [Options.MaxCellRunes]: below the
// 32,767 characters a spreadsheet cell holds.
const DefaultMaxCellRunes = 32000

// Options tunes [Write]. The zero value writes every column, comma
// separated, with LF line ends. Options is a plain value, safe for
// concurrent use.
type Options struct {
	// Columns chooses the columns and their order; nil means
	// [DefaultColumns]. A column may not repeat.
	Columns []Column
	// Comma is the field delimiter; zero means ','. It may not be a
	// quote, CR, LF or U+FFFD.
	Comma rune
	// UseCRLF ends rows with CRLF, as RFC 4180 says, instead of LF.
	UseCRLF bool
	// MaxCellRunes cuts longer cells, ending them with "…"; zero means
	// [DefaultMaxCellRunes]. It may not be negative.
	MaxCellRunes int
}

func (o Options) columns() ([]Column, error) {
	if o.Columns == nil {
		return defaultColumns, nil
	}
	if len(o.Columns) == 0 {
		return nil, optionError("Columns", "", "no columns")
	}
	seen := make(map[Column]bool, len(o.Columns))
	for i, c := range o.Columns {
		name := "Columns[" + strconv.Itoa(i) + "]"
		if !c.Valid() {
			return nil, optionError(name, string(c), "unknown column")
		}
		if seen[c] {
			return nil, optionError(name, string(c), "repeated column")
		}
		seen[c] = true
	}
	return o.Columns, nil
}

// Write writes r as CSV to w: a header row, then one row per finding in
// r's display order (see the package documentation for the cleaning and
// formula neutralization of cells). Invalid options give an
// [*OptionError] before anything is written; a failing w gives its error,
// wrapped. Write does not modify r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return errors.New("csv: nil report")
	}
	cols, err := opts.columns()
	if err != nil {
		return err
	}
	comma := opts.Comma
	if comma == 0 {
		comma = ','
	}
	if comma == '"' || comma == '\r' || comma == '\n' || !utf8.ValidRune(comma) || comma == utf8.RuneError {
		return optionError("Comma", comma, "not a usable delimiter")
	}
	maxRunes := opts.MaxCellRunes
	switch {
	case maxRunes < 0:
		return optionError("MaxCellRunes", maxRunes, "negative")
	case maxRunes == 0:
		maxRunes = DefaultMaxCellRunes
	}

	cw := stdcsv.NewWriter(w)
	cw.Comma = comma
	cw.UseCRLF = opts.UseCRLF
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = string(c)
	}
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	now := r.Summary.GeneratedAt
	for i := range r.Findings {
		f := &r.Findings[i]
		for j, c := range cols {
			row[j] = Neutralize(clean(value(f, c, now), maxRunes))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("csv: write: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	return nil
}

// value is the raw text of column c for f, at the moment now.
func value(f *report.Finding, c Column, now time.Time) string {
	switch c {
	case ColumnID:
		return f.ID
	case ColumnStatus:
		switch {
		case !f.IsOpen():
			return "fixed"
		case f.Suppressed:
			return "suppressed"
		}
		return "open"
	case ColumnState:
		return f.State
	case ColumnSeverity:
		return string(f.Severity)
	case ColumnPriority:
		if f.Risk != nil {
			return f.Risk.Priority
		}
	case ColumnScore:
		if f.Risk != nil {
			return strconv.FormatFloat(f.Risk.Score, 'f', -1, 64)
		}
	case ColumnKEV:
		if f.Risk != nil {
			return strconv.FormatBool(f.Risk.KEV)
		}
	case ColumnEPSS:
		if f.Risk != nil && f.Risk.EPSS != 0 {
			return strconv.FormatFloat(f.Risk.EPSS, 'f', -1, 64)
		}
	case ColumnReachability:
		if f.Risk != nil && f.Risk.Reachability != "" {
			return f.Risk.Reachability
		}
		return string(f.Reachability)
	case ColumnKind:
		return string(f.Kind)
	case ColumnCategory:
		return report.CategoryOf(f.Kind)
	case ColumnTool:
		return f.Tool.Name
	case ColumnRuleID:
		return f.RuleID
	case ColumnTitle:
		return f.Title
	case ColumnVulnerabilityIDs:
		return strings.Join(f.VulnerabilityIDs, "; ")
	case ColumnCWEs:
		return strings.Join(f.CWEs, "; ")
	case ColumnPackage:
		if f.Package != nil {
			return f.Package.Name
		}
	case ColumnPackageVersion:
		if f.Package != nil {
			return f.Package.Version
		}
	case ColumnPURL:
		if f.Package != nil {
			return f.Package.PURL
		}
	case ColumnFixedVersions:
		if f.Package != nil {
			return strings.Join(f.Package.FixedVersions, "; ")
		}
	case ColumnLocation:
		return location(f.Location)
	case ColumnLine:
		if f.Location.Region != nil && f.Location.Region.StartLine > 0 {
			return strconv.Itoa(f.Location.Region.StartLine)
		}
	case ColumnAssets:
		return strings.Join(f.Assets, "; ")
	case ColumnSLADue:
		return timeText(f.SLADue)
	case ColumnSLABreached:
		if !f.SLADue.IsZero() || f.SLABreached {
			return strconv.FormatBool(f.SLABreached || (!now.IsZero() && f.SLADue.Before(now)))
		}
	case ColumnFirstSeen:
		return timeText(f.FirstSeen)
	case ColumnLastSeen:
		return timeText(f.LastSeen)
	case ColumnFixedAt:
		return timeText(f.FixedAt)
	case ColumnTriageStatus:
		return f.TriageStatus
	case ColumnTriageJustification:
		return f.TriageJustification
	case ColumnCluster:
		return f.Cluster
	case ColumnReferences:
		return strings.Join(f.References, "; ")
	case ColumnDescription:
		return f.Description
	}
	return ""
}

// location names where a finding is: a file path, a URL (with its method
// and parameter), a logical location, an image or a scan target.
func location(l findings.Location) string {
	switch {
	case l.Path != "":
		return l.Path
	case l.URL != "":
		s := l.URL
		if l.Method != "" {
			s = l.Method + " " + s
		}
		if l.Parameter != "" {
			s += " (" + l.Parameter + ")"
		}
		return s
	case l.LogicalLocation != "":
		return l.LogicalLocation
	case l.Image != "":
		return l.Image
	}
	return l.Target
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// clean makes s plain text with line feeds only (see the package
// documentation) of at most max runes.
func clean(s string, max int) string {
	if s == "" {
		return s
	}
	if isPlain(s) && utf8.RuneCountInString(s) <= max {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = report.Plain(l, 0)
	}
	s = strings.Join(lines, "\n")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// isPlain reports whether s is printable ASCII, which clean leaves as it
// is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Neutralize makes s safe as a spreadsheet cell against formula
// injection: when its first character, or its first character after
// leading white space, is one of = + - @ TAB CR (or the full-width
// ＝ ＋ － ＠), it returns s with a single quote in front. A value that
// itself starts with a single quote gets one more too, so the rule to
// get the original back is simple: remove one leading single quote if
// there is one. Anything else is returned as it is.
func Neutralize(s string) string {
	if strings.HasPrefix(s, "'") {
		return "'" + s
	}
	for _, r := range s {
		switch r {
		case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
			return "'" + s
		case ' ', '\n', '\u00a0', '\u3000', '\v', '\f':
			continue
		}
		return s
	}
	return s
}
