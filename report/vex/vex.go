package vex

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/internal/jsonw"
)

// Format is a document format [Write] writes. It is a plain value, safe
// for concurrent use.
type Format int

// The formats.
const (
	// CycloneDXVDR is a CycloneDX 1.6 vulnerability disclosure report:
	// every vulnerability finding, its ratings, the components it
	// affects and, where there is one, its analysis (the zero value).
	CycloneDXVDR Format = iota
	// CycloneDXVEX is a CycloneDX 1.6 VEX document: only the
	// vulnerabilities with an analysis, naming affected packages by
	// package URL, without components.
	CycloneDXVEX
	// OpenVEX is an OpenVEX 0.2.0 document: one statement per
	// vulnerability and package.
	OpenVEX
)

// String returns "cyclonedx-vdr", "cyclonedx-vex" or "openvex".
func (f Format) String() string {
	switch f {
	case CycloneDXVDR:
		return "cyclonedx-vdr"
	case CycloneDXVEX:
		return "cyclonedx-vex"
	case OpenVEX:
		return "openvex"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// DefaultAuthor is the OpenVEX author written when [Options.Author] is
// empty (the spec requires one; this is vexctl's default too).
const DefaultAuthor = "Unknown Author"

// Options tunes [Write]. The zero value is valid: a CycloneDX VDR, its
// serial number derived from its content, its timestamp the report's.
// Options is a plain value, safe to share between concurrent calls.
type Options struct {
	// Format is the document format; CycloneDXVDR is the zero value.
	Format Format
	// ID identifies the document: the OpenVEX @id (an IRI), or the
	// CycloneDX serialNumber ("urn:uuid:" and a lower-case UUID). Empty
	// derives one from the document's content ("urn:uuid:" and a name-based
	// UUID), so that the same report gives the same ID.
	ID string
	// Author is the OpenVEX author, [DefaultAuthor] when empty; Role its
	// role.
	Author string
	Role   string
	// Timestamp is when the document was made. Zero means the report's
	// Data.GeneratedAt, else its summary's (the newest LastSeen).
	// OpenVEX requires one: without any, Write fails with
	// [ErrNoTimestamp].
	Timestamp time.Time
	// ToolVersion is aspm's version, written with the tool.
	ToolVersion string
}

// Sentinel errors, tested with [errors.Is].
var (
	// ErrNilReport: Write was given no report.
	ErrNilReport = errors.New("vex: nil report")
	// ErrInvalidOptions: an option is out of range; the chain holds an
	// [*OptionError].
	ErrInvalidOptions = errors.New("vex: invalid options")
	// ErrNoTimestamp: an OpenVEX document needs a timestamp and neither
	// the options nor the report give one.
	ErrNoTimestamp = errors.New("vex: no timestamp")
	// ErrInvalidFinding: a finding cannot be rendered; the chain holds a
	// [*FindingError].
	ErrInvalidFinding = errors.New("vex: invalid finding")
	// ErrWrite: the writer failed; the chain holds its error.
	ErrWrite = errors.New("vex: write failed")
)

// OptionError reports an invalid option. It is a plain value, safe for
// concurrent reads.
type OptionError struct {
	// Field names the option ("Format", "ID").
	Field string
	// Value is the value given.
	Value string
	// Err is the cause; it wraps [ErrInvalidOptions].
	Err error
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%v: %s %q", e.Err, e.Field, e.Value)
}

// Unwrap returns the cause.
func (e *OptionError) Unwrap() error { return e.Err }

// FindingError reports a finding that cannot be rendered. It is a plain
// value, safe for concurrent reads.
type FindingError struct {
	// Index is the finding's position in [report.Report.Findings].
	Index int
	// ID is the finding's ID (may be empty: that may be the problem).
	ID string
	// Field names the offending field.
	Field string
	// Err is the cause; it wraps [ErrInvalidFinding].
	Err error
}

func (e *FindingError) Error() string {
	return fmt.Sprintf("%v: findings[%d] (id %q): %s", e.Err, e.Index, e.ID, e.Field)
}

// Unwrap returns the cause.
func (e *FindingError) Unwrap() error { return e.Err }

var serialPattern = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Write writes r in the format of opts (see the package documentation
// for the mapping). The same report and options always give the same
// bytes. Write only reads r: it may run concurrently with other readers
// of r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return ErrNilReport
	}
	if opts.Format < CycloneDXVDR || opts.Format > OpenVEX {
		return &OptionError{Field: "Format", Value: opts.Format.String(), Err: ErrInvalidOptions}
	}
	if opts.ID != "" && opts.Format != OpenVEX && !serialPattern.MatchString(opts.ID) {
		return &OptionError{Field: "ID", Value: opts.ID, Err: fmt.Errorf("%w: a CycloneDX serial number is urn:uuid: and a lower-case UUID", ErrInvalidOptions)}
	}
	for i := range r.Findings {
		if r.Findings[i].ID == "" {
			return &FindingError{Index: i, Field: "id", Err: fmt.Errorf("%w: empty id", ErrInvalidFinding)}
		}
	}
	ts := opts.Timestamp
	if ts.IsZero() && r.Data != nil {
		ts = r.Data.GeneratedAt
	}
	if ts.IsZero() {
		ts = r.Summary.GeneratedAt
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &encoder{jsonw.Writer{W: bw}}
	var err error
	if opts.Format == OpenVEX {
		if ts.IsZero() {
			return ErrNoTimestamp
		}
		err = writeOpenVEX(e, r, opts, ts)
	} else {
		writeCycloneDX(e, r, opts, ts)
	}
	if err != nil {
		return err
	}
	if e.Err == nil {
		e.Err = bw.Flush()
	}
	if e.Err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, e.Err)
	}
	return nil
}

// encoder writes the document: JSON values indented to their depth, the
// first error remembered.
type encoder struct{ jsonw.Writer }

// field writes `"name": value` at depth 1 after a comma and newline.
func (e *encoder) field(name string, v any) {
	e.Str(",\n  \"" + name + "\": ")
	e.Value("  ", v)
}

// representatives returns the findings to write, in display order: one
// per cluster (else ID), the first, with the IDs of the others.
func representatives(fs []report.Finding) []entry {
	seen := map[string]int{}
	var out []entry
	for i := range fs {
		f := &fs[i]
		key := "id\x00" + f.ID
		if f.Cluster != "" {
			key = "cluster\x00" + f.Cluster
		}
		if j, ok := seen[key]; ok {
			if f.ID != out[j].f.ID {
				out[j].dups = appendUnique(out[j].dups, f.ID)
			}
			continue
		}
		seen[key] = len(out)
		out = append(out, entry{f: f})
	}
	return out
}

type entry struct {
	f    *report.Finding
	dups []string
}

func appendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// vulnID is the finding's primary vulnerability ID: its first
// vulnerability ID, else the rule ID of a dependency finding; "" when it
// is not about a known vulnerability.
func vulnID(f *report.Finding) string {
	for _, v := range f.VulnerabilityIDs {
		if v = plainLine(v); v != "" {
			return v
		}
	}
	if f.Kind == findings.KindSCA || f.Kind == findings.KindContainer {
		return plainLine(f.RuleID)
	}
	return ""
}

// aliases are the finding's other vulnerability IDs.
func aliases(f *report.Finding, primary string) []string {
	var out []string
	for _, v := range f.VulnerabilityIDs {
		if v = plainLine(v); v != "" && v != primary {
			out = appendUnique(out, v)
		}
	}
	return out
}

// formatTime writes t in UTC, RFC 3339.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// fixAdvice says which versions fix the finding's package, if known.
func fixAdvice(f *report.Finding) string {
	if f.Package == nil || len(f.Package.FixedVersions) == 0 {
		return ""
	}
	var vs []string
	for _, v := range f.Package.FixedVersions {
		if v = plainLine(v); v != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return ""
	}
	name := cmp.Or(plainLine(f.Package.Name), "the package")
	return "Update " + name + " to " + strings.Join(vs, " or ") + "."
}
